// A reconciliation part reads a movement's state again only when something changed since its
// last clean comparison: Corridor's history length, or the national record the system serves.
// Real SQLite memory in a temporary folder; the states and records are the test's.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { resumeFrom } from '../../activities/reconciliation.ts';
import { createLogger } from '../../src/logging/logger.ts';
import type { Movement } from '../../src/national/contract.ts';
import type { NationalSystemClient } from '../../src/national/client.ts';
import { REMEMBERED_AT_LEAST_MS, REMEMBERED_AT_MOST_MS, rememberedFor, sqliteComparisonMemory } from '../../src/reconciliation/memory.ts';
import { reconcileCountry } from '../../src/reconciliation/reconcile.ts';
import type { TransitState } from '../../workflows/model.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'corridor-reconciliation-memory-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const AGREES = '26TG000000000000A1';
const SEALS_DIFFER = '26TG000000000000B2';
const NOT_YET_IN_BF = '26TG000000000000C3';
const mrns = [AGREES, SEALS_DIFFER, NOT_YET_IN_BF];
const at = new Date('2026-11-29T08:00:00Z');

/** Released in Togo; the third has not reached Burkina (no Burkina reference yet). */
function stateOf(mrn: string): TransitState {
  return {
    mrn,
    status: 'RELEASED',
    departureCountry: 'TG',
    nationalReferences: mrn === NOT_YET_IN_BF ? { TG: 'TG-1' } : { TG: 'TG-1', BF: 'BF-1' },
    seals: ['TG-SEAL-1'],
    crossings: [],
    timeline: [],
    guarantee: {},
  } as unknown as TransitState;
}

/** Burkina's record: the AAR received, the seals as Corridor has them but for one movement. */
function recordOf(mrn: string, seals = mrn === SEALS_DIFFER ? ['BF-OTHER'] : ['TG-SEAL-1'], events: Movement['events'] = []): Movement {
  return { mrn, role: 'TRANSIT_DESTINATION', state: 'AAR_RECEIVED', seals, events } as unknown as Movement;
}

function world() {
  const history = new Map(mrns.map((m) => [m, 40]));
  const records = new Map(mrns.map((m) => [m, recordOf(m)]));
  const stateRead: string[] = [];
  const historyRead: string[] = [];
  const system = {
    getMovement: async ({ mrn }: { mrn: string }) => records.get(mrn),
  } as unknown as NationalSystemClient;
  return { history, records, stateRead, historyRead, system };
}

