// A movement's `state` query, never two of one movement at once from this process. Two at once of
// a movement the workflow worker no longer caches, while its cache is full, make SDK 1.24's core
// build the run from the first query task and drop what the second produced: that query is never
// answered and its workflow task slot is never given back, and enough of them stall the worker
// (found with the core's debug log, bench/results/stall-2026-11-29-core-debug-excerpt.txt;
// scripts/worker-stall-repro.ts --queries-at-once 2). Every reader of a movement's state in a
// process (pages, the indicators projection, subscriptions, the archive, the reconciliation) goes
// through here; API processes sharing a projection take turns (src/indicators/refresh-turn.ts).
// Two processes asking one movement at the same moment (two supervisors' pages on two API
// processes) can still race: that is for the SDK to fix.
import type { Client } from '@temporalio/client';
import type { TransitState } from '../../workflows/model.ts';
import { stateQuery } from '../../workflows/messages.ts';

/** The last query asked of each movement (by workflow id), while it is running. */
const asked = new Map<string, Promise<unknown>>();

export function queryState(client: Client, mrn: string, runId?: string): Promise<TransitState> {
  const key = `${client.options.namespace}/${mrn}`;
  // Never rejects: the previous query's outcome is its caller's.
  const before = asked.get(key) ?? Promise.resolve();
  const mine = before.then(() => client.workflow.getHandle(mrn, runId).query(stateQuery));
  const settled = mine.catch(() => undefined);
  asked.set(key, settled);
  void settled.then(() => {
    if (asked.get(key) === settled) asked.delete(key);
  });
  return mine;
}
