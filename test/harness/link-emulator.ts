// The link emulator (tools/link-emulator): built on demand into Corridor's cache, outside the
// repo, under a name that carries a hash of its source, so an edited emulator is rebuilt and an
// unchanged one never is. Synchronous on purpose: a site is made, and a link slowed, in one call
// a test makes before going on (createSite, impair), and the build takes seconds once.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from '../../src/temporal/cli.ts';

const SOURCE = fileURLToPath(new URL('../../tools/link-emulator', import.meta.url));

/** `go` on PATH, else where the Go tarball installs it (CI's machines have it there, not always on PATH). */
function findGo(): string | undefined {
  const candidates = ['go', ...(process.env.GOROOT ? [path.join(process.env.GOROOT, 'bin', 'go')] : []), '/usr/local/go/bin/go'];
  for (const go of candidates) {
    try {
      execFileSync(go, ['version'], { stdio: 'ignore' });
      return go;
    } catch {}
  }
  return undefined;
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(SOURCE).sort()) {
    if (!file.endsWith('.go') && file !== 'go.mod') continue;
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(path.join(SOURCE, file)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

let built: string | undefined;

/** The emulator's binary, built now if this source has never been built on this machine; throws saying why it cannot be. */
export function linkEmulatorBinary(): string {
  if (built) return built;
  const dir = path.join(cacheRoot(), 'link-emulator');
  const binary = path.join(dir, `link-emulator-${sourceHash()}`);
  if (!existsSync(binary)) {
    const go = findGo();
    if (!go) throw new Error(`no Go toolchain (on PATH or in /usr/local/go) to build the link emulator in ${SOURCE}`);
    mkdirSync(dir, { recursive: true });
    // Parallel test files may build at once: each into its own name, renamed into place whole.
    const partial = `${binary}.${process.pid}.partial`;
    try {
      execFileSync(go, ['build', '-trimpath', '-o', partial, '.'], {
        cwd: SOURCE,
        // Offline, static, with the Go that is here: nothing to download, no C compiler needed.
        env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOPROXY: 'off', CGO_ENABLED: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 300_000,
      });
      renameSync(partial, binary);
      // Builds of earlier sources are of no more use.
      for (const old of readdirSync(dir))
        if (old.startsWith('link-emulator-') && !old.endsWith('.partial') && path.join(dir, old) !== binary) rmSync(path.join(dir, old), { force: true });
    } catch (error) {
      rmSync(partial, { force: true });
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      throw new Error(`go build of the link emulator failed: ${stderr || String(error)}`);
    }
  }
  built = binary;
  return binary;
}

export interface LinkStats {
  /** Frames that crossed, those the emulator lost on purpose, and those dropped because its queue was full; a→b and b→a. */
  ab: { forwarded: number; lost: number; overflow: number };
  ba: { forwarded: number; lost: number; overflow: number };
}

/** Sends one command to a running emulator and returns its answer; waits for it to be listening (up to 10 s). */
export function controlLink(socket: string, command: string): string {
  try {
    return execFileSync(linkEmulatorBinary(), ['control', socket, command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).trim();
  } catch (error) {
    const stderr = (error as { stderr?: Buffer | string }).stderr?.toString().trim();
    throw new Error(`link emulator at ${socket}, "${command}": ${stderr || String(error)}`);
  }
}

export function parseStats(answer: string): LinkStats {
  const count = (key: string) => {
    const found = new RegExp(`\\b${key.replace('.', '\\.')}=(\\d+)`).exec(answer);
    if (!found) throw new Error(`link emulator stats without ${key}: ${answer}`);
    return Number(found[1]);
  };
  const way = (w: 'ab' | 'ba') => ({ forwarded: count(`${w}.forwarded`), lost: count(`${w}.lost`), overflow: count(`${w}.overflow`) });
  return { ab: way('ab'), ba: way('ba') };
}

/** Why the emulator cannot be built here (no Go, and no binary of this source already built), or undefined. */
export function goMissing(): string | undefined {
  if (built || existsSync(path.join(cacheRoot(), 'link-emulator', `link-emulator-${sourceHash()}`))) return undefined;
  return findGo() ? undefined : `no Go toolchain (on PATH or in /usr/local/go) to build the link emulator in ${SOURCE}`;
}
