// A movement's state, read the cheapest way Temporal offers, and never two queries of one
// movement at once from this process.
//
// Running: the `state` query, which the worker answers from the movement it caches. Closed: the
// query is refused by the server itself (reject condition NOT_OPEN), and the state is read from
// the movement's result, its close event (workflows/state.ts `closing`): a query of a closed
// workflow is answered by replaying its whole history on a transits worker, a lifecycle's worth
// of worker CPU for every read of a discharged movement, and no answer at all while no worker
// polls. A closed movement whose result does not carry its state (failed, terminated, continued
// as new, or closed before results carried it) is still asked with the query.
//
// One at a time: two queries at once of a movement the workflow worker no longer caches, while its
// cache is full, make SDK 1.24's core build the run from the first query task and drop what the
// second produced: that query is never answered and its workflow task slot is never given back,
// and enough of them stall the worker (found with the core's debug log,
// bench/results/stall-2026-11-29-core-debug-excerpt.txt; scripts/worker-stall-repro.ts
// --queries-at-once 2). Every reader of a movement's state in a process (pages, the indicators
// projection, subscriptions, the archive, the reconciliation) goes through here; API processes
// sharing a projection take turns (src/indicators/refresh-turn.ts). Two processes asking one
// movement at the same moment (two supervisors' pages on two API processes) can still race: that
// is for the SDK to fix.
import { type Client, QueryRejectedError, WorkflowClient, WorkflowContinuedAsNewError, WorkflowFailedError } from '@temporalio/client';
import type { TransitState } from '../../workflows/model.ts';
import { stateQuery } from '../../workflows/messages.ts';

/** The last query asked of each movement (by workflow id), while it is running. */
const asked = new Map<string, Promise<unknown>>();

export function queryState(client: Client, mrn: string, runId?: string): Promise<TransitState> {
  return inTurn(client, mrn, () => stateOf(client, mrn, runId));
}

/**
 * The state of a run the caller knows has closed (the archive lists closed runs through
 * visibility): read from its result straight away, without first asking the server a query it
 * would refuse, one round trip a closed movement the fewer.
 */
export function queryClosedState(client: Client, mrn: string, runId: string): Promise<TransitState> {
  return inTurn(client, mrn, () => closedState(client, mrn, runId));
}

function inTurn(client: Client, mrn: string, read: () => Promise<TransitState>): Promise<TransitState> {
  const key = `${client.options.namespace}/${mrn}`;
  // Never rejects: the previous query's outcome is its caller's.
  const before = asked.get(key) ?? Promise.resolve();
  const mine = before.then(read);
  const settled = mine.catch(() => undefined);
  asked.set(key, settled);
  void settled.then(() => {
    if (asked.get(key) === settled) asked.delete(key);
  });
  return mine;
}

async function stateOf(client: Client, mrn: string, runId: string | undefined): Promise<TransitState> {
  try {
    return await openOnly(client).getHandle(mrn, runId).query(stateQuery);
  } catch (error) {
    if (!(error instanceof QueryRejectedError)) throw error;
  }
  return closedState(client, mrn, runId);
}

/** The state a closed movement ended in: from its result when it carries it, else by the query (a replay). */
async function closedState(client: Client, mrn: string, runId?: string): Promise<TransitState> {
  // Not following a continued run: its result would wait for the next run to close.
  const handle = client.workflow.getHandle(mrn, runId, { followRuns: false });
  try {
    const result = (await handle.result()) as { state?: TransitState } | undefined;
    if (result?.state) return result.state;
  } catch (error) {
    // Failed, terminated or continued as new: no result of ours; the replay still knows its state.
    if (!(error instanceof WorkflowFailedError || error instanceof WorkflowContinuedAsNewError)) throw error;
  }
  return client.workflow.getHandle(mrn, runId).query(stateQuery);
}

const rejecting = new WeakMap<Client, WorkflowClient>();

/** The client's workflows, with queries of closed ones refused by the server instead of replayed. */
function openOnly(client: Client): WorkflowClient {
  if (client.workflow.options?.queryRejectCondition === 'NOT_OPEN') return client.workflow;
  let workflows = rejecting.get(client);
  if (!workflows) {
    workflows = new WorkflowClient({ ...client.workflow.options, queryRejectCondition: 'NOT_OPEN' });
    rejecting.set(client, workflows);
  }
  return workflows;
}
