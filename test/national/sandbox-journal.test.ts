// The national system's journal: every act it records, in commit order, read with a cursor.
// The interconnection reads it to carry one country's acts to the other, so it must hold each
// act exactly once (not for a replay, not for a refusal), keep it across a restart, and wake a
// waiting reader as soon as an act is committed.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Sandbox } from '../../src/national/sandbox/server.ts';
import {
  bigGuarantee,
  declaration,
  expiredGuarantee,
  get,
  guaranteed,
  http,
  journal,
  key,
  movement,
  newMrn,
  post,
  postAs,
  register,
  reserve,
  sandbox,
  tempDir,
  userToken,
  atRisk,
} from './helpers.ts';

const timeLimit = '2026-12-01T10:00:00.000Z';
const releaseBody = { office: 'TGLFW001', seals: ['TG-S-0001'], timeLimit, controlResult: 'SATISFACTORY' };

async function head(sb: Sandbox): Promise<number> {
  return (await journal(sb, '?after=0&limit=1')).headSequence;
}

describe('the journal of a national system', () => {
  test('publishes every act in commit order, each once, with a stable id; the cursor pages through it', async (t) => {
    const sb = await sandbox(t, { country: 'TG' });
    const a = await guaranteed(sb, [10_000_000]);
    const b = await guaranteed(sb, [5_000_000]);
    assert.equal((await post(sb, `/v1/movements/${a.mrn}/release-for-transit`, releaseBody)).status, 200);
    assert.equal((await post(sb, `/v1/movements/${b.mrn}/cancel`, { reason: 'le client a renoncé' })).status, 200);

    const all = await journal(sb, '?after=0&limit=1000');
    assert.deepEqual(
      all.events.map((e) => [e.mrn, e.type, e.state]),
      [
        [a.mrn, 'DECLARATION_REGISTERED', 'REGISTERED'],
        [a.mrn, 'GUARANTEE_RESERVED', 'GUARANTEED'],
        [b.mrn, 'DECLARATION_REGISTERED', 'REGISTERED'],
        [b.mrn, 'GUARANTEE_RESERVED', 'GUARANTEED'],
        [a.mrn, 'RELEASED', 'RELEASED'],
        [b.mrn, 'CANCELLED', 'CANCELLED'],
      ],
    );
    const sequences = all.events.map((e) => e.sequence);
    for (let i = 1; i < sequences.length; i++) assert.ok(sequences[i]! > sequences[i - 1]!, 'strictly increasing');
    for (const e of all.events) assert.equal(e.id, `TG-${String(e.sequence).padStart(12, '0')}`);
    assert.equal(all.lastSequence, sequences.at(-1));
    assert.equal(all.headSequence, sequences.at(-1));

    // The data of each act, enough for the other side to apply it without asking again.
    const registered = all.events[0]!;
    assert.equal(registered.data.lrn, (await movement(sb, a.mrn)).declaration.lrn);
    assert.equal(registered.data.declarantTin, '1000555555');
    assert.equal(registered.data.declaration.guarantee.accessCode, '****', 'the access code never leaves the system');
    assert.equal(registered.data.guarantee, null, 'registered by Corridor: the reservation is its own event');
    assert.deepEqual(all.events[1]!.data, { grn: bigGuarantee.TG.grn, amountXof: 3_251_400 });
    assert.deepEqual(all.events[4]!.data, { seals: ['TG-S-0001'], timeLimit, controlResult: 'SATISFACTORY' });
    assert.equal(all.events[4]!.office, 'TGLFW001');
    assert.deepEqual(all.events[5]!.data.released, { grn: bigGuarantee.TG.grn, amountXof: atRisk('TG', [5_000_000]) });

    // Paging two at a time from the cursor gives the same events, then an empty page.
    const paged = [];
    let cursor = 0;
    for (;;) {
      const page = await journal(sb, `?after=${cursor}&limit=2`);
      assert.ok(page.events.length <= 2);
      if (page.events.length === 0) {
        assert.equal(page.lastSequence, cursor, 'an empty page keeps the cursor where it was');
        break;
      }
      paged.push(...page.events);
      cursor = page.lastSequence;
    }
    assert.deepEqual(paged, all.events);
    assert.deepEqual((await journal(sb, `?after=${sequences[3]}`)).events, all.events.slice(4), 'only what follows the cursor');

    // The movement's history is the same rows, read for its MRN.
    const history = (await movement(sb, a.mrn)).events as unknown as Array<{ sequence: number; operation: string }>;
    assert.deepEqual(
      history.map((e) => e.sequence),
      all.events.filter((e) => e.mrn === a.mrn).map((e) => e.sequence),
    );
  });

  test('limit and wait are bounded by the contract', async (t) => {
    const sb = await sandbox(t);
    for (const query of ['?limit=0', '?limit=1001', '?wait=31', '?after=-1', '?after=abc']) {
      const answer = await get(sb, `/v1/events${query}`);
      assert.equal(answer.status, 400, query);
      assert.equal(answer.json.code, 'REQUEST_INVALID');
    }
    for (let i = 0; i < 3; i++) await register(sb, newMrn());
    const page = await journal(sb, '');
    assert.equal(page.events.length, 3, 'from the beginning by default');
  });

  test('a replayed call and a repeated registration publish nothing more', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    const k = key('register');
    const decl = declaration();
    const body = { mrn, lrn: String(decl.lrn), declarantTin: '1000555555', declaration: decl };
    assert.equal((await post(sb, '/v1/movements', body, k)).status, 201);
    const before = await head(sb);
    const replay = await post(sb, '/v1/movements', body, k);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal((await post(sb, '/v1/movements', body)).status, 200, 'the same content under a new key: the existing record');
    assert.equal(await head(sb), before);

    const reserveKey = key('reserve');
    assert.equal((await reserve(sb, mrn, bigGuarantee.TG, reserveKey)).status, 201);
    const afterReserve = await head(sb);
    await reserve(sb, mrn, bigGuarantee.TG, reserveKey);
    assert.equal((await reserve(sb, mrn)).status, 200, 'the open reservation again: answered, not reserved twice');
    assert.equal(await head(sb), afterReserve);
  });

  test('a refused call publishes nothing', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    await register(sb, mrn);
    const before = await head(sb);
    assert.equal((await reserve(sb, mrn, expiredGuarantee)).json.code, 'GUARANTEE_EXPIRED');
    assert.equal((await post(sb, `/v1/movements/${mrn}/exit`, { office: 'TGCKS001', sealsIntact: true })).json.code, 'MOVEMENT_STATE');
    assert.equal((await post(sb, `/v1/movements/${newMrn()}/write-off`, {})).json.code, 'MOVEMENT_UNKNOWN');
    const officer = await userToken({ sub: 'agent.kara', role: 'officer', office: 'TGCKS001' });
    assert.equal((await postAs(sb, officer, `/v1/movements/${mrn}/cancel`, { reason: 'x' })).json.code, 'OFFICER_NOT_AT_OFFICE');
    assert.equal(await head(sb), before);
  });

  test('an officer keying an act is its source; Corridor writing it is the interconnection', async (t) => {
    const corridorToken = 'corridor-national-tg-token';
    const sb = await sandbox(t, { corridorToken });
    const { mrn } = await guaranteed(sb);
    const officer = await userToken({ sub: 'agent.adjovi', role: 'officer', office: 'TGLFW001' });
    assert.equal((await postAs(sb, officer, `/v1/movements/${mrn}/release-for-transit`, releaseBody)).status, 200);
    // Corridor with its configured credential is the interconnection.
    assert.equal((await postAs(sb, corridorToken, `/v1/movements/${mrn}/border-arrival`, { office: 'TGCKS001' })).status, 200);
    const events = (await journal(sb)).events.filter((e) => e.mrn === mrn);
    assert.deepEqual(
      events.map((e) => [e.type, e.source, e.officer]),
      [
        ['DECLARATION_REGISTERED', 'interconnection', null],
        ['GUARANTEE_RESERVED', 'interconnection', null],
        ['RELEASED', 'officer', 'agent.adjovi'],
        ['BORDER_ARRIVAL', 'interconnection', null],
      ],
    );
    const history = (await movement(sb, mrn)).events as unknown as Array<{ source: string; officer: string | null }>;
    assert.deepEqual(history[2], { ...history[2], source: 'officer', officer: 'agent.adjovi' });

    // A credential that is neither Corridor's nor a valid user's is refused, not taken for Corridor's.
    const forged = await userToken({ sub: 'agent.adjovi', role: 'officer', office: 'TGCKS001' }, 'not-the-system-secret');
    const expired = await userToken({ sub: 'agent.adjovi', role: 'officer', office: 'TGCKS001' }, undefined, '-1m');
    const before = await head(sb);
    for (const token of [forged, expired, 'something-else']) {
      const answer = await postAs(sb, token, `/v1/movements/${mrn}/exit`, { office: 'TGCKS001', sealsIntact: true });
      assert.equal(answer.status, 401, answer.text);
      assert.equal(answer.json.code, 'UNAUTHENTICATED');
    }
    assert.equal(await head(sb), before);
    assert.equal((await movement(sb, mrn)).state, 'AT_BORDER');
  });

  test('each act and its event survive a restart together; sequences go on, never reused', async (t) => {
    const dbPath = path.join(tempDir(t), 'TG.sqlite');
    const first = await sandbox(t, { dbPath });
    const { mrn } = await guaranteed(first);
    const officer = await userToken({ sub: 'agent.adjovi', role: 'officer', office: 'TGLFW001' });
    assert.equal((await postAs(first, officer, `/v1/movements/${mrn}/release-for-transit`, releaseBody)).status, 200);
    const before = await journal(first);
    const recordBefore = await movement(first, mrn);
    await first.close();

    const second = await sandbox(t, { dbPath });
    assert.deepEqual(await journal(second), before);
    assert.deepEqual(await movement(second, mrn), recordBefore);
    assert.equal(recordBefore.state, 'RELEASED');
    assert.equal(before.events.at(-1)!.type, 'RELEASED', 'the state the record is in has its event');
    const next = await register(second, newMrn());
    assert.equal(next.status, 201);
    const after = await journal(second, `?after=${before.lastSequence}`);
    assert.equal(after.events.length, 1);
    assert.equal(after.events[0]!.sequence, before.lastSequence + 1);
  });
});

