// Fault injection produces the configured errors: error rate, outage window, latency, and
// an answer lost after the call was committed — after which a retry with the same key gets
// the first answer and nothing happens twice.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/env.ts';
import { createHttpNationalClient, NationalUnavailable } from '../../src/national/client.ts';
import { sandboxOptionsFromConfig } from '../../src/national/sandbox/server.ts';
import { atRisk, balance, bigGuarantee, calls, declaration, get, http, key, movement, newMrn, post, register, sandbox } from './helpers.ts';

const G = bigGuarantee.TG.grn;

describe('error rate', () => {
  test('1: every contract call is answered 503 before doing anything; health and admin still answer', async (t) => {
    const sb = await sandbox(t, { faults: { errorRate: 1 } });
    const mrn = newMrn();
    for (let i = 0; i < 5; i++) {
      const answer = await register(sb, mrn);
      assert.equal(answer.status, 503);
      assert.equal(answer.json.code, 'UNAVAILABLE');
    }
    assert.equal((await get(sb, `/v1/guarantees/${G}`)).status, 503, 'reads too');
    assert.equal((await get(sb, '/health')).status, 200);
    assert.equal((await get(sb, '/admin/faults')).json.errorRate, 1);
    assert.deepEqual((await get(sb, '/admin/movements')).json.movements, []);
    assert.deepEqual(await calls(sb), []);
  });

  test('0.5: a call fails when the draw falls under the rate', async (t) => {
    let draw = 0;
    const sequence = [0.1, 0.9, 0.3, 0.7, 0.49, 0.51];
    const sb = await sandbox(t, { faults: { errorRate: 0.5 }, random: () => sequence[draw++ % sequence.length]! });
    const statuses = [];
    for (let i = 0; i < sequence.length; i++) statuses.push((await get(sb, `/v1/guarantees/${G}`)).status);
    assert.deepEqual(statuses, [503, 200, 503, 200, 503, 200]);
  });

  test('set live with PUT /admin/faults and back to normal', async (t) => {
    const sb = await sandbox(t);
    assert.equal((await register(sb, newMrn())).status, 201);
    const put = await http(sb, 'PUT', '/admin/faults', { errorRate: 1 });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json, { latencyMs: 0, errorRate: 1, outage: null, delayAfterCommitMs: 0 });
    assert.equal((await register(sb, newMrn())).status, 503);
    assert.equal((await http(sb, 'PUT', '/admin/faults', {})).status, 200);
    assert.equal((await register(sb, newMrn())).status, 201);
    const bad = await http(sb, 'PUT', '/admin/faults', { errorRate: 2, outage: { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.errors.map((e: { path: string }) => e.path).sort(), ['/errorRate', '/outage/to']);
  });
});

describe('outage window', () => {
  test('inside the window every call is 503 with Retry-After; outside it, calls go through', async (t) => {
    let now = new Date('2026-11-27T10:30:00Z');
    const sb = await sandbox(t, {
      clock: () => now,
      faults: { outage: { from: '2026-11-27T10:00:00Z', to: '2026-11-27T11:00:00Z' } },
    });
    const inside = await register(sb, newMrn());
    assert.equal(inside.status, 503);
    assert.match(inside.json.reason, /outage until 2026-11-27T11:00:00Z/);
    assert.equal(inside.headers.get('retry-after'), '1800');
    now = new Date('2026-11-27T11:00:00Z');
    assert.equal((await register(sb, newMrn())).status, 201, 'the window ends at `to`');
    now = new Date('2026-11-27T09:59:59Z');
    assert.equal((await register(sb, newMrn())).status, 201);
  });
});

describe('latency', () => {
  test('every contract call takes at least the configured latency; health does not', async (t) => {
    const sb = await sandbox(t, { faults: { latencyMs: 200 } });
    const slow = await register(sb, newMrn());
    assert.equal(slow.status, 201);
    assert.ok(slow.ms >= 195, `took ${slow.ms} ms`);
    const read = await get(sb, `/v1/guarantees/${G}`);
    assert.ok(read.ms >= 195, `took ${read.ms} ms`);
    const health = await get(sb, '/health');
    assert.ok(health.ms < 150, `health took ${health.ms} ms`);
  });
});

describe('an answer lost after commit', () => {
  test('the client gives up (NationalUnavailable) while the effect is committed; the retry gets the first answer and nothing twice', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    assert.equal((await register(sb, mrn, declaration([8_000_000]))).status, 201);
    const client = createHttpNationalClient({ country: 'TG', baseUrl: sb.url, timeoutMs: 150 });
    await http(sb, 'PUT', '/admin/faults', { delayAfterCommitMs: 600 });

    const idempotencyKey = key('reserve');
    await assert.rejects(
      client.reserveGuarantee({ mrn, grn: G, accessCode: '1234' }, { idempotencyKey }),
      (error: unknown) => error instanceof NationalUnavailable && /no answer within 150 ms/.test(error.message),
    );
    // The system did reserve, although nobody heard the answer.
    assert.equal((await balance(sb, G)).reservedXof, atRisk('TG', [8_000_000]));
    assert.equal((await movement(sb, mrn)).state, 'GUARANTEED');

    await http(sb, 'PUT', '/admin/faults', {});
    const retried = await client.reserveGuarantee({ mrn, grn: G, accessCode: '1234' }, { idempotencyKey });
    const stored = (await calls(sb, `?mrn=${mrn}&operation=reserveGuarantee`))!;
    assert.equal(stored.length, 1, 'one call accepted');
    assert.equal(stored[0]!.replays, 1);
    assert.deepEqual(retried, stored[0]!.answer, 'the retry got the first answer');
    const after = await balance(sb, G);
    assert.equal(after.reservedXof, atRisk('TG', [8_000_000]), 'one reservation');
    assert.equal(after.reservationCounts.reserved, 1);
    assert.equal((await movement(sb, mrn)).events.filter((e) => e.operation === 'reserveGuarantee').length, 1);
  });

  test('configured at start like the other faults', async (t) => {
    const sb = await sandbox(t, { faults: { delayAfterCommitMs: 300 } });
    const answer = await register(sb, newMrn());
    assert.equal(answer.status, 201);
    assert.ok(answer.ms >= 295, `took ${answer.ms} ms`);
  });
});

