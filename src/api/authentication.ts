// Every request except /health, /docs and the console's static files carries a bearer JWT;
// the actor it names is who acts. Never the body.
// Refused tokens are counted per client address: past CORRIDOR_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE
// in a minute, any request bearing a token from that address is answered 429 until the minute
// is over, so secrets and tokens cannot be guessed at the speed of the API.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor.ts';
import { InvalidToken, type TokenPolicy } from '../auth/tokens.ts';
import { verifiedTokens } from './verified-tokens.ts';
import { ApiError, forbidden, unauthorized } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
}

export interface AuthenticationOptions {
  secret: string;
  policy: TokenPolicy;
  /** Refused tokens one address may present per minute. */
  failuresPerMinute: number;
  /** Routes that read the Authorization header themselves (the metrics scrape token). */
  ownAuthorization?: readonly string[];
}

const WINDOW_MS = 60_000;
const MAX_ADDRESSES = 100_000;

/** Fixed one-minute windows of refused tokens per address. */
export class FailureCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  constructor(private readonly limit: number) {}

  /** Seconds until the address may try again, or 0 when it may now. */
  blockedFor(address: string, now = Date.now()): number {
    const window = this.windows.get(address);
    if (!window || window.resetAt <= now) return 0;
    return window.count >= this.limit ? Math.ceil((window.resetAt - now) / 1000) : 0;
  }

  fail(address: string, now = Date.now()): void {
    let window = this.windows.get(address);
    if (!window || window.resetAt <= now) {
      if (this.windows.size >= MAX_ADDRESSES) this.sweep(now);
      window = { count: 0, resetAt: now + WINDOW_MS };
      this.windows.set(address, window);
    }
    window.count++;
  }

  private sweep(now: number): void {
    for (const [address, window] of this.windows) if (window.resetAt <= now) this.windows.delete(address);
    // Still full: forget the oldest rather than grow without bound.
    if (this.windows.size >= MAX_ADDRESSES) this.windows.delete(this.windows.keys().next().value!);
  }
}

export const tooManyFailures = (seconds: number) =>
  new ApiError(
    429,
    'TOO_MANY_FAILED_AUTHENTICATIONS',
    {
      fr: `trop de jetons refusés depuis cette adresse : réessayez dans ${seconds} s`,
      en: `too many refused tokens from this address: try again in ${seconds} s`,
    },
    { retryAfterSeconds: seconds },
  );

export function installAuthentication(app: FastifyInstance, options: AuthenticationOptions): FailureCounter {
  const actorOfToken = verifiedTokens(options.secret, options.policy);
  const failures = new FailureCounter(options.failuresPerMinute);
  const own = new Set(options.ownAuthorization ?? []);
  app.decorateRequest('actor', undefined);
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    if (!header || own.has(request.routeOptions.url ?? '')) return;
    const blocked = failures.blockedFor(request.ip);
    if (blocked > 0) {
      reply.header('retry-after', String(blocked));
      throw tooManyFailures(blocked);
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      failures.fail(request.ip);
      throw unauthorized({ fr: "l'en-tête Authorization doit être « Bearer <jeton> »", en: 'the Authorization header must be "Bearer <token>"' });
    }
    try {
      request.actor = await actorOfToken(match[1]!);
    } catch (error) {
      if (error instanceof InvalidToken) {
        failures.fail(request.ip);
        throw unauthorized(error.message);
      }
      throw error;
    }
  });
  return failures;
}

/** The signed-in actor, or 401. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor)
    throw unauthorized({
      fr: 'connectez-vous : envoyez « Authorization: Bearer <jeton> » (npm run token en imprime un en développement)',
      en: 'sign in: send "Authorization: Bearer <token>" (npm run token prints one in development)',
    });
  return request.actor;
}

export function requireRole(request: FastifyRequest, ...roles: Actor['role'][]): Actor {
  const actor = actorOf(request);
  if (!roles.includes(actor.role))
    throw forbidden({ fr: `réservé au rôle ${roles.join(' ou ')}, pas ${actor.role}`, en: `this is for ${roles.join(' or ')}s, not for a ${actor.role}` });
  return actor;
}
