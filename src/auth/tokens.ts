// Bearer tokens are HS256 JWTs signed with CORRIDOR_TOKEN_SECRET. In production an identity
// provider would issue them; the claims (role, office, country, tin) are what Corridor reads.
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { z } from 'zod';
import { OFFICE_CODE } from '../domain/formats.ts';
import { roles, type Actor } from './actor.ts';

const ISSUER = 'corridor';

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
    if (c.role === 'declarant' && !c.tin) ctx.addIssue({ code: 'custom', message: 'a declarant token names its TIN' });
  });

export class InvalidToken extends Error {
  override name = 'InvalidToken';
}

const key = (secret: string) => new TextEncoder().encode(secret);

export async function signToken(secret: string, actor: Actor, ttl: string = '12h'): Promise<string> {
  const country = actor.role === 'officer' && actor.office ? actor.office.slice(0, 2) : actor.country;
  return new SignJWT({
    role: actor.role,
    ...(actor.office ? { office: actor.office } : {}),
    ...(country ? { country } : {}),
    ...(actor.tin ? { tin: actor.tin } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(actor.user)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(key(secret));
}

export async function verifyToken(secret: string, token: string): Promise<Actor> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, key(secret), { issuer: ISSUER, algorithms: ['HS256'] }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new InvalidToken('the token has expired');
    throw new InvalidToken('the token is not valid');
  }
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
