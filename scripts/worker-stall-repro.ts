// A minimal reproduction of the workflow worker stall seen with a smaller cache (SDK 1.24 core:
// "Extra buffered run should not have produced an activation", then no more workflow tasks taken;
// see src/worker/tuning.ts). Run:
//
//   node --import tsx scripts/worker-stall-repro.ts [--movements 1000] [--cache 100] [--deadline 3000] [--lanes 4] [--minutes 20]
//                                                 [--signal-pause MS] [--query-lanes Q]
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
//
// Queries, 2026-11-28 23:15 (a quiet two-core machine): the SDK core's code (temporal-sdk-core,
// workflow_stream.rs, process_post_activation) logs this message when a run waiting for a cache
// slot has more than one task buffered, which its comment says happens with "a backlog of
// queries", and drops the activation that second task produced. Our reading (not proven): that
// run's task then never completes and holds its slot, and after enough of them the worker takes
// no task. Corridor queries running movements (the indicators
// projection asks each movement that moved for its state; the archive and the reconciliation
// too), so --query-lanes Q adds Q lanes querying movements in scattered order and --signal-pause
// slows the signal lanes. Tried: cache 100, 1,000 movements, 4 lanes as fast as they go, 4 query
// lanes, 3 minutes; cache 100, 1,000 movements, 2 lanes, 8 query lanes, deadline 20 s, 5 minutes;
// cache 100, 2,000 movements, 4 lanes 40 ms apart, 8 query lanes, deadline 30 s, 6 minutes: NOT
// REPRODUCED each time (the queries mostly waited behind the backlog: 13, 68 and 657 answered).
// The bench's stall came with movements started and signalled by the journal consumer at 20+ a
// second beside the projection's queries; a reproduction likely needs starts, not only signals.
// Later the same day, `--large --parked 10000` with the heaps at 384 MiB logged the message 11
// times with both API processes paused (no query could reach the worker) and did not stall; a
// start with the APIs running stalled at 7,822 after 10 of them (bench/results/large-2026-11-28-
// 10000-heap384.txt). So queries are not needed for the message, and it does not always stall.
//
// FOUND, 2026-11-29: the core's debug log of the workflow stream (a worker run with the filter
// `temporalio_sdk_core::worker::workflow::workflow_stream=debug`) during `--large --parked 10000`
// with the heaps at 384 MiB showed, before each of the ten messages, two or three *legacy query*
// tasks (query "state") buffered for one run that was not cached while the cache was full: the
// two API processes' indicators projections (and a page's query chained on a changed signature)
// asking the same movement at the same moment. The core instantiates the run with the first and
// drops the activation of the second; that query task keeps its workflow task slot for good
// (40 of 40 slots used at the end of that run). Fixed in Corridor (src/indicators/states.ts, one
// query of a movement at a time; src/indicators/refresh-turn.ts, one projection refresh at a
// time): the same run then logged it 0 times. `--queries-at-once 2` sends each query lane's
// queries in pairs to one movement: with `--movements 300 --cache 50 --deadline 600000 --lanes 2
// --signal-pause 10 --query-lanes 2 --queries-at-once 2` the message came after 10 s in one run
// and not in a second of 3 minutes; with single queries (4 lanes) not in 3 minutes. It is a race
// (the second query must come while the first waits for a cache slot), so a run proves it only
// when it reproduces. `--until-stall` goes on past the message until the worker takes no task.
// `--then-quiet` stops the lanes at the message instead: with the pairs above, 2026-11-29 07:53,
// the worker then held 6 slots with no task completed and none waiting, and the stall watch said
// it would exit 40 s later (bench/results/stall-repro-2026-11-29-slots-lost-quiet.txt).
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, makeTelemetryFilterString, NativeConnection, Runtime, Worker, type LogEntry } from '@temporalio/worker';
import { parseFlags, intFlag, type FlagSpec } from '../src/cli/args.ts';
import { startStallWatch } from '../src/worker/stall-watch.ts';
import { findTemporalCli } from '../src/temporal/cli.ts';
import { startDevServer } from '../src/temporal/dev-server.ts';
import { freePort } from '../test/harness/ports.ts';
import { histogram, scrape, total } from '../bench/lib/prometheus.ts';

