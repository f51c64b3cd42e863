// A worker at the other capital may start while the link to the cluster is down: it waits for the
// cluster, saying so, and polls its queue as soon as the cluster can be reached, instead of
// exiting and leaving its country's queue without a poller. Asked to stop while it waits, it ends.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { Connection } from '@temporalio/client';
import { freePort } from '../harness/ports.ts';
import { temporalAddress } from '../harness/stack.ts';
import { forwardTcp } from '../harness/tcp-forward.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const children: ChildProcess[] = [];
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const close of closers) await close();
});

/** A national-TG worker whose cluster is at `address`, its log lines kept. */
async function startWorker(
  address: string,
  prefix: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; lines: () => Record<string, unknown>[]; stderr: () => string }> {
  const metricsPort = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker', '--queues', 'national-TG'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      TEMPORAL_ADDRESS: address,
      CORRIDOR_TASK_QUEUE_PREFIX: prefix,
      CORRIDOR_NATIONAL_TG_URL: 'http://127.0.0.1:9',
      CORRIDOR_LOG_LEVEL: 'info',
      CORRIDOR_WORKER_METRICS_PORT: String(metricsPort),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const lines = () =>
    out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { child, lines, stderr: () => err };
}

async function pollers(queue: string): Promise<number> {
  const connection = await Connection.connect({ address: temporalAddress() });
  try {
    const answer = await connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: queue }, taskQueueType: 2 });
    return (answer.pollers ?? []).length;
  } finally {
    await connection.close();
  }
}

test('a national worker started while the cluster is unreachable waits, says so, and polls once the cluster answers', async () => {
  // A port nobody listens on yet: where the cluster will be once the link is back.
  const port = await freePort();
  const prefix = `wait-${randomBytes(4).toString('hex')}-`;
  const worker = await startWorker(`127.0.0.1:${port}`, prefix);

  const deadline = Date.now() + 60_000;
  while (worker.lines().filter((line) => line.msg === 'cluster Temporal injoignable, nouvel essai / Temporal cluster unreachable, trying again').length < 2) {
    assert.ok(Date.now() < deadline, `the worker did not say it waits: ${JSON.stringify(worker.lines())}`);
    assert.equal(worker.child.exitCode, null, `the worker exited (${worker.child.exitCode}) instead of waiting`);
    await sleep(200);
  }
  const said = worker.lines().find((line) => line.attempt === 1);
  assert.equal(said?.address, `127.0.0.1:${port}`, 'the warning names the cluster it waits for');
  assert.equal(await pollers(`${prefix}national-TG`), 0);

  // The cluster becomes reachable at that address: the worker connects and polls, unrestarted.
  const forwarder = await forwardTcp('127.0.0.1', temporalAddress(), port);
  closers.push(() => forwarder.close());
  const pollDeadline = Date.now() + 60_000;
  while ((await pollers(`${prefix}national-TG`)) === 0) {
    assert.ok(Date.now() < pollDeadline, 'the worker did not poll its queue within 60 s of the cluster answering');
    assert.equal(worker.child.exitCode, null, 'the worker exited');
    await sleep(250);
  }
  assert.ok(worker.lines().some((line) => line.msg === 'worker polling'));

  worker.child.kill('SIGTERM');
  const [code] = await once(worker.child, 'exit');
  assert.equal(code, 0);
});

test('a worker asked to stop while it waits for the cluster ends at once, cleanly', async () => {
  const worker = await startWorker(`127.0.0.1:${await freePort()}`, `stop-${randomBytes(4).toString('hex')}-`);
  while (!worker.lines().some((line) => line.attempt === 2)) {
    assert.equal(worker.child.exitCode, null, 'the worker exited instead of waiting');
    await sleep(100);
  }
  const asked = Date.now();
  worker.child.kill('SIGTERM');
  const [code] = await once(worker.child, 'exit');
  assert.equal(code, 0);
  assert.ok(Date.now() - asked < 5_000, 'it ended within 5 s of being asked');
  assert.ok(worker.lines().some((line) => line.msg === 'worker stopped while waiting for the Temporal cluster'));
});

test("the SDK core's log goes through the worker's JSON log, at the level CORRIDOR_SDK_CORE_LOG asks", async () => {
  const prefix = `corelog-${randomBytes(4).toString('hex')}-`;
  const asked = await startWorker(temporalAddress(), prefix, { CORRIDOR_LOG_LEVEL: 'debug', CORRIDOR_SDK_CORE_LOG: 'debug' });
  const quiet = await startWorker(temporalAddress(), `${prefix}q-`, { CORRIDOR_LOG_LEVEL: 'debug' });
  try {
    const deadline = Date.now() + 60_000;
    const polling = (w: typeof asked) => w.lines().some((line) => line.msg === 'worker polling');
    while (!(polling(asked) && polling(quiet))) {
      assert.ok(Date.now() < deadline, 'the workers did not start polling within 60 s');
      assert.equal(asked.child.exitCode, null, `the worker exited: ${asked.stderr()}`);
      await sleep(200);
    }
    await sleep(1_000);
    const core = asked.lines().filter((line) => line.sdkComponent === 'core');
    assert.ok(core.length > 0, 'the core says what it does at debug, as JSON lines of the worker');
    assert.ok(
      core.some((line) => line.level === 20),
      'at pino debug',
    );
    assert.equal(quiet.lines().filter((line) => line.sdkComponent === 'core' && line.level === 20).length, 0, 'by default the core says only warnings');
    for (const w of [asked, quiet]) assert.doesNotMatch(w.stderr(), /temporalio_sdk_core/, 'nothing printed by the core itself on stderr');
  } finally {
    for (const w of [asked, quiet]) {
      w.child.kill('SIGTERM');
      await once(w.child, 'exit');
    }
  }
});
