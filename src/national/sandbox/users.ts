// Who is calling the national system. SYDONIA World has its own users — officers at their
// offices, declarants with their TIN — who record acts on its screens; Corridor is one more
// caller, the interconnection, writing what the other country recorded. The sandbox tells them
// apart by the credential: a user's is an HS256 JWT signed with the system's own user secret;
// Corridor's is the token it was configured with. A call with no credential is nobody's and is
// refused, reads included: a movement's record, a guarantee's balance and the journal are
// customs data (issue 18).
import { timingSafeEqual, createHash } from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { verifiedUntilExpiry } from '../../auth/verified-credentials.ts';
import { OFFICE_CODE } from '../../domain/formats.ts';

/** A user of this national system, as their credential names them. */
export type NationalUser =
  | { readonly kind: 'user'; readonly sub: string; readonly role: 'officer'; readonly office: string }
  | { readonly kind: 'user'; readonly sub: string; readonly role: 'declarant'; readonly tin: string };

/** The caller of one act: Corridor (the interconnection) or a user of this system. */
export type Caller = { readonly kind: 'interconnection' } | NationalUser;

export const INTERCONNECTION: Caller = Object.freeze({ kind: 'interconnection' });

/** For development and tests only; a deployed sandbox is given its own (option userSecret). */
export const DEVELOPMENT_USER_SECRET = 'sydonia-sandbox-development-user-secret-change-me';

const Claims = z.discriminatedUnion('role', [
  z.object({ sub: z.string().min(1), role: z.literal('officer'), office: z.string().regex(OFFICE_CODE, 'an officer credential names its office') }),
  z.object({ sub: z.string().min(1), role: z.literal('declarant'), tin: z.string().trim().min(1, 'a declarant credential names its TIN') }),
]);

export class CredentialRefused extends Error {
  override readonly name = 'CredentialRefused';
}

export interface CallerCheck {
  /** Secret the system's user credentials are signed with (HS256). */
  userSecret: string;
  /** Corridor's credential of this system. */
  corridorToken: string;
}

/**
 * The caller of a request from its Authorization header. A bearer equal to Corridor's token:
 * Corridor. Otherwise the bearer must verify as a user's credential: a credential that fails is
 * refused rather than taken for Corridor's, because Corridor's calls are not bound by the users'
 * rules. No credential at all is refused. A user's credential is verified once and then known
 * until it expires: officers send the same one with every act.
 */
export function callerCheck(check: CallerCheck): (authorization: string | undefined) => Promise<Caller> {
  const userOf = verifiedUntilExpiry((token) => verifiedUser(token, check.userSecret));
  return async (authorization) => {
    if (authorization === undefined || authorization.trim() === '')
      throw new CredentialRefused('a credential is required: "Authorization: Bearer <credential>"');
    const token = bearerOf(authorization);
    if (!token) throw new CredentialRefused('expected "Authorization: Bearer <credential>"');
    if (sameSecret(token, check.corridorToken)) return INTERCONNECTION;
    return userOf(token);
  };
}

async function verifiedUser(token: string, userSecret: string): Promise<NationalUser> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(userSecret), { algorithms: ['HS256'] }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new CredentialRefused("the user's credential has expired");
    throw new CredentialRefused("the credential is neither Corridor's nor a valid credential of a user of this system");
  }
  const claims = Claims.safeParse(payload);
  if (!claims.success) throw new CredentialRefused(`the credential's claims are incomplete: ${claims.error.issues.map((i) => i.message).join('; ')}`);
  const c = claims.data;
  return Object.freeze(
    c.role === 'officer' ? { kind: 'user', sub: c.sub, role: 'officer', office: c.office } : { kind: 'user', sub: c.sub, role: 'declarant', tin: c.tin },
  );
}

/** The credential of an `Authorization: Bearer <credential>` header, or undefined. */
export function bearerOf(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
}

/** Compared through their digests, in constant time, so the comparison leaks neither length nor prefix. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
