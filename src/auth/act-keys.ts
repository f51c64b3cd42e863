// Where each party's act key comes from. A deployment sets them (CORRIDOR_ACT_SIGNING_KEY on the
// API, CORRIDOR_NATIONAL_XX_ACT_KEY on each country's worker, CORRIDOR_ACT_PUBLIC_KEYS on the
// workflow worker). On one machine (`npm start`, the tests) nothing is set and every process
// finds the same keys in `<data>/act-keys/`, created on first use like the other local secrets.
import path from 'node:path';
import type { Config, CountryCode } from '../config/env.ts';
import { vouchers } from '../config/env.ts';
import { loadOrCreateLocalKey } from '../cli/local-secrets.ts';
import { API_VOUCHER } from '../../workflows/vouch.ts';
import { ActSigner, publicKeyOf } from './act-signature.ts';

function localKey(config: Pick<Config, 'dataDir'>, voucher: string): Buffer {
  return loadOrCreateLocalKey(path.join(config.dataDir, 'act-keys', `${voucher}.key`));
}

/** The API's signer, for every act keyed in Corridor. */
export function apiSigner(config: Pick<Config, 'dataDir' | 'vouching'>): ActSigner {
  return new ActSigner(API_VOUCHER, config.vouching.signingKey ?? localKey(config, API_VOUCHER));
}

/** A country's journal consumer's signer; throws when this process does not serve the country. */
export function countrySigner(config: Pick<Config, 'dataDir' | 'national'>, country: CountryCode): ActSigner {
  return new ActSigner(country, config.national[country].actKey ?? localKey(config, country));
}

/** The public key of every party that vouches, as the workflow worker writes them into the bundle (hex). */
export function vouchPublicKeys(config: Pick<Config, 'dataDir' | 'vouching'>): Record<string, string> {
  const configured = config.vouching.publicKeys;
  return Object.fromEntries(vouchers.map((voucher) => [voucher, (configured?.[voucher] ?? publicKeyOf(localKey(config, voucher))).toString('hex')]));
}
