// Finds the Temporal CLI, or builds it once from the Go module proxy.
// The SDK's own test environments download a server binary, which machines
// without internet cannot do; the CLI's dev server is what Corridor runs instead.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PINNED_CLI_VERSION = '1.5.1';
// Newer CLIs carry a `replace` directive in go.mod, which `go install` refuses.
const MODULE = `github.com/temporalio/cli/cmd/temporal@v${PINNED_CLI_VERSION}`;

export class TemporalCliUnavailable extends Error {
  override name = 'TemporalCliUnavailable';
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'corridor', `temporal-${PINNED_CLI_VERSION}`);
}

async function versionOf(binary: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(binary, ['--version'], { timeout: 15_000 });
    return /temporal version (\d+\.\d+\.\d+)/.exec(stdout)?.[1];
  } catch {
    return undefined;
  }
}

function atLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

async function onPath(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'temporal');
    if (dir && existsSync(candidate)) {
      const version = await versionOf(candidate);
      if (version && atLeast(version, PINNED_CLI_VERSION)) return candidate;
    }
  }
  return undefined;
}

type Say = (line: string) => void;

/**
 * Order: TEMPORAL_CLI (a path); `temporal` on PATH at the pinned version or newer;
 * the per-user cache; else build it into the cache with Go.
 */
export async function findTemporalCli(options: { env?: NodeJS.ProcessEnv; say?: Say } = {}): Promise<string> {
  const env = options.env ?? process.env;
  const say = options.say ?? ((line) => process.stderr.write(`${line}\n`));
  if (env.TEMPORAL_CLI) {
    if (!(await versionOf(env.TEMPORAL_CLI))) {
      throw new TemporalCliUnavailable(`TEMPORAL_CLI=${env.TEMPORAL_CLI} is not a working Temporal CLI`);
    }
    return env.TEMPORAL_CLI;
  }
  const fromPath = await onPath(env);
  if (fromPath) return fromPath;
  const cached = path.join(cacheDir(env), 'temporal');
  if (existsSync(cached) && (await versionOf(cached))) return cached;
  await buildIntoCache(cacheDir(env), env, say);
  return cached;
}

async function buildIntoCache(dir: string, env: NodeJS.ProcessEnv, say: Say): Promise<void> {
  const go = await run('go', ['version'], { env }).catch(() => undefined);
  if (!go) {
    throw new TemporalCliUnavailable(
      `No Temporal CLI found and no Go toolchain to build one. Either install Go 1.24 or newer (the CLI is then built once into ${dir}), ` +
        `or point TEMPORAL_CLI at a Temporal CLI ${PINNED_CLI_VERSION} or newer (or put \`temporal\` on PATH).`,
    );
  }
  mkdirSync(dir, { recursive: true });
  say(`corridor: building the Temporal CLI ${PINNED_CLI_VERSION} once, about 2 minutes (go install ${MODULE} into ${dir})`);
  const started = Date.now();
  const ticker = setInterval(() => say(`corridor: still building the Temporal CLI… ${Math.round((Date.now() - started) / 1000)} s`), 15_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('go', ['install', MODULE], {
        env: { ...env, GOBIN: dir },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new TemporalCliUnavailable(`go install ${MODULE} failed (exit ${code}):\n${stderr}`)),
      );
    });
  } finally {
    clearInterval(ticker);
  }
  say(`corridor: Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s`);
}
