// The journal consumer does not run ahead of the workflow worker. A go-live's backlog (the
// movements already on the road, recorded in Togo's system) is carried faster than movements take
// it up; unpaced, Togo's 99,000 events left 27,000 workflow tasks waiting in the server's database,
// handed over at a third of the pace. So while the transits queue holds more than 200 workflow
// tasks the consumer waits before its next page. Here nothing takes the transits queue's tasks
// (its Corridor has no transits worker) and 300 are already waiting, as the server counts them:
// the consumer carries nothing and keeps its cursor; unpaced, it carries the whole journal.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { TransitClient } from '../../src/client/transits.ts';
import { loadConfig, type Config } from '../../src/config/env.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { startSandbox } from '../../src/national/sandbox/server.ts';
import { countExecutions, quote } from '../../src/temporal/visibility.ts';
import { httpJournalReader } from '../../activities/journal.ts';
import { corridorAuthorization } from '../../src/national/credential.ts';
import { createWorkers } from '../../src/worker/workers.ts';
import { startStack, temporalAddress, tempDir, type Stack } from '../harness/stack.ts';
import type { CallActivityInput } from '../harness/test-workflows.ts';
import { freePort } from '../harness/ports.ts';
import { declarationFor, eventually, uniqueTin } from '../lifecycle/helpers.ts';

const MOVEMENTS = 200;
const ALREADY_WAITING = 300;

let stack: Stack;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let config: Config;
let connection: NativeConnection;
let nationalWorkers: Worker[];
let running: Promise<unknown>;

before(async () => {
  // The stack gives a transits worker to run the test's activity caller; the Corridor under test
  // (its own queue prefix and its own Togo system) has only Togo's national worker.
  stack = await startStack();
  const port = await freePort();
  sandbox = await startSandbox({
    country: 'TG',
    host: '127.0.0.1',
    port,
    dbPath: path.join(tempDir('pacing'), 'sandbox-TG.sqlite'),
    logger: createLogger('test', 'silent'),
  });
  config = loadConfig({ ...stack.env, CORRIDOR_TASK_QUEUE_PREFIX: `p${randomBytes(5).toString('hex')}-`, CORRIDOR_NATIONAL_TG_URL: sandbox.url });
  connection = await NativeConnection.connect({ address: temporalAddress() });
  nationalWorkers = await createWorkers({
    config,
    connection,
    namespace: 'default',
    roles: [{ kind: 'national', country: 'TG' }],
    logger: createLogger('test', 'silent'),
  });
  running = Promise.all(nationalWorkers.map((worker) => worker.run()));

  // Two hundred movements lodged and released in Togo's system, as a go-live finds them.
  const { json, plan } = declarationFor('lome-ouaga', uniqueTin(), (d) => {
    // Small enough that the one guarantee covers them all.
    for (const item of d.goodsItems) item.valueXof = 10_000;
  });
  const timeLimit = new Date(Date.now() + 72 * 3_600_000).toISOString();
  const lrn = json.lrn as string;
  for (let from = 0; from < MOVEMENTS; from += 100) {
    const lrns = Array.from({ length: 100 }, (_, i) => `${lrn}-${from + i}`);
    const response = await fetch(new URL('/admin/released-movements', sandbox.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ declaration: json, lrns, office: plan.departureOffice.code, timeLimit }),
    });
    const body = (await response.json()) as { mrns: string[]; refused: unknown[] };
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.deepEqual(body.refused, []);
  }
});

after(async () => {
  // The movements started here have no worker: terminate them, so no other test lists them.
  const query = `TaskQueue = ${quote(config.taskQueues.transits)} AND ExecutionStatus = 'Running'`;
  for await (const execution of stack.client.workflow.list({ query })) {
    await stack.client.workflow
      .getHandle(execution.workflowId, execution.runId)
      .terminate('test over')
      .catch(() => undefined);
  }
  for (const worker of nationalWorkers) worker.shutdown();
  await running;
  await connection.close();
  await sandbox.close();
  await stack.stop();
});

