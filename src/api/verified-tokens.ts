// The API's tokens, verified once each until they expire (src/auth/verified-credentials.ts).
import type { Actor } from '../auth/actor.ts';
import { defaultTokenPolicy, verifyToken, type TokenPolicy } from '../auth/tokens.ts';
import { verifiedUntilExpiry } from '../auth/verified-credentials.ts';

export function verifiedTokens(secret: string, policy: TokenPolicy = defaultTokenPolicy): (token: string) => Promise<Actor> {
  // Throws InvalidToken (expired, bad signature, incomplete claims): such tokens are never kept.
  return verifiedUntilExpiry(async (token) => Object.freeze(await verifyToken(secret, token, policy)));
}
