// What Corridor writes under CORRIDOR_DATA_DIR is for its own user only: the folder 0700, the
// secrets in it 0600. And the cluster profile's token secret, like its codec key ring, is
// created there on first start when none is set, so that it never signs with the published
// development secret.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

/** Creates the data folder 0700, or narrows an existing one that Corridor's user owns. */
export function prepareDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = statSync(dir);
  if ((stat.mode & 0o077) !== 0 && (process.getuid === undefined || stat.uid === process.getuid())) chmodSync(dir, 0o700);
}

/** The token secret kept in `file` (created, 48 random bytes in base64url, mode 0600, on first use). */
export function loadOrCreateLocalTokenSecret(file: string): { secret: string; created: boolean } {
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), created: false };
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return { secret, created: true };
}
