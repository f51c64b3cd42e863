// Finding 4, edges: rate limits (failed authentications per address, sign-in per address, acts
// per token), security headers with a Content-Security-Policy the console passes (the browser
// side is test/console), /metrics behind a scrape token or loopback, /health's details for
// operators only, and the codec's session routes: Origin checked, cookie Secure off loopback.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApi } from '../../src/api/app.ts';
import { signToken } from '../../src/auth/tokens.ts';
import type { Config } from '../../src/config/env.ts';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { codecEndpoint } from '../../src/codec/server.ts';
import { startStack, tempDir, type Stack } from '../harness/stack.ts';
import Fastify from 'fastify';

const MRN = '26TG00000000000000';
const METRICS_TOKEN = 'a-scrape-token-of-at-least-32-characters';

describe('edges', () => {
  let stack: Stack;
  const apps: FastifyInstance[] = [];
  /** An API on the stack's Temporal with some settings changed; requests by inject, from any address. */
  const api = async (change: Partial<Config> = {}) => {
    const config = { ...stack.config, dataDir: tempDir('edge-api'), ...change };
    const app = await buildApi({ config, client: stack.client, namespace: 'default', logger: createLogger('test', 'silent'), reference: loadReferenceData() });
    apps.push(app);
    return app;
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const limits = (change: Partial<Config['rateLimits']>) => ({ rateLimits: { ...stack.config.rateLimits, ...change } });

  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    for (const app of apps) await app.close();
    await stack.stop();
  });

  it('refused tokens from one address: past the limit, 429 with Retry-After for every token from there; other addresses unaffected', async () => {
    const app = await api(limits({ authFailuresPerMinute: 5 }));
    const from = (remoteAddress: string, headers: Record<string, string>): InjectOptions => ({ method: 'GET', url: '/me', remoteAddress, headers });
    for (let i = 0; i < 5; i++) assert.equal((await app.inject(from('203.0.113.7', bearer(`guess.${i}.x`)))).statusCode, 401);
    const blocked = await app.inject(from('203.0.113.7', bearer('guess.6.x')));
    assert.equal(blocked.statusCode, 429, blocked.body);
    assert.ok(Number(blocked.headers['retry-after']) > 0 && Number(blocked.headers['retry-after']) <= 60, String(blocked.headers['retry-after']));
    // Even a good token waits: the address is guessing.
    assert.equal((await app.inject(from('203.0.113.7', bearer(await stack.regional())))).statusCode, 429);
    assert.equal((await app.inject(from('198.51.100.1', bearer(await stack.regional())))).statusCode, 200);
  });

  it('development sign-in is limited per address: 429 with Retry-After', async () => {
    const app = await api(limits({ signInPerMinute: 3 }));
    const signIn = () => app.inject({ method: 'POST', url: '/dev/tokens', payload: { role: 'regional' } });
    for (let i = 0; i < 3; i++) assert.equal((await signIn()).statusCode, 200);
    const limited = await signIn();
    assert.equal(limited.statusCode, 429, limited.body);
    assert.ok(limited.headers['retry-after']);
    assert.equal(limited.json().error, 'TOO_MANY_REQUESTS');
  });

  it('acts and lodging are limited per token: one busy user does not slow another', async () => {
    const app = await api(limits({ writesPerMinute: 4 }));
    const busy = bearer(await stack.officer('TGLFW001'));
    const other = bearer(await stack.officer('TGCKS001'));
    const act = (headers: Record<string, string>) =>
      app.inject({ method: 'POST', url: `/transits/${MRN}/border-arrival`, headers, payload: { sealsIntact: true } });
    for (let i = 0; i < 4; i++) assert.equal((await act(busy)).statusCode, 404);
    const limited = await act(busy);
    assert.equal(limited.statusCode, 429, limited.body);
    assert.ok(limited.headers['retry-after']);
    assert.equal((await act(other)).statusCode, 404);
    const lodge = await app.inject({ method: 'POST', url: '/transits', headers: bearer(await stack.declarant('1000000001')), payload: {} });
    assert.equal(lodge.statusCode, 400);
  });

  it('security headers: a strict CSP, no framing, nosniff, no referrer; HSTS only over TLS', async () => {
    const app = await api({ trustProxy: true });
    const page = await app.inject({ method: 'GET', url: '/' });
    const csp = String(page.headers['content-security-policy']);
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]) {
      assert.ok(csp.includes(directive), `${directive} in ${csp}`);
    }
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['referrer-policy'], 'same-origin');
    assert.equal(page.headers['strict-transport-security'], undefined);
    const overTls = await app.inject({ method: 'GET', url: '/health', headers: { 'x-forwarded-proto': 'https' } });
    assert.match(String(overTls.headers['strict-transport-security']), /max-age=\d+/);
  });

  it('/metrics: from loopback only when no scrape token is set', async () => {
    const app = await api();
    assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' })).statusCode, 403);
  });

  it('/metrics: with CORRIDOR_METRICS_TOKEN, the scrape token is needed, from anywhere', async () => {
    const app = await api({ metricsToken: METRICS_TOKEN });
    assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
    assert.equal((await app.inject({ method: 'GET', url: '/metrics', headers: bearer(await stack.regional()) })).statusCode, 401);
    const scraped = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9', headers: bearer(METRICS_TOKEN) });
    assert.equal(scraped.statusCode, 200);
    assert.match(scraped.body, /corridor_api_request_duration_seconds/);
  });

  it('/health: a stranger gets the verdict only; supervisors and regional the parts', async () => {
    const anonymous = await fetch(`${stack.api}/health`);
    assert.ok([200, 503].includes(anonymous.status));
    assert.deepEqual(Object.keys((await anonymous.json()) as object), ['status']);
    const declarant = await fetch(`${stack.api}/health`, { headers: bearer(await stack.declarant('1000000001')) });
    assert.deepEqual(Object.keys((await declarant.json()) as object), ['status']);
    for (const token of [await stack.regional(), await stack.supervisor('TG')]) {
      const operator = (await (await fetch(`${stack.api}/health`, { headers: bearer(token) })).json()) as Record<string, unknown>;
      assert.ok(operator.parts && operator.failing, JSON.stringify(operator));
    }
  });

  describe('codec sessions', () => {
    const SECRET = 'edges-codec-secret-of-at-least-32-bytes-0123';
    let codec: FastifyInstance;
    before(async () => {
      codec = Fastify();
      await codec.register(codecEndpoint({ codec: undefined, tokenSecret: SECRET, allowedOrigins: ['http://127.0.0.1:8233'], secureCookie: true }));
    });
    after(() => codec.close());

    const open = async (headers: Record<string, string>) =>
      codec.inject({
        method: 'POST',
        url: '/codec/session',
        headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'corridor.example.org', ...headers },
        payload: `token=${await signToken(SECRET, { user: 'ops', role: 'regional' })}`,
      });

    it('a session opened from another origin is refused (login CSRF)', async () => {
      const refused = await open({ origin: 'https://evil.example' });
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.headers['set-cookie'], undefined);
      const logout = await codec.inject({ method: 'POST', url: '/codec/logout', headers: { origin: 'https://evil.example', host: 'corridor.example.org' } });
      assert.equal(logout.statusCode, 403);
    });

    it('from its own page, the session cookie is Secure when the API is reachable beyond loopback', async () => {
      const opened = await open({ origin: 'http://corridor.example.org' });
      assert.equal(opened.statusCode, 200, opened.body);
      assert.match(String(opened.headers['set-cookie']), /; Secure/);
      assert.match(String(opened.headers['content-security-policy']), /default-src 'none'/);
    });
  });
});
