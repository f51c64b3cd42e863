// The journal consumer says when it last read its journal (src/interconnection/journal-status.ts
// turns that into the console's verdict). A retried attempt's first heartbeat has read nothing
// yet: it keeps the last attempt's read time, so a consumer retrying after a failure is still
// shown unreadable until it reads.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { asyncLocalStorage, Context, type Info } from '@temporalio/activity';
import { noopMetricMeter } from '@temporalio/common';
import { createJournalActivities, type JournalProgress, type ReadJournal } from '../../activities/journal.ts';
import type { TransitClient } from '../../src/client/transits.ts';
import { createLogger } from '../../src/logging/logger.ts';
import type { ReferenceData } from '../../src/domain/types.ts';

/** Runs one attempt of the consumer with `heartbeatDetails` from the attempt before; returns its heartbeats and outcome. */
async function attempt(read: ReadJournal, heartbeatDetails: unknown) {
  const beats: JournalProgress[] = [];
  const controller = new AbortController();
  const info = { heartbeatDetails, attempt: 2 } as unknown as Info;
  const logger = createLogger('test', 'silent');
  const context = new Context(
    info,
    new Promise<never>(() => undefined),
    controller.signal,
    (details: unknown) => beats.push(details as JournalProgress),
    undefined,
    logger as never,
    noopMetricMeter,
    {},
  );
  const { consumeJournal } = createJournalActivities({
    country: 'TG',
    read,
    transits: {} as TransitClient,
    reference: {} as ReferenceData,
    logger,
  });
  const outcome = await asyncLocalStorage.run(context, () =>
    consumeJournal({ cursor: 0, runForMs: 100 }).then(
      (cursor) => ({ cursor }),
      (error: unknown) => ({ error }),
    ),
  );
  return { beats, outcome };
}

const earlier: JournalProgress = { cursor: 7, head: 7, oldestUnconsumedAt: null, readAt: '2026-11-28T11:50:00.000Z' };
const emptyPage = { events: [], lastSequence: 7, headSequence: 7 };

describe('journal consumer: when it last read', () => {
  test("a retried attempt that cannot read keeps the last attempt's read time", async () => {
    const { beats, outcome } = await attempt(async () => {
      throw new Error('the journal at http://tg answered 503');
    }, earlier);
    assert.ok('error' in outcome, 'the attempt fails');
    assert.ok(beats.length >= 1);
    for (const beat of beats) assert.equal(beat.readAt, earlier.readAt);
    assert.equal(beats[0]!.cursor, 7, 'resumes at the cursor of the attempt before');
  });

  test('an attempt that reads says so, and a first attempt says it has never read before it does', async () => {
    const before = Date.now();
    const { beats } = await attempt(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return emptyPage as never;
    }, undefined);
    assert.equal(beats[0]!.readAt, null, 'nothing read yet');
    const last = beats.at(-1)!;
    assert.ok(last.readAt !== null && Date.parse(last.readAt) >= before, `read at ${last.readAt}`);
  });
});
