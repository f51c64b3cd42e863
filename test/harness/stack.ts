// A whole corridor for one test file: both national system sandboxes (real HTTP, their own
// SQLite files), a worker on task queues of its own, and the API on a free port, against the
// run's single Temporal server and prebuilt workflow bundle.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config, type CountryCode } from '../../src/config/env.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { buildApi } from '../../src/api/app.ts';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import { startSandbox } from '../../src/national/sandbox/server.ts';
import { corridorAuthorization } from '../../src/national/credential.ts';
import { createWorkers } from '../../src/worker/workers.ts';
import { signToken } from '../../src/auth/tokens.ts';
import type { Actor } from '../../src/auth/actor.ts';
import { freePort } from './ports.ts';

export function temporalAddress(): string {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run the tests with `npm test`, which starts a Temporal dev server');
  return address;
}

export function workflowBundlePath(): string {
  const bundle = process.env.CORRIDOR_TEST_WORKFLOW_BUNDLE;
  if (!bundle) throw new Error('CORRIDOR_TEST_WORKFLOW_BUNDLE is not set: run the tests with `npm test`, which builds the bundle once');
  return bundle;
}

export function tempDir(name: string): string {
  return mkdtempSync(path.join(process.env.CORRIDOR_TEST_TMP ?? os.tmpdir(), `${name}-`));
}

interface RunningSandbox {
  url: string;
  /** Corridor's credential of this sandbox as headers: every /v1 call needs one, reads included. */
  headers: Record<string, string>;
  port: number;
  dbPath: string;
  close(): Promise<void>;
}

export interface Stack {
  config: Config;
  /** The CORRIDOR_* variables this stack was configured with, to run another process of it (a worker child). */
  env: Record<string, string>;
  api: string;
  client: Client;
  sandboxes: Record<CountryCode, RunningSandbox>;
  token(actor: Actor): Promise<string>;
  /** Bearer tokens for the usual people of a test. */
  declarant(tin: string): Promise<string>;
  officer(office: string): Promise<string>;
  supervisor(country: string): Promise<string>;
  regional(): Promise<string>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  restartSandbox(country: CountryCode): Promise<void>;
  /** Takes a country's national system down (its port refuses connections) until startSandbox brings it back with its records. */
  stopSandbox(country: CountryCode): Promise<void>;
  startSandbox(country: CountryCode): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Extra CORRIDOR_* variables (delays, time scale, notify URL…). */
  env?: Record<string, string>;
  /**
   * Countries whose national system and national worker run elsewhere (another site of the
   * two-site tests): this stack starts neither, calls the system at `url` with `token`.
   */
  elsewhere?: Partial<Record<CountryCode, { url: string; token: string }>>;
  /** A Temporal server of the test's own (one it kills and restarts), instead of the run's shared one. */
  temporalAddress?: string;
}

/** The stack's sandboxes run on loopback without CORRIDOR_NATIONAL_XX_TOKEN: Corridor's development credential opens them. */
function withCredential<S extends { url: string }>(sandbox: S): S & { headers: Record<string, string> } {
  return Object.assign(sandbox, { headers: corridorAuthorization(sandbox.url, undefined) });
}

let runtimeInstalled = false;

