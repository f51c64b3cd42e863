// The codec server endpoint (Temporal's remote codec protocol: POST …/encode and …/decode)
// that lets the Temporal Web UI and CLI show decrypted payloads to an operator holding a
// Corridor token of role `regional`, and to nobody else. The CLI sends the token itself
// (`--codec-auth "Bearer <token>"`); the Web UI cannot add a header without its own OAuth,
// so the operator opens a session once at /codec/login and the browser sends it as a cookie
// (the UI server is configured with includeCredentials).
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { isLoopbackHost, type Config } from '../config/env.ts';
import { defaultTokenPolicy, InvalidToken, verifyToken, type TokenPolicy } from '../auth/tokens.ts';
import { fromJson, PayloadsJson, toJson } from './payload-json.ts';
import { EncryptionCodec, PayloadDecryptionError } from './encryption-codec.ts';

export const CODEC_PREFIX = '/codec';
const COOKIE = 'corridor_codec';
/** Decoding cannot be scoped to one movement, so it is for those who may read every movement. */
const ALLOWED_ROLES: readonly Actor['role'][] = ['regional'];
// A page of history events in one request; larger than the API's declarations limit.
const BODY_LIMIT_BYTES = 8 * 1024 * 1024;

export interface CodecEndpointOptions {
  /** Undefined when payloads are stored in clear: both endpoints then hand payloads back unchanged. */
  codec: PayloadCodec | undefined;
  tokenSecret: string;
  /** Audience and longest lifetime of the tokens accepted; default Corridor's defaults. */
  tokenPolicy?: TokenPolicy;
  /**
   * The session cookie is marked Secure: always when the API is reachable beyond loopback (a
   * cookie holding a regional token never travels in clear there), else only over https.
   */
  secureCookie?: boolean;
  /** Browser origins (the Temporal Web UI) allowed to call the endpoint with the operator's session. */
  allowedOrigins: readonly string[];
}

/** The endpoint as the API serves it, from Corridor's configuration. */
export function codecEndpointFor(config: Config): FastifyPluginAsync {
  return codecEndpoint({
    codec: config.codec.keys ? new EncryptionCodec(config.codec.keys) : undefined,
    tokenSecret: config.tokenSecret,
    tokenPolicy: config.tokens,
    secureCookie: !isLoopbackHost(config.api.host),
    allowedOrigins: config.codec.corsOrigins.length > 0 ? config.codec.corsOrigins : localWebUiOrigins(config),
  });
}

