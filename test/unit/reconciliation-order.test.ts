// The two countries' parts of a reconciliation run at the same time (in two processes when each
// country has its own worker) and read every movement's state: they start at different places
// in the list, so they never ask the same movement at the same moment (two queries at once of a
// movement the workflow worker no longer caches stall it; an hourly run did, 2026-11-29).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLogger } from '../../src/logging/logger.ts';
import type { NationalSystemClient } from '../../src/national/client.ts';
import { resumeFrom } from '../../activities/reconciliation.ts';
import { reconcileCountry } from '../../src/reconciliation/reconcile.ts';

const mrns = Array.from({ length: 40 }, (_, i) => `26TG${String(i).padStart(14, '0')}`);

/** The order in which one country's part asks the movements' states (each answer: unreadable, so nothing else is read). */
async function askedBy(country: 'TG' | 'BF'): Promise<string[]> {
  const asked: string[] = [];
  await reconcileCountry(
    {
      country,
      system: {} as NationalSystemClient,
      state: async (mrn) => {
        asked.push(mrn);
        throw new Error('not read in this test');
      },
      logger: createLogger('test', 'silent'),
    },
    mrns,
    { now: new Date('2026-11-29T03:00:00Z'), graceMs: 60_000 },
  );
  return asked;
}

describe('reconciliation: where each country starts', () => {
  test('Togo from the top of the list, Burkina from its middle, each reading every movement once', async () => {
    const tg = await askedBy('TG');
    const bf = await askedBy('BF');
    assert.deepEqual(tg.slice(0, 3), mrns.slice(0, 3));
    assert.deepEqual(bf.slice(0, 3), mrns.slice(20, 23));
    assert.deepEqual([...tg].sort(), mrns);
    assert.deepEqual([...bf].sort(), mrns);
    // Side by side at the same pace, the two never hold the same movement at the same step.
    for (let i = 0; i < mrns.length; i++) assert.notEqual(tg[i], bf[i], `step ${i}`);
  });
});

describe('reconciliation: a part longer than one attempt', () => {
  const system = {
    // Every record as Corridor holds it but one seal apart, so each movement gives one difference.
    getMovement: async ({ mrn }: { mrn: string }) => ({ mrn, role: 'DEPARTURE', state: 'RELEASED', seals: [`S-${mrn}`], events: [] }),
  } as unknown as NationalSystemClient;
  const state = async (mrn: string) =>
    ({
      mrn,
      status: 'RELEASED',
      departureCountry: 'TG',
      nationalReferences: {},
      seals: ['OTHER'],
      crossings: [],
      timeline: [],
      guarantee: {},
    }) as never;
  const part = (options: Partial<Parameters<typeof reconcileCountry>[2]>, asked: string[] = [], list = mrns, country: 'TG' | 'BF' = 'TG') =>
    reconcileCountry(
      {
        country,
        system,
        state: async (mrn) => {
          asked.push(mrn);
          await new Promise((r) => setTimeout(r, Math.random() * 3));
          return state(mrn);
        },
        logger: createLogger('test', 'silent'),
      },
      list,
      { now: new Date('2026-11-29T05:40:00Z'), graceMs: 60_000, ...options },
    );

  test('reports its progress as the unbroken run of movements done, and a resumed attempt reads each of the rest once', async () => {
    const seen: number[] = [];
    let kept: Parameters<NonNullable<Parameters<typeof reconcileCountry>[2]['progress']>>[0] | undefined;
    const controller = new AbortController();
    const firstAsked: string[] = [];
    await part(
      {
        signal: controller.signal,
        progress: (p) => {
          seen.push(p.done);
          assert.equal(p.differences.length, p.done, 'one difference per movement done, none of a movement beyond');
          kept = structuredClone(p);
          if (p.done >= 15) controller.abort();
        },
      },
      firstAsked,
    );
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
      'never goes back',
    );
    assert.ok(kept && kept.done >= 15 && kept.done < mrns.length, `stopped part-way: ${kept?.done}`);
    assert.ok(firstAsked.length < mrns.length, 'no movement read once aborted, bar those already asked');

    const secondAsked: string[] = [];
    const resumed = await part({ resume: resumeFrom(kept) }, secondAsked);
    assert.deepEqual(secondAsked.sort(), mrns.slice(kept!.done), 'the rest, once each');
    assert.equal(resumed.differences.length, mrns.length, 'every movement reported once across the attempts');
    assert.deepEqual(new Set(resumed.differences.map((d) => d.mrn)).size, mrns.length);
    assert.deepEqual(
      resumed.differences.map((d) => d.mrn),
      mrns,
      'in the list order',
    );
  });

  test('a resumed attempt that listed the movements again (one started, one closed and gone) starts where the first did and goes on after its last', async () => {
    const controller = new AbortController();
    let kept: Parameters<NonNullable<Parameters<typeof reconcileCountry>[2]['progress']>>[0] | undefined;
    // Burkina's part starts from the middle of the list.
    await part(
      {
        signal: controller.signal,
        progress: (p) => {
          kept = structuredClone(p);
          if (p.done >= 3) controller.abort();
        },
      },
      [],
      mrns,
      'BF',
    );
    assert.ok(kept && kept.first === mrns[20] && kept.done >= 3 && kept.done < 38, JSON.stringify({ done: kept?.done, first: kept?.first }));
    const doneBefore = new Set([...mrns.slice(20), ...mrns.slice(0, 20)].slice(0, kept!.done));
    // Listed again: the list's first movement closed and aged out; two new ones, one in the part done, one in the rest.
    const startedInDone = `${mrns[21]}A`;
    const startedInRest = `${mrns[18]}A`;
    const relisted = [...mrns.slice(1), startedInDone, startedInRest].sort();
    const asked: string[] = [];
    // Through the heartbeat's details as the activity reads them back.
    const resumed = await part({ resume: resumeFrom(structuredClone(kept)) }, asked, relisted, 'BF');
    assert.ok(
      asked.every((m) => !doneBefore.has(m)),
      'nothing done before is read again',
    );
    assert.ok(!asked.includes(startedInDone), 'one started among those done waits for the next run');
    assert.ok(asked.includes(startedInRest));
    assert.deepEqual(
      [...asked, ...doneBefore].filter((m) => m !== mrns[0]).sort(),
      relisted.filter((m) => m !== startedInDone),
      'every other movement of the new list read once',
    );
    assert.equal(new Set(resumed.differences.map((d) => d.mrn)).size, resumed.differences.length, 'none reported twice');
  });

  test("an attempt's heartbeat is read back whole (where it started and stopped too); anything else resumes nothing", () => {
    const progress = {
      done: 2,
      first: mrns[20],
      last: mrns[21],
      pending: 1,
      differences: [
        {
          mrn: mrns[20]!,
          country: 'BF',
          kind: 'SEALS',
          corridor: 'a',
          national: 'b',
          words: { fr: 'x', en: 'y' },
          settled: false,
          settlement: { fr: 'z', en: 'w' },
        },
      ],
    };
    assert.deepEqual(resumeFrom(structuredClone(progress)), progress);
    assert.equal(resumeFrom(undefined), undefined);
    assert.equal(resumeFrom(42), undefined);
    assert.equal(resumeFrom({ cursor: 3 }), undefined);
  });
});
