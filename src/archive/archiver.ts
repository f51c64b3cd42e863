// The archiver's one pass: list through visibility the movements of this deployment closed
// since the cursor, read each one's full record (src/temporal/state-query.ts: from its result,
// the close event, when it carries the final state, without first asking the query the server
// would refuse for a closed run; else by the `state` query, which Temporal
// answers for a closed workflow by replaying its history on a transits worker), write it to the
// archive, and move the cursor. A row is written once per run (MRN primary key), so a pass
// repeated after a crash changes nothing.
import type { Client } from '@temporalio/client';
import type { Logger } from '../logging/logger.ts';
import { forMovement } from '../logging/logger.ts';
import { executionTime, forEachExecution, listPage, quote, transitFields, type ExecutionInfo } from '../temporal/visibility.ts';
import { queryClosedState } from '../temporal/state-query.ts';
import type { ArchiveStore } from './store.ts';

// Visibility records a closing a little after the workflow closes: re-read this much before the
// cursor so a late record is never skipped (an archived run costs no query).
const OVERLAP_MS = 5 * 60_000;
const DAY_MS = 24 * 3600_000;
// The frontend's largest page: one archive lookup per thousand closed movements.
const PAGE_SIZE = 1000;

export interface ArchiverDeps {
  client: Client;
  namespace: string;
  /** This deployment's transits queue: another deployment sharing the namespace archives its own. */
  taskQueue: string;
  store: ArchiveStore;
  logger: Logger;
}

export interface PassOutcome {
  /** Closing time to list from next time (ISO), '' before the first movement closed. */
  cursor: string;
  archived: number;
  failed: number;
}

export async function archiveClosedSince(deps: ArchiverDeps, cursor: string, alive: () => void = () => undefined): Promise<PassOutcome> {
  const { client, namespace, taskQueue } = deps;
  let query = `WorkflowType = 'transit' AND ExecutionStatus != 'Running' AND TaskQueue = ${quote(taskQueue)}`;
  if (cursor) query += ` AND CloseTime >= ${quote(new Date(Date.parse(cursor) - OVERLAP_MS).toISOString())}`;
  const outcome = { latest: cursor, earliestFailure: undefined as string | undefined, archived: 0, failed: 0 };
  // Page by page: a first pass over a namespace that already holds months of closed movements
  // never holds them all in memory; `alive` after each movement keeps the activity's heartbeat going.
  let pageToken: Uint8Array | undefined;
  do {
    const page = await listPage(client, namespace, query, PAGE_SIZE, pageToken);
    await archivePage(deps, page.executions, outcome, alive);
    alive();
    pageToken = page.nextPageToken;
  } while (pageToken);
  const { latest, earliestFailure, archived, failed } = outcome;
  return { cursor: earliestFailure && earliestFailure < latest ? earliestFailure : latest, archived, failed };
}

async function archivePage(
  { client, store, logger }: ArchiverDeps,
  closed: ExecutionInfo[],
  outcome: { latest: string; earliestFailure: string | undefined; archived: number; failed: number },
  alive: () => void,
): Promise<void> {
  const archivedRuns = await store.runsOf(closed.map((e) => e.execution?.workflowId ?? ''));
  for (const execution of closed) {
    const { runId, routeOffices, ...summary } = transitFields(execution);
    const closedAt = executionTime(execution.closeTime) ?? new Date().toISOString();
    if (closedAt > outcome.latest) outcome.latest = closedAt;
    if (archivedRuns.get(summary.mrn) === runId) continue;
    try {
      const state = await queryClosedState(client, summary.mrn, runId);
      await store.put({ summary: { ...summary, closedAt }, routeOffices, runId, state });
      outcome.archived++;
      forMovement(logger, summary.mrn).info({ status: state.status, closedAt }, 'archive: closed movement archived');
    } catch (error) {
      // Listed again from here on the next pass; the others are not held back by it.
      outcome.failed++;
      if (outcome.earliestFailure === undefined || closedAt < outcome.earliestFailure) outcome.earliestFailure = closedAt;
      forMovement(logger, summary.mrn).warn({ err: error, closedAt }, 'archive: record not read; next pass tries again');
    }
    alive();
  }
}

// One visibility call per pass: Temporal's retention removes movements oldest closed first, so the
// oldest rows not yet seen gone are the ones leaving.
const SWEEP_BATCH = 500;

/**
 * Marks the archived movements Temporal no longer holds (its retention removed them, or an
 * operator deleted them): from then on the lists read them from the archive. Returns how many.
 */
export async function sweepLeftTemporal({ client, namespace, store }: ArchiverDeps): Promise<number> {
  const oldest = await store.oldestInTemporal(SWEEP_BATCH);
  if (oldest.length === 0) return 0;
  const present = new Set<string>();
  const query = `WorkflowType = 'transit' AND WorkflowId IN (${oldest.map(quote).join(', ')})`;
  await forEachExecution(client, namespace, query, (execution) => present.add(execution.execution?.workflowId ?? ''));
  const gone = oldest.filter((mrn) => !present.has(mrn));
  await store.markLeftTemporal(gone, new Date().toISOString());
  return gone.length;
}

/** Deletes the rows past the archive's retention; returns how many. */
export async function purgeExpired(store: ArchiveStore, retentionDays: number, now = Date.now()): Promise<number> {
  return store.purge(new Date(now - retentionDays * DAY_MS).toISOString());
}
