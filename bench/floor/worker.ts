// The floor's worker process: the floor workflow on one task queue, its no-op activity on
// another, with Corridor's worker settings and the same SDK metrics endpoint as Corridor's worker.
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../../src/config/env.ts';
import { connectWorkerConnection, temporalSettings } from '../../src/temporal/connection.ts';
import { withBundleGlobals } from '../../src/worker/bundle-globals.ts';
import { activityWorkerTuning, workflowWorkerTuning } from '../../src/worker/tuning.ts';
import { Client } from '@temporalio/client';
import { floorActivities } from './activities.ts';
import { stepSignal } from './workflow.ts';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (the benchmark sets it)`);
  return value;
};

Runtime.install({
  logger: new DefaultLogger('WARN'),
  telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${env('BENCH_FLOOR_METRICS_PORT')}` } } },
});
// Connected as Corridor's worker connects (envconfig: address, namespace, TLS, API key).
const config = loadConfig();
const settings = temporalSettings(config);
const connection = await connectWorkerConnection(settings);
const namespace = settings.namespace;
// With Corridor's own sandbox settings too (the stack frames its workflow code keeps), so the
// floor's ratio measures Corridor's code and not a setting the floor lacks.
const workflowBundle = withBundleGlobals(
  await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./workflow.ts', import.meta.url)),
    // Corridor's merge of one task's search attribute upserts, so the floor keeps its shape.
    workflowInterceptorModules: [fileURLToPath(new URL('../../workflows/search-upserts.ts', import.meta.url))],
    logger: new DefaultLogger('WARN'),
  }),
  { vouchKeys: {}, encodeFailures: false, stackFrames: config.workflowStackFrames },
);
// For a paced floor, whose activity signals the next country's steps (./shape.ts, `nextCountry`).
const client = new Client({ connection, namespace });
const activities = floorActivities((workflowId, step) => client.workflow.getHandle(workflowId).signal(stepSignal, step));
const workers = await Promise.all([
  Worker.create({ connection, namespace, taskQueue: env('BENCH_FLOOR_TASK_QUEUE'), workflowBundle, ...workflowWorkerTuning }),
  Worker.create({ connection, namespace, taskQueue: env('BENCH_FLOOR_ACTIVITY_QUEUE'), activities, ...activityWorkerTuning }),
]);
process.stdout.write('floor worker polling\n');
// The parent going away stops the floor too (it is killed with SIGTERM otherwise).
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) for (const w of workers) w.shutdown();
}, 1000).unref();
await Promise.all(workers.map((worker) => worker.run()));
await connection.close();
