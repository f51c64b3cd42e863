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
    // Histories written before encryption was switched on stay readable.
    if (!encoding || text.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
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
