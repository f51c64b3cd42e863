// `npm start`: starts, supervises and stops together the Temporal dev server (unless
// TEMPORAL_ADDRESS names one), both national system sandboxes, the worker and the API.
// `npm start -- --profile cluster` (`npm run start:cluster`) runs a Temporal server on
// PostgreSQL with its Web UI instead, encrypts payloads, and runs one worker process per
// task queue, each with only its own country's settings, as a deployment would. About 340
// lines: both profiles' start-up in order, with the checks a newcomer needs said at the step they fail.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { assertApiTokenSecret, countries, loadConfig, tokenSecretWeakness, type Config, type CountryCode } from '../config/env.ts';
import { loadOrCreateLocalTokenSecret, prepareDataDir } from './local-secrets.ts';
import { startCluster, type RunningCluster } from '../cluster/cluster.ts';
import { clusterArchiveUrl, describeArchive } from '../archive/open.ts';
import { describeTarget, postgresTarget, PostgresUnavailable } from '../cluster/postgres.ts';
import { PORT_BLOCK } from '../cluster/server-config.ts';
import { loadOrCreateLocalKeyRing } from '../codec/local-key.ts';
import { stopChild } from '../process/stop-child.ts';
import { parseKeyRing } from '../codec/keys.ts';
import { CODEC_PREFIX } from '../codec/server.ts';
import { findTemporalCli } from '../temporal/cli.ts';
import { startDevServer, type DevServer } from '../temporal/dev-server.ts';
import { ensureSearchAttributes } from '../temporal/search-attributes.ts';
import { temporalSettings, type TemporalSettings } from '../temporal/connection.ts';
import { UsageError, type Flags } from './args.ts';
import { stopWhenOrphaned } from './orphan.ts';
import { workerNodeArgs } from '../worker/node-args.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const READY_TIMEOUT_MS = 180_000;
const MAX_RESTARTS = 5;

