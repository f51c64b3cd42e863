// The payload codec on its own: what it writes is ciphertext bound to a key id, a rotated
// ring still reads what older keys wrote, and any alteration is refused rather than misread.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { CLEAR_PAYLOAD_REFUSED, EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadDecryptionError } from '../../src/codec/encryption-codec.ts';
import { generateKeyEntry, InvalidKeyRing, parseKeyRing } from '../../src/codec/keys.ts';
import { ConfigError, loadConfig } from '../../src/config/env.ts';

const declaration = {
  lrn: 'GTC-26-LFW-004187',
  declarant: { tin: '1000164587', name: 'Golfe Transit et Consignation SARL' },
  goodsItems: [{ hsCode: '100630', description: 'Riz blanchi long grain, 5 % de brisures', valueXof: 7200000 }],
};

const toPayload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const fromPayload = (payload: Payload): unknown => defaultPayloadConverter.fromPayload(payload);
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('latin1');

describe('payload codec', () => {
  const k1 = generateKeyEntry('k2026a');
  const k2 = generateKeyEntry('k2026b');

  it('encrypts: the stored bytes hold none of the declaration, and decrypt back to it', async () => {
    const codec = new EncryptionCodec(parseKeyRing(k1));
    const [encoded] = await codec.encode([toPayload(declaration)]);
    assert.equal(text(encoded!.metadata!.encoding), ENCRYPTED_ENCODING);
    assert.equal(text(encoded!.metadata![KEY_ID_METADATA]), 'k2026a');
    for (const field of ['GTC-26-LFW-004187', 'Golfe Transit', 'Riz blanchi', '1000164587', 'json/plain']) {
      assert.ok(!text(encoded!.data).includes(field), `"${field}" must not appear in the ciphertext`);
      assert.ok(!Object.values(encoded!.metadata!).some((v) => text(v).includes(field)), `"${field}" must not appear in the metadata`);
    }
    const [decoded] = await codec.decode([encoded!]);
    assert.deepEqual(fromPayload(decoded!), declaration);
  });

  it('uses a fresh nonce: the same payload twice gives two different ciphertexts', async () => {
    const codec = new EncryptionCodec(parseKeyRing(k1));
    const [a, b] = await codec.encode([toPayload(declaration), toPayload(declaration)]);
    assert.notDeepEqual(Buffer.from(a!.data!), Buffer.from(b!.data!));
  });

  it('rotation: the new first key encrypts, the old key still decrypts what it wrote', async () => {
    const before = new EncryptionCodec(parseKeyRing(k1));
    const [old] = await before.encode([toPayload(declaration)]);

    const rotated = new EncryptionCodec(parseKeyRing(`${k2},${k1}`));
    assert.equal(rotated.activeKeyId, 'k2026b');
    const [fresh] = await rotated.encode([toPayload(declaration)]);
    assert.equal(text(fresh!.metadata![KEY_ID_METADATA]), 'k2026b');
    const [oldDecoded, freshDecoded] = await rotated.decode([old!, fresh!]);
    assert.deepEqual(fromPayload(oldDecoded!), declaration);
    assert.deepEqual(fromPayload(freshDecoded!), declaration);

    // A process that was not given the new key cannot read what it encrypted, and says why.
    await assert.rejects(before.decode([fresh!]), (error: unknown) => error instanceof PayloadDecryptionError && /k2026b/.test(error.message));
  });

  it('the wrong key under the same id cannot read, and says so instead of returning garbage', async () => {
    const [encoded] = await new EncryptionCodec(parseKeyRing(k1)).encode([toPayload(declaration)]);
    const impostor = new EncryptionCodec(parseKeyRing(generateKeyEntry('k2026a')));
    await assert.rejects(impostor.decode([encoded!]), PayloadDecryptionError);
  });

  it('tampering fails: a flipped bit in the nonce, the ciphertext or the tag, or a relabelled key id', async () => {
    const ring = parseKeyRing(`${k1},${k2}`);
    const codec = new EncryptionCodec(ring);
    const [encoded] = await codec.encode([toPayload(declaration)]);
    const length = encoded!.data!.length;
    for (const index of [0, 11, 12, Math.floor(length / 2), length - 1]) {
      const data = new Uint8Array(encoded!.data!);
      data[index]! ^= 0x01;
      await assert.rejects(codec.decode([{ ...encoded!, data }]), PayloadDecryptionError, `byte ${index} altered`);
    }
    await assert.rejects(codec.decode([{ ...encoded!, data: encoded!.data!.subarray(0, 20) }]), PayloadDecryptionError, 'truncated');
    const relabelled = { ...encoded!, metadata: { ...encoded!.metadata, [KEY_ID_METADATA]: new TextEncoder().encode('k2026b') } };
    await assert.rejects(codec.decode([relabelled]), PayloadDecryptionError, 'key id swapped');
  });

  it('refuses a payload in clear (one a Temporal client sent without the codec): it decodes to the refusal marker, none of its content', async () => {
    const codec = new EncryptionCodec(parseKeyRing(k1));
    const forged = { actor: { user: 'forger', role: 'officer', office: 'TGLFW001' }, seals: ['SL-1'] };
    const plain = [toPayload(declaration), toPayload(forged), toPayload(null), toPayload(new Uint8Array([1, 2]))];
    const decoded = await codec.decode(plain);
    assert.equal(decoded.length, plain.length);
    for (const payload of decoded) assert.deepEqual(fromPayload(payload), CLEAR_PAYLOAD_REFUSED);
    // Encrypted payloads beside them still decode.
    const [sealed] = await codec.encode([toPayload(forged)]);
    assert.deepEqual((await codec.decode([plain[1]!, sealed!])).map(fromPayload), [CLEAR_PAYLOAD_REFUSED, forged]);
  });

  it('keeps null and binary payloads intact', async () => {
    const codec = new EncryptionCodec(parseKeyRing(k1));
    const inputs = [toPayload(undefined), toPayload(null), toPayload(new Uint8Array([0, 1, 2, 255]))];
    const decoded = await codec.decode(await codec.encode(inputs));
    assert.deepEqual(decoded.map(fromPayload), [undefined, null, new Uint8Array([0, 1, 2, 255])]);
  });
});

describe('key ring configuration', () => {
  it('refuses malformed rings with a reason that never quotes the key', () => {
    const secret = Buffer.alloc(16, 7).toString('base64');
    for (const [value, reason] of [
      ['k1', /id:base64/],
      [`k 1:${Buffer.alloc(32).toString('base64')}`, /letters, digits/],
      [`k1:${secret}`, /16 bytes, expected 32/],
      [`k1:not*base64`, /not base64/],
      [`${generateKeyEntry('k1')},${generateKeyEntry('k1')}`, /appears twice/],
    ] as const) {
      assert.throws(
        () => parseKeyRing(value),
        (error: unknown) => error instanceof InvalidKeyRing && reason.test(error.message),
      );
    }
    assert.throws(
      () => loadConfig({ CORRIDOR_CODEC_KEYS: `k1:${secret}` }),
      (error: unknown) => error instanceof ConfigError && error.variable === 'CORRIDOR_CODEC_KEYS' && !error.message.includes(secret),
    );
  });

  it('reads a ring from the environment, first key active', () => {
    const config = loadConfig({ CORRIDOR_CODEC_KEYS: `${generateKeyEntry('new')}, ${generateKeyEntry('old')}` });
    assert.equal(config.codec.keys?.active.id, 'new');
    assert.deepEqual([...config.codec.keys!.byId.keys()], ['new', 'old']);
    assert.equal(loadConfig({}).codec.keys, undefined);
  });
});
