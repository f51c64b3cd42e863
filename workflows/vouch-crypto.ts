// Ed25519 verification with synchronous SHA-512 (the library's default is WebCrypto, which is
// asynchronous and absent from the workflow sandbox). The workflow bundle preloads this module
// (src/worker/bundle.ts): its tables are then computed once per worker and shared by every
// movement, instead of once per movement.
//
// Why not the library's `verify` as it is: it multiplies the public key A by the challenge k with
// a plain double-and-add (about 80 % of a verification, ~3 ms of the worker's CPU per act on the
// reference machine), though only three keys ever vouch (the API and the two journal consumers).
// Here each key, and the base point B, gets a fixed-window table once (32 windows of 255
// multiples, kept in affine "Niels" form so that adding one costs seven field products instead of
// the library's ten), so [S]B - [k]A is at most 64 additions. The equation, the decoding (ZIP-215,
// the library's default) and therefore every outcome are the library's:
// `test/unit/vouch-crypto.test.ts` checks both agree, valid or not.
import { etc, hashes, Point } from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

if (!hashes.sha512) hashes.sha512 = sha512;

/** The order of the prime subgroup (RFC 8032's L). */
const L = 0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3edn;
/** The field's prime, 2^255 - 19. */
const P = 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffedn;
const LOW_255 = (1n << 255n) - 1n;
const D2 = (2n * Point.CURVE().d) % P;
const WINDOWS = 32;
const WINDOW_SIZE = 255;

/**
 * Brings a product near the field: 2^255 = 19 (mod P), applied twice. Not fully reduced (the
 * result may be a little negative or past P), which the next product does not mind; `canonical`
 * finishes the job once, at the end.
 */
function near(x: bigint): bigint {
  x = (x & LOW_255) + 19n * (x >> 255n);
  return (x & LOW_255) + 19n * (x >> 255n);
}

const canonical = (x: bigint): bigint => etc.mod(x, P);

/** An affine point as y + x, y - x and 2·d·x·y: what a mixed addition needs of it. */
interface Niels {
  yPlusX: bigint;
  yMinusX: bigint;
  t2d: bigint;
}

/** Extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, xy = T/Z; coordinates kept near the field. */
interface Extended {
  X: bigint;
  Y: bigint;
  Z: bigint;
  T: bigint;
}

/**
 * acc + q (or acc - q when `negate`): the complete addition of extended and affine points on
 * -x² + y² = 1 + d·x²·y² (Hisil, Wong, Carter and Dawson 2008), true for every pair of points,
 * the small-order ones included.
 */
function addNiels(acc: Extended, q: Niels, negate: boolean): Extended {
  const a = near((acc.Y - acc.X) * (negate ? q.yPlusX : q.yMinusX));
  const b = near((acc.Y + acc.X) * (negate ? q.yMinusX : q.yPlusX));
  const c = negate ? -near(acc.T * q.t2d) : near(acc.T * q.t2d);
  const d = 2n * acc.Z;
  const e = b - a;
  const f = d - c;
  const g = d + c;
  const h = b + a;
  return { X: near(e * f), Y: near(g * h), Z: near(f * g), T: near(e * h) };
}

/** table[i][j - 1] = j · 256^i · A */
type Table = Niels[][];

const tables = new Map<string, Table | null>();

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}

/** Every multiple in affine form with one inversion for the lot (Montgomery's trick). */
function nielsOf(points: Point[]): Niels[] {
  const prefix: bigint[] = [];
  let product = 1n;
  for (const p of points) {
    prefix.push(product);
    product = (product * p.Z) % P;
  }
  let inverse = etc.invert(product, P);
  const out: Niels[] = new Array(points.length);
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i] as Point;
    const zInverse = (inverse * (prefix[i] as bigint)) % P;
    inverse = (inverse * p.Z) % P;
    const x = (p.X * zInverse) % P;
    const y = (p.Y * zInverse) % P;
    out[i] = { yPlusX: (y + x) % P, yMinusX: canonical(y - x), t2d: (((D2 * x) % P) * y) % P };
  }
  return out;
}

function tableOf(point: Point): Table {
  const multiples: Point[] = [];
  let base = point;
  for (let i = 0; i < WINDOWS; i++) {
    let m = base;
    for (let j = 0; j < WINDOW_SIZE; j++) {
      multiples.push(m);
      m = m.add(base);
    }
    // 256 · 256^i · A, the next window's base.
    base = m;
  }
  const niels = nielsOf(multiples);
  return Array.from({ length: WINDOWS }, (_, i) => niels.slice(i * WINDOW_SIZE, (i + 1) * WINDOW_SIZE));
}

function keyTable(publicKey: Uint8Array): Table | null {
  const id = etc.bytesToHex(publicKey);
  const known = tables.get(id);
  if (known !== undefined) return known;
  let table: Table | null;
  try {
    table = tableOf(Point.fromBytes(publicKey, true));
  } catch {
    // A key that does not decode verifies nothing, as in the library.
    table = null;
  }
  // Keys come from the worker's configuration (a handful), never from payloads: the map stays small.
  tables.set(id, table);
  return table;
}

/** The base point B's table, kept beside the keys' (under a name no key's hex can take). */
function baseTable(): Table {
  const known = tables.get(BASE_POINT);
  if (known) return known;
  const table = tableOf(Point.BASE);
  tables.set(BASE_POINT, table);
  return table;
}
const BASE_POINT = 'base point';

/** acc ± Σ digit_i · 256^i · Q for the little-endian digits of a scalar below 2^256. */
function addTimes(acc: Extended, table: Table, digits: Uint8Array, negate: boolean): Extended {
  for (let i = 0; i < WINDOWS; i++) {
    const digit = digits[i] as number;
    if (digit) acc = addNiels(acc, (table[i] as Niels[])[digit - 1] as Niels, negate);
  }
  return acc;
}

function bytes32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** RFC 8032 verification with ZIP-215 decoding and the cofactored equation [8]([S]B) = [8](R + [k]A), as the library's default. */
export function verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const table = keyTable(publicKey);
  if (!table) return false;
  const r = signature.subarray(0, 32);
  const sBytes = signature.subarray(32, 64);
  if (littleEndian(sBytes) >= L) return false;
  const k = littleEndian(sha512(etc.concatBytes(r, publicKey, message))) % L;
  // Q = [S]B - [k]A, from the identity (0 : 1 : 1 : 0).
  const q = addTimes(addTimes({ X: 0n, Y: 1n, Z: 1n, T: 0n }, baseTable(), sBytes, false), table, bytes32(k), true);
  const Q = new Point(canonical(q.X), canonical(q.Y), canonical(q.Z), canonical(q.T));
  // A signer following RFC 8032 makes R = Q exactly. Encoding Q (one inversion) and finding R's
  // bytes is then enough: decoding a canonical encoding gives back the same point, so
  // R + [k]A - [S]B is the identity and the cofactored equation holds. Decoding R instead (a
  // square root, 0.11 ms of the 0.30 a verification took) is left to the signatures that differ:
  // forged ones, and R with a small-order part or a non-canonical encoding, which ZIP-215 accepts.
  if (equalBytes(Q.toBytes(), r)) return true;
  let R: Point;
  try {
    R = Point.fromBytes(r, true);
  } catch {
    return false;
  }
  return R.subtract(Q).clearCofactor().is0();
}
