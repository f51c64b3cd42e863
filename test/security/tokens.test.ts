// Finding 2, tokens: every token carries exp, iat and the configured audience, lives no longer
// than CORRIDOR_TOKEN_MAX_LIFETIME_SECONDS, and is refused with 401 and the reason otherwise;
// `npm run token` refuses to print a token the API would refuse.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { actorOf, installAuthentication } from '../../src/api/authentication.ts';
import { installErrorHandler } from '../../src/api/error-handler.ts';
import { signToken } from '../../src/auth/tokens.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'tokens-test-secret-of-at-least-32-bytes-0123';
const key = new TextEncoder().encode(SECRET);
const now = () => Math.floor(Date.now() / 1000);
const regional = () => new SignJWT({ role: 'regional' }).setProtectedHeader({ alg: 'HS256' }).setSubject('ops').setIssuer('corridor');

describe('tokens', () => {
  let app: FastifyInstance;
  before(async () => {
    app = Fastify();
    installErrorHandler(app);
    installAuthentication(app, { secret: SECRET, policy: { audience: 'corridor', maxLifetimeSeconds: 12 * 3600 }, failuresPerMinute: 1000 });
    app.get('/me', async (request) => actorOf(request));
    await app.ready();
  });
  after(() => app.close());

  const me = (token: string) => app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } });

  it('a token signed as Corridor signs them is accepted', async () => {
    const answer = await me(await signToken(SECRET, { user: 'ops', role: 'regional' }));
    assert.equal(answer.statusCode, 200, answer.body);
  });

  it('a token of the longest lifetime is accepted even when a second turns while it is signed', async () => {
    // jose reads the clock once for iat and once for exp: a clock that moves 0.6 s at each read,
    // from just before a second turns, is the busy machine on which a suite's 12 h token lived 43,201 s.
    const RealDate = Date;
    let at = (Math.floor(RealDate.now() / 1000) + 1) * 1000 - 100;
    class SteppingDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length > 0) super(...(args as [number]));
        else {
          super(at);
          at += 600;
        }
      }
      static override now() {
        return at;
      }
    }
    globalThis.Date = SteppingDate as DateConstructor;
    let token: string;
    try {
      token = await signToken(SECRET, { user: 'ops', role: 'regional' }, '12h');
    } finally {
      globalThis.Date = RealDate;
    }
    const [, payload] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { iat: number; exp: number };
    assert.ok(claims.exp - claims.iat <= 12 * 3600, `lives ${claims.exp - claims.iat} s`);
    const answer = await me(token);
    assert.equal(answer.statusCode, 200, answer.body);
  });

  it('a token without exp is refused: 401 saying so', async () => {
    const answer = await me(await regional().setAudience('corridor').setIssuedAt().sign(key));
    assert.equal(answer.statusCode, 401, answer.body);
    assert.match(answer.json().message, /no exp/);
  });

  it('a token without iat is refused: 401 saying so', async () => {
    const answer = await me(await regional().setAudience('corridor').setExpirationTime('1h').sign(key));
    assert.equal(answer.statusCode, 401, answer.body);
    assert.match(answer.json().message, /no iat/);
  });

  it('a token without the audience, or for another, is refused: 401 saying so', async () => {
    for (const token of [
      await regional().setIssuedAt().setExpirationTime('1h').sign(key),
      await regional().setAudience('another-system').setIssuedAt().setExpirationTime('1h').sign(key),
    ]) {
      const answer = await me(token);
      assert.equal(answer.statusCode, 401, answer.body);
      assert.match(answer.json().message, /audience/);
    }
  });

  it('a token living longer than the maximum lifetime is refused, though unexpired', async () => {
    const answer = await me(
      await regional()
        .setAudience('corridor')
        .setIssuedAt(now() - 60)
        .setExpirationTime(now() + 30 * 24 * 3600)
        .sign(key),
    );
    assert.equal(answer.statusCode, 401, answer.body);
    assert.match(answer.json().message, /more than the 43200 s allowed/);
  });

  it('npm run token refuses a --ttl longer than CORRIDOR_TOKEN_MAX_LIFETIME_SECONDS, and signs within it', () => {
    const token = (ttl: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'token', '--role', 'regional', '--ttl', ttl], {
        env: { ...process.env, CORRIDOR_TOKEN_SECRET: SECRET },
        encoding: 'utf8',
        timeout: 30_000,
      });
    const long = token('30d');
    assert.equal(long.status, 64, `${long.status}: ${long.stdout}${long.stderr}`);
    assert.match(long.stderr, /--ttl 30d is longer than 43200 s.*CORRIDOR_TOKEN_MAX_LIFETIME_SECONDS/);
    assert.equal(long.stdout, '');
    const fine = token('8h');
    assert.equal(fine.status, 0, fine.stderr);
    assert.match(fine.stdout, /^ey[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });
});