describe('a store made before the journal', () => {
  test("moves each movement's history into the journal once, in the order it was recorded", async (t) => {
    const dbPath = path.join(tempDir(t), 'TG.sqlite');
    const first = await sandbox(t, { dbPath });
    const a = newMrn();
    const b = newMrn();
    await register(first, a);
    await register(first, b);
    await first.close();
    // Put the file back as the previous version kept it: history in a per-movement events table.
    const db = new Database(dbPath);
    db.exec(`DELETE FROM journal;
      CREATE TABLE events (mrn TEXT NOT NULL REFERENCES movements(mrn), seq INTEGER NOT NULL, operation TEXT NOT NULL, state TEXT NOT NULL,
        at TEXT NOT NULL, recorded_at TEXT NOT NULL, office TEXT, data TEXT NOT NULL, PRIMARY KEY (mrn, seq));`);
    const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run(b, 1, 'registerDeclaration', 'REGISTERED', '2026-11-01T08:00:00.000Z', '2026-11-01T08:00:00.000Z', null, '{"lrn":"B"}');
    insert.run(a, 1, 'registerDeclaration', 'REGISTERED', '2026-11-01T09:00:00.000Z', '2026-11-01T09:00:00.000Z', null, '{"lrn":"A"}');
    insert.run(b, 2, 'recordRelease', 'RELEASED', '2026-11-01T07:30:00.000Z', '2026-11-01T10:00:00.000Z', 'TGLFW001', '{}');
    db.close();

    const second = await sandbox(t, { dbPath });
    const { events } = await journal(second);
    assert.deepEqual(
      events.map((e) => [e.mrn, e.type, e.source, e.officer, e.at]),
      [
        [b, 'DECLARATION_REGISTERED', 'interconnection', null, '2026-11-01T08:00:00.000Z'],
        [a, 'DECLARATION_REGISTERED', 'interconnection', null, '2026-11-01T09:00:00.000Z'],
        [b, 'RELEASED', 'interconnection', null, '2026-11-01T10:00:00.000Z'],
      ],
    );
    const history = (await movement(second, b)).events;
    assert.deepEqual(
      history.map((e) => [e.operation, e.at, e.office]),
      [
        ['registerDeclaration', '2026-11-01T08:00:00.000Z', null],
        ['recordRelease', '2026-11-01T07:30:00.000Z', 'TGLFW001'],
      ],
    );
    await second.close();
    const reopened = new Database(dbPath, { readonly: true });
    t.after(() => reopened.close());
    assert.deepEqual(reopened.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'events'").get(), { n: 0 }, 'the old table is gone');
  });
});

describe('a long poll of the journal', () => {
  test('answers within about 100 ms of the commit of an act', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    await register(sb, mrn);
    const cursor = await head(sb);
    const started = performance.now();
    const poll = http(sb, 'GET', `/v1/events?after=${cursor}&wait=10`).then((answer) => ({ answer, at: performance.now() }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reserved = await reserve(sb, mrn);
    const committedAt = performance.now();
    assert.equal(reserved.status, 201);
    const { answer, at } = await poll;
    assert.equal(answer.status, 200);
    assert.deepEqual(
      answer.json.events.map((e: { type: string }) => e.type),
      ['GUARANTEE_RESERVED'],
    );
    assert.ok(at - started >= 250, 'it waited for the act');
    assert.ok(at - committedAt < 100, `answered ${Math.round(at - committedAt)} ms after the commit was answered`);
  });

  test('answers an empty page when the wait ends; a refused call does not end it early', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    await register(sb, mrn);
    const cursor = await head(sb);
    const poll = http(sb, 'GET', `/v1/events?after=${cursor}&wait=1`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await reserve(sb, mrn, expiredGuarantee)).status, 409);
    const answer = await poll;
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json.events, []);
    assert.equal(answer.json.lastSequence, cursor);
    assert.ok(answer.ms >= 950 && answer.ms < 2_000, `held ${Math.round(answer.ms)} ms for wait=1`);

    const immediate = await http(sb, 'GET', `/v1/events?after=${cursor}`);
    assert.ok(immediate.ms < 500, 'without wait it answers at once');
  });

  test('does not hold the system when it closes', async (t) => {
    const sb = await sandbox(t);
    const poll = http(sb, 'GET', '/v1/events?after=0&wait=30');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    await sb.close();
    const answer = await poll;
    assert.equal(answer.status, 200);
    assert.ok(performance.now() - started < 5_000, 'closed without waiting for the poll');
  });
});
