// The workflow's Ed25519 verification (per-key tables) must give the library's answer for every
// input, valid or not: a different answer on replay would be a different history.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getPublicKey, Point, sign, utils, verify } from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { verifyEd25519 } from '../../workflows/vouch-crypto.ts';

const keys = Array.from({ length: 3 }, () => {
  const secret = utils.randomSecretKey();
  return { secret, public: getPublicKey(secret) };
});
// Points of small order (the identity, and an order-8 point's encoding), which ZIP-215 decodes.
const smallOrder = [
  Uint8Array.from([1, ...new Array(31).fill(0)]),
  Uint8Array.from(Buffer.from('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', 'hex')),
];
const L = 0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3edn;

function same(sig: Uint8Array, message: Uint8Array, publicKey: Uint8Array): void {
  let expected: boolean;
  try {
    expected = verify(sig, message, publicKey);
  } catch {
    expected = false;
  }
  assert.equal(verifyEd25519(sig, message, publicKey), expected, `sig ${Buffer.from(sig).toString('hex')} key ${Buffer.from(publicKey).toString('hex')}`);
}

test('valid signatures verify, and the answer is the library’s', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 0, max: 2 }), (message, which) => {
      const key = keys[which] as (typeof keys)[number];
      const sig = sign(message, key.secret);
      assert.equal(verifyEd25519(sig, message, key.public), true);
      same(sig, message, key.public);
    }),
    { numRuns: 150 },
  );
});

test('tampered signatures, messages and keys: the library’s answer (false) every time', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 300 }),
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 0, max: 2 }),
      fc.nat(),
      fc.integer({ min: 0, max: 7 }),
      fc.constantFrom('signature', 'message', 'key'),
      (message, signer, checker, at, bit, what) => {
        const sig = sign(message, (keys[signer] as (typeof keys)[number]).secret);
        const publicKey = (keys[checker] as (typeof keys)[number]).public;
        if (what === 'signature') {
          const bad = Uint8Array.from(sig);
          bad[at % 64] = (bad[at % 64] as number) ^ (1 << bit);
          same(bad, message, publicKey);
        } else if (what === 'message') {
          const bad = Uint8Array.from(message);
          bad[at % bad.length] = (bad[at % bad.length] as number) ^ (1 << bit);
          same(sig, bad, publicKey);
        } else same(sig, message, publicKey);
      },
    ),
    { numRuns: 300 },
  );
});

test('garbage, S out of range and small-order keys: the library’s answer', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (sig, key) => {
      same(sig, Uint8Array.of(1, 2, 3), key);
      for (const k of smallOrder) same(sig, Uint8Array.of(1, 2, 3), k);
    }),
    { numRuns: 25 },
  );
  const message = Uint8Array.of(7);
  const sig = sign(message, (keys[0] as (typeof keys)[number]).secret);
  const sPlusL = Uint8Array.from([...sig.subarray(0, 32), ...bytes32(littleEndian(sig.subarray(32)) + L)]);
  assert.equal(verifyEd25519(sPlusL, message, (keys[0] as (typeof keys)[number]).public), false, 'S + L is refused (malleability)');
  same(sPlusL, message, (keys[0] as (typeof keys)[number]).public);
  // R the identity and S zero, under a small-order key: the cofactored equation holds in both.
  same(new Uint8Array([1, ...new Array(63).fill(0)]), message, smallOrder[0] as Uint8Array);
  same(Uint8Array.from([...(smallOrder[1] as Uint8Array), ...new Array(32).fill(0)]), message, smallOrder[1] as Uint8Array);
});

// R that is not what RFC 8032's signer makes, yet passes the cofactored equation under ZIP-215:
// the verification's shortcut (encode [S]B - [k]A and compare with R) misses these, and the full
// decoding must still give the library's answer.
test('R with a small-order part or a non-canonical encoding: the library’s answer (true)', () => {
  const { scalar } = utils.getExtendedPublicKey((keys[1] as (typeof keys)[number]).secret);
  const publicKey = (keys[1] as (typeof keys)[number]).public;
  const torsion = Point.fromBytes(smallOrder[1] as Uint8Array, true);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.bigInt({ min: 1n, max: L - 1n }), (message, nonce) => {
      const R = Point.BASE.multiply(nonce).add(torsion).toBytes();
      const k = littleEndian(sha512(Uint8Array.from([...R, ...publicKey, ...message]))) % L;
      const sig = Uint8Array.from([...R, ...bytes32((nonce + k * scalar) % L)]);
      assert.equal(verifyEd25519(sig, message, publicKey), true);
      same(sig, message, publicKey);
    }),
    { numRuns: 20 },
  );
  // The identity written as p + 1 (y is not reduced) under a small-order key, S zero.
  const nonCanonicalIdentity = bytes32(2n ** 255n - 19n + 1n);
  const sig = Uint8Array.from([...nonCanonicalIdentity, ...new Array(32).fill(0)]);
  for (const key of smallOrder) same(sig, Uint8Array.of(9), key);
  assert.equal(verifyEd25519(sig, Uint8Array.of(9), smallOrder[0] as Uint8Array), true);
});

// Scalars as RFC 8032 writes them: 32 bytes, little-endian.
function littleEndian(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).reverse().toString('hex') || '0'}`);
}

function bytes32(n: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex').reverse());
}
