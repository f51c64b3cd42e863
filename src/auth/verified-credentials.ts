// Credentials already verified, kept until they expire. An officer's screen sends the same
// credential with every act, and checking its HMAC again (jose imports the key anew each time,
// through WebCrypto's thread pool) cost the API about 0.35 ms of CPU per request and a national
// system sandbox 9 % of its busy time on the benchmark machine; a lookup costs microseconds.
// Only what the verifier accepted is kept, so the outcome for any credential is the verifier's.
import { decodeJwt } from 'jose';

const MAX_ENTRIES = 10_000;

/**
 * `verify`, answered from memory for a credential it already accepted and that has not expired
 * since (a credential without `exp` stays valid for the verifier, and so here). A refusal is
 * thrown as the verifier threw it, and never kept.
 */
export function verifiedUntilExpiry<T>(verify: (credential: string) => Promise<T>, now: () => number = Date.now): (credential: string) => Promise<T> {
  const known = new Map<string, { value: T; until: number }>();
  return async (credential) => {
    const hit = known.get(credential);
    if (hit && hit.until > now()) return hit.value;
    if (hit) known.delete(credential);
    const value = await verify(credential);
    const exp = decodeJwt(credential).exp;
    // Oldest first out: a Map iterates in insertion order.
    if (known.size >= MAX_ENTRIES) known.delete(known.keys().next().value!);
    known.set(credential, { value, until: typeof exp === 'number' ? exp * 1000 : Number.POSITIVE_INFINITY });
    return value;
  };
}