/** The SDK's own lines (worker state changes) only when something goes wrong. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  runtimeInstalled = true;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  quietRuntime();
  const dataDir = tempDir('stack');
  const logger = createLogger('test', process.env.CORRIDOR_LOG_LEVEL ?? 'silent');
  const sandboxes = {} as Record<CountryCode, RunningSandbox>;
  const elsewhere = options.elsewhere ?? {};
  for (const country of ['TG', 'BF'] as const) {
    const remote = elsewhere[country];
    if (remote) {
      const noClose = async () => {};
      sandboxes[country] = {
        url: remote.url,
        headers: { authorization: `Bearer ${remote.token}` },
        port: Number(new URL(remote.url).port),
        dbPath: '',
        close: noClose,
      };
      continue;
    }
    const port = await freePort();
    const dbPath = path.join(dataDir, `sandbox-${country}.sqlite`);
    sandboxes[country] = withCredential(await startSandbox({ country, host: '127.0.0.1', port, dbPath, logger: logger.child({ sandbox: country }) }));
  }

  const env: Record<string, string> = {
    CORRIDOR_TASK_QUEUE_PREFIX: `t${randomBytes(5).toString('hex')}-`,
    CORRIDOR_DATA_DIR: dataDir,
    CORRIDOR_NATIONAL_TG_URL: sandboxes.TG.url,
    CORRIDOR_NATIONAL_BF_URL: sandboxes.BF.url,
    CORRIDOR_NATIONAL_TIMEOUT_SECONDS: '5',
    CORRIDOR_LOG_LEVEL: 'silent',
    // The console's tests sign in through the development sign-in, as `npm start` allows.
    CORRIDOR_DEV_TOKENS: '1',
    // Test files present refused tokens on purpose, dozens from 127.0.0.1; test/security checks the limit itself.
    CORRIDOR_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '100000',
    // A scheduled reconciliation firing on the hour in the middle of a test would carry acts and
    // notify supervisors of its own accord: tests run it on demand (test/reconciliation sets it).
    CORRIDOR_RECONCILIATION_EVERY_MINUTES: '0',
    ...Object.fromEntries(Object.entries(elsewhere).map(([country, remote]) => [`CORRIDOR_NATIONAL_${country}_TOKEN`, remote.token])),
    ...options.env,
  };
  const config = loadConfig(env);

  const address = options.temporalAddress ?? temporalAddress();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  const workerConnection = await NativeConnection.connect({ address });

  let workers: Worker[] = [];
  let running: Promise<unknown> | undefined;
  const startWorker = async () => {
    workers = await createWorkers({
      config,
      connection: workerConnection,
      namespace: 'default',
      roles: [{ kind: 'transits' }, ...(['TG', 'BF'] as const).filter((c) => !elsewhere[c]).map((country) => ({ kind: 'national' as const, country }))],
      workflowBundle: { codePath: workflowBundlePath() },
      logger,
    });
    running = Promise.all(workers.map((worker) => worker.run()));
  };
  const stopWorker = async () => {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    workers = [];
  };
  await startWorker();

  const app: FastifyInstance = await buildApi({ config, client, namespace: 'default', logger, reference: loadReferenceData() });
  const apiPort = await freePort();
  await app.listen({ host: '127.0.0.1', port: apiPort });

  const token = (actor: Actor) => signToken(config.tokenSecret, actor, '12h', config.tokens.audience);
  return {
    config,
    env,
    api: `http://127.0.0.1:${apiPort}`,
    client,
    sandboxes,
    token,
    declarant: (tin) => token({ user: `declarant-${tin}`, role: 'declarant', tin }),
    officer: (office) => token({ user: `agent-${office.toLowerCase()}`, role: 'officer', office }),
    supervisor: (country) => token({ user: `superviseur-${country.toLowerCase()}`, role: 'supervisor', country }),
    regional: () => token({ user: 'regional', role: 'regional' }),
    stopWorker,
    startWorker,
    async restartSandbox(country) {
      const { port, dbPath } = sandboxes[country];
      await sandboxes[country].close();
      sandboxes[country] = withCredential(await startSandbox({ country, host: '127.0.0.1', port, dbPath, logger: logger.child({ sandbox: country }) }));
    },
    async stopSandbox(country) {
      await sandboxes[country].close();
    },
    async startSandbox(country) {
      const { port, dbPath } = sandboxes[country];
      sandboxes[country] = withCredential(await startSandbox({ country, host: '127.0.0.1', port, dbPath, logger: logger.child({ sandbox: country }) }));
    },
    async stop() {
      await app.close();
      await stopWorker();
      await workerConnection.close();
      await connection.close();
      for (const sandbox of Object.values(sandboxes)) await sandbox.close();
    },
  };
}
