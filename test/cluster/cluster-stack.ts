// The cluster profile for one test file: a Temporal server on PostgreSQL with databases of its
// own (dropped at the end), payloads encrypted, the three workers as separate processes each
// with its own settings only, both sandboxes and the API, as `npm run start:cluster` runs them.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { Connection, type Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../src/api/app.ts';
import { signToken } from '../../src/auth/tokens.ts';
import type { Actor } from '../../src/auth/actor.ts';
import { prepareCluster, runServer, type PreparedCluster } from '../../src/cluster/cluster.ts';
import { ensureNamespace } from '../../src/cluster/namespace.ts';
import { dropDatabases } from '../../src/cluster/postgres.ts';
import { PORT_BLOCK } from '../../src/cluster/server-config.ts';
import type { RunningServer } from '../../src/cluster/server.ts';
import { generateKeyEntry } from '../../src/codec/keys.ts';
import { loadConfig, type Config, type CountryCode } from '../../src/config/env.ts';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { stopChild } from '../../src/process/stop-child.ts';
import { startSandbox, type Sandbox } from '../../src/national/sandbox/server.ts';
import { connectClient, temporalSettings } from '../../src/temporal/connection.ts';
import { freePort } from '../harness/ports.ts';
import { tempDir } from '../harness/stack.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const NAMESPACE = 'default';
export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** CORRIDOR_PG_URL (or the local default) with a database name no other run uses. */
export function throwawayPgUrl(label: string): string {
  const url = new URL(process.env.CORRIDOR_PG_URL || DEFAULT_PG_URL);
  url.pathname = `/corridor_test_${label}_${randomBytes(4).toString('hex')}`;
  return url.toString();
}

