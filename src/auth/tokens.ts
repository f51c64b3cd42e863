// Bearer tokens are HS256 JWTs signed with CORRIDOR_TOKEN_SECRET. In production an identity
// provider would issue them; the claims (role, office, country, tin) are what Corridor reads.
import { jwtVerify, SignJWT, errors as joseErrors, type JWTPayload } from 'jose';
import { z } from 'zod';
import { OFFICE_CODE } from '../domain/formats.ts';
import { roles, type Actor } from './actor.ts';

const ISSUER = 'corridor';
/** CORRIDOR_TOKEN_AUDIENCE's default, for signers that are not handed a configuration. */
export const DEFAULT_AUDIENCE = 'corridor';
/** CORRIDOR_TOKEN_MAX_LIFETIME_SECONDS's default: 12 hours, an officer's shift. */
export const DEFAULT_MAX_LIFETIME_SECONDS = 12 * 3600;

/** What a token must satisfy beyond its signature. */
export interface TokenPolicy {
  audience: string;
  maxLifetimeSeconds: number;
}

export const defaultTokenPolicy: TokenPolicy = { audience: DEFAULT_AUDIENCE, maxLifetimeSeconds: DEFAULT_MAX_LIFETIME_SECONDS };

const claims = z
  .object({
    sub: z.string().min(1),
    role: z.enum(roles),
    office: z.string().regex(OFFICE_CODE).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    tin: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.role === 'officer' && !c.office) ctx.addIssue({ code: 'custom', message: 'an officer token names its office' });
    if (c.role === 'supervisor' && !c.country) ctx.addIssue({ code: 'custom', message: 'a supervisor token names its country' });
    if (c.role === 'collector' && !c.country) ctx.addIssue({ code: 'custom', message: 'a collector token names its country' });
    if (c.role === 'declarant' && !c.tin) ctx.addIssue({ code: 'custom', message: 'a declarant token names its TIN' });
  });

export class InvalidToken extends Error {
  override name = 'InvalidToken';
}

const key = (secret: string) => new TextEncoder().encode(secret);

export async function signToken(secret: string, actor: Actor, ttl: string | number = '12h', audience: string = DEFAULT_AUDIENCE): Promise<string> {
  const country = actor.role === 'officer' && actor.office ? actor.office.slice(0, 2) : actor.country;
  return (
    new SignJWT({
      role: actor.role,
      ...(actor.office ? { office: actor.office } : {}),
      ...(country ? { country } : {}),
      ...(actor.tin ? { tin: actor.tin } : {}),
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(actor.user)
      .setIssuer(ISSUER)
      .setAudience(audience)
      // A number is a lifetime in seconds (jose would read it as an absolute time).
      .setExpirationTime(typeof ttl === 'number' ? `${Math.floor(ttl)}s` : ttl)
      // After the expiry: jose reads the clock once for each, and a second that turned between
      // the two made a 12 h token live 43,201 s, which the API refuses as longer than allowed.
      .setIssuedAt()
      .sign(key(secret))
  );
}

export async function verifyToken(secret: string, token: string, policy: TokenPolicy = defaultTokenPolicy): Promise<Actor> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key(secret), { issuer: ISSUER, audience: policy.audience, algorithms: ['HS256'], requiredClaims: ['exp', 'iat'] }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new InvalidToken('the token has expired');
    // The signature held (jose checks it first): the claims say what is missing, and telling it helps the issuer.
    if (error instanceof joseErrors.JWTClaimValidationFailed) {
      if (error.claim === 'exp' || error.claim === 'iat')
        throw new InvalidToken(`the token carries no ${error.claim}: tokens must say when they were issued and when they expire`);
      if (error.claim === 'aud') throw new InvalidToken(`the token is not for this audience (expected aud "${policy.audience}")`);
      if (error.claim === 'iss') throw new InvalidToken(`the token is not issued by ${ISSUER}`);
    }
    throw new InvalidToken('the token is not valid');
  }
  const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
  if (lifetime > policy.maxLifetimeSeconds)
    throw new InvalidToken(`the token lives ${lifetime} s from issue to expiry, more than the ${policy.maxLifetimeSeconds} s allowed`);
  const parsed = claims.safeParse(payload);
  if (!parsed.success) throw new InvalidToken(`the token's claims are incomplete: ${parsed.error.issues[0]?.message}`);
  const c = parsed.data;
  return {
    user: c.sub,
    role: c.role,
    ...(c.office ? { office: c.office } : {}),
    ...(c.country ? { country: c.country } : {}),
    ...(c.tin ? { tin: c.tin } : {}),
  };
}
