// `npx tsx src/auth/act-keys-cli.ts`: a fresh set of act keys for a deployment, as the lines to
// give each process: the API's key, each country's consumer key (to that country's worker only),
// and the public keys for the workflow worker.
import { randomBytes } from 'node:crypto';
import { vouchers } from '../config/env.ts';
import { publicKeyOf } from './act-signature.ts';

const seeds = Object.fromEntries(vouchers.map((voucher) => [voucher, randomBytes(32)]));
const variable = (voucher: string) => (voucher === 'corridor' ? 'CORRIDOR_ACT_SIGNING_KEY' : `CORRIDOR_NATIONAL_${voucher}_ACT_KEY`);
for (const voucher of vouchers) process.stdout.write(`${variable(voucher)}=${seeds[voucher]!.toString('base64')}\n`);
process.stdout.write(`CORRIDOR_ACT_PUBLIC_KEYS=${vouchers.map((voucher) => `${voucher}:${publicKeyOf(seeds[voucher]!).toString('base64')}`).join(',')}\n`);