interface Piece {
  name: string;
  args: string[];
  /** Node's own flags for this piece (the transits worker's heap limit). */
  nodeArgs?: string[];
  /** Overrides of the supervisor's environment; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  child?: ChildProcess;
  restarts: number[];
}

type Profile = 'embedded' | 'cluster';

const say = (line: string) => process.stdout.write(`${line}\n`);

export async function start(flags: Flags): Promise<void> {
  const startedAt = Date.now();
  const profile = flags.profile === undefined ? 'embedded' : flags.profile;
  if (profile !== 'embedded' && profile !== 'cluster') {
    throw new UsageError(`--profile ${String(profile)}: expected embedded (the default) or cluster`);
  }
  const config = loadConfig();
  const settings = temporalSettings(config);
  if (profile === 'cluster' && !settings.embedded) {
    throw new UsageError(
      '--profile cluster runs its own Temporal server on PostgreSQL: unset TEMPORAL_ADDRESS, or use the embedded profile, which uses the server TEMPORAL_ADDRESS names',
    );
  }
  await refuseBusyPorts(config, settings, profile);
  // Every file the pieces create (databases, logs, keys) is for this user only.
  process.umask(0o077);
  prepareDataDir(config.dataDir);

  let devServer: DevServer | undefined;
  let cluster: RunningCluster | undefined;
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  if (profile === 'cluster') {
    childEnv.CORRIDOR_TOKEN_SECRET = clusterTokenSecret(config);
    const keyRing = codecKeys(config);
    childEnv.CORRIDOR_CODEC_KEYS = keyRing;
    cluster = await startCluster({
      pgUrl: config.cluster.pgUrl,
      port: config.cluster.port,
      historyShards: config.cluster.historyShards,
      retentionDays: config.cluster.retentionDays,
      namespace: settings.namespace,
      dir: path.join(config.dataDir, 'cluster'),
      say,
      ui: { port: config.cluster.uiPort, codecEndpoint: `${apiUrl(config)}${CODEC_PREFIX}` },
    }).catch((error: unknown) => {
      // PostgreSQL down or refusing the credentials: one line that says which, no stack.
      if (error instanceof PostgresUnavailable) {
        process.stderr.write(`corridor: ${error.message}\n`);
        process.exit(2);
      }
      throw error;
    });
    childEnv.TEMPORAL_ADDRESS = cluster.prepared.address;
    childEnv.TEMPORAL_NAMESPACE = settings.namespace;
    // Closed movements outlive Temporal's retention in PostgreSQL too, in a database of their own.
    childEnv.CORRIDOR_ARCHIVE_PG_URL = config.archive.pgUrl ?? clusterArchiveUrl(config.cluster.pgUrl);
  } else {
    // The same check the API makes, before anything starts, rather than an API crashing in a loop.
    assertApiTokenSecret(config);
  }
  if (profile === 'embedded') {
    // The demo's sign-in (pick a user in the console); the API still offers it on loopback only.
    childEnv.CORRIDOR_DEV_TOKENS = process.env.CORRIDOR_DEV_TOKENS || '1';
  }
  if (profile === 'cluster') {
    // Started above.
  } else if (settings.embedded) {
    const cli = await findTemporalCli({ say });
    const dbFile = path.join(config.dataDir, 'temporal.sqlite');
    say(`corridor: starting the Temporal dev server (${dbFile})`);
    devServer = await startDevServer({
      cli,
      port: config.temporal.devPort,
      uiPort: config.temporal.uiPort,
      dbFile,
      namespace: settings.namespace,
      sqliteSyncNormal: config.temporal.sqliteSyncNormal,
      logFile: path.join(config.dataDir, 'temporal.log'),
      ownProcessGroup: true,
    });
    // Out of the terminal's group, it is ours to end however this process ends (but SIGKILL).
    const server = devServer.process;
    process.once('exit', () => {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    });
    childEnv.TEMPORAL_ADDRESS = devServer.address;
  } else {
    say(`corridor: using the Temporal server at ${settings.connectionOptions.address} (namespace ${settings.namespace})`);
    const connection = await Connection.connect(settings.connectionOptions as Parameters<typeof Connection.connect>[0]);
    const added = await ensureSearchAttributes(connection, settings.namespace).finally(() => connection.close());
    if (added.length > 0) say(`corridor: registered search attributes ${added.join(', ')}`);
  }

  const pieces: Piece[] = [
    ...countries.map((country) => ({ name: `sandbox-${country}`, args: ['sandbox', '--country', country], restarts: [] })),
    ...(profile === 'cluster' ? workerPerQueue(config) : [{ name: 'worker', args: ['worker'], nodeArgs: workerNodeArgs(config), restarts: [] }]),
    { name: 'api', args: ['api'], restarts: [] },
  ];

  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('corridor: stopping…');
    // API first (no new requests), then the workers (finish their tasks), then what they call.
    await stopPiece(pieces.find((p) => p.name === 'api')!);
    await Promise.all(pieces.filter((p) => p.name.startsWith('worker')).map(stopPiece));
    await Promise.all(pieces.map(stopPiece));
    await devServer?.stop();
    await cluster?.stop();
    say('corridor: stopped');
    process.exit(code);
  };

  const launch = (piece: Piece) => {
    const env: NodeJS.ProcessEnv = { ...childEnv, CORRIDOR_SUPERVISED: '1' };
    for (const [name, value] of Object.entries(piece.env ?? {})) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    const child = spawn(process.execPath, [...(piece.nodeArgs ?? []), '--import', TSX, MAIN, ...piece.args], {
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    piece.child = child;
    child.on('exit', (code, signal) => {
      if (stopping) return;
      const now = Date.now();
      piece.restarts = piece.restarts.filter((t) => now - t < 60_000);
      if (piece.restarts.length >= MAX_RESTARTS) {
        say(`corridor: ${piece.name} keeps failing (exit ${code ?? signal}); stopping everything`);
        void stopAll(1);
        return;
      }
      piece.restarts.push(now);
      const delay = 500 * 2 ** (piece.restarts.length - 1);
      say(`corridor: ${piece.name} exited (${code ?? signal}); restarting in ${delay} ms`);
      setTimeout(() => !stopping && launch(piece), delay);
    });
  };

  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  stopWhenOrphaned(() => void stopAll(0));
  for (const [what, child] of [
    ['the Temporal dev server', devServer?.process],
    ['the Temporal server', cluster?.server.process],
    ["Temporal's Web UI server", cluster?.ui?.process],
  ] as const) {
    child?.on('exit', () => {
      if (!stopping) {
        say(`corridor: ${what} stopped unexpectedly; stopping everything`);
        void stopAll(1);
      }
    });
  }

  pieces.forEach(launch);
  // The pieces get their own time to come up: a first build of the binaries above is not theirs.
  await waitForHealth(config, Date.now());
  printBanner(config, settings, devServer, cluster, startedAt);
}

/**
 * The cluster profile runs as a deployment would: never with the published development secret
 * nor a short one. Unset, it creates a random secret in the data folder (0600) and keeps it.
 */
function clusterTokenSecret(config: Config): string {
  if (process.env.CORRIDOR_TOKEN_SECRET) {
    const weakness = tokenSecretWeakness(config.tokenSecret);
    if (weakness)
      throw new UsageError(
        `CORRIDOR_TOKEN_SECRET is refused by the cluster profile: ${weakness}; set a random secret of at least 32 bytes, or unset it to have one created in the data folder`,
      );
    return config.tokenSecret;
  }
  const file = path.join(config.dataDir, 'cluster', 'token-secret');
  const { secret, created } = loadOrCreateLocalTokenSecret(file);
  say(
    `corridor: bearer tokens signed with the secret ${created ? 'created in' : 'from'} ${file} (set CORRIDOR_TOKEN_SECRET to use your own; npm run token needs it too)`,
  );
  return secret;
}

/** The configured ring, or the one the cluster profile keeps in the data folder. */
function codecKeys(config: Config): string {
  if (config.codec.keys) {
    say(`corridor: payloads encrypted with key ${config.codec.keys.active.id} (CORRIDOR_CODEC_KEYS)`);
    return process.env.CORRIDOR_CODEC_KEYS!;
  }
  const file = path.join(config.dataDir, 'cluster', 'codec-keys');
  const { ring, created } = loadOrCreateLocalKeyRing(file);
  say(
    `corridor: payloads encrypted with key ${parseKeyRing(ring).active.id}, ${created ? 'created in' : 'from'} ${file} (set CORRIDOR_CODEC_KEYS to use your own)`,
  );
  return ring;
}

/**
 * One process per task queue, as the two administrations and the platform would run them:
 * each national worker gets only its own country's variables, the workflow worker none.
 */
function workerPerQueue(config: Config): Piece[] {
  const nationalVariables = (country: CountryCode) => Object.keys(process.env).filter((name) => name.startsWith(`CORRIDOR_NATIONAL_${country}_`));
  const without = (names: string[]) => Object.fromEntries(names.map((name) => [name, undefined]));
  const metricsPort = (offset: number) => String(config.workerMetricsPort + offset);
  return [
    {
      name: 'worker-transits',
      args: ['worker', '--queues', 'transits'],
      nodeArgs: workerNodeArgs(config),
      env: { ...without(countries.flatMap(nationalVariables)), CORRIDOR_WORKER_METRICS_PORT: metricsPort(0) },
      restarts: [],
    },
    ...countries.map((country, index) => ({
      name: `worker-national-${country}`,
      args: ['worker', '--queues', `national-${country}`],
      // Nor the archive's database: a country's worker runs next to its own system, not the platform's records.
      env: {
        ...without([...countries.filter((c) => c !== country).flatMap(nationalVariables), 'CORRIDOR_ARCHIVE_PG_URL']),
        CORRIDOR_WORKER_METRICS_PORT: metricsPort(index + 1),
      },
      restarts: [],
    })),
  ];
}

function apiUrl(config: Config): string {
  const host = config.api.host === '0.0.0.0' || config.api.host === '::' ? '127.0.0.1' : config.api.host;
  return `http://${host}:${config.api.port}`;
}

async function stopPiece(piece: Piece): Promise<void> {
  if (piece.child) await stopChild(piece.child, { graceMs: 15_000 });
}

async function waitForHealth(config: Config, startedAt: number): Promise<void> {
  const url = `http://127.0.0.1:${config.api.port}/health`;
  let last = '';
  while (Date.now() - startedAt < READY_TIMEOUT_MS) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (response.ok) return;
      last = JSON.stringify(((await response.json()) as { failing?: string[] }).failing ?? []);
    } catch {
      last = 'API not answering yet';
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  say(`corridor: not all parts are healthy after ${READY_TIMEOUT_MS / 1000} s (${last}); see ${url}`);
}

function printBanner(
  config: Config,
  settings: TemporalSettings,
  devServer: DevServer | undefined,
  cluster: RunningCluster | undefined,
  startedAt: number,
): void {
  const api = `http://127.0.0.1:${config.api.port}`;
  const rows: [string, string][] = [
    ['API', api],
    ['OpenAPI docs', `${api}/docs`],
    ['Health', `${api}/health`],
    [
      'Temporal',
      `${cluster?.prepared.address ?? settings.connectionOptions.address} (namespace ${settings.namespace}${cluster ? `, PostgreSQL, ${config.cluster.historyShards} history shards` : ''})`,
    ],
  ];
  if (devServer?.uiUrl) rows.push(['Temporal Web UI', devServer.uiUrl]);
  if (cluster) {
    if (cluster.ui) rows.push(['Temporal Web UI', cluster.ui.url]);
    rows.push([
      'Codec (decrypt)',
      `${apiUrl(config)}${CODEC_PREFIX}/login (token: CORRIDOR_TOKEN_SECRET=… npm run token -- --role regional, with the cluster's secret)`,
    ]);
    rows.push(['PostgreSQL', describeTarget(postgresTarget(config.cluster.pgUrl))]);
  }
  for (const country of countries) rows.push([`National system ${country}`, config.national[country].url]);
  const archive = cluster ? { ...config.archive, pgUrl: config.archive.pgUrl ?? clusterArchiveUrl(config.cluster.pgUrl) } : config.archive;
  rows.push(['Archive', describeArchive({ ...config, archive })]);
  rows.push(['Data', config.dataDir]);
  say('');
  say(`Corridor is ready (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
  for (const [label, value] of rows) say(`  ${label.padEnd(20)} ${value}`);
  say('Ctrl-C stops everything.');
  say('');
}

/** One clear line when a port is taken, instead of a child crashing in a loop. */
async function refuseBusyPorts(config: Config, settings: TemporalSettings, profile: Profile): Promise<void> {
  const ports: [number, string][] = [[config.api.port, 'CORRIDOR_API_PORT']];
  for (const country of countries) {
    const url = new URL(config.national[country].url);
    if (isLocal(url.hostname)) ports.push([Number(url.port || 80), `CORRIDOR_NATIONAL_${country}_URL`]);
  }
  if (profile === 'cluster') {
    for (let offset = 0; offset < PORT_BLOCK; offset++) ports.push([config.cluster.port + offset, 'CORRIDOR_CLUSTER_PORT (and the 8 after it)']);
    ports.push([config.cluster.uiPort, 'CORRIDOR_CLUSTER_UI_PORT']);
    for (let offset = 1; offset <= countries.length; offset++)
      ports.push([config.workerMetricsPort + offset, 'CORRIDOR_WORKER_METRICS_PORT (and the 2 after it)']);
  } else if (settings.embedded) {
    ports.push([config.temporal.devPort, 'CORRIDOR_TEMPORAL_PORT'], [config.temporal.uiPort, 'CORRIDOR_TEMPORAL_UI_PORT']);
  }
  ports.push([config.workerMetricsPort, 'CORRIDOR_WORKER_METRICS_PORT']);
  for (const [port, variable] of ports) {
    if (!(await isFree(port))) throw new UsageError(`port ${port} (${variable}) is already in use; is another Corridor running?`);
  }
}

function isLocal(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '0.0.0.0';
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
