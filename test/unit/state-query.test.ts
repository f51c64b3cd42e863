// Every reader of a movement's state in one process asks its workflow one query at a time
// (src/temporal/state-query.ts): two at once of an uncached movement, with the worker's cache
// full, make the SDK's core drop one and keep its task slot for good.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { queryClosedState, queryState } from '../../src/temporal/state-query.ts';

/** A client whose queries answer when told to; it counts each movement's queries in flight. */
function clientWithHeldQueries() {
  const inFlight = new Map<string, number>();
  const most = new Map<string, number>();
  const held: { mrn: string; settle: (fail?: boolean) => void }[] = [];
  const client = {
    options: { namespace: 'default' },
    // Already refusing queries of closed movements, so queryState asks it as it is.
    workflow: {
      options: { queryRejectCondition: 'NOT_OPEN' },
      getHandle: (mrn: string) => ({
        query: () => {
          inFlight.set(mrn, (inFlight.get(mrn) ?? 0) + 1);
          most.set(mrn, Math.max(most.get(mrn) ?? 0, inFlight.get(mrn)!));
          return new Promise((resolve, reject) => {
            held.push({
              mrn,
              settle: (fail) => {
                inFlight.set(mrn, inFlight.get(mrn)! - 1);
                if (fail) reject(new Error('query timed out'));
                else resolve({ mrn, status: 'RELEASED' });
              },
            });
          });
        },
      }),
    },
  } as unknown as Client;
  return { client, held, mostAtOnce: (mrn: string) => most.get(mrn) ?? 0 };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('state query', () => {
  test("one movement's queries go one after the other, other movements' at the same time", async () => {
    const { client, held, mostAtOnce } = clientWithHeldQueries();
    const a1 = queryState(client, '26TG0000000000011');
    const a2 = queryState(client, '26TG0000000000011');
    const b = queryState(client, '26TG0000000000012');
    await tick();
    assert.deepEqual(
      held.map((h) => h.mrn),
      ['26TG0000000000011', '26TG0000000000012'],
    );
    held.shift()!.settle();
    await a1;
    await tick();
    assert.deepEqual(
      held.map((h) => h.mrn),
      ['26TG0000000000012', '26TG0000000000011'],
      'the second query of the first movement is asked once the first is answered',
    );
    for (const h of held.splice(0)) h.settle();
    await Promise.all([a2, b]);
    assert.equal(mostAtOnce('26TG0000000000011'), 1);
  });

  test('a failed query lets the next one go, and still fails for its caller', async () => {
    const { client, held } = clientWithHeldQueries();
    const first = queryState(client, '26TG0000000000013');
    const second = queryState(client, '26TG0000000000013');
    await tick();
    held.shift()!.settle(true);
    await assert.rejects(first, /timed out/);
    await tick();
    assert.equal(held.length, 1);
    held.shift()!.settle();
    assert.equal(((await second) as { status: string }).status, 'RELEASED');
  });

  test('a run known closed is read from its result, with no query asked first', async () => {
    const asked: string[] = [];
    const client = {
      options: { namespace: 'default' },
      workflow: {
        options: { queryRejectCondition: 'NOT_OPEN' },
        getHandle: (mrn: string, runId?: string) => ({
          query: async () => {
            asked.push(`query ${mrn} ${runId}`);
            return { mrn, status: 'FROM_QUERY' };
          },
          result: async () => {
            asked.push(`result ${mrn} ${runId}`);
            return mrn.endsWith('1') ? { state: { mrn, status: 'DISCHARGED' } } : undefined;
          },
        }),
      },
    } as unknown as Client;
    const carried = await queryClosedState(client, '26TG0000000000021', 'run-a');
    assert.equal((carried as { status: string }).status, 'DISCHARGED');
    assert.deepEqual(asked.splice(0), ['result 26TG0000000000021 run-a']);
    // A result without the state (closed before results carried it): the query, a replay, still answers.
    const replayed = await queryClosedState(client, '26TG0000000000022', 'run-b');
    assert.equal((replayed as { status: string }).status, 'FROM_QUERY');
    assert.deepEqual(asked, ['result 26TG0000000000022 run-b', 'query 26TG0000000000022 run-b']);
  });

  test('a closed read waits its turn behind a query of the same movement', async () => {
    const { client, held, mostAtOnce } = clientWithHeldQueries();
    const running = queryState(client, '26TG0000000000023');
    let closedRead = false;
    const original = client.workflow.getHandle;
    (client.workflow as unknown as { getHandle: unknown }).getHandle = (mrn: string) => ({
      ...original(mrn),
      result: async () => {
        closedRead = true;
        return { state: { mrn, status: 'DISCHARGED' } };
      },
    });
    const closed = queryClosedState(client, '26TG0000000000023', 'run-c');
    await tick();
    assert.equal(closedRead, false, 'the closed read went while the query was still out');
    held.shift()!.settle();
    await running;
    assert.equal(((await closed) as { status: string }).status, 'DISCHARGED');
    assert.equal(closedRead, true);
    assert.equal(mostAtOnce('26TG0000000000023'), 1);
  });
});
