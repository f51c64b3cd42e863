// Where the benchmark runs Temporal: the embedded default (the dev server on SQLite, started
// here exactly as `npm start` starts it) or a Temporal server named by TEMPORAL_ADDRESS (a
// cluster run). Each target is measured the same way, and the report shows them side by side.
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../../src/config/env.ts';
import { findTemporalCli } from '../../src/temporal/cli.ts';
import { startDevServer } from '../../src/temporal/dev-server.ts';
import { ensureSearchAttributes } from '../../src/temporal/search-attributes.ts';
import { temporalSettings } from '../../src/temporal/connection.ts';
import { UsageError } from '../../src/cli/args.ts';
import { freePort } from '../../test/harness/ports.ts';
import { pidListeningOn } from './proc.ts';
import { onCleanup } from './children.ts';

const run = promisify(execFile);

export interface RunningTarget {
  id: string;
  /** One line for the table header. */
  label: string;
  address: string;
  namespace: string;
  /** The server process when it runs on this machine (CPU and memory are read from it). */
  serverPid: number | undefined;
  server: { version?: string; cli?: string; persistence: string };
  /** What Corridor's processes need in their environment to reach it. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export interface Target {
  id: string;
  start(runDir: string): Promise<RunningTarget>;
}

export const targetIds = ['embedded', 'embedded-sync-normal', 'cluster'] as const;

export function targetFor(id: string): Target {
  switch (id) {
    case 'embedded':
      return embedded(id, false);
    case 'embedded-sync-normal':
      return embedded(id, true);
    case 'cluster':
      return cluster();
    default:
      throw new UsageError(`--profile ${id}: expected one or more of ${targetIds.join(', ')} (comma separated)`);
  }
}

/** The dev server on SQLite in WAL mode, as `npm start` runs it; full durability unless asked. */
function embedded(id: string, syncNormal: boolean): Target {
  return {
    id,
    async start(runDir) {
      const cli = await findTemporalCli();
      const port = await freePort();
      const dbFile = path.join(runDir, `${id}.sqlite`);
      const server = await startDevServer({ cli, port, dbFile, sqliteSyncNormal: syncNormal, logFile: path.join(runDir, `${id}-temporal.log`) });
      const forget = onCleanup(() => server.stop());
      const versions = await cliVersions(cli);
      return {
        id,
        label: `dev server ${versions.version ?? ''}, SQLite WAL${syncNormal ? ' + synchronous=normal' : ', full durability'}`,
        address: server.address,
        namespace: 'default',
        serverPid: server.process.pid,
        server: { ...versions, persistence: `SQLite (WAL${syncNormal ? ', synchronous=normal' : ', synchronous=full'})` },
        env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' },
        stop: async () => {
          forget();
          await server.stop();
        },
      };
    },
  };
}

/** A server someone else runs (TEMPORAL_ADDRESS, with TLS and API key through envconfig as usual). */
function cluster(): Target {
  return {
    id: 'cluster',
    async start() {
      const settings = temporalSettings(loadConfig());
      if (settings.embedded) throw new UsageError('--profile cluster needs TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE, TLS or API key as the cluster requires)');
      const connection = await Connection.connect(settings.connectionOptions as Parameters<typeof Connection.connect>[0]);
      try {
        await ensureSearchAttributes(connection, settings.namespace);
        const info = await connection.workflowService.getSystemInfo({});
        const address = settings.connectionOptions.address;
        return {
          id: 'cluster',
          label: `Temporal ${info.serverVersion ?? ''} at ${address}`,
          address,
          namespace: settings.namespace,
          serverPid: localPid(address),
          server: { ...(info.serverVersion ? { version: info.serverVersion } : {}), persistence: 'as the cluster is configured' },
          env: {},
          stop: async () => undefined,
        };
      } finally {
        await connection.close();
      }
    },
  };
}

/** A stack already running (`--api`): its Temporal server from TEMPORAL_ADDRESS or the embedded default port. */
export async function runningTarget(): Promise<RunningTarget> {
  const settings = temporalSettings(loadConfig());
  const address = settings.connectionOptions.address;
  const connection = await Connection.connect(settings.connectionOptions as Parameters<typeof Connection.connect>[0]);
  try {
    const info = await connection.workflowService.getSystemInfo({});
    return {
      id: 'running',
      label: `running stack, Temporal ${info.serverVersion ?? ''} at ${address}`,
      address,
      namespace: settings.namespace,
      serverPid: localPid(address),
      server: {
        ...(info.serverVersion ? { version: info.serverVersion } : {}),
        persistence: settings.embedded ? 'dev server (as npm start runs it)' : 'unknown',
      },
      env: { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: settings.namespace },
      stop: async () => undefined,
    };
  } finally {
    await connection.close();
  }
}

function localPid(address: string): number | undefined {
  const [host, port] = address.split(':');
  if (!port || !['127.0.0.1', 'localhost', '0.0.0.0', '::1'].includes(host ?? '')) return undefined;
  return pidListeningOn(Number(port));
}

async function cliVersions(cli: string): Promise<{ cli?: string; version?: string }> {
  try {
    const { stdout } = await run(cli, ['--version'], { timeout: 15_000 });
    const match = /temporal version (\S+) \(Server (\S+),/.exec(stdout);
    return match ? { cli: match[1]!, version: match[2]! } : { cli: stdout.trim() };
  } catch {
    return {};
  }
}