const FLAGS: FlagSpec = {
  movements: 'string',
  cache: 'string',
  minutes: 'string',
  deadline: 'string',
  lanes: 'string',
  'query-lanes': 'string',
  'signal-pause': 'string',
  'queries-at-once': 'string',
  'until-stall': 'boolean',
  'then-quiet': 'boolean',
};
const { flags } = parseFlags(process.argv.slice(2), FLAGS);
const movements = intFlag(flags, 'movements', 1000);
const cache = intFlag(flags, 'cache', 100);
const minutes = intFlag(flags, 'minutes', 20);
const deadlineMs = intFlag(flags, 'deadline', 3000);
const lanes = intFlag(flags, 'lanes', 4);
const queryLanes = intFlag(flags, 'query-lanes', 0);
// Milliseconds each signal lane waits between two signals (0: as fast as the server takes them).
const signalPause = intFlag(flags, 'signal-pause', 0, 0);
// Queries each query lane sends to the same movement at the same time (two API processes
// refreshing the indicators projection each query a movement that moved).
const queriesAtOnce = intFlag(flags, 'queries-at-once', 1);
// Past the core's message, go on until the worker takes no more tasks (or --minutes pass).
const untilStall = flags['until-stall'] === true;
// Past the core's message, stop the lanes and let the worker go quiet, holding the slots it lost:
// its stall watch must then see them (src/worker/stall-watch.ts) within its limit (30 s here).
const thenQuiet = flags['then-quiet'] === true;

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
      if (signalPause) await new Promise((r) => setTimeout(r, signalPause));
    }
  };
  // Queries, as Corridor's indicators projection asks each movement that moved for its state:
  // a query for a run the worker has evicted arrives while its next task may be waiting for a slot.
  let queries = 0;
  const queryLane = async (seed: number) => {
    for (let k = seed; !stop; k += 104_729) {
      const handle = client.workflow.getHandle(ids[k % ids.length]!);
      await Promise.all(
        Array.from({ length: queriesAtOnce }, () =>
          handle
            .query('seen')
            .then(() => queries++)
            .catch(() => undefined),
        ),
      );
    }
  };
  const signalling = Promise.all([
    ...Array.from({ length: lanes }, (_, i) => lane(i * 131)),
    ...Array.from({ length: queryLanes }, (_, i) => queryLane(i * 977 + 1)),
  ]);

  // Corridor's own watch (src/worker/stall-watch.ts) on this worker, at 30 s: what the real worker
  // would do when it sees the stall is said here, and ends a --until-stall run.
  let watchVerdict = '';
  const stopWatch = startStallWatch({
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    taskQueue,
    stalledAfterMs: 30_000,
    waitingTasks: () => waiting(client, taskQueue),
    onStall: ({ stuckForSeconds, waitingTasks, slots }) => {
      watchVerdict = `the stall watch would exit the worker now: ${slots.used} slots held, no task completed for ${stuckForSeconds} s, ${waitingTasks ?? 'unknown'} tasks waiting`;
      say(watchVerdict);
    },
  });
  const started = Date.now();
  let lastDone = -1;
  let lastProgress = Date.now();
  let verdict = '';
  let quietSince: number | undefined;
  while (!verdict) {
    await new Promise((r) => setTimeout(r, 10_000));
    const metrics = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    const done = histogram(metrics, 'temporal_workflow_task_execution_latency').count;
    const slotsUsed = total(metrics, 'temporal_worker_task_slots_used', { worker_type: 'WorkflowWorker' });
    const backlog = await waiting(client, taskQueue);
    if (done !== lastDone) lastProgress = Date.now();
    lastDone = done;
    const status = worker.getStatus();
    say(
      `${Math.round((Date.now() - started) / 1000)} s: ${signals} signals sent, ${queries} queries answered; ${done} workflow tasks completed, ${backlog} waiting; cached ${status.numCachedWorkflows}; ` +
        `in-flight activations ${status.numInFlightWorkflowActivations}; workflow task slots used ${slotsUsed}; core message seen ${coreMessages} time(s)`,
    );
    if (warnings.size) say(`  core warnings so far: ${[...warnings].map(([kind, n]) => `${n} × ${kind}`).join('; ')}`);
    if (watchVerdict) verdict = `REPRODUCED: ${watchVerdict}`;
    else if (coreMessages > 0 && thenQuiet) {
      if (quietSince === undefined) {
        stop = true;
        quietSince = Date.now();
        say('the core logged its message: the lanes stop and the worker goes quiet; waiting for its stall watch');
      } else if (Date.now() - quietSince > 180_000) verdict = 'REPRODUCED, but the stall watch said nothing in 3 quiet minutes';
    } else if (coreMessages > 0 && !untilStall) verdict = `REPRODUCED: the core logged "${lastCoreMessage}"`;
    else if (quietSince === undefined && Date.now() - lastProgress > 60_000)
      verdict = 'REPRODUCED: the worker has completed no workflow task for 60 s while signals are sent';
    else if (Date.now() - started > minutes * 60_000) verdict = `NOT REPRODUCED in ${minutes} minutes (cache ${cache}, ${movements} movements, ${lanes} lanes)`;
  }
  say(verdict);
  stopWatch();
  code = verdict.startsWith('REPRODUCED') ? 1 : 0;
  stop = true;
  // A query still waiting behind the backlog would hold the lanes: give them ten seconds, no more.
  await Promise.race([signalling, new Promise((r) => setTimeout(r, 10_000))]);
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
