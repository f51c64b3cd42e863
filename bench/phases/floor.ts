// The floor: the same shape as a Corridor lifecycle (updates, activities on another queue,
// an upsert per step, one timer) with no business logic, on the same server and with the
// same worker settings, driven straight through a Temporal client.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { WithStartWorkflowOperation, WorkflowUpdateStage, type Client } from '@temporalio/client';
import { freePort } from '../../test/harness/ports.ts';
import { TransitStatus } from '../../workflows/search-attributes.ts';
import { startNode, waitFor } from '../lib/children.ts';
import { countHistory } from '../lib/history.ts';
import type { RunningTarget } from '../lib/targets.ts';
import type { FloorShape } from '../floor/shape.ts';
import { stepSignal, stepUpdate, type floor, type FloorInput } from '../floor/workflow.ts';
import { BASELINE } from '../../workflows/baseline.ts';
import { loadConfig } from '../../src/config/env.ts';
import { workflowThreadNodeArgs } from '../../src/worker/node-args.ts';
import type { Rig } from './throughput.ts';

const WORKER = new URL('../floor/worker.ts', import.meta.url).pathname;

/**
 * How the floor's client waits for an update: `completed` in one call (what Temporal's own
 * samples do), or `accepted` then a second call for the result (what Corridor's API does, so
 * that it can answer 202 when an act takes long).
 */
export type FloorWait = 'completed' | 'accepted';

/**
 * How each step reaches the floor's workflow: an update, as the API delivers an act keyed in
 * Corridor; or a signal, as a journal consumer delivers an act recorded in a national system
 * (signal-with-start for the registration). With signals the client sends every step in turn,
 * each once the server has taken the one before, then waits for the workflow's end: nothing
 * answers a signal, so the driver cannot wait for each step as an officer waits for an update.
 */
export type FloorDelivery = 'update' | 'signal';

export async function startFloorRig(args: {
  target: RunningTarget;
  client: Client;
  runDir: string;
  shape: FloorShape;
  wait: FloorWait;
  delivery?: FloorDelivery;
  name?: string;
}): Promise<Rig> {
  const { target, client, shape } = args;
  const suffix = randomBytes(3).toString('hex');
  const taskQueue = `bench-floor-${suffix}`;
  const metricsPort = await freePort();
  const name = args.name ?? 'floor';
  const worker = startNode(
    name.replace(/[^A-Za-z0-9-]+/g, '_'),
    WORKER,
    [],
    { ...target.env, BENCH_FLOOR_TASK_QUEUE: taskQueue, BENCH_FLOOR_ACTIVITY_QUEUE: `${taskQueue}-activities`, BENCH_FLOOR_METRICS_PORT: String(metricsPort) },
    args.runDir,
    // Its workflow threads run as the transits worker's do (no stack captured per promise by default).
    workflowThreadNodeArgs(loadConfig({ ...process.env, ...(target.env as Record<string, string>) })),
  );
  await waitFor('the floor worker', worker, async () => (readFileSync(worker.logFile, 'utf8').includes('floor worker polling') ? true : undefined), 120_000);
  // On Corridor's baseline, so its upserts of one task are merged into one as a new movement's are (workflows/search-upserts.ts).
  const input: FloorInput = { ...shape, activityQueue: `${taskQueue}-activities`, deadlineMs: 72 * 3600 * 1000, baseline: BASELINE };
  let serial = 0;
  let first: string | undefined;

  const lifecycle = async () => {
    const workflowId = `floor-${suffix}-${serial++}`;
    const start = new WithStartWorkflowOperation<typeof floor>('floor', {
      workflowId,
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [{ key: TransitStatus, value: 'STEP_0' }],
    });
    if (args.delivery === 'signal') {
      const handle = await client.workflow.signalWithStart<typeof floor, [number]>('floor', {
        workflowId,
        taskQueue,
        args: [input],
        signal: stepSignal,
        signalArgs: [0],
        typedSearchAttributes: [{ key: TransitStatus, value: 'STEP_0' }],
      });
      // A paced floor's later steps are signalled by its activity (./shape.ts, `nextCountry`).
      const driven = shape.nextCountry?.from ?? shape.steps.length;
      for (let step = 1; step < driven; step++) await handle.signal(stepSignal, step);
      await handle.result();
    } else if (args.wait === 'completed') {
      await client.workflow.executeUpdateWithStart(stepUpdate, { args: [0], startWorkflowOperation: start });
      const handle = await start.workflowHandle();
      for (let step = 1; step < shape.steps.length; step++) await handle.executeUpdate(stepUpdate, { args: [step] });
    } else {
      const accepted = await client.workflow.startUpdateWithStart(stepUpdate, {
        args: [0],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
        startWorkflowOperation: start,
      });
      await accepted.result();
      const handle = await start.workflowHandle();
      for (let step = 1; step < shape.steps.length; step++) {
        await (await handle.startUpdate(stepUpdate, { args: [step], waitForStage: WorkflowUpdateStage.ACCEPTED })).result();
      }
    }
    return workflowId;
  };

  return {
    name,
    probe: { pids: { server: target.serverPid, 'floor-worker': worker.pid }, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` },
    async batch(count, concurrency, onDone) {
      const outcome = { done: 0, failed: [] as string[], lifecycleMs: [] as number[] };
      let next = 0;
      const lane = async () => {
        while (next++ < count) {
          const started = performance.now();
          try {
            const id = await lifecycle();
            first ??= id;
            outcome.done++;
            outcome.lifecycleMs.push(performance.now() - started);
          } catch (error) {
            outcome.failed.push(String(error));
          }
          onDone?.();
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
      return outcome;
    },
    history: () => (first ? countHistory(client, first) : Promise.resolve(undefined)),
    stop: () => worker.stop(),
  };
}