/** A base port with the eight after it free too: the server's block. */
export async function freePortBlock(size = PORT_BLOCK): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below 32768: Temporal's SQL schema stores membership ports as smallint.
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await Promise.all(Array.from({ length: size }, (_, i) => isFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no block of free ports found');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface TestCluster {
  prepared: PreparedCluster;
  address: string;
  server: RunningServer;
  /** Stops the server (as an operator or a crash would) and starts it again on the same databases. */
  restartServer(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestCluster(label: string, dir = tempDir(`cluster-${label}`)): Promise<TestCluster> {
  const pgUrl = throwawayPgUrl(label);
  const prepared = await prepareCluster({
    pgUrl,
    port: await freePortBlock(),
    // Several shards, as in production, few enough for two cores.
    historyShards: 4,
    retentionDays: 1,
    namespace: NAMESPACE,
    dir,
    say: (line) => process.stdout.write(`# ${line}\n`),
  });
  let server: RunningServer;
  try {
    server = await runServer(prepared);
  } catch (error) {
    await dropDatabases(prepared.target);
    throw error;
  }
  try {
    const connection = await Connection.connect({ address: prepared.address });
    await ensureNamespace(connection, NAMESPACE, 1).finally(() => connection.close());
  } catch (error) {
    await server.stop();
    await dropDatabases(prepared.target);
    throw error;
  }
  const cluster: TestCluster = {
    prepared,
    address: prepared.address,
    server,
    async restartServer(downMs = 1000) {
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = await runServer(prepared);
      cluster.server = server;
    },
    async stop() {
      await server.stop();
      await dropDatabases(prepared.target);
    },
  };
  return cluster;
}

export type WorkerQueue = 'transits' | 'national-TG' | 'national-BF';

export interface ClusterStack {
  cluster: TestCluster;
  config: Config;
  keyRing: string;
  api: string;
  client: Client;
  /** Each with Corridor's credential of it as headers, for the tests' own reads. */
  sandboxes: Record<CountryCode, Sandbox & { headers: Record<string, string> }>;
  workers: Record<WorkerQueue, ChildProcess>;
  /** Where a Temporal Web UI may run: the codec endpoint lets that origin in. */
  uiPort: number;
  dir: string;
  token(actor: Actor): Promise<string>;
  stop(): Promise<void>;
}

/** Variables a worker process gets: the connection, the codec, and the national settings of its own country only. */
function workerEnv(queue: WorkerQueue, common: Record<string, string>, national: Record<CountryCode, { url: string; token: string }>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('CORRIDOR_NATIONAL_') && !name.startsWith('TEMPORAL_')) env[name] = value;
  }
  Object.assign(env, common);
  for (const country of ['TG', 'BF'] as const) {
    if (queue === `national-${country}`) {
      env[`CORRIDOR_NATIONAL_${country}_URL`] = national[country].url;
      env[`CORRIDOR_NATIONAL_${country}_TOKEN`] = national[country].token;
    } else {
      // Another country's settings, broken on purpose: a worker that read them would not start.
      env[`CORRIDOR_NATIONAL_${country}_URL`] = 'not-a-url';
    }
  }
  return env;
}

export async function startClusterStack(label: string): Promise<ClusterStack> {
  const dir = tempDir(`cluster-stack-${label}`);
  const cluster = await startTestCluster(label, path.join(dir, 'temporal'));
  try {
    return await around(cluster, dir);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** Everything around the server; on failure, what did start is stopped by its caller's clean-up. */
async function around(cluster: TestCluster, dir: string): Promise<ClusterStack> {
  const logger = createLogger('test', process.env.CORRIDOR_LOG_LEVEL ?? 'silent');
  const sandboxes = {} as Record<CountryCode, Sandbox & { headers: Record<string, string> }>;
  // Each national system knows Corridor's credential of it, as a gateway would.
  const credentials: Record<CountryCode, string> = { TG: 'tg-gateway-credential', BF: 'bf-gateway-credential' };
  for (const country of ['TG', 'BF'] as const) {
    const sandbox = await startSandbox({
      country,
      port: 0,
      dbPath: path.join(dir, `sandbox-${country}.sqlite`),
      logger: logger.child({ sandbox: country }),
      corridorToken: credentials[country],
    });
    sandboxes[country] = Object.assign(sandbox, { headers: { authorization: `Bearer ${credentials[country]}` } });
  }
  const keyRing = generateKeyEntry('test-key');
  const uiPort = await freePort();
  const common = {
    TEMPORAL_ADDRESS: cluster.address,
    TEMPORAL_NAMESPACE: NAMESPACE,
    CORRIDOR_TASK_QUEUE_PREFIX: `c${randomBytes(4).toString('hex')}-`,
    CORRIDOR_CODEC_KEYS: keyRing,
    CORRIDOR_NATIONAL_TIMEOUT_SECONDS: '5',
    CORRIDOR_DATA_DIR: dir,
    CORRIDOR_LOG_LEVEL: 'warn',
  };
  const national = {
    TG: { url: sandboxes.TG.url, token: credentials.TG },
    BF: { url: sandboxes.BF.url, token: credentials.BF },
  };
  const workers = {} as Record<WorkerQueue, ChildProcess>;
  for (const queue of ['transits', 'national-TG', 'national-BF'] as const) {
    const log = openSync(path.join(dir, `worker-${queue}.log`), 'a');
    const env = { ...workerEnv(queue, common, national), CORRIDOR_WORKER_METRICS_PORT: String(await freePort()) };
    workers[queue] = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'worker', '--queues', queue], {
      cwd: ROOT,
      env,
      stdio: ['ignore', log, log],
    });
  }

  const apiEnv = {
    ...common,
    CORRIDOR_NATIONAL_TG_URL: sandboxes.TG.url,
    CORRIDOR_NATIONAL_BF_URL: sandboxes.BF.url,
    CORRIDOR_CODEC_CORS_ORIGINS: `http://127.0.0.1:${uiPort}`,
  };
  const config = loadConfig(apiEnv);
  const client = await connectClient(temporalSettings(config, apiEnv));
  const app: FastifyInstance = await buildApi({ config, client, namespace: NAMESPACE, logger, reference: loadReferenceData() });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const api = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const stack: ClusterStack = {
    cluster,
    config,
    keyRing,
    api,
    client,
    sandboxes,
    workers,
    uiPort,
    dir,
    token: (actor) => signToken(config.tokenSecret, actor),
    async stop() {
      await app.close();
      await Promise.all(Object.values(workers).map((child) => stopChild(child, { graceMs: 15_000 })));
      await client.connection.close();
      for (const sandbox of Object.values(sandboxes)) await sandbox.close();
      await cluster.stop();
    },
  };
  try {
    await waitForHealth(api, dir);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

/** Every part green: the server, both systems, a poller on each of the three queues. */
async function waitForHealth(api: string, dir: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const response = await fetch(`${api}/health`).catch(() => undefined);
    if (response?.ok) return;
    last = response ? await response.text() : 'no answer';
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the cluster stack is not healthy after ${timeoutMs / 1000} s: ${last} (worker logs in ${dir})`);
}
