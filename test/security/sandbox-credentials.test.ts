// Finding 3 of issue 18, national systems authenticate Corridor: the review released a guarantee
// reservation, changed the fault settings and read access codes in /admin/calls with no
// credential at all. Each of those now fails; Corridor's credential and a user's still work.
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/env.ts';
import { NationalProtocolError, createHttpNationalClient, nationalClientFromConfig } from '../../src/national/client.ts';
import { SandboxCredentialMissing, startSandbox } from '../../src/national/sandbox/server.ts';
import { bigGuarantee, declaration, guaranteed, http, newMrn, post, register, sandbox, silent, tempDir, userToken } from '../national/helpers.ts';

/** A call with exactly these headers (none by default): the helpers' `http` would add Corridor's credential. */
async function bare(url: string, method = 'GET', headers: Record<string, string> = {}, body?: unknown) {
  const response = await fetch(url, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

describe('the contract routes need a credential, reads included', () => {
  test('no credential, or a wrong one: 401 on every read and every act, and nothing changes', async (t) => {
    const sb = await sandbox(t);
    const { mrn } = await guaranteed(sb);
    const grn = bigGuarantee.TG.grn;
    for (const headers of [{}, { authorization: 'Bearer not-corridors-credential' }, { authorization: 'Basic Y29ycmlkb3I6eA==' }]) {
      for (const pathname of [`/v1/movements/${mrn}`, `/v1/guarantees/${grn}`, `/v1/guarantees/${grn}?mrn=${mrn}`, '/v1/events?after=0']) {
        const answer = await bare(`${sb.url}${pathname}`, 'GET', headers);
        assert.equal(answer.status, 401, `GET ${pathname} with ${JSON.stringify(headers)}`);
        assert.equal(answer.json?.code, 'UNAUTHENTICATED');
        assert.equal(answer.json?.state, undefined, 'the refusal tells nothing of the record');
      }
      // The review's act: releasing another declarant's reservation anonymously.
      const release = await bare(
        `${sb.url}/v1/guarantees/${grn}/reservations/${mrn}/release`,
        'POST',
        { ...headers, 'idempotency-key': `rel-${Math.random()}` },
        {},
      );
      assert.equal(release.status, 401);
    }
    const kept = await http(sb, 'GET', `/v1/guarantees/${grn}?mrn=${mrn}`);
    assert.equal(kept.status, 200);
    assert.deepEqual(
      (kept.json.reservations as Array<{ mrn: string; status: string }>).filter((r) => r.mrn === mrn).map((r) => r.status),
      ['RESERVED'],
      'the reservation is still held',
    );
    assert.equal((await http(sb, 'GET', '/admin/calls?operation=releaseGuarantee')).json.calls.length, 0, 'no refused call was even recorded');
  });

  test("Corridor's credential and a user's both read; /health stays anonymous and says only that it is up", async (t) => {
    const sb = await sandbox(t);
    const { mrn } = await guaranteed(sb);
    assert.equal((await http(sb, 'GET', `/v1/movements/${mrn}`)).status, 200);
    const officer = await userToken({ sub: 'agent.kara', role: 'officer', office: 'TGCKS001' });
    assert.equal((await bare(`${sb.url}/v1/movements/${mrn}`, 'GET', { authorization: `Bearer ${officer}` })).status, 200);
    const health = await bare(`${sb.url}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(Object.keys(health.json ?? {}).sort(), ['contractVersion', 'country', 'status']);
  });

  test("the client sends the configured credential on reads and acts; without it the system's 401 is a protocol error, not a retry", async (t) => {
    const corridorToken = 'tg-gateway-credential-for-this-test';
    const sb = await sandbox(t, { corridorToken });
    const mrn = newMrn();
    assert.equal((await register(sb, mrn)).status, 201, 'the helpers use the configured credential');
    const config = loadConfig({ CORRIDOR_NATIONAL_TG_URL: sb.url, CORRIDOR_NATIONAL_TG_TOKEN: corridorToken });
    const client = nationalClientFromConfig(config, 'TG');
    assert.equal((await client.getMovement({ mrn })).state, 'REGISTERED');
    assert.equal((await client.getGuarantee({ grn: bigGuarantee.TG.grn })).grn, bigGuarantee.TG.grn);
    assert.ok(Array.isArray((await client.listEvents({ after: 0 })).events));
    // The development credential no longer opens a sandbox that was given its own.
    const unconfigured = createHttpNationalClient({ country: 'TG', baseUrl: sb.url, timeoutMs: 2_000 });
    await assert.rejects(unconfigured.getMovement({ mrn }), (error: unknown) => error instanceof NationalProtocolError && error.status === 401);
  });

  test('a sandbox listening beyond loopback refuses to start with the published development credential', async (t) => {
    await assert.rejects(
      startSandbox({ country: 'TG', host: '0.0.0.0', port: 0, dbPath: path.join(tempDir(t), 'tg.sqlite'), logger: silent }),
      (error: unknown) => error instanceof SandboxCredentialMissing && /CORRIDOR_NATIONAL_TG_TOKEN/.test(error.message),
    );
  });
});

describe('the admin routes need the admin credential', () => {
  const adminRoutes: Array<[string, string, unknown?]> = [
    ['GET', '/admin/faults'],
    ['PUT', '/admin/faults', { errorRate: 1 }],
    ['GET', '/admin/calls'],
    ['GET', '/admin/movements'],
    ['GET', '/admin/guarantees'],
    ['POST', '/admin/released-movements', { declaration: {}, lrns: ['LRN-1'], office: 'TGLFW001' }],
  ];

  test("with an admin token: no token, Corridor's credential or a user's is a 401 on every admin route, and the faults stay as they were", async (t) => {
    const adminToken = 'sandbox-admin-credential-for-this-test';
    const sb = await sandbox(t, { adminToken });
    await guaranteed(sb);
    const officer = await userToken({ sub: 'agent.kara', role: 'officer', office: 'TGCKS001' });
    for (const headers of [{}, sb.headers, { authorization: `Bearer ${officer}` }, { authorization: `Bearer ${adminToken}x` }]) {
      for (const [method, pathname, body] of adminRoutes) {
        const answer = await bare(`${sb.url}${pathname}`, method, headers, body);
        assert.equal(answer.status, 401, `${method} ${pathname} with ${JSON.stringify(headers)}`);
        assert.equal(answer.json?.calls, undefined);
      }
    }
    assert.equal(sb.faults().errorRate, 0, 'no fault was set');
    const admin = { authorization: `Bearer ${adminToken}` };
    for (const [method, pathname] of adminRoutes.filter(([m]) => m === 'GET')) {
      assert.equal((await bare(`${sb.url}${pathname}`, method, admin)).status, 200, pathname);
    }
    assert.equal((await bare(`${sb.url}/admin/faults`, 'PUT', admin, {})).status, 200);
  });

  test('without an admin token, the admin routes answer this machine only: 403 to a peer on another address', async (t) => {
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!external) {
      t.skip('this machine has no non-loopback IPv4 address to call from');
      return;
    }
    const sb = await sandbox(t, { host: '0.0.0.0', corridorToken: 'tg-gateway-credential-for-this-test' });
    const remote = `http://${external}:${sb.port}`;
    for (const [method, pathname, body] of adminRoutes) {
      const answer = await bare(`${remote}${pathname}`, method, sb.headers, body);
      assert.equal(answer.status, 403, `${method} ${pathname} from ${external}`);
      assert.match(String(answer.json?.reason), /CORRIDOR_SANDBOX_ADMIN_TOKEN/);
    }
    assert.equal(sb.faults().errorRate, 0);
    assert.equal((await bare(`${sb.url}/admin/faults`)).status, 200, 'loopback still reaches them');
  });
});

describe('call records mask access codes', () => {
  test("/admin/calls never shows a guarantee's access code: not the reservation's, not the declaration's", async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    const decl = declaration();
    assert.equal((await register(sb, mrn, decl)).status, 201);
    assert.equal((await post(sb, `/v1/guarantees/${bigGuarantee.TG.grn}/reservations`, { mrn, accessCode: bigGuarantee.TG.accessCode })).status, 201);
    // A wrong code too: a refused call is recorded with its request.
    assert.equal((await post(sb, `/v1/guarantees/${bigGuarantee.TG.grn}/reservations`, { mrn: newMrn(), accessCode: '9999' })).status !== 201, true);
    const calls = (await http(sb, 'GET', '/admin/calls')).json.calls as Array<{ operation: string; request: unknown }>;
    const codes: unknown[] = [];
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) {
          if (k === 'accessCode') codes.push(v);
          else collect(v);
        }
    };
    for (const c of calls) collect(c.request);
    assert.ok(codes.length >= 3, `access codes found in ${calls.length} calls: ${codes.length}`);
    assert.deepEqual([...new Set(codes)], ['****']);
    const text = JSON.stringify(calls);
    assert.ok(!text.includes(`"${bigGuarantee.TG.accessCode}"`) && !text.includes('"9999"'), 'no access code in clear anywhere in the records');
  });
});
