// The codec endpoint: the Temporal Web UI and CLI get clear payloads for an operator with a
// regional token (header or browser session), everybody else gets a refusal, and CORS opens
// it to the configured Web UI origin only.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { defaultPayloadConverter } from '@temporalio/common';
import { signToken } from '../../src/auth/tokens.ts';
import { EncryptionCodec } from '../../src/codec/encryption-codec.ts';
import { generateKeyEntry, parseKeyRing } from '../../src/codec/keys.ts';
import { toJson, fromJson, type PayloadsJson } from '../../src/codec/payload-json.ts';
import { codecEndpoint } from '../../src/codec/server.ts';

const SECRET = 'codec-endpoint-test-secret-0123456789';
const UI = 'http://127.0.0.1:18233';
const declaration = { lrn: 'GTC-26-LFW-004187', declarant: { name: 'Golfe Transit et Consignation SARL' } };

describe('codec endpoint', () => {
  let app: FastifyInstance;
  let encrypted: PayloadsJson;
  const codec = new EncryptionCodec(parseKeyRing(generateKeyEntry('k1')));
  const regional = () => signToken(SECRET, { user: 'ops-regional', role: 'regional' });
  const supervisor = () => signToken(SECRET, { user: 'superviseur-tg', role: 'supervisor', country: 'TG' });

  before(async () => {
    app = Fastify();
    await app.register(codecEndpoint({ codec, tokenSecret: SECRET, allowedOrigins: [UI] }));
    encrypted = toJson(await codec.encode([defaultPayloadConverter.toPayload(declaration)]));
  });
  after(() => app.close());

  const decode = (headers: Record<string, string>, payload: unknown = encrypted) =>
    app.inject({
      method: 'POST',
      url: '/codec/decode',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
      payload: payload as object,
    });

  it('decodes for an operator with a regional bearer token (the CLI: --codec-auth)', async () => {
    const answer = await decode({ authorization: `Bearer ${await regional()}` });
    assert.equal(answer.statusCode, 200);
    const [payload] = fromJson(answer.json());
    assert.deepEqual(defaultPayloadConverter.fromPayload(payload!), declaration);
  });

  it('encodes for the same operator, and what it encodes decodes', async () => {
    const token = await regional();
    const plain = toJson([defaultPayloadConverter.toPayload({ note: 'saisie opérateur' })]);
    const answer = await app.inject({ method: 'POST', url: '/codec/encode', headers: { authorization: `Bearer ${token}` }, payload: plain });
    assert.equal(answer.statusCode, 200);
    assert.ok(!JSON.stringify(answer.json()).includes(plain.payloads[0]!.data!));
    const back = await decode({ authorization: `Bearer ${token}` }, answer.json());
    assert.deepEqual(defaultPayloadConverter.fromPayload(fromJson(back.json())[0]!), { note: 'saisie opérateur' });
  });

  it('accepts protobuf JSON that leaves out an empty list (the CLI sends {} for a query without arguments)', async () => {
    const answer = await app.inject({ method: 'POST', url: '/codec/encode', headers: { authorization: `Bearer ${await regional()}` }, payload: {} });
    assert.equal(answer.statusCode, 200);
    assert.deepEqual(answer.json(), { payloads: [] });
  });

  it('refuses anyone else: no token, a bad token, another role', async () => {
    assert.equal((await decode({})).statusCode, 401);
    assert.equal((await decode({ authorization: 'Bearer not-a-token' })).statusCode, 401);
    assert.equal(
      (await decode({ authorization: `Bearer ${await signToken('another-secret-0123456789abcdef', { user: 'x', role: 'regional' })}` })).statusCode,
      401,
    );
    const forbidden = await decode({ authorization: `Bearer ${await supervisor()}` });
    assert.equal(forbidden.statusCode, 403);
    for (const answer of [await decode({}), forbidden]) {
      assert.ok(!answer.body.includes('Golfe'));
      // Not JSON: the Web UI would take any JSON answer for payloads and show nothing; text makes it show the ciphertext and its hint.
      assert.match(String(answer.headers['content-type']), /^text\/plain/);
    }
  });

  it('a browser session for the Web UI: opened with a regional token, sent back as a cookie, closed on logout', async () => {
    const login = await app.inject({ method: 'GET', url: '/codec/login' });
    assert.equal(login.statusCode, 200);
    assert.match(login.body, /form method="post" action="\/codec\/session"/);

    const refused = await app.inject({
      method: 'POST',
      url: '/codec/session',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${encodeURIComponent(await supervisor())}`,
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.headers['set-cookie'], undefined);

    const opened = await app.inject({
      method: 'POST',
      url: '/codec/session',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${encodeURIComponent(await regional())}`,
    });
    assert.equal(opened.statusCode, 200);
    const setCookie = String(opened.headers['set-cookie']);
    assert.match(setCookie, /^corridor_codec=[^;]+; Path=\/codec; HttpOnly; SameSite=Strict; Max-Age=\d+/);
    const cookie = setCookie.split(';')[0]!;

    const answer = await decode({ cookie, origin: UI });
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.headers['access-control-allow-origin'], UI);
    assert.equal(answer.headers['access-control-allow-credentials'], 'true');
    assert.deepEqual(defaultPayloadConverter.fromPayload(fromJson(answer.json())[0]!), declaration);

    const closed = await app.inject({ method: 'POST', url: '/codec/logout' });
    assert.match(String(closed.headers['set-cookie']), /^corridor_codec=; .*Max-Age=0/);
  });

  it('CORS: the Web UI origin passes the preflight, any other origin does not', async () => {
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/codec/decode',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
      });
    const ok = await preflight(UI);
    assert.equal(ok.statusCode, 204);
    assert.equal(ok.headers['access-control-allow-origin'], UI);
    assert.match(String(ok.headers['access-control-allow-headers']), /x-namespace/);
    const other = await preflight('https://evil.example');
    assert.equal(other.statusCode, 403);
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const answer = await decode({ authorization: `Bearer ${await regional()}`, origin: 'https://evil.example' });
    assert.equal(answer.headers['access-control-allow-origin'], undefined);
  });

  it('says which key is missing rather than returning ciphertext as if it were clear', async () => {
    const other = new EncryptionCodec(parseKeyRing(generateKeyEntry('k9')));
    const foreign = toJson(await other.encode([defaultPayloadConverter.toPayload(declaration)]));
    const answer = await decode({ authorization: `Bearer ${await regional()}` }, foreign);
    assert.equal(answer.statusCode, 422);
    assert.match(answer.body, /k9/);
  });
});
