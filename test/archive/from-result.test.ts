// The archive reads a closed movement's final state from its result, the close event, instead of
// asking the movement with the state query, which Temporal answers for a closed workflow by
// replaying its whole history on a transits worker: archiving a movement no longer costs a
// lifecycle's worth of worker CPU, and needs no worker at all. A movement whose result does not
// carry its state (one that was terminated, or closed before movements returned it) is still
// archived through the query.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { archiveClosedSince } from '../../src/archive/archiver.ts';
import { sqliteDialect } from '../../src/archive/sqlite.ts';
import { SqlArchive } from '../../src/archive/store.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, eventually, uniqueTin } from '../lifecycle/helpers.ts';

const silent = createLogger('test', process.env.CORRIDOR_LOG_LEVEL ?? 'silent');

describe("the archive reads a closed movement's state from its result", () => {
  let stack: Stack;
  let corridor: Corridor;
  let dir: string;

  before(async () => {
    stack = await startStack();
    corridor = new Corridor(stack);
    dir = mkdtempSync(path.join(process.env.CORRIDOR_TEST_TMP ?? os.tmpdir(), 'archive-result-'));
  });
  after(async () => {
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** One pass of the archiver into an archive of this test's own, from the start of time. */
  async function pass(file: string) {
    const store = new SqlArchive(sqliteDialect(path.join(dir, file)), stack.config.codec.keys);
    const deps = { client: stack.client, namespace: 'default', taskQueue: stack.config.taskQueues.transits, store, logger: silent };
    return { store, outcome: await archiveClosedSince(deps, '') };
  }

  /** A movement driven to its discharge, its workflow closed; the state it ended in. */
  async function dischargedAndClosed() {
    const d = declarationFor('lome-ouaga', uniqueTin());
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan);
    const ended = await eventually(
      () => corridor.state(mrn),
      (s) => s.status === 'DISCHARGED' && s.notifications.every((n) => n.delivery !== 'PENDING'),
      'discharged',
    );
    await eventually(
      () => stack.client.workflow.getHandle(mrn).describe(),
      (described) => described.status.name === 'COMPLETED',
      'workflow completed',
    );
    return { mrn, ended };
  }

  /** `work` with the transits worker stopped: asked with the query, a closed movement waits for a worker to replay it (none polls). */
  async function withoutWorker<T>(work: () => Promise<T>, what: string): Promise<T> {
    await stack.stopWorker();
    try {
      return await Promise.race([
        work(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`${what} waited for a worker: it asked the movement instead of reading its result`)), 30_000),
        ),
      ]);
    } finally {
      await stack.startWorker();
    }
  }

  it('a discharged movement is archived with no transits worker running', async () => {
    const { mrn, ended } = await dischargedAndClosed();
    const { store, outcome } = await withoutWorker(() => pass('archive-no-worker.sqlite'), 'the pass');
    assert.ok(outcome.archived >= 1, `archived ${outcome.archived}, failed ${outcome.failed}`);
    const row = await store.get(mrn);
    assert.equal(row?.state.status, 'DISCHARGED');
    assert.deepEqual(row?.state.timeline, ended.timeline, 'the timeline the movement ended with');
    await store.close();
  });

  it("the API reads a discharged movement's state with no transits worker running", async () => {
    const { mrn, ended } = await dischargedAndClosed();
    const read = await withoutWorker(() => corridor.state(mrn), 'the read');
    assert.equal(read.status, 'DISCHARGED');
    assert.deepEqual(read.timeline, ended.timeline, 'the timeline the movement ended with');
  });

  it('a terminated movement, which has no result, is archived through the query', async () => {
    const tin = uniqueTin();
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.accepted(d);
    const lodged = await corridor.state(mrn);
    await stack.client.workflow.getHandle(mrn).terminate('test: an operator stops it');
    const { store, outcome } = await pass('archive-terminated.sqlite');
    assert.equal(outcome.failed, 0);
    const row = await store.get(mrn);
    assert.equal(row?.state.status, lodged.status);
    assert.deepEqual(row?.state.timeline, lodged.timeline);
    await store.close();
  });
});
