// The embedded default: Temporal's dev server (SQLite), started from the CLI the project provides.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { corridorSearchAttributes } from '../../workflows/search-attributes.ts';
import { stopChild } from '../process/stop-child.ts';
import { ensureSearchAttributes } from './search-attributes.ts';

export interface DevServerOptions {
  cli: string;
  port: number;
  uiPort?: number | undefined;
  /** SQLite file; omitted: in memory (tests). */
  dbFile?: string | undefined;
  namespace?: string;
  /** Adds synchronous=normal: faster, but a power cut may lose the last commits. */
  sqliteSyncNormal?: boolean;
  /** Where the server's own output goes; defaults to a file beside the database, or ignored. */
  logFile?: string | undefined;
  /**
   * Runs the server in a process group of its own, so a terminal's Ctrl-C (sent to the whole
   * foreground group) does not reach it: the caller stops it last, once the workers have finished
   * the tasks they hold, which they cannot report to a server already gone.
   */
  ownProcessGroup?: boolean;
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The dev server's setting (true in the CLI) that reads search attributes from its database on every use. */
export const SEARCH_ATTRIBUTES_READ_THROUGH = 'system.forceSearchAttributesCacheRefreshOnRead';

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const namespace = options.namespace ?? 'default';
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--namespace',
    namespace,
    '--log-level',
    'warn',
    // Measured on two cores: WAL doubles lifecycle throughput over SQLite's default journal, same durability.
    '--sqlite-pragma',
    'journal_mode=wal',
  ];
  if (options.sqliteSyncNormal) args.push('--sqlite-pragma', 'synchronous=normal');
  // The CLI makes every service read the search attributes and the namespace from SQLite on every
  // use, so that attributes added while it runs show at once. Corridor registers its own before
  // serving (below, and by a restart when an existing database lacked some), so the server's
  // caches may keep them: a visibility page of 1,000 movements read two rows of SQLite per
  // movement (285-535 ms on an idle server with 100,000 in flight; 170-230 ms without).
  args.push('--dynamic-config-value', `${SEARCH_ATTRIBUTES_READ_THROUGH}=false`);
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  // Flags register the attributes on a new database only; ensureSearchAttributes covers an existing one.
  for (const key of corridorSearchAttributes)
    args.push('--search-attribute', `${key.name}=${key.type === 'KEYWORD_LIST' ? 'KeywordList' : titleCase(key.type)}`);

  const logFile = options.logFile ?? (options.dbFile ? `${options.dbFile}.log` : undefined);
  const address = `127.0.0.1:${options.port}`;
  const launch = async (): Promise<ChildProcess> => {
    const out = logFile ? openSync(logFile, 'a') : 'ignore';
    const child = spawn(options.cli, args, { stdio: ['ignore', out, out], detached: options.ownProcessGroup === true });
    // The child holds its own copy of the log's descriptor.
    if (typeof out === 'number') closeSync(out);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const ready = await Promise.race([waitUntilServing(address, 60_000).then(() => true), exited.then(() => false)]);
    if (!ready) {
      throw new Error(`the Temporal dev server exited at start-up${logFile ? ` (its log: ${logFile})` : ''}; is port ${options.port} free?`);
    }
    return child;
  };

  let child = await launch();
  if ((await ensureSearchAttributes(address, namespace)).length > 0) {
    // Attributes added to an existing database reach the server's caches only within a minute
    // (its read-through is off, above), and a movement started or updated with one before then
    // would be refused. Started again, the server reads them all at once.
    await stopChild(child, { graceMs: 10_000 });
    child = await launch();
  }

  return {
    address,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    process: child,
    stop: () => stopChild(child, { graceMs: 10_000 }),
  };
}

function titleCase(type: string): string {
  return type.charAt(0) + type.slice(1).toLowerCase();
}

/** Polls the frontend until it answers, so callers never race the server's start. */
export async function waitUntilServing(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`Temporal at ${address} did not answer within ${timeoutMs / 1000} s: ${String(lastError)}`);
}

export { corridorSearchAttributes };
