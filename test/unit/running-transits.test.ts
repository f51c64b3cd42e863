// The list of movements in flight is shared by every reader of a process and refreshed at most
// every few seconds; a list that takes long (tens of thousands in flight) is not taken again
// before four times what it took, so listing never holds the server's visibility more than a
// fifth of the time. On a clock the test moves: a list "takes" time by moving it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Client } from '@temporalio/client';
import { PACE, RunningTransits, WAIT_FOR_LIST_AT_MOST_MS } from '../../src/indicators/running.ts';

/** A process's list on a test clock: each list takes `takesMs` of it, and is counted. */
function listing(takesMs: number, maxAgeMs = 3_000, staleAfterMs = 10_000) {
  let now = Date.parse('2026-11-30T11:00:00Z');
  const queries: string[] = [];
  let release: (() => void) | undefined;
  const running = new RunningTransits(new Client(), 'default', 'transits', maxAgeMs, staleAfterMs, {
    now: () => now,
    list: async (query) => {
      queries.push(query);
      now += takesMs;
      // A list in the background stays open until the test lets it finish.
      if (queries.length > 1) await new Promise<void>((resolve) => (release = resolve));
    },
  });
  return {
    running,
    lists: () => queries.length,
    queries,
    wait: (ms: number) => (now += ms),
    finish: () => release?.(),
  };
}

/** What a reader is answered within 200 ms of real time, or 'waiting'. */
const within = <T>(answer: Promise<T>) => Promise.race([answer, new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 200))]);

describe('movements in flight (visibility list)', () => {
  test('a quick list is taken again once older than its few seconds, in the background', async () => {
    const { running, lists, queries, wait, finish } = listing(200);
    const first = await running.get();
    assert.equal(lists(), 1);
    assert.equal(queries[0], "WorkflowType = 'transit' AND ExecutionStatus = 'Running' AND TaskQueue = 'transits'");
    wait(2_000);
    assert.equal(await within(running.get()), first, 'younger than 3 s: the same list, not asked again');
    assert.equal(lists(), 1);
    wait(1_500);
    // 3.5 s old (past 3 s, and past 4 × 0.2 s): a new list is asked, the reader is answered at once.
    assert.equal(await within(running.get()), first);
    assert.equal(lists(), 2);
    finish();
  });

  test('a list that took 20 s stays the answer for 80 s; then it is taken again in the background, no reader waiting', async () => {
    const { running, lists, wait, finish } = listing(20_000);
    const first = await running.get();
    assert.equal(lists(), 1);
    // Past both the 3 s freshness and the 10 s staleness of a quick list: still the answer, no list asked.
    wait(60_000);
    assert.equal(await within(running.get()), first);
    assert.equal(lists(), 1, 'listed again 60 s after a list of 20 s: visibility held a quarter of the time');
    wait(PACE * 20_000 - 60_000 + 1);
    // Past PACE × 20 s: a new list, while readers keep the last one rather than waiting for it.
    assert.equal(await within(running.get()), first);
    assert.equal(lists(), 2);
    finish();
  });

  test('a list taken in the background that takes longer than the staleness: readers keep the last one meanwhile', async () => {
    const { running, lists, wait, finish } = listing(20_000);
    const first = await running.get();
    wait(PACE * 20_000 + 1);
    assert.equal(await within(running.get()), first);
    assert.equal(lists(), 2, 'a new list asked in the background');
    // That list is still being taken, now past the last one's staleness: no reader waits on it.
    wait(60_000);
    assert.equal(await within(running.get()), first);
    assert.equal(lists(), 2, 'no second list while one is being taken');
    finish();
  });

  test('long unasked, a list quick to take is stale: the reader waits for a new one', async () => {
    const { running, lists, wait, finish } = listing(WAIT_FOR_LIST_AT_MOST_MS);
    const first = await running.get();
    wait(60_000);
    const second = running.get();
    assert.equal(lists(), 2);
    // A list long past its staleness is not handed out while a fresh one is coming in a moment.
    assert.equal(await within(second), 'waiting');
    finish();
    const fresh = await second;
    assert.notEqual(fresh, first);
    assert.ok(fresh.at > first.at);
  });

  test('long unasked, a list slow to take is stale: readers keep the last one while it comes', async () => {
    // The large run's desk (2026-11-30): 100,000 in flight, the last list past its staleness.
    const { running, lists, wait, finish } = listing(WAIT_FOR_LIST_AT_MOST_MS + 1);
    const first = await running.get();
    // As long unasked as the quick list above: past its staleness (10 s + 4 × 2 s − 3 s) by far.
    wait(60_000);
    // The indicators' pass and a desk ask at once: neither waits on a list that takes seconds.
    const pass = running.get();
    const desk = running.get();
    assert.equal(lists(), 2, 'one new list for both');
    assert.equal(await within(pass), first);
    assert.equal(await within(desk), first);
    finish();
  });
});
