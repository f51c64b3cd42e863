// Encrypts every payload Corridor hands to Temporal (declarations hold traders' commercial
// data), so the Temporal server and its database only ever store ciphertext. It runs in the
// client and the worker's main thread, never inside the workflow sandbox.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
// @temporalio/proto is CommonJS: its namespaces come through the default export.
import proto from '@temporalio/proto';
import type { KeyRing } from './keys.ts';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

/** The encoding Temporal's tools recognise as "encrypted, ask a codec". */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = new TextEncoder();
const text = new TextDecoder();

/**
 * What a payload in clear decodes to with a key ring: a marker, not its content. Not an error:
 * the codec runs on the whole workflow activation, and an error there fails the workflow task
 * again and again, so one forged signal would jam a movement for good. The marker instead reaches
 * the workflow as a value that is no act: an update carrying it has no vouch and is refused by
 * its validator (nothing enters history), a signal carrying it is ignored.
 */
export const CLEAR_PAYLOAD_REFUSED = { corridorRefused: 'PAYLOAD_IN_CLEAR' } as const;
const REFUSED_CLEAR_PAYLOAD: Payload = {
  metadata: { encoding: utf8.encode('json/plain') },
  data: utf8.encode(JSON.stringify(CLEAR_PAYLOAD_REFUSED)),
};

export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly ring: KeyRing) {}

  get activeKeyId(): string {
    return this.ring.active.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const key = this.ring.active;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.secret, nonce);
    cipher.setAAD(associatedData(key.id));
    const plain = PayloadMessage.encode(payload).finish();
    const sealed = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(key.id) },
      data: new Uint8Array(sealed),
    };
  }

  private decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.encoding;
    // With a key ring every payload Corridor writes is encrypted: one in clear was written by a
    // Temporal client without Corridor's codec (an act forged from the command line), and is
    // refused rather than read: the workflow gets the refusal marker in its place (see below).
    // Histories written before encryption was switched on are refused the same way: switch it on
    // with no movement running, or let those finish first.
    if (!encoding || text.decode(encoding) !== ENCRYPTED_ENCODING) return REFUSED_CLEAR_PAYLOAD;
    const rawId = payload.metadata?.[KEY_ID_METADATA];
    if (!rawId) throw new PayloadDecryptionError('an encrypted payload carries no key id');
    const id = text.decode(rawId);
    const key = this.ring.byId.get(id);
    if (!key) {
      throw new PayloadDecryptionError(
        `a payload is encrypted with key "${id}", which is not in CORRIDOR_CODEC_KEYS here (it holds ${[...this.ring.byId.keys()].join(', ')})`,
      );
    }
    const sealed = Buffer.from(payload.data ?? new Uint8Array());
    if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`an encrypted payload (key "${id}") is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key.secret, sealed.subarray(0, NONCE_BYTES));
    decipher.setAAD(associatedData(id));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`an encrypted payload (key "${id}") failed authentication: altered, or encrypted with another key of that id`);
    }
    const decoded = PayloadMessage.decode(plain);
    return { metadata: decoded.metadata ?? {}, data: decoded.data ?? new Uint8Array() };
  }
}

// Binding the key id into the ciphertext: relabelling a payload with another id fails.
function associatedData(keyId: string): Uint8Array {
  return utf8.encode(`corridor-payload/v1:${keyId}`);
}
