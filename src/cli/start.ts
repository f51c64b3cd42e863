// `npm start`: starts, supervises and stops together the Temporal dev server (unless
// TEMPORAL_ADDRESS names one), both national system sandboxes, the worker and the API.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { countries, loadConfig, type Config } from '../config/env.ts';
import { findTemporalCli } from '../temporal/cli.ts';
import { startDevServer, type DevServer } from '../temporal/dev-server.ts';
import { ensureSearchAttributes } from '../temporal/search-attributes.ts';
import { temporalSettings, type TemporalSettings } from '../temporal/connection.ts';
import { UsageError, type Flags } from './args.ts';
import { stopWhenOrphaned } from './orphan.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const READY_TIMEOUT_MS = 180_000;
const MAX_RESTARTS = 5;

interface Piece {
  name: string;
  args: string[];
  child?: ChildProcess;
  restarts: number[];
}

const say = (line: string) => process.stdout.write(`${line}\n`);

export async function start(flags: Flags): Promise<void> {
  const startedAt = Date.now();
  if (flags.profile !== undefined && flags.profile !== 'embedded') {
    throw new UsageError(`--profile ${String(flags.profile)}: only the embedded profile exists in this version`);
  }
  const config = loadConfig();
  const settings = temporalSettings(config);
  await refuseBusyPorts(config, settings);

  let devServer: DevServer | undefined;
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  if (settings.embedded) {
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
    { name: 'worker', args: ['worker'], restarts: [] },
    { name: 'api', args: ['api'], restarts: [] },
  ];

  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('corridor: stopping…');
    // API first (no new requests), then the worker (finishes its tasks), then what they call.
    for (const name of ['api', 'worker']) await stopPiece(pieces.find((p) => p.name === name)!);
    await Promise.all(pieces.map(stopPiece));
    await devServer?.stop();
    say('corridor: stopped');
    process.exit(code);
  };

  const launch = (piece: Piece) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...piece.args], {
      env: { ...childEnv, CORRIDOR_SUPERVISED: '1' },
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
  devServer?.process.on('exit', () => {
    if (!stopping) {
      say('corridor: the Temporal dev server stopped unexpectedly; stopping everything');
      void stopAll(1);
    }
  });

  pieces.forEach(launch);
  await waitForHealth(config, startedAt);
  printBanner(config, settings, devServer, startedAt);
}

async function stopPiece(piece: Piece): Promise<void> {
  const child = piece.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
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

function printBanner(config: Config, settings: TemporalSettings, devServer: DevServer | undefined, startedAt: number): void {
  const api = `http://127.0.0.1:${config.api.port}`;
  const rows: [string, string][] = [
    ['API', api],
    ['OpenAPI docs', `${api}/docs`],
    ['Health', `${api}/health`],
    ['Temporal', `${settings.connectionOptions.address} (namespace ${settings.namespace})`],
  ];
  if (devServer?.uiUrl) rows.push(['Temporal Web UI', devServer.uiUrl]);
  for (const country of countries) rows.push([`National system ${country}`, config.national[country].url]);
  rows.push(['Data', config.dataDir]);
  say('');
  say(`Corridor is ready (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
  for (const [label, value] of rows) say(`  ${label.padEnd(20)} ${value}`);
  say('Ctrl-C stops everything.');
  say('');
}

/** One clear line when a port is taken, instead of a child crashing in a loop. */
async function refuseBusyPorts(config: Config, settings: TemporalSettings): Promise<void> {
  const ports: [number, string][] = [[config.api.port, 'CORRIDOR_API_PORT']];
  for (const country of countries) {
    const url = new URL(config.national[country].url);
    if (isLocal(url.hostname)) ports.push([Number(url.port || 80), `CORRIDOR_NATIONAL_${country}_URL`]);
  }
  if (settings.embedded) {
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
