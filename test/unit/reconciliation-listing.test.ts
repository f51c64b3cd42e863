// A reconciliation part lists the movements it compares before it compares any, and at scale that
// takes minutes (44,000 to 79,000 in flight: list calls of 5 to 34 s on the dev server). It must heartbeat
// while it lists, keeping the last attempt's progress, or its attempt times out and the next one
// lists again beside it; a timed-out attempt must stop listing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { asyncLocalStorage, Context, type Info } from '@temporalio/activity';
import { createNationalReconciliationActivities } from '../../activities/reconciliation.ts';
import { createLogger } from '../../src/logging/logger.ts';
import type { NationalSystemClient } from '../../src/national/client.ts';
import type { TransitClient } from '../../src/client/transits.ts';
import { mrnsOf, type Listing } from '../../src/reconciliation/reconcile.ts';

const mrns = ['26TG00000000000003', '26TG00000000000001', '26TG00000000000002'];

async function* listed(names: string[], pulled: string[]): AsyncGenerator<{ workflowId: string }> {
  for (const workflowId of names) {
    pulled.push(workflowId);
    yield { workflowId };
  }
}

describe('reconciliation: listing the movements', () => {
  test('every MRN, sorted, with a call after each one listed', async () => {
    const seen: number[] = [];
    const got = await mrnsOf(listed(mrns, []), { onListed: (n) => seen.push(n) });
    assert.deepEqual(got, [...mrns].sort());
    assert.deepEqual(seen, [1, 2, 3]);
  });

  test('an aborted listing stops pulling pages and rejects with the reason', async () => {
    const pulled: string[] = [];
    const abort = new AbortController();
    const listing = mrnsOf(listed(mrns, pulled), {
      signal: abort.signal,
      onListed: (n) => {
        if (n === 1) abort.abort(new Error('attempt timed out'));
      },
    });
    await assert.rejects(listing, /attempt timed out/);
    assert.deepEqual(pulled, mrns.slice(0, 2), 'the listing stopped at the first movement after the abort');
  });

  test("the part's activity heartbeats while it lists, with the last attempt's progress, before any state is read", async () => {
    const lastAttempt = { done: 1, first: mrns[1], last: mrns[1], pending: 0, differences: [], unchanged: 1 };
    const events: string[] = [];
    const heartbeats: unknown[] = [];
    const activities = createNationalReconciliationActivities({
      country: 'TG',
      // Every movement unreadable in the national system: the part then reads nothing else.
      system: {
        getMovement: async () => {
          throw new Error('not read in this test');
        },
      } as unknown as NationalSystemClient,
      transits: {
        state: async (mrn: string) => {
          events.push(`state ${mrn}`);
          throw new Error('not read in this test');
        },
      } as unknown as TransitClient,
      list: async (_days: number, _at: Date, listing: Listing) => {
        events.push('listing');
        const got = await mrnsOf(listed(mrns, []), listing);
        events.push('listed');
        return got;
      },
      logger: createLogger('test', 'silent'),
    });
    const abort = new AbortController();
    const context = new Context(
      { heartbeatDetails: lastAttempt, attempt: 2, activityType: 'reconcileNationalRecords' } as unknown as Info,
      new Promise<never>(() => undefined),
      abort.signal,
      (details?: unknown) => {
        events.push('heartbeat');
        heartbeats.push(details);
      },
      undefined,
      createLogger('test', 'silent') as never,
      undefined as never,
      undefined as never,
    );
    await asyncLocalStorage.run(context, () => activities.reconcileNationalRecords({ closedWithinDays: 7, at: '2026-11-30T02:00:00.000Z', graceMs: 60_000 }));
    const listedAt = events.indexOf('listed');
    assert.ok(events.slice(events.indexOf('listing'), listedAt).includes('heartbeat'), `a heartbeat while listing: ${events.join(', ')}`);
    assert.deepEqual(heartbeats[0], lastAttempt, "the listing's heartbeat keeps the last attempt's progress");
    assert.ok(!events.slice(0, listedAt).some((e) => e.startsWith('state')), 'no state read before the list is complete');
  });
});
