// The verdict on a country's journal from its consumer's activity and last heartbeat.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { journalStatusOf, type ConsumerActivity } from '../../src/interconnection/journal-status.ts';

const now = new Date('2026-11-28T12:00:00Z');
const running: ConsumerActivity = { started: true, lastFailure: undefined, lastNewsMs: now.getTime() - 5_000 };
const progress = (cursor: number, head: number, oldest: string | null) => ({ cursor, head, oldestUnconsumedAt: oldest, readAt: now.toISOString() });

describe('journal status', () => {
  test('caught up: ok, no backlog, no lag', () => {
    const s = journalStatusOf('TG', running, progress(42, 42, null), now, 300);
    assert.deepEqual([s.state, s.backlog, s.lagSeconds], ['ok', 0, 0]);
  });
  test('behind within the limit: ok, with its backlog and lag', () => {
    const s = journalStatusOf('TG', running, progress(40, 42, '2026-11-28T11:59:00Z'), now, 300);
    assert.deepEqual([s.state, s.backlog, s.lagSeconds], ['ok', 2, 60]);
  });
  test('oldest unconsumed act older than the limit: late', () => {
    const s = journalStatusOf('BF', running, progress(10, 500, '2026-11-28T11:50:00Z'), now, 300);
    assert.deepEqual([s.state, s.backlog, s.lagSeconds], ['late', 490, 600]);
  });
  test('waiting for a retry after a failure: unreadable, with the reason', () => {
    const s = journalStatusOf(
      'TG',
      { started: false, lastFailure: 'the journal at http://x answered 503', lastNewsMs: undefined },
      progress(1, 1, null),
      now,
      300,
    );
    assert.equal(s.state, 'unreadable');
    assert.match(s.problem!, /503/);
  });
  test('a retried attempt that has not read yet: still unreadable, with the last failure; once it reads, ok', () => {
    const failure = 'the journal at http://x answered 503';
    const retrying = { started: true, lastFailure: failure, lastNewsMs: now.getTime() - 2_000, startedMs: now.getTime() - 2_000 };
    const readBefore = { ...progress(5, 5, null), readAt: '2026-11-28T11:50:00Z' };
    const s = journalStatusOf('TG', retrying, readBefore, now, 300);
    assert.deepEqual([s.state, s.problem, s.unreadableSince], ['unreadable', failure, '2026-11-28T11:50:00Z']);
    assert.equal(journalStatusOf('TG', retrying, { ...progress(5, 5, null), readAt: null }, now, 300).state, 'unreadable', 'never read at all');
    const readSince = { ...progress(5, 5, null), readAt: new Date(now.getTime() - 1_000).toISOString() };
    assert.equal(journalStatusOf('TG', retrying, readSince, now, 300).state, 'ok');
  });
  test('running but silent for longer than a long poll and a heartbeat: unreadable', () => {
    const s = journalStatusOf('TG', { started: true, lastFailure: undefined, lastNewsMs: now.getTime() - 120_000 }, progress(1, 1, null), now, 300);
    assert.equal(s.state, 'unreadable');
    assert.match(s.problem!, /120 s/);
  });
  test('unreadable since the last successful read (else the last news); read again, no longer', () => {
    const lastRead = { ...progress(1, 1, null), readAt: '2026-11-28T11:58:00Z' };
    const silent = { started: true, lastFailure: undefined, lastNewsMs: Date.parse('2026-11-28T11:58:30Z') };
    assert.equal(journalStatusOf('BF', silent, lastRead, now, 300).unreadableSince, '2026-11-28T11:58:00Z');
    assert.equal(journalStatusOf('BF', silent, 17, now, 300).unreadableSince, '2026-11-28T11:58:30.000Z');
    assert.equal(journalStatusOf('BF', running, lastRead, now, 300).unreadableSince, null);
  });
  test('a heartbeat of the earlier kind (a bare cursor) still gives the cursor', () => {
    const s = journalStatusOf('TG', running, 17, now, 300);
    assert.deepEqual([s.state, s.cursor, s.backlog], ['ok', 17, null]);
  });
});
