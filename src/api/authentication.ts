// Every request except /health, /docs and the console's static files carries a bearer JWT;
// the actor it names is who acts. Never the body.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor.ts';
import { InvalidToken } from '../auth/tokens.ts';
import { verifiedTokens } from './verified-tokens.ts';
import { forbidden, unauthorized } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
}

export function installAuthentication(app: FastifyInstance, secret: string): void {
  const actorOfToken = verifiedTokens(secret);
  app.decorateRequest('actor', undefined);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (!header) return;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized({ fr: "l'en-tête Authorization doit être « Bearer <jeton> »", en: 'the Authorization header must be "Bearer <token>"' });
    try {
      request.actor = await actorOfToken(match[1]!);
    } catch (error) {
      if (error instanceof InvalidToken) throw unauthorized(error.message);
      throw error;
    }
  });
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
