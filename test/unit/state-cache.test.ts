// The console's cache of movements' states asks a movement's workflow one query at a time,
// whatever changed meanwhile: two queries at once of a movement the worker no longer caches, with
// its cache full, make the SDK's core drop one and keep its task slot for good.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunningTransit } from '../../src/indicators/running.ts';
import { StateCache } from '../../src/indicators/states.ts';
import type { TransitState } from '../../workflows/model.ts';

const truck = (mrn: string, status: RunningTransit['status']): RunningTransit => ({
  mrn,
  runId: `run-${mrn}`,
  status,
  departureOffice: 'TGLOME',
  destinationOffice: 'BFOUAG',
  currentOffice: 'TGLOME',
  declarant: 'TG1234567890',
  vehicle: 'TG-1234-AB',
  routeOffices: ['TGLOME', 'BFOUAG'],
  overdue: false,
  escalationLevel: 0,
});

/** A workflow's state query that answers when told to, counting the queries of each movement in flight. */
function queriedWorkflows() {
  const inFlight = new Map<string, number>();
  const most = new Map<string, number>();
  const waiting: { mrn: string; answer: (state: TransitState) => void }[] = [];
  let asked = 0;
  return {
    transits: {
      state: (mrn: string) => {
        asked++;
        const now = (inFlight.get(mrn) ?? 0) + 1;
        inFlight.set(mrn, now);
        most.set(mrn, Math.max(most.get(mrn) ?? 0, now));
        return new Promise<TransitState>((resolve) => {
          waiting.push({
            mrn,
            answer: (state) => {
              inFlight.set(mrn, (inFlight.get(mrn) ?? 1) - 1);
              resolve(state);
            },
          });
        });
      },
    },
    /** Answers the oldest query still waiting with a state of this status. */
    answerNext(status: string) {
      const next = waiting.shift();
      assert.ok(next, 'a query is waiting');
      next.answer({ mrn: next.mrn, status } as unknown as TransitState);
    },
    waitingFor: () => waiting.map((w) => w.mrn),
    mostAtOnce: (mrn: string) => most.get(mrn) ?? 0,
    asked: () => asked,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('state cache', () => {
  test('a movement that moves while its state is asked is asked again only once the first answer is in', async () => {
    const workflows = queriedWorkflows();
    const cache = new StateCache(workflows.transits);
    const first = cache.stateOf(truck('26TG0000000000001', 'ACCEPTED'), 'background');
    await tick();
    // Visibility shows it released before the first answer: the page asks, in its own lane.
    const second = cache.stateOf(truck('26TG0000000000001', 'RELEASED'));
    await tick();
    assert.deepEqual(workflows.waitingFor(), ['26TG0000000000001'], 'the second query waits for the first');
    workflows.answerNext('ACCEPTED');
    assert.equal((await first)?.status, 'ACCEPTED');
    await tick();
    assert.deepEqual(workflows.waitingFor(), ['26TG0000000000001'], 'then it is asked');
    workflows.answerNext('RELEASED');
    assert.equal((await second)?.status, 'RELEASED');
    assert.equal(workflows.mostAtOnce('26TG0000000000001'), 1);
    assert.equal(workflows.asked(), 2);
  });

  test('different movements are still asked at the same time, and an unchanged one is not asked again', async () => {
    const workflows = queriedWorkflows();
    const cache = new StateCache(workflows.transits);
    const a = cache.stateOf(truck('26TG0000000000002', 'RELEASED'));
    const b = cache.stateOf(truck('26TG0000000000003', 'RELEASED'));
    const again = cache.stateOf(truck('26TG0000000000002', 'RELEASED'));
    await tick();
    assert.deepEqual(workflows.waitingFor().sort(), ['26TG0000000000002', '26TG0000000000003']);
    workflows.answerNext('RELEASED');
    workflows.answerNext('RELEASED');
    await Promise.all([a, b, again]);
    assert.equal(workflows.asked(), 2);
  });

  test('a query that fails does not hold up the next one of the same movement, asked while it was waiting', async () => {
    let calls = 0;
    let failFirst: (error: Error) => void = () => undefined;
    const cache = new StateCache({
      state: (mrn: string) => {
        calls++;
        if (calls === 1) return new Promise<TransitState>((_, reject) => (failFirst = reject));
        return Promise.resolve({ mrn, status: 'RELEASED' } as unknown as TransitState);
      },
    });
    const first = cache.stateOf(truck('26TG0000000000004', 'ACCEPTED'));
    await tick();
    const second = cache.stateOf(truck('26TG0000000000004', 'RELEASED'));
    await tick();
    assert.equal(calls, 1, 'the second waits for the first');
    failFirst(new Error('worker restarting'));
    assert.equal(await first, undefined);
    assert.equal((await second)?.status, 'RELEASED');
    assert.equal(calls, 2);
  });

  test('a question overtaken while it waited is not asked: only the newest goes to the workflow', async () => {
    const workflows = queriedWorkflows();
    const cache = new StateCache(workflows.transits);
    const mrn = '26TG0000000000005';
    void cache.stateOf(truck(mrn, 'ACCEPTED'));
    await tick();
    void cache.stateOf(truck(mrn, 'RELEASED'));
    const newest = cache.stateOf({ ...truck(mrn, 'RELEASED'), currentOffice: 'TGCKS001' });
    await tick();
    workflows.answerNext('ACCEPTED');
    await tick();
    await tick();
    assert.deepEqual(workflows.waitingFor(), [mrn], 'the newest is asked');
    workflows.answerNext('AT_BORDER');
    assert.equal((await newest)?.status, 'AT_BORDER');
    assert.equal(workflows.asked(), 2, 'the one in between was not asked');
  });
});
