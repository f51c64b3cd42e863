// API processes sharing the indicators projection's file take turns to refresh it: never two at
// once (each would query the same movements at the same moment), never again while the last pass
// is recent, and a holder that died does not keep the turn for long.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { RefreshTurn } from '../../src/indicators/refresh-turn.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'refresh-turn-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Two processes' connections to one projection file, on a clock the test moves. */
function twoProcesses(name: string) {
  const file = path.join(dir, `${name}.sqlite`);
  let now = Date.parse('2026-11-29T08:00:00Z');
  const clock = () => now;
  const open = () => {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    return new RefreshTurn(db, clock);
  };
  return { a: open(), b: open(), wait: (ms: number) => (now += ms) };
}

describe('refresh turn', () => {
  test('one at a time: the other is told who holds it, then that the projection is fresh', () => {
    const { a, b, wait } = twoProcesses('one-at-a-time');
    assert.deepEqual(a.take(5_000), { kind: 'mine' });
    assert.deepEqual(b.take(5_000), { kind: 'busy', holder: a.holder });
    wait(2_000);
    a.release(true);
    assert.equal(b.take(5_000).kind, 'fresh');
    wait(5_001);
    assert.deepEqual(b.take(5_000), { kind: 'mine' });
    assert.equal(a.take(5_000).kind, 'busy');
  });

  test('a failed pass leaves the projection due: the other may go at once', () => {
    const { a, b } = twoProcesses('failed');
    assert.equal(a.take(5_000).kind, 'mine');
    a.release(false);
    assert.equal(b.take(5_000).kind, 'mine');
  });

  test('a holder killed mid-pass loses the turn two minutes after it last renewed it; one at work keeps it', () => {
    const { a, b, wait } = twoProcesses('killed');
    assert.equal(a.take(5_000).kind, 'mine');
    // At work through a long pass: renewed as it goes.
    for (let i = 0; i < 10; i++) {
      wait(30_000);
      a.renew();
    }
    assert.equal(b.take(5_000).kind, 'busy', 'five minutes into a pass that renews, still its turn');
    // Killed: no renewal from now on.
    wait(119_000);
    assert.equal(b.take(5_000).kind, 'busy');
    wait(1_001);
    assert.equal(b.take(5_000).kind, 'mine');
    // The old holder coming back cannot give away or renew a turn it no longer holds.
    a.release(true);
    a.renew();
    assert.equal(a.take(0).kind, 'busy');
  });
});
