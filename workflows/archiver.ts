// The archiver of one deployment: keeps the archiving activity running on the transits queue
// and records how far it has got. It adds nothing to any movement's history: closed movements
// are found through visibility and read with a query. The activity returns its cursor every few
// minutes; after a hundred turns the archiver continues as new with it, so its own history stays
// short however long the corridor runs.
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { ArchiveActivities } from '../activities/archive.ts';

export interface ArchiverInput {
  /** Closing time archived up to (ISO); '' at the start. */
  cursor: string;
  /** How long one activity attempt runs before it hands its cursor back. */
  turnMs?: number;
}

const TURNS_PER_RUN = 100;

export async function archiver(input: ArchiverInput): Promise<void> {
  const { archiveClosed } = proxyActivities<ArchiveActivities>({
    startToCloseTimeout: '1 hour',
    // An archiver that stops heartbeating (its worker was killed) is started again elsewhere, from its last cursor.
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });
  let cursor = input.cursor;
  for (let turn = 0; turn < TURNS_PER_RUN; turn++) {
    cursor = await archiveClosed({ cursor, runForMs: input.turnMs ?? 5 * 60_000 });
  }
  await continueAsNew<typeof archiver>({ ...input, cursor });
}
