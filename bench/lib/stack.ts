// Corridor's own processes for a benchmark run: both sandboxes, the worker and the API, each
// `corridor <command>` in its own process on free ports, against the target's Temporal
// server; or, with --api, a stack that is already running, found by its ports.
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { countries, loadConfig, taskQueueNames } from '../../src/config/env.ts';
import type { CountryCode } from '../../src/domain/countries.ts';
import { freePort } from '../../test/harness/ports.ts';
import { startCorridor, waitFor, type Child } from './children.ts';
import { pidListeningOn, type Pids } from './proc.ts';
import type { RunningTarget } from './targets.ts';
import { workerNodeArgs } from '../../src/worker/node-args.ts';

export interface CorridorStack {
  apiUrl: string;
  /** Each country's national system (sandbox), where the national path's officers record their acts. */
  sandboxUrls: Record<CountryCode, string>;
  tokenSecret: string;
  /** The transits' task queue: visibility queries about this run's movements name it (a shared server holds others'). */
  transitsQueue: string;
  /** The worker's Prometheus endpoint (Temporal SDK metrics). */
  metricsUrl: string | undefined;
  /** worker, api, sandbox-TG, sandbox-BF. */
  pids: Pids;
  /** The processes this run started (log lines are counted from their files). */
  children: Child[];
  /** Times the worker exited by itself and was started again, as `npm start` does (its stall watch, src/worker/stall-watch.ts). */
  workerRestarts(): number;
  /** Starts one more API process on the same worker and task queues, with its own settings. */
  startExtraApi(name: string, env: Record<string, string>): Promise<{ url: string; child: Child }>;
  stop(): Promise<void>;
}

const READY_MS = 180_000;

export async function startStack(target: RunningTarget, runDir: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<CorridorStack> {
  const logDir = path.join(runDir, `${target.id}-logs`);
  mkdirSync(logDir, { recursive: true });
  const apiPort = await freePort();
  const sandboxUrls = Object.fromEntries(await Promise.all(countries.map(async (c) => [c, `http://127.0.0.1:${await freePort()}`] as const))) as Record<
    CountryCode,
    string
  >;
  const metricsPort = await freePort();
  const tokenSecret = loadConfig().tokenSecret;
  const prefix = `bench${randomBytes(3).toString('hex')}-`;
  const common: Record<string, string> = {
    ...(target.env as Record<string, string>),
    CORRIDOR_DATA_DIR: path.join(runDir, `${target.id}-data`),
    CORRIDOR_TOKEN_SECRET: tokenSecret,
    CORRIDOR_NATIONAL_TG_URL: sandboxUrls.TG!,
    CORRIDOR_NATIONAL_BF_URL: sandboxUrls.BF!,
    CORRIDOR_WORKER_METRICS_PORT: String(metricsPort),
    // Task queues of their own, so a shared cluster's other workers never take the bench's tasks.
    CORRIDOR_TASK_QUEUE_PREFIX: prefix,
    ...env,
  };
  const children: Child[] = [];
  const sandboxes = countries.map((country) => startCorridor(`sandbox-${country}`, ['sandbox', '--country', country], common, logDir, nodeArgs));
  children.push(...sandboxes);
  // With the heap limit `npm start` gives it (CORRIDOR_WORKER_HEAP_MIB).
  const workerArgs = [...workerNodeArgs(loadConfig({ ...process.env, ...common })), ...nodeArgs];
  let worker = startCorridor('worker', ['worker'], common, logDir, workerArgs);
  children.push(worker);
  let stopping = false;
  let restarts = 0;
  // Like `npm start`: a worker that exits by itself is started again (pids.worker follows it).
  const superviseWorker = (child: Child) =>
    child.process.once('exit', (code, signal) => {
      if (stopping) return;
      restarts++;
      process.stderr.write(`bench: the worker exited (${code ?? signal}); starting it again (${child.logFile} says why)\n`);
      worker = startCorridor('worker', ['worker'], common, logDir, workerArgs);
      children.push(worker);
      pids.worker = worker.pid;
      superviseWorker(worker);
    });
  superviseWorker(worker);
  const api = startCorridor('api', ['api'], { ...common, CORRIDOR_API_PORT: String(apiPort) }, logDir, nodeArgs);
  children.push(api);
  const pids: Pids = {
    worker: worker.pid,
    api: api.pid,
    ...Object.fromEntries(sandboxes.map((child) => [child.name, child.pid])),
  };
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitFor('the corridor (GET /health)', api, () => healthy(apiUrl), READY_MS);

  return {
    apiUrl,
    sandboxUrls,
    tokenSecret,
    transitsQueue: taskQueueNames(env.CORRIDOR_TASK_QUEUE_PREFIX ?? prefix).transits,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    pids,
    children,
    workerRestarts: () => restarts,
    async startExtraApi(name, extra) {
      const port = await freePort();
      const child = startCorridor(name, ['api'], { ...common, ...extra, CORRIDOR_API_PORT: String(port) }, logDir);
      children.push(child);
      const url = `http://127.0.0.1:${port}`;
      await waitFor(`the ${name} API`, child, () => healthy(url), READY_MS);
      return { url, child };
    },
    async stop() {
      // API first, then the worker, then what they call: as `npm start` stops.
      stopping = true;
      await api.stop();
      await Promise.all(children.filter((c) => c.name.startsWith('api')).map((c) => c.stop()));
      await worker.stop();
      await Promise.all(sandboxes.map((child) => child.stop()));
    },
  };
}

/** --api: a stack someone started; its processes found by the ports its configuration names. */
export function attachStack(apiUrl: string): CorridorStack {
  const config = loadConfig();
  const port = (url: string) => Number(new URL(url).port || 80);
  return {
    apiUrl,
    sandboxUrls: Object.fromEntries(countries.map((c) => [c, config.national[c].url])) as Record<CountryCode, string>,
    tokenSecret: config.tokenSecret,
    transitsQueue: config.taskQueues.transits,
    metricsUrl: `http://127.0.0.1:${config.workerMetricsPort}/metrics`,
    pids: {
      worker: pidListeningOn(config.workerMetricsPort),
      api: pidListeningOn(port(apiUrl)),
      ...Object.fromEntries(countries.map((c) => [`sandbox-${c}`, pidListeningOn(port(config.national[c].url))])),
    },
    children: [],
    workerRestarts: () => 0,
    async startExtraApi() {
      throw new Error('a running stack (--api) cannot be given a second API by the benchmark');
    },
    stop: async () => undefined,
  };
}

async function healthy(url: string): Promise<true | undefined> {
  const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
  return response.ok ? true : undefined;
}