describe('configuration', () => {
  test('sandboxOptionsFromConfig: port from the national URL, store under the data folder, faults from CORRIDOR_SANDBOX_*', () => {
    const config = loadConfig({
      CORRIDOR_DATA_DIR: '/tmp/corridor-data',
      CORRIDOR_NATIONAL_BF_URL: 'http://127.0.0.1:9092',
      CORRIDOR_SANDBOX_LATENCY_MS: '25',
      CORRIDOR_SANDBOX_ERROR_RATE: '0.1',
      CORRIDOR_SANDBOX_OUTAGE: '2026-11-27T10:00:00Z/2026-11-27T11:00:00Z',
      CORRIDOR_LOG_LEVEL: 'silent',
    });
    const options = sandboxOptionsFromConfig(config, 'BF');
    assert.equal(options.country, 'BF');
    assert.equal(options.host, '127.0.0.1');
    assert.equal(options.port, 9092);
    assert.equal(options.dbPath, path.join('/tmp/corridor-data', 'sandbox-BF.sqlite'));
    assert.match(String(options.seed), /data\/sandbox\/BF\.json$/);
    assert.deepEqual(options.faults, {
      latencyMs: 25,
      errorRate: 0.1,
      outage: { from: '2026-11-27T10:00:00.000Z', to: '2026-11-27T11:00:00.000Z' },
      delayAfterCommitMs: 0,
    });
    assert.equal(sandboxOptionsFromConfig(loadConfig({}), 'TG').port, 8091);
  });

  test('a post to a contract route in an outage changes nothing even with a fresh key', async (t) => {
    const sb = await sandbox(t, { faults: { outage: { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' } } });
    const answer = await post(sb, `/v1/guarantees/${G}/reservations`, { mrn: newMrn(), accessCode: '1234' });
    assert.equal(answer.status, 503);
    assert.deepEqual(await calls(sb), []);
  });
});
