// The simulated officers' worklist: one long poll of a national system's journal wakes the
// officer waiting for a movement when that movement's journal moves, so waiting costs the
// system a few reads instead of ten a second.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { DEVELOPMENT_USER_SECRET } from '../../src/national/sandbox/users.ts';
import { JournalWatch } from '../../src/simulation/journal-watch.ts';
import { NationalScreens } from '../../src/simulation/national-screens.ts';
import { lodgeable, sandbox, userToken } from './helpers.ts';

const DECLARANT_TIN = '1000555555';
const release = { office: 'TGLFW001', seals: ['TG-S-0001'], controlResult: 'SATISFACTORY', timeLimit: '2026-12-01T10:00:00.000Z' };
const officer = () => userToken({ sub: 'agent.tglfw001', role: 'officer', office: 'TGLFW001' });

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a journal watch', () => {
  test("wakes a wait at its movement's next event, not at another movement's", async (t) => {
    const sb = await sandbox(t);
    const screens = new NationalScreens({ TG: sb.url, BF: sb.url }, DEVELOPMENT_USER_SECRET);
    const watch = new JournalWatch(sb.url, officer);
    t.after(() => watch.close());
    const [a, b] = await Promise.all([screens.lodge('TG', DECLARANT_TIN, lodgeable()), screens.lodge('TG', DECLARANT_TIN, lodgeable())]);
    assert.equal(a.status, 201, JSON.stringify(a.body));
    assert.equal(b.status, 201, JSON.stringify(b.body));

    let woken = false;
    const waiting = watch.next(a.body.mrn, 20_000);
    void waiting.promise.then(() => (woken = true));
    // The watch starts at the journal's head: let it get there before anything happens.
    await new Promise((r) => setTimeout(r, 300));
    const other = await screens.act(b.body.mrn, { action: 'release', office: 'TGLFW001', body: { seals: ['TG-S-0002'] } });
    assert.equal(other.status, 200, JSON.stringify(other.body));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(woken, false, "another movement's release woke the wait");

    const started = performance.now();
    const own = await screens.act(a.body.mrn, { action: 'release', office: 'TGLFW001', body: { seals: ['TG-S-0001'] } });
    assert.equal(own.status, 200, JSON.stringify(own.body));
    await waiting.promise;
    const ms = performance.now() - started;
    assert.ok(ms < 5_000, `woken ${Math.round(ms)} ms after the act, long before its 20 s fallback`);
  });

  test('a wait ends after its fallback delay when the journal cannot be read, and closing ends the watch', async () => {
    const watch = new JournalWatch(`http://127.0.0.1:${await closedPort()}`, officer);
    const started = performance.now();
    await watch.next('26TG0000000000000X', 400).promise;
    const ms = performance.now() - started;
    assert.ok(ms >= 390 && ms < 3_000, `fallback after ${Math.round(ms)} ms`);
    const closing = performance.now();
    await watch.close();
    assert.ok(performance.now() - closing < 3_000, 'closed at once');
    assert.equal(watch.pagesRead, 0);
  });

  test('closing ends a long poll in progress and resolves the waits', async (t) => {
    const sb = await sandbox(t);
    const watch = new JournalWatch(sb.url, officer, 25);
    const waiting = watch.next('26TG0000000000000X', 60_000).promise;
    await new Promise((r) => setTimeout(r, 500));
    const closing = performance.now();
    await watch.close();
    await waiting;
    assert.ok(performance.now() - closing < 3_000, `closed in ${Math.round(performance.now() - closing)} ms while a 25 s long poll was held`);
  });
});

describe("officers' screens watching the journal", () => {
  test('an officer waiting for a release reads the record a few times, not every 100 ms', async (t) => {
    const sb = await sandbox(t);
    const watching = new NationalScreens({ TG: sb.url, BF: sb.url }, DEVELOPMENT_USER_SECRET, { watchJournals: true });
    const polling = new NationalScreens({ TG: sb.url, BF: sb.url }, DEVELOPMENT_USER_SECRET);
    t.after(() => watching.close());
    const lodged = await watching.lodge('TG', DECLARANT_TIN, lodgeable());
    assert.equal(lodged.status, 201, JSON.stringify(lodged.body));
    const mrn = lodged.body.mrn;

    const watched = watching.awaitState('TG', mrn, ['RELEASED'], 20_000, 'TGLFW001');
    const polled = polling.awaitState('TG', mrn, ['RELEASED'], 20_000, 'TGLFW001');
    await new Promise((r) => setTimeout(r, 2_500));
    const answer = await watching.call('TG', 'POST', `/v1/movements/${mrn}/release-for-transit`, await officer(), release);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    await Promise.all([watched, polled]);
    // 2.5 s of waiting: the polling officer read ~25 times; the watching one at the start, at
    // each 1 s fallback while the watch found its head, and once after the release.
    assert.ok(polling.waitReads >= 15, `the polling officer read ${polling.waitReads} times`);
    assert.ok(watching.waitReads <= 5, `the watching officer read ${watching.waitReads} times`);
  });

  test("an officer whose movement's journal does not move waits on the watch, not on a one-second poll, until the deadline", async (t) => {
    const sb = await sandbox(t);
    const watching = new NationalScreens({ TG: sb.url, BF: sb.url }, DEVELOPMENT_USER_SECRET, { watchJournals: true });
    t.after(() => watching.close());
    const lodged = await watching.lodge('TG', DECLARANT_TIN, lodgeable());
    assert.equal(lodged.status, 201, JSON.stringify(lodged.body));

    // The first wait starts the watch, which finds the journal's head meanwhile (a busy machine may take a second or two).
    await assert.rejects(watching.awaitState('TG', lodged.body.mrn, ['RELEASED'], 3_000, 'TGLFW001'), /after 3000 ms/);
    const before = watching.waitReads;
    const started = performance.now();
    await assert.rejects(watching.awaitState('TG', lodged.body.mrn, ['RELEASED'], 5_000, 'TGLFW001'), /still not RELEASED after 5000 ms/);
    const ms = performance.now() - started;
    assert.ok(ms >= 4_900 && ms < 7_000, `gave up ${Math.round(ms)} ms after it began waiting, at its 5 s deadline`);
    // A read at once; then nothing moves and the deadline ends the wait. Reading every second: five.
    const reads = watching.waitReads - before;
    assert.ok(reads <= 2, `the watching officer read ${reads} times in 5 s`);
  });
});