/** The Web UIs `npm start` runs on this machine, as a browser names them. */
export function localWebUiOrigins(config: Config): string[] {
  return [...new Set([config.cluster.uiPort, config.temporal.uiPort])].flatMap((port) => [`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

export const codecEndpoint =
  (options: CodecEndpointOptions): FastifyPluginAsync =>
  async (app) => {
    await app.register(async (scope) => routes(scope, options), { prefix: CODEC_PREFIX });
  };

async function routes(app: FastifyInstance, options: CodecEndpointOptions): Promise<void> {
  const origins = new Set(options.allowedOrigins);
  const policy = options.tokenPolicy ?? defaultTokenPolicy;
  const secure = (request: FastifyRequest) => options.secureCookie === true || request.protocol === 'https';
  // Opening or closing a session is done from the login page itself: a form posted from another
  // site (login CSRF, planting the attacker's session) is refused. A browser always sends Origin
  // on a cross-site POST; a client without one (curl) is not a browser riding on a cookie.
  const sameOrigin = (request: FastifyRequest) => {
    const origin = request.headers.origin;
    return origin === undefined || origin === `${request.protocol}://${request.host}`;
  };
  const crossSite = (reply: FastifyReply) => page(reply, 403, loginPage("Requête d'une autre origine refusée. / Request from another origin refused."));
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    // Credentials ride along, so the answer names the one origin, never "*".
    if (origin && origins.has(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
      reply.header('vary', 'Origin');
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const preflight = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.headers.origin || !origins.has(request.headers.origin)) return reply.code(403).send();
    return reply
      .code(204)
      .header('access-control-allow-methods', 'POST, OPTIONS')
      .header('access-control-allow-headers', 'content-type, x-namespace, authorization')
      .header('access-control-max-age', '600')
      .send();
  };

  for (const direction of ['encode', 'decode'] as const) {
    app.options(`/${direction}`, { schema: { hide: true } }, preflight);
    app.post(
      `/${direction}`,
      {
        bodyLimit: BODY_LIMIT_BYTES,
        schema: { tags: ['codec'], summary: `Temporal remote codec: ${direction} payloads (role regional; Bearer token or /codec/login session)` },
      },
      async (request, reply) => {
        const denied = await refuse(request, options.tokenSecret, policy);
        if (denied) return refusal(reply, denied.status, denied.message);
        const parsed = PayloadsJson.safeParse(request.body);
        if (!parsed.success) return refusal(reply, 400, `expected {"payloads": [...]}: ${parsed.error.issues[0]?.message}`);
        const payloads = fromJson(parsed.data);
        if (!options.codec) return reply.send(toJson(payloads));
        try {
          return reply.send(toJson(await options.codec[direction](payloads)));
        } catch (error) {
          if (error instanceof PayloadDecryptionError) return refusal(reply, 422, error.message);
          throw error;
        }
      },
    );
  }

  app.get('/login', { schema: { hide: true } }, async (_request, reply) => page(reply, 200, loginPage()));

  app.post('/session', { schema: { hide: true } }, async (request, reply) => {
    if (!sameOrigin(request)) return crossSite(reply);
    const body = z.object({ token: z.string().trim().min(1) }).safeParse(request.body);
    if (!body.success) return page(reply, 400, loginPage('Collez un jeton. / Paste a token.'));
    let actor: Actor;
    let expiresAt: number;
    try {
      actor = await verifyToken(options.tokenSecret, body.data.token, policy);
      expiresAt = expiryOf(body.data.token);
    } catch (error) {
      if (error instanceof InvalidToken) return page(reply, 401, loginPage(`Jeton refusé / token refused: ${error.message}`));
      throw error;
    }
    if (!ALLOWED_ROLES.includes(actor.role)) {
      return page(
        reply,
        403,
        loginPage(`Réservé au rôle ${ALLOWED_ROLES.join(', ')} / for the ${ALLOWED_ROLES.join(', ')} role only (this token: ${actor.role})`),
      );
    }
    const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
    reply.header('set-cookie', cookie(body.data.token, maxAge, secure(request)));
    return page(
      reply,
      200,
      layout(
        `<p>Session ouverte pour <b>${escapeHtml(actor.user)}</b> jusqu'au ${new Date(expiresAt).toISOString()} : l'interface Web de Temporal affiche désormais les données déchiffrées dans ce navigateur.</p>` +
          `<p lang="en">Session open for <b>${escapeHtml(actor.user)}</b> until ${new Date(expiresAt).toISOString()}: the Temporal Web UI now shows decrypted payloads in this browser.</p>` +
          `<form method="post" action="${CODEC_PREFIX}/logout"><button>Fermer la session / Close the session</button></form>`,
      ),
    );
  });

  app.post('/logout', { schema: { hide: true } }, async (request, reply) => {
    if (!sameOrigin(request)) return crossSite(reply);
    reply.header('set-cookie', cookie('', 0, secure(request)));
    return page(reply, 200, layout('<p>Session fermée. / Session closed.</p>'));
  });
}

type Refusal = { status: 401 | 403; message: string };

// Plain text, never JSON: the Web UI parses any JSON answer as payloads without looking at the
// status, and would then show nothing at all; text makes it fall back to the encrypted payloads
// and its "open a codec session" message. The CLI prints the text as the reason.
function refusal(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).type('text/plain; charset=utf-8').send(message);
}

async function refuse(request: FastifyRequest, secret: string, policy: TokenPolicy): Promise<Refusal | undefined> {
  const header = request.headers.authorization;
  const bearer = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
  const token = bearer ?? readCookie(request.headers.cookie, COOKIE);
  if (!token) {
    return { status: 401, message: `send "Authorization: Bearer <token>" (role regional) or open a session at ${CODEC_PREFIX}/login` };
  }
  let actor: Actor;
  try {
    actor = await verifyToken(secret, token, policy);
  } catch (error) {
    if (error instanceof InvalidToken) return { status: 401, message: error.message };
    throw error;
  }
  if (!ALLOWED_ROLES.includes(actor.role)) {
    return { status: 403, message: `decoding payloads is for the ${ALLOWED_ROLES.join(', ')} role, not for a ${actor.role}` };
  }
  request.log.info({ user: actor.user, path: request.url }, 'codec: payloads decoded for an operator');
  return undefined;
}

function expiryOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: number };
  return (payload.exp ?? 0) * 1000;
}

function cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  // SameSite=Strict still travels from the Web UI: another port of the same host is the same site.
  return `${COOKIE}=${value}; Path=${CODEC_PREFIX}; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name && rest.length > 0) return rest.join('=') || undefined;
  }
  return undefined;
}

function page(reply: FastifyReply, status: number, html: string) {
  // Its own policy, stricter than the console's: no script at all, its one inline style allowed.
  return reply
    .code(status)
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    .type('text/html; charset=utf-8')
    .send(html);
}

function loginPage(message?: string): string {
  return layout(
    `${message ? `<p role="alert">${escapeHtml(message)}</p>` : ''}` +
      `<p>Pour lire les données chiffrées dans l'interface Web de Temporal, collez votre jeton Corridor (rôle <code>regional</code>).</p>` +
      `<p lang="en">To read encrypted payloads in the Temporal Web UI, paste your Corridor token (role <code>regional</code>).</p>` +
      `<form method="post" action="${CODEC_PREFIX}/session"><textarea name="token" rows="6" cols="80" required></textarea><br><button>Ouvrir la session / Open the session</button></form>`,
  );
}

function layout(body: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Corridor — décodage / codec</title></head><body style="font-family:sans-serif;max-width:50rem;margin:2rem auto"><h1>Corridor — décodage des données / payload codec</h1>${body}</body></html>`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
