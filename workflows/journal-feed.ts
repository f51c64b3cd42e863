// One country's journal feed: keeps a consumer of that country's national system journal
// running on the country's own task queue, and records how far it has got. The consumer
// returns its cursor every few minutes; after a hundred turns the feed continues as new with
// it, so its history stays short however long the corridor runs.
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { JournalActivities } from '../activities/journal.ts';

export interface JournalFeedInput {
  country: string;
  /** The country's national task queue, where its consumer runs next to its system. */
  queue: string;
  cursor: number;
  /** How long one consumer attempt runs before it hands its cursor back. */
  turnMs?: number;
}

const TURNS_PER_RUN = 100;

export async function journalFeed(input: JournalFeedInput): Promise<void> {
  const { consumeJournal } = proxyActivities<JournalActivities>({
    taskQueue: input.queue,
    startToCloseTimeout: '1 hour',
    // A consumer that stops heartbeating (its worker was killed) is started again elsewhere, from its last cursor.
    heartbeatTimeout: '20 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  });
  let cursor = input.cursor;
  for (let turn = 0; turn < TURNS_PER_RUN; turn++) {
    cursor = await consumeJournal({ cursor, runForMs: input.turnMs ?? 5 * 60_000 });
  }
  await continueAsNew<typeof journalFeed>({ ...input, cursor });
}
