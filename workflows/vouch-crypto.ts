// Ed25519 verification with synchronous SHA-512 (the library's default is WebCrypto, which is
// asynchronous and absent from the workflow sandbox). The workflow bundle preloads this module
// (src/worker/bundle.ts): its tables are then computed once per worker and shared by every
// movement, instead of once per movement.
//
// Why not the library's `verify` as it is: it multiplies the public key A by the challenge k with
// a plain double-and-add (about 80 % of a verification, ~3 ms of the worker's CPU per act on the
// reference machine), though only three keys ever vouch (the API and the two journal consumers).
// Here each key gets a fixed-window table once (32 windows of 255 multiples), so [k]A is 32
// additions. The equation, the decoding (ZIP-215, the library's default) and therefore every
// outcome are the library's: `test/unit/vouch-crypto.test.ts` checks both agree, valid or not.
import { hashes, Point } from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

if (!hashes.sha512) hashes.sha512 = sha512;

/** The order of the prime subgroup (RFC 8032's L). */
const L = 0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3edn;
const WINDOWS = 32;
const WINDOW_SIZE = 255;

interface KeyTable {
  point: Point;
  /** windows[i][j - 1] = j · 256^i · A */
  windows: Point[][];
}

const tables = new Map<string, KeyTable | null>();

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}

function keyTable(publicKey: Uint8Array): KeyTable | null {
  const id = Array.from(publicKey, (b) => b.toString(16).padStart(2, '0')).join('');
  const known = tables.get(id);
  if (known !== undefined) return known;
  let table: KeyTable | null;
  try {
    const point = Point.fromBytes(publicKey, true);
    const windows: Point[][] = [];
    let base = point;
    for (let i = 0; i < WINDOWS; i++) {
      const row: Point[] = [base];
      for (let j = 1; j < WINDOW_SIZE; j++) row.push((row[j - 1] as Point).add(base));
      windows.push(row);
      base = (row[WINDOW_SIZE - 1] as Point).add(base);
    }
    table = { point, windows };
  } catch {
    // A key that does not decode verifies nothing, as in the library.
    table = null;
  }
  // Keys come from the worker's configuration (a handful), never from payloads: the map stays small.
  tables.set(id, table);
  return table;
}

/** [k]A from A's table: k's 32 bytes pick one multiple per window. */
function timesKey(table: KeyTable, k: bigint): Point {
  let sum = Point.ZERO;
  for (let i = 0; i < WINDOWS && k > 0n; i++) {
    const digit = Number(k & 0xffn);
    if (digit) sum = sum.add((table.windows[i] as Point[])[digit - 1] as Point);
    k >>= 8n;
  }
  return sum;
}

/** RFC 8032 verification with ZIP-215 decoding and the cofactored equation [8]([S]B) = [8](R + [k]A), as the library's default. */
export function verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const table = keyTable(publicKey);
  if (!table) return false;
  const r = signature.subarray(0, 32);
  const s = littleEndian(signature.subarray(32, 64));
  if (s >= L) return false;
  const SB = s === 0n ? Point.ZERO : Point.BASE.multiply(s, false);
  const hashable = new Uint8Array(64 + message.length);
  hashable.set(r, 0);
  hashable.set(publicKey, 32);
  hashable.set(message, 64);
  const kA = timesKey(table, littleEndian(sha512(hashable)) % L);
  // A signer following RFC 8032 makes R = [S]B - [k]A exactly. Encoding that point (one
  // inversion) and finding R's bytes is then enough: decoding a canonical encoding gives back the
  // same point, so R + [k]A - [S]B is the identity and the cofactored equation holds. Decoding R
  // instead (a square root, about 40 % of a verification) is left to the signatures that differ:
  // forged ones, and R with a small-order part or a non-canonical encoding, which ZIP-215 accepts.
  if (equalBytes(SB.subtract(kA).toBytes(), r)) return true;
  let R: Point;
  try {
    R = Point.fromBytes(r, true);
  } catch {
    return false;
  }
  return R.add(kA).subtract(SB).clearCofactor().is0();
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
