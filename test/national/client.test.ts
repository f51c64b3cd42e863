// The typed client: answers checked against the contract, refusals as NationalRefusal with
// their code, everything retryable as NationalUnavailable, contract disagreements as
// NationalProtocolError.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import {
  createHttpNationalClient,
  nationalClientFromConfig,
  NationalProtocolError,
  NationalRefusal,
  NationalUnavailable,
  type NationalSystemClient,
} from '../../src/national/client.ts';
import { loadConfig } from '../../src/config/env.ts';
import { operationNames } from '../../src/national/contract.ts';
import { atRisk, bigGuarantee, calls, declaration, http, key, newMrn, sandbox, smallGuarantee, userToken } from './helpers.ts';

const G = bigGuarantee.TG.grn;

function clientOf(url: string, timeoutMs = 2_000, fetchImpl?: typeof fetch): NationalSystemClient {
  return createHttpNationalClient({ country: 'TG', baseUrl: url, timeoutMs, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
}

describe('answers', () => {
  test('one typed method per operation, sending the Idempotency-Key', async (t) => {
    const sb = await sandbox(t);
    const client = clientOf(`${sb.url}/`);
    for (const name of operationNames) assert.equal(typeof client[name], 'function', name);

    const mrn = newMrn();
    const decl = declaration([2_000_000]);
    const registered = await client.registerDeclaration(
      { mrn, lrn: String(decl.lrn), declarantTin: '1000555555', declaration: decl },
      { idempotencyKey: 'wf-1:1' },
    );
    assert.equal(registered.state, 'REGISTERED');
    const reserved = await client.reserveGuarantee({ mrn, grn: G, accessCode: '1234' }, { idempotencyKey: 'wf-1:2' });
    assert.equal(reserved.amountXof, atRisk('TG', [2_000_000]));
    assert.equal(reserved.movement.state, 'GUARANTEED');
    const record = await client.getMovement({ mrn });
    assert.equal(record.reference, registered.reference);
    const guarantee = await client.getGuarantee({ grn: G, mrn });
    assert.equal(guarantee.reservations.length, 1);
    assert.deepEqual(
      (await calls(sb, `?mrn=${mrn}`)).map((c) => c.idempotencyKey),
      ['wf-1:1', 'wf-1:2'],
    );
    assert.deepEqual(await client.health(), { status: 'ok', country: 'TG', contractVersion: '1.0.0' });
  });
});

describe('refusals', () => {
  test('a business refusal is a NationalRefusal with its machine-readable code and human reason', async (t) => {
    const sb = await sandbox(t);
    const client = clientOf(sb.url);
    const mrn = newMrn();
    const decl = declaration([5_000_000], smallGuarantee);
    await client.registerDeclaration({ mrn, lrn: 'L', declarantTin: 'T', declaration: decl }, { idempotencyKey: key() });
    await assert.rejects(
      client.reserveGuarantee({ mrn, grn: smallGuarantee.grn, accessCode: smallGuarantee.accessCode }, { idempotencyKey: key() }),
      (error: unknown) => {
        assert.ok(error instanceof NationalRefusal);
        assert.equal(error.code, 'GUARANTEE_INSUFFICIENT');
        assert.match(error.reason, /exceeds/);
        assert.equal(error.status, 409);
        assert.equal(error.country, 'TG');
        assert.equal(error.operation, 'reserveGuarantee');
        return true;
      },
    );
    await assert.rejects(
      client.getMovement({ mrn: newMrn() }),
      (error: unknown) => error instanceof NationalRefusal && error.code === 'MOVEMENT_UNKNOWN' && error.status === 404,
    );
    await assert.rejects(
      client.discharge({ mrn, office: 'TGLFW001' }, { idempotencyKey: key() }),
      (error: unknown) => error instanceof NationalRefusal && error.code === 'MOVEMENT_STATE',
    );
  });
});

describe('unavailable: retry', () => {
  test('a 503 is NationalUnavailable', async (t) => {
    const sb = await sandbox(t, { faults: { errorRate: 1 } });
    await assert.rejects(clientOf(sb.url).getGuarantee({ grn: G }), (error: unknown) => error instanceof NationalUnavailable && error.status === 503);
  });

  test('no answer within the timeout is NationalUnavailable', async (t) => {
    const sb = await sandbox(t, { faults: { latencyMs: 500 } });
    const started = Date.now();
    await assert.rejects(
      clientOf(sb.url, 100).getGuarantee({ grn: G }),
      (error: unknown) => error instanceof NationalUnavailable && /no answer within 100 ms/.test(error.message),
    );
    assert.ok(Date.now() - started < 450, 'gave up at the timeout');
  });

  test('nobody listening is NationalUnavailable', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    await assert.rejects(
      clientOf(`http://127.0.0.1:${port}`).getMovement({ mrn: newMrn() }),
      (error: unknown) => error instanceof NationalUnavailable && /transport error/.test(error.message),
    );
  });

  test('a 502 from a proxy in front of the system is NationalUnavailable', async () => {
    const fake = (async () => new Response('<html>bad gateway</html>', { status: 502 })) as typeof fetch;
    await assert.rejects(clientOf('http://tg.invalid', 1000, fake).getMovement({ mrn: newMrn() }), NationalUnavailable);
  });
});

describe('contract disagreements: no retry', () => {
  test('an invalid request is caught before it is sent', async () => {
    let sent = 0;
    const fake = (async () => {
      sent++;
      return new Response('{}');
    }) as typeof fetch;
    await assert.rejects(
      clientOf('http://tg.invalid', 1000, fake).recordArrival({ mrn: 'BAD', office: 'TGLFW001', sealsIntact: true }, { idempotencyKey: 'k' }),
      (error: unknown) => error instanceof NationalProtocolError && /mrn/.test(error.message),
    );
    assert.equal(sent, 0);
  });

  test('a 422 (key reused for another call) is a NationalProtocolError', async (t) => {
    const sb = await sandbox(t);
    const client = clientOf(sb.url);
    const mrn = newMrn();
    const decl = declaration();
    await client.registerDeclaration({ mrn, lrn: 'L', declarantTin: 'T', declaration: decl }, { idempotencyKey: 'same' });
    await assert.rejects(
      client.cancel({ mrn, reason: 'x' }, { idempotencyKey: 'same' }),
      (error: unknown) => error instanceof NationalProtocolError && error.status === 422 && error.code === 'IDEMPOTENCY_KEY_REUSED',
    );
  });

  test('an answer that does not match the contract is a NationalProtocolError', async () => {
    const fake = (async () => new Response(JSON.stringify({ mrn: 'x', state: 'NOWHERE' }), { status: 200 })) as typeof fetch;
    await assert.rejects(
      clientOf('http://tg.invalid', 1000, fake).writeOff({ mrn: newMrn() }, { idempotencyKey: 'k' }),
      (error: unknown) => error instanceof NationalProtocolError && /answer does not match/.test(error.message),
    );
  });

  test('an unknown route (wrong base URL) is a NationalProtocolError, not a refusal', async (t) => {
    const sb = await sandbox(t);
    await assert.rejects(clientOf(`${sb.url}/wrong`).getMovement({ mrn: newMrn() }), NationalProtocolError);
  });
});

describe('cancellation', () => {
  test("the caller's abort is passed through as it is, not as the system's unavailability", async (t) => {
    const sb = await sandbox(t, { faults: { latencyMs: 1_000 } });
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(clientOf(sb.url).getGuarantee({ grn: G }, { signal: controller.signal }), (error: unknown) => error === reason);
  });
});

describe('configuration', () => {
  test("the client of a country uses that country's URL and the configured timeout", async (t) => {
    const sb = await sandbox(t, { country: 'BF', faults: { latencyMs: 400 } });
    const config = loadConfig({ CORRIDOR_NATIONAL_BF_URL: sb.url, CORRIDOR_NATIONAL_TIMEOUT_SECONDS: '0.1' });
    const client = nationalClientFromConfig(config, 'BF');
    assert.equal(client.country, 'BF');
    await assert.rejects(client.getGuarantee({ grn: bigGuarantee.BF.grn }), /no answer within 100 ms/);
    await http(sb, 'PUT', '/admin/faults', {});
    assert.equal((await client.getGuarantee({ grn: bigGuarantee.BF.grn })).grn, bigGuarantee.BF.grn);
  });
});

describe('the journal and the users of the national system, through the client', () => {
  test('a long poll may outlast the call timeout by its wait; a user refused by the system is a NationalRefusal', async (t) => {
    const sb = await sandbox(t);
    const client = clientOf(sb.url, 300);
    const empty = await client.listEvents({ after: 0, wait: 1 });
    assert.deepEqual(empty, { events: [], lastSequence: 0, headSequence: 0 });

    const mrn = newMrn();
    const decl = declaration([2_000_000]);
    await client.registerDeclaration({ mrn, lrn: String(decl.lrn), declarantTin: '1000555555', declaration: decl }, { idempotencyKey: key() });
    const page = await client.listEvents({ after: 0 });
    assert.deepEqual(
      page.events.map((e) => [e.type, e.mrn, e.source]),
      [['DECLARATION_REGISTERED', mrn, 'interconnection']],
    );

    const officer = createHttpNationalClient({
      country: 'TG',
      baseUrl: sb.url,
      timeoutMs: 2_000,
      headers: { authorization: `Bearer ${await userToken({ sub: 'agent.kara', role: 'officer', office: 'TGCKS001' })}` },
    });
    await assert.rejects(
      officer.cancel({ mrn, reason: 'pas ici' }, { idempotencyKey: key() }),
      (error: unknown) => error instanceof NationalRefusal && error.code === 'OFFICER_NOT_AT_OFFICE' && error.status === 403,
    );
  });
});
