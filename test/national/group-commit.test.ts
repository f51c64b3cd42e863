// Group commit in the sandbox: calls arriving together share one transaction, yet each is
// its own savepoint — one call's failure undoes that call only — and none is answered
// before the shared commit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { GroupCommit } from '../../src/national/sandbox/group-commit.ts';

test('concurrent calls share one commit; a failing call is undone alone', async () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (v TEXT)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const commits = new GroupCommit(db);
  let transactions = 0;
  const call = (v: string, fail = false) =>
    commits.run(() =>
      db.transaction(() => {
        if (!db.inTransaction) throw new Error('not in the shared transaction');
        transactions++;
        insert.run(v);
        if (fail) throw new Error(`refused ${v}`);
        return v;
      })(),
    );
  const results = await Promise.allSettled([call('a'), call('b', true), call('c')]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.equal(transactions, 3);
  assert.deepEqual(db.prepare('SELECT v FROM t ORDER BY v').all(), [{ v: 'a' }, { v: 'c' }]);
  assert.equal(db.inTransaction, false, 'committed');
});
