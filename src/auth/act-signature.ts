// The signing side of vouched acts (the verifying side, and the bytes signed, are in
// workflows/vouch.ts). Corridor's API signs every update it sends with its own key; each
// country's journal consumer signs the events of its own system's journal with that country's
// key. Only the workflow worker holds the public keys, so a Temporal client alone cannot record
// an act, and Togo's key cannot vouch for an act at a Burkina office.
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { actMessage, eventMessage, type Vouch } from '../../workflows/vouch.ts';
import type { NationalEvent } from '../../workflows/model.ts';

/** An Ed25519 key: the 32-byte seed of RFC 8032, as CORRIDOR_ACT_SIGNING_KEY and the key files hold it. */
export const ACT_KEY_BYTES = 32;

// PKCS#8 DER header of an Ed25519 private key, followed by its 32-byte seed (RFC 8410).
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

export function privateKeyOf(seed: Uint8Array): KeyObject {
  if (seed.length !== ACT_KEY_BYTES) throw new Error(`an act signing key is ${ACT_KEY_BYTES} bytes, not ${seed.length}`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
}

/** The public key (32 bytes) of a seed: what the workflow worker needs to verify. */
export function publicKeyOf(seed: Uint8Array): Buffer {
  return Buffer.from(createPublicKey(privateKeyOf(seed)).export({ format: 'der', type: 'spki' }).subarray(-ACT_KEY_BYTES));
}

export class ActSigner {
  private readonly key: KeyObject;

  /** `by`: `corridor` for the API, a country code for that country's journal consumer. */
  constructor(
    readonly by: string,
    seed: Uint8Array,
  ) {
    this.key = privateKeyOf(seed);
  }

  /** Vouches for one update: this input, to this movement, under this update name and id. */
  vouchAct(args: { mrn: string; update: string; updateId: string; input: object }, now = new Date()): Vouch {
    const at = now.toISOString();
    const message = actMessage({ ...args, input: args.input as Record<string, unknown>, at });
    return { by: this.by, at, sig: sign(null, message, this.key).toString('hex') };
  }

  /** Vouches for one event of this country's journal. */
  vouchEvent(event: NationalEvent, now = new Date()): Vouch {
    const at = now.toISOString();
    return { by: this.by, at, sig: sign(null, eventMessage(event, this.by, at), this.key).toString('hex') };
  }
}