/** Runs one attempt of Togo's journal consumer of the Corridor under test, for `runForMs`; its cursor. */
async function consume(runForMs: number, cursor = 0): Promise<number> {
  const input: CallActivityInput = {
    taskQueue: config.taskQueues.national.TG,
    activity: 'consumeJournal',
    args: [{ cursor, runForMs }],
    startToCloseTimeoutMs: runForMs + 60_000,
    maximumAttempts: 1,
  };
  const handle = await stack.client.workflow.start('callActivity', {
    workflowId: `pacing-${randomBytes(4).toString('hex')}`,
    taskQueue: stack.config.taskQueues.transits,
    args: [input],
  });
  return (await handle.result()) as number;
}

const started = () => countExecutions(stack.client, 'default', `WorkflowType = 'transit' AND TaskQueue = ${quote(config.taskQueues.transits)}`);

describe('the journal consumer waits for the workflow worker to keep up', () => {
  test('with 300 workflow tasks waiting on the transits queue, it carries nothing and keeps its cursor', async () => {
    // Movements started before and not taken up: their first workflow tasks wait on the queue.
    const client = new TransitClient(stack.client, config, 'default');
    await Promise.all(
      Array.from({ length: ALREADY_WAITING }, (_, i) =>
        stack.client.workflow.start('transit', {
          taskQueue: config.taskQueues.transits,
          workflowId: `pacing-waiting-${randomBytes(4).toString('hex')}-${i}`,
          args: [],
        }),
      ),
    );
    // The server's statistics are approximate and a moment late: wait until they say so.
    const waiting = await eventually(
      () => client.waitingWorkflowTasks(),
      (n) => n !== undefined && n > 200,
      'the server counts the waiting tasks',
      30_000,
    );
    assert.ok(waiting !== undefined && waiting > 200);
    const cursor = await consume(8_000);
    assert.equal(cursor, 0, 'the journal was not carried while the queue was long');
    const counted = await eventually(started, (n) => n >= ALREADY_WAITING, 'visibility lists the waiting ones', 15_000);
    assert.equal(counted, ALREADY_WAITING, 'no movement of the journal started');
  });

  test("a few acts (the day's traffic, not a backlog) are carried at once, however long the queue", async () => {
    const client = new TransitClient(stack.client, config, 'default');
    const waiting = await client.waitingWorkflowTasks();
    assert.ok(waiting !== undefined && waiting > 200, `the queue is still long: ${waiting}`);
    const journal = httpJournalReader(sandbox.url, corridorAuthorization(sandbox.url, config.national.TG.token));
    const head = (await journal(0, { limit: 1, waitSeconds: 0 })).headSequence ?? 0;
    assert.ok(head >= MOVEMENTS, `the go-live's events are in the journal: head ${head}`);
    // Two more movements released in Togo's system: a page of a few events after the backlog.
    const { json, plan } = declarationFor('lome-ouaga', uniqueTin(), (d) => {
      for (const item of d.goodsItems) item.valueXof = 10_000;
    });
    const response = await fetch(new URL('/admin/released-movements', sandbox.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        declaration: json,
        lrns: [`${json.lrn as string}-a`, `${json.lrn as string}-b`],
        office: plan.departureOffice.code,
        timeLimit: new Date(Date.now() + 72 * 3_600_000).toISOString(),
      }),
    });
    const body = (await response.json()) as { mrns: string[] };
    assert.equal(response.status, 200, JSON.stringify(body));
    const newHead = (await journal(head, { limit: 200, waitSeconds: 0 })).headSequence ?? 0;
    assert.ok(newHead > head && newHead - head < 50, `a small page: ${newHead - head} events`);
    const cursor = await consume(4_000, head);
    assert.equal(cursor, newHead, 'the few acts were carried');
    const mine = () =>
      countExecutions(
        stack.client,
        'default',
        `WorkflowType = 'transit' AND TaskQueue = ${quote(config.taskQueues.transits)} AND WorkflowId IN (${body.mrns.map(quote).join(', ')})`,
      );
    assert.equal(await eventually(mine, (n) => n === 2, 'the two movements started', 15_000), 2);
  });
});
