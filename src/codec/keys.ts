// The codec's key ring, from CORRIDOR_CODEC_KEYS: `id:base64,id:base64,…`. The first key
// encrypts; every key in the ring decrypts, so a key is rotated by putting a new one first
// and keeping the old ones until no retained history still needs them.
import { randomBytes } from 'node:crypto';

export const KEY_BYTES = 32;
const ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface CodecKey {
  id: string;
  secret: Buffer;
}

export interface KeyRing {
  /** Encrypts every new payload. */
  active: CodecKey;
  /** Every key that may decrypt, the active one included. */
  byId: ReadonlyMap<string, CodecKey>;
}

export class InvalidKeyRing extends Error {
  override name = 'InvalidKeyRing';
}

/** Throws InvalidKeyRing with a reason that never quotes key material. */
export function parseKeyRing(value: string): KeyRing {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new InvalidKeyRing('expected at least one key as id:base64');
  const byId = new Map<string, CodecKey>();
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    if (colon < 0) throw new InvalidKeyRing(`key ${index + 1} is not written id:base64`);
    const id = entry.slice(0, colon);
    if (!ID.test(id)) throw new InvalidKeyRing(`key ${index + 1}: the id must be 1–64 letters, digits, dot, dash or underscore`);
    const encoded = entry.slice(colon + 1);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new InvalidKeyRing(`key "${id}" is not base64`);
    const secret = Buffer.from(encoded, 'base64');
    if (secret.length !== KEY_BYTES) throw new InvalidKeyRing(`key "${id}" is ${secret.length} bytes, expected ${KEY_BYTES} (AES-256)`);
    if (byId.has(id)) throw new InvalidKeyRing(`key id "${id}" appears twice`);
    byId.set(id, { id, secret });
  }
  return { active: byId.values().next().value!, byId };
}

/** One new ring entry, `id:base64`, ready to put first in CORRIDOR_CODEC_KEYS. */
export function generateKeyEntry(id: string): string {
  if (!ID.test(id)) throw new InvalidKeyRing('the id must be 1–64 letters, digits, dot, dash or underscore');
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}