describe('reconciliation: movements unchanged since their last clean comparison are not read again', () => {
  let clock = at.getTime();
  const memory = sqliteComparisonMemory(dir, 'BF', () => clock);
  after(() => memory.close());
  const w = world();
  const run = (now = new Date(clock), graceMs = 60_000) =>
    reconcileCountry(
      {
        country: 'BF',
        system: w.system,
        state: async (mrn) => {
          w.stateRead.push(mrn);
          return stateOf(mrn);
        },
        memory: {
          store: memory,
          historyLength: async (mrn) => {
            w.historyRead.push(mrn);
            return w.history.get(mrn)!;
          },
        },
        logger: createLogger('test', 'silent'),
      },
      mrns,
      { now, graceMs },
    );

  test('the first run reads every state; the next reads only the one that differed, and reports it again', async () => {
    const first = await run();
    assert.deepEqual([...w.stateRead].sort(), [...mrns].sort());
    assert.deepEqual(
      first.differences.map((d) => [d.mrn, d.kind]),
      [[SEALS_DIFFER, 'SEALS']],
    );
    assert.equal(first.unchanged, 0);

    w.stateRead.length = 0;
    const second = await run();
    assert.deepEqual(w.stateRead, [SEALS_DIFFER], 'only the movement in disagreement is read again');
    assert.deepEqual(
      second.differences.map((d) => [d.mrn, d.kind]),
      [[SEALS_DIFFER, 'SEALS']],
    );
    assert.equal(second.unchanged, 2);
    assert.equal(w.historyRead.length, 6, "Corridor's side is asked of the server for every movement, every run");
  });

  test("a movement whose history grew is read again, and one not yet in Burkina's hands is read once it is", async () => {
    w.stateRead.length = 0;
    w.history.set(NOT_YET_IN_BF, 47);
    await run();
    assert.deepEqual([...w.stateRead].sort(), [SEALS_DIFFER, NOT_YET_IN_BF].sort());
  });

  test("a national record changed behind Corridor's back is read against Corridor's state, and the difference found", async () => {
    w.stateRead.length = 0;
    w.records.set(AGREES, recordOf(AGREES, ['FORGED-1']));
    const part = await run();
    assert.ok(w.stateRead.includes(AGREES));
    assert.deepEqual(
      part.differences.map((d) => [d.mrn, d.kind]).sort(),
      [
        [AGREES, 'SEALS'],
        [SEALS_DIFFER, 'SEALS'],
      ].sort(),
    );
    // Put back as it was: in disagreement last time, so read again even though the record is the one remembered before.
    w.records.set(AGREES, recordOf(AGREES));
    w.stateRead.length = 0;
    const mended = await run();
    assert.ok(w.stateRead.includes(AGREES));
    assert.deepEqual(
      mended.differences.map((d) => d.mrn),
      [SEALS_DIFFER],
    );
  });

  test('an act still within its grace period is not remembered as agreement', async () => {
    // An entry recorded in Burkina a moment ago, which Corridor has not applied yet: pending, not a difference.
    const entry = { sequence: 9, operation: 'acceptEntry', state: 'ENTERED', at: new Date(clock - 1_000).toISOString(), office: 'BFOUA001', source: 'officer' };
    w.records.set(AGREES, recordOf(AGREES, undefined, [entry] as unknown as Movement['events']));
    w.history.set(AGREES, 50);
    w.stateRead.length = 0;
    const part = await run();
    assert.equal(part.pending, 1);
    w.stateRead.length = 0;
    await run();
    assert.ok(w.stateRead.includes(AGREES), 'read again: what was in transit must be seen applied or missing');
  });

  test('a clean comparison spares a movement for 20 to 28 hours, by MRN, so that one run a day does not compare everything again', async () => {
    w.records.set(AGREES, recordOf(AGREES));
    await run();
    w.stateRead.length = 0;
    clock += REMEMBERED_AT_LEAST_MS - 60_000;
    await run();
    assert.deepEqual(w.stateRead, [SEALS_DIFFER], 'still spared just short of 20 hours');
    clock += REMEMBERED_AT_MOST_MS - REMEMBERED_AT_LEAST_MS + 120_000;
    w.stateRead.length = 0;
    await run();
    assert.deepEqual([...w.stateRead].sort(), [...mrns].sort(), 'all read again past 28 hours');
    // Spread over the eight hours: 1,000 MRNs fall due in every one of them.
    const hours = new Set(
      Array.from({ length: 1000 }, (_, i) => Math.floor((rememberedFor(`26TG${String(i).padStart(14, '0')}`) - REMEMBERED_AT_LEAST_MS) / 3_600_000)),
    );
    assert.deepEqual([...hours].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test('a part without memory reads every state, as before, and says nothing of unchanged movements', async () => {
    const read: string[] = [];
    const part = await reconcileCountry(
      {
        country: 'BF',
        system: w.system,
        state: async (mrn) => {
          read.push(mrn);
          return stateOf(mrn);
        },
        logger: createLogger('test', 'silent'),
      },
      mrns,
      { now: new Date(clock), graceMs: 60_000 },
    );
    assert.deepEqual([...read].sort(), [...mrns].sort());
    assert.equal(part.unchanged, undefined);
  });

  test("the count of unchanged movements survives a retried attempt's heartbeat", () => {
    const progress = { done: 3, first: AGREES, last: NOT_YET_IN_BF, pending: 0, differences: [], unchanged: 2 };
    assert.equal(resumeFrom(progress)?.unchanged, 2);
  });
});
