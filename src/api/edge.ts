// What the API does to every request before any route sees it: security headers (helmet, a
// strict Content-Security-Policy the console passes), rate limits on the writing and signing-in
// routes, and the refusal of control and bidirectional-override characters in query values and
// body strings, where they serve only to hide what a value says (in logs, in the console, in
// Temporal's visibility queries).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Config } from '../config/env.ts';
import { ApiError, badRequest } from './errors.ts';

/** C0 controls, DEL, C1 controls, and the Unicode bidi embeddings, overrides and isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** In free text, a line break or a tab is what a person typed: only the rest is refused. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const HIDDEN_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * How deep a body may nest. A declaration is five levels deep; the fuzz test of issue 18 sent
 * `[[[…]]]` 20,000 deep, which JSON.parse accepts and every recursive walk after it (this one,
 * the schemas, structuredClone) overflows the stack on: a 500. Refused first, without recursion.
 */
export const MAX_BODY_DEPTH = 32;

/** Where `value` nests deeper than `max` levels (its path), or undefined; walked with an explicit stack. */
export function tooDeep(value: unknown, max = MAX_BODY_DEPTH): string | undefined {
  const stack: Array<[unknown, number, string]> = [[value, 0, '']];
  while (stack.length > 0) {
    const [node, depth, path] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= max) return path || '(body)';
    const entries: Array<[string, unknown]> = Array.isArray(node)
      ? node.map((inner, i) => [`${path}[${i}]`, inner])
      : Object.entries(node).map(([key, inner]) => [path ? `${path}.${key}` : key, inner]);
    for (const [where, inner] of entries) stack.push([inner, depth + 1, where]);
  }
  return undefined;
}

/** The first string in value (walked depth first) that matches pattern, with its path. */
export function findHidden(value: unknown, pattern: RegExp, path = ''): string | undefined {
  if (typeof value === 'string') return pattern.test(value) ? path || '(value)' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findHidden(value[i], pattern, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const found = pattern.test(key) ? `${path}${path ? '.' : ''}${key.replace(HIDDEN, '?')}` : findHidden(inner, pattern, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

const hiddenRefusal = (where: string) =>
  badRequest(
    {
      fr: `${where} contient des caractères de contrôle ou de direction du texte (U+202A–U+202E, U+2066–U+2069)`,
      en: `${where} contains control or text-direction characters (U+202A–U+202E, U+2066–U+2069)`,
    },
    [{ path: where, message: 'control characters and Unicode bidirectional overrides are refused' }],
  );

const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  // The console's favicon is an empty data: URL.
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export async function installEdge(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP },
    // Strict-Transport-Security only on answers that travelled over TLS (below): on plain HTTP it
    // would be ignored, and on loopback it would pin https onto every local port of the host.
    strictTransportSecurity: false,
    // same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with a form
    // post, and the codec login page's own form would be refused as cross-site.
    referrerPolicy: { policy: 'same-origin' },
    // Defaults kept: X-Content-Type-Options nosniff, X-Frame-Options, Cross-Origin-Opener/Resource-Policy.
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });

  app.addHook('preValidation', async (request) => {
    // The codec's payloads are base64 and metadata the Temporal SDK writes, not people's words.
    if (request.url.startsWith('/codec/')) return;
    const query = findHidden(request.query, HIDDEN);
    if (query) throw hiddenRefusal(`querystring.${query}`);
    const deep = tooDeep(request.body);
    if (deep) {
      const where = deep.length > 80 ? `${deep.slice(0, 80)}…` : deep;
      throw badRequest(
        { fr: `le corps de la requête est imbriqué sur plus de ${MAX_BODY_DEPTH} niveaux`, en: `the request body nests deeper than ${MAX_BODY_DEPTH} levels` },
        [{ path: where, message: `nested deeper than ${MAX_BODY_DEPTH} levels` }],
      );
    }
    const body = findHidden(request.body, HIDDEN_IN_TEXT);
    if (body) throw hiddenRefusal(body);
  });

  const limits = config.rateLimits;
  const writes = { max: limits.writesPerMinute, timeWindow: 60_000, groupId: 'writes' };
  const signIn = { max: limits.signInPerMinute, timeWindow: 60_000, groupId: 'sign-in', keyGenerator: (request: FastifyRequest) => `ip:${request.ip}` };
  // Before the plugin's own onRoute hook, which reads config.rateLimit.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('POST')) return;
    const limit =
      route.url === '/transits' || route.url.startsWith('/transits/')
        ? writes
        : route.url === '/dev/tokens' || route.url === '/codec/session'
          ? signIn
          : undefined;
    if (limit) route.config = { ...(route.config ?? {}), rateLimit: limit } as NonNullable<typeof route.config>;
  });
  await app.register(rateLimit, {
    global: false,
    // After authentication: a signed-in user is limited as themselves wherever they connect from.
    hook: 'preHandler',
    keyGenerator: (request) => (request.actor ? `actor:${request.actor.role}:${request.actor.user}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        429,
        'TOO_MANY_REQUESTS',
        {
          fr: `trop de requêtes : ${context.max} par minute au plus ; réessayez dans ${context.after}`,
          en: `too many requests: at most ${context.max} a minute; try again in ${context.after}`,
        },
        { retryAfterSeconds: Math.ceil(context.ttl / 1000) },
      ),
  });
}
