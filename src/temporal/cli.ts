// Finds the Temporal CLI, or builds it once from the Go module proxy.
// The SDK's own test environments download a server binary, which machines
// without internet cannot do; the CLI's dev server is what Corridor runs instead.
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
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

/** ~/.cache/corridor (or $XDG_CACHE_HOME/corridor): every Go binary Corridor builds lives there, outside the repo. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'corridor');
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), `temporal-${PINNED_CLI_VERSION}`);
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
  if (existsSync(cached)) {
    if (await versionOf(cached)) return cached;
    rmSync(cached, { force: true });
  }
  await goInstallOnce(
    {
      what: `the Temporal CLI ${PINNED_CLI_VERSION}`,
      about: 'about 2 minutes',
      packages: [MODULE],
      dir: cacheDir(env),
      binaries: { temporal: 'temporal' },
      otherwise: `point TEMPORAL_CLI at a Temporal CLI ${PINNED_CLI_VERSION} or newer (or put \`temporal\` on PATH)`,
    },
    { env, say },
  );
  return cached;
}

export interface GoBuild {
  /** What the operator is told is being built, e.g. "the Temporal CLI 1.5.1". */
  what: string;
  /** How long it usually takes here, e.g. "about 2 minutes". */
  about: string;
  /** `go install` arguments: packages of one module at one version. */
  packages: string[];
  /** The cache folder the binaries end up in. */
  dir: string;
  /** Name `go install` gives each binary → its name in `dir`. */
  binaries: Record<string, string>;
  /** Extra environment for `go`, e.g. a GOTOOLCHAIN the module needs. */
  goEnv?: Record<string, string>;
  /** The other way to get the binaries, told when there is no Go. */
  otherwise?: string;
}

/**
 * Builds once per machine: concurrent callers (parallel test files, a second `npm start`)
 * wait for the first one's build instead of starting their own, and a build killed half-way
 * leaves nothing that looks finished (binaries appear in `dir` only once all are built).
 */
export async function goInstallOnce(build: GoBuild, options: { env?: NodeJS.ProcessEnv; say?: Say } = {}): Promise<void> {
  const env = options.env ?? process.env;
  const say = options.say ?? ((line) => process.stderr.write(`${line}\n`));
  const finished = () => Object.values(build.binaries).every((name) => existsSync(path.join(build.dir, name)));
  if (finished()) return;
  const go = await run('go', ['version'], { env }).catch(() => undefined);
  if (!go) {
    throw new TemporalCliUnavailable(
      `No Go toolchain to build ${build.what}. Either install Go 1.24 or newer (it is then built once into ${build.dir}), ` +
        `or ${build.otherwise ?? `put ${Object.values(build.binaries).join(' and ')} there yourself`}.`,
    );
  }
  mkdirSync(build.dir, { recursive: true });
  const lock = path.join(build.dir, '.building');
  let waitingSaid = false;
  for (;;) {
    if (finished()) return;
    const holder = tryLock(lock);
    if (holder === undefined) break;
    if (!waitingSaid) {
      say(`corridor: waiting for another process${holder ? ` (pid ${holder})` : ''} that is building ${build.what} into ${build.dir}`);
      waitingSaid = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  try {
    if (finished()) return;
    await goInstall(build, env, say);
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Takes the lock (undefined), or says who holds it: a live pid, or 0 while it is being taken. */
function tryLock(lock: string): number | undefined {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: number;
    try {
      holder = Number(readFileSync(lock, 'utf8').trim());
    } catch {
      continue;
    }
    if (!holder) return 0;
    if (alive(holder)) return holder;
    // The builder died half-way: its lock is stale.
    rmSync(lock, { force: true });
  }
  return 0;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function goInstall(build: GoBuild, env: NodeJS.ProcessEnv, say: Say): Promise<void> {
  const gobin = path.join(build.dir, `.gobin-${process.pid}`);
  rmSync(gobin, { recursive: true, force: true });
  mkdirSync(gobin, { recursive: true });
  say(`corridor: building ${build.what} once, ${build.about} (go install ${build.packages.join(' ')} into ${build.dir})`);
  const started = Date.now();
  const ticker = setInterval(() => say(`corridor: still building ${build.what}… ${Math.round((Date.now() - started) / 1000)} s`), 15_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('go', ['install', ...build.packages], {
        env: { ...env, ...build.goEnv, GOBIN: gobin },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new TemporalCliUnavailable(`go install ${build.packages.join(' ')} failed (exit ${code}):\n${stderr}`)),
      );
    });
    for (const [built, name] of Object.entries(build.binaries)) renameSync(path.join(gobin, built), path.join(build.dir, name));
  } finally {
    clearInterval(ticker);
    rmSync(gobin, { recursive: true, force: true });
  }
  say(`corridor: ${build.what} built in ${Math.round((Date.now() - started) / 1000)} s`);
}
