// The processes the benchmark starts: each is a `corridor <command>` (or a bench script) in
// its own process, as `npm start` runs them, so that /proc can tell their CPU apart. Their
// output goes to a file per process; every one is stopped when the benchmark ends, however it ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, closeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../../src/process/stop-child.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CORRIDOR = path.join(ROOT, 'src/cli/main.ts');
const TSX = import.meta.resolve('tsx');

export interface Child {
  name: string;
  pid: number;
  logFile: string;
  process: ChildProcess;
  /** Lines written so far (pino writes one JSON line per log call). */
  logLines(): number;
  stop(): Promise<void>;
}

const running = new Set<Child>();
const cleanups = new Set<() => Promise<void>>();

/** Something else to stop on the way out (the dev server is started by src/temporal, not here). */
export function onCleanup(stop: () => Promise<void>): () => void {
  cleanups.add(stop);
  return () => cleanups.delete(stop);
}

/** `node --import tsx <script> …args` with its output in `<logDir>/<name>.log`. */
export function startNode(name: string, script: string, args: string[], env: NodeJS.ProcessEnv, logDir: string, nodeArgs: string[] = []): Child {
  const logFile = path.join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, '--import', TSX, script, ...args], {
    cwd: ROOT,
    // CORRIDOR_SUPERVISED: the child stops by itself if the benchmark is killed outright.
    env: { ...process.env, ...env, CORRIDOR_SUPERVISED: '1' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const handle: Child = {
    name,
    pid: child.pid,
    logFile,
    process: child,
    logLines: () => countLines(logFile),
    async stop() {
      running.delete(handle);
      await stopChild(child, { graceMs: 15_000 });
    },
  };
  running.add(handle);
  return handle;
}

export function startCorridor(name: string, args: string[], env: NodeJS.ProcessEnv, logDir: string, nodeArgs: string[] = []): Child {
  return startNode(name, CORRIDOR, args, env, logDir, nodeArgs);
}

function countLines(file: string): number {
  try {
    const text = readFileSync(file);
    let n = 0;
    for (const byte of text) if (byte === 10) n++;
    return n;
  } catch {
    return 0;
  }
}

/** Stops everything still running; the benchmark calls it on its way out, whatever the way. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
  await Promise.all([...cleanups].map((stop) => stop().catch(() => undefined)));
  cleanups.clear();
}

/** Fails fast with the child's last lines when it dies during start-up, instead of waiting out a timeout. */
export async function waitFor<T>(what: string, child: Child | undefined, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && (child.process.exitCode !== null || child.process.signalCode !== null)) {
      throw new Error(`${child.name} exited while starting; its last lines:\n${tail(child.logFile)}`);
    }
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not ready after ${timeoutMs / 1000} s${child ? `; last lines of ${child.logFile}:\n${tail(child.logFile)}` : ''}`);
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}
