// Who is signed in (GET /me), and in development only, signing in without an identity
// provider: GET /dev/users lists seeded users, POST /dev/tokens signs a token for one. The dev
// routes exist only when CORRIDOR_DEV_TOKENS is set AND the API listens on loopback, believes
// no proxy, and the request comes from this machine: `npm start` sets it for its own API; a
// deployment has no way to mint tokens over HTTP.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { roles, type Actor } from '../../auth/actor.ts';
import { signToken } from '../../auth/tokens.ts';
import { isLoopbackHost, type Config } from '../../config/env.ts';
import { corridorCountries } from '../../domain/countries.ts';
import type { ReferenceData } from '../../domain/types.ts';
import { actorOf } from '../authentication.ts';
import { badRequest, notFound } from '../errors.ts';
import { OfficeCodeParam } from './common.ts';

export interface SessionDeps {
  config: Config;
  reference: ReferenceData;
}

export function devTokensEnabled(config: Config): boolean {
  return config.tokens.devTokens && isLoopbackHost(config.api.host) && config.trustProxy === false;
}

const LOOPBACK_PEER = /^(127\.[0-9.]+|::1|::ffff:127\.[0-9.]+)$/;

const DevTokenBody = z.object({
  role: z.enum(roles),
  user: z.string().trim().min(1).max(80).optional(),
  office: OfficeCodeParam.optional(),
  country: z.enum(corridorCountries, { error: `expected ${corridorCountries.join(' or ')}` }).optional(),
  tin: z.string().trim().min(1).max(40).optional(),
});

export const sessionRoutes =
  ({ config, reference }: SessionDeps): FastifyPluginAsync =>
  async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();

    app.get('/me', { schema: { tags: ['session'], summary: 'The signed-in user: who, role, office or country or TIN' } }, async (request) => {
      const actor = actorOf(request);
      const office = actor.office ? reference.offices[actor.office] : undefined;
      return { ...actor, ...(office ? { officeName: office.name, country: office.country } : {}) };
    });

    if (!devTokensEnabled(config)) return;

    app.addHook('onRequest', async (request) => {
      if (!request.url.startsWith('/dev/')) return;
      if (!LOOPBACK_PEER.test(request.socket.remoteAddress ?? '')) throw notFound('development sign-in answers only on this machine');
    });

    app.get('/dev/users', { schema: { tags: ['session'], summary: 'Development only: seeded users to sign in as' } }, async () => ({
      users: seededUsers(reference),
    }));

    app.post(
      '/dev/tokens',
      { schema: { tags: ['session'], summary: 'Development only: a bearer token for a user (as `npm run token` prints)', body: DevTokenBody } },
      async (request) => {
        const body = request.body;
        const actor: Actor = { user: body.user ?? defaultUser(body), role: body.role };
        if (body.role === 'officer') {
          if (!body.office || !reference.offices[body.office])
            throw badRequest('unknown office', [{ path: 'office', message: 'an officer works at an office of the reference data' }]);
          actor.office = body.office;
        }
        if (body.role === 'supervisor' || body.role === 'collector') {
          if (!body.country) throw badRequest('country missing', [{ path: 'country', message: `a ${body.role} answers for TG or BF` }]);
          actor.country = body.country;
        }
        if (body.role === 'declarant') {
          if (!body.tin) throw badRequest('tin missing', [{ path: 'tin', message: 'a declarant signs in with their TIN' }]);
          actor.tin = body.tin;
        }
        return { token: await signToken(config.tokenSecret, actor, Math.min(12 * 3600, config.tokens.maxLifetimeSeconds), config.tokens.audience), actor };
      },
    );
  };

function defaultUser(body: z.infer<typeof DevTokenBody>): string {
  if (body.role === 'officer') return `agent-${(body.office ?? '').toLowerCase()}`;
  if (body.role === 'supervisor') return `superviseur-${(body.country ?? '').toLowerCase()}`;
  if (body.role === 'collector') return `receveur-${(body.country ?? '').toLowerCase()}`;
  if (body.role === 'declarant') return `declarant-${(body.tin ?? '').toLowerCase()}`;
  return 'regional';
}

interface SeededUser {
  label: string;
  actor: Omit<Actor, 'user'>;
}

/** An officer at every office, a supervisor per country, the regional supervisor, and the example declarants. */
function seededUsers(reference: ReferenceData): SeededUser[] {
  const users: SeededUser[] = Object.values(reference.offices).map((office) => ({
    label: office.name,
    actor: { role: 'officer', office: office.code },
  }));
  users.push(
    { label: 'Togo', actor: { role: 'supervisor', country: 'TG' } },
    { label: 'Burkina Faso', actor: { role: 'supervisor', country: 'BF' } },
    { label: 'Togo – Burkina Faso', actor: { role: 'regional' } },
    { label: 'Receveur — Togo', actor: { role: 'collector', country: 'TG' } },
    { label: 'Receveur — Burkina Faso', actor: { role: 'collector', country: 'BF' } },
  );
  for (const declarant of exampleDeclarants()) users.push({ label: declarant.name, actor: { role: 'declarant', tin: declarant.tin } });
  return users;
}

function exampleDeclarants(): { tin: string; name: string }[] {
  const dir = fileURLToPath(new URL('../../../examples/declarations/', import.meta.url));
  const found = new Map<string, string>();
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const declarant = (JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as { declarant?: { tin?: string; name?: string } }).declarant;
    if (declarant?.tin && declarant.name && !found.has(declarant.tin)) found.set(declarant.tin, declarant.name);
  }
  return [...found].map(([tin, name]) => ({ tin, name }));
}
