// A minimal reproduction of the workflow worker stall seen with a smaller cache (SDK 1.24 core:
// "Extra buffered run should not have produced an activation", then no more workflow tasks taken;
// see src/worker/tuning.ts). Run:
//
//   node --import tsx scripts/worker-stall-repro.ts [--movements 1000] [--cache 100] [--deadline 3000] [--lanes 4] [--minutes 20]
//
// It starts its own Temporal dev server (the project's CLI, in memory), a worker with a cache far
// smaller than the movements acting at once (as at cache 500 with the bench's 1,000-strong overdue
// cohort), and N workflows that each wait for acts under a deadline timer of a few seconds (so all
// N wake together, again and again, as overdue movements climbing their ladder do); meanwhile a
// few lanes signal them in scattered order, so that new tasks arrive for runs being evicted. Every 10 s it prints the workflows completed, the tasks the worker completed, and
// whether the core's message was logged. It says REPRODUCED when the message is logged or no
// workflow task completes for 60 s while signals are outstanding, NOT REPRODUCED after --minutes.
//
// Result on the development machine, 2026-11-28 (2 cores shared with four engineers' tests, load
// 8 to 13, SDK 1.24.0, dev server 1.29.1), defaults, 20 minutes: NOT REPRODUCED. The core never
// logged the message; the worker thrashed instead, and kept going: 17,253 workflow tasks completed
// (about 14 a second) against 342,783 signals, about 880 tasks always waiting, 2,772 tasks over
// 5 s (TMPRL1104) and 1,056 "Task not found when completing" (tasks that outlived their 10 s
// timeout, dispatched again). A first try with 64 lanes and no continue-as-new (histories of
// thousands of events) did the same. The stall seen in the bench (cache 500, the 1,000-strong
// overdue cohort climbing its ladder with activities and search attribute upserts) needs more
// than timers and signals, or more than this machine gave it: try --cache 500 --movements 1000
// on a quiet machine, or give the workflow an activity per turn. A stalled worker is now seen
// either way: /health turns red when the workflow task queue's oldest task waits past
// CORRIDOR_WORKFLOW_QUEUE_MAX_WAIT_SECONDS (src/api/routes/health.ts).
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, makeTelemetryFilterString, NativeConnection, Runtime, Worker, type LogEntry } from '@temporalio/worker';
import { parseFlags, intFlag, type FlagSpec } from '../src/cli/args.ts';
import { findTemporalCli } from '../src/temporal/cli.ts';
import { startDevServer } from '../src/temporal/dev-server.ts';
import { freePort } from '../test/harness/ports.ts';
import { histogram, scrape } from '../bench/lib/prometheus.ts';

const FLAGS: FlagSpec = { movements: 'string', cache: 'string', minutes: 'string', deadline: 'string', lanes: 'string' };
const { flags } = parseFlags(process.argv.slice(2), FLAGS);
const movements = intFlag(flags, 'movements', 1000);
const cache = intFlag(flags, 'cache', 100);
const minutes = intFlag(flags, 'minutes', 20);
const deadlineMs = intFlag(flags, 'deadline', 3000);
const lanes = intFlag(flags, 'lanes', 4);

const metricsPort = await freePort();
const CORE_MESSAGE = /Extra buffered run should not have produced an activation/;
let coreMessages = 0;
let lastCoreMessage = '';
// The core's own warnings, counted by their first words (printed every 10 s, not line by line).
const warnings = new Map<string, number>();
Runtime.install({
  logger: new DefaultLogger('WARN', (entry: LogEntry) => {
    const text = `${entry.message} ${JSON.stringify(entry.meta ?? {})}`;
    if (CORE_MESSAGE.test(text)) {
      coreMessages++;
      lastCoreMessage = `${entry.level} ${text.slice(0, 400)}`;
    }
    const kind = entry.message.replace(/[0-9a-f-]{36}:\d+:\d+ /, '').slice(0, 60);
    warnings.set(kind, (warnings.get(kind) ?? 0) + 1);
  }),
  telemetryOptions: {
    // The core's log lines come to the logger above, where the message is looked for.
    logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) },
    metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}` } },
  },
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'worker-stall-'));
const server = await startDevServer({ cli: await findTemporalCli(), port: await freePort(), logFile: path.join(dir, 'server.log') });
// Interrupted (Ctrl-C): the server goes with the script, and its folder.
process.once('SIGINT', () => {
  void server.stop().finally(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
});
const say = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
let code = 0;
try {
  const taskQueue = `stall-${randomBytes(3).toString('hex')}`;
  const connection = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./worker-stall-repro-workflow.ts', import.meta.url)),
      logger: new DefaultLogger('WARN'),
    }),
    maxCachedWorkflows: cache,
  });
  const running = worker.run();
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  say(`worker: cache ${cache}; starting ${movements} movements on ${taskQueue}`);
  const ids = Array.from({ length: movements }, (_, i) => `movement-${i}`);
  for (let i = 0; i < ids.length; i += 100) {
    await Promise.all(ids.slice(i, i + 100).map((id) => client.workflow.start('parkedMovement', { taskQueue, workflowId: id, args: [deadlineMs] })));
  }
  let signals = 0;
  let stop = false;
  // Many lanes, each signalling movements in a different order, so the same run gets new tasks while it waits for eviction.
  const lane = async (seed: number) => {
    for (let k = seed; !stop; k += 7919) {
      await client.workflow
        .getHandle(ids[k % ids.length]!)
        .signal('act', k)
        .then(() => signals++)
        .catch(() => undefined);
    }
  };
  const signalling = Promise.all(Array.from({ length: lanes }, (_, i) => lane(i * 131)));

  const started = Date.now();
  let lastDone = -1;
  let lastProgress = Date.now();
  let verdict = '';
  while (!verdict) {
    await new Promise((r) => setTimeout(r, 10_000));
    const done = histogram(await scrape(`http://127.0.0.1:${metricsPort}/metrics`), 'temporal_workflow_task_execution_latency').count;
    const backlog = await waiting(client, taskQueue);
    if (done !== lastDone) lastProgress = Date.now();
    lastDone = done;
    const status = worker.getStatus();
    say(
      `${Math.round((Date.now() - started) / 1000)} s: ${signals} signals sent; ${done} workflow tasks completed, ${backlog} waiting; cached ${status.numCachedWorkflows}; ` +
        `in-flight activations ${status.numInFlightWorkflowActivations}; core message seen ${coreMessages} time(s)`,
    );
    if (warnings.size) say(`  core warnings so far: ${[...warnings].map(([kind, n]) => `${n} × ${kind}`).join('; ')}`);
    if (coreMessages > 0) verdict = `REPRODUCED: the core logged "${lastCoreMessage}"`;
    else if (Date.now() - lastProgress > 60_000) verdict = 'REPRODUCED: the worker has completed no workflow task for 60 s while signals are sent';
    else if (Date.now() - started > minutes * 60_000) verdict = `NOT REPRODUCED in ${minutes} minutes (cache ${cache}, ${movements} movements, ${lanes} lanes)`;
  }
  say(verdict);
  code = verdict.startsWith('REPRODUCED') ? 1 : 0;
  stop = true;
  await signalling;
  worker.shutdown();
  await running;
  await connection.close();
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);

/** The server's count of workflow tasks waiting on the queue (approximate): it grows behind a stalled worker. */
async function waiting(client: Client, taskQueue: string): Promise<number> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: taskQueue },
    reportStats: true,
  });
  return Number(response.stats?.approximateBacklogCount ?? 0);
}
