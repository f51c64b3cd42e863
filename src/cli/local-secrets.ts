// What Corridor writes under CORRIDOR_DATA_DIR is for its own user only: the folder 0700, the
// secrets in it 0600. And the cluster profile's token secret, like its codec key ring, is
// created there on first start when none is set, so that it never signs with the published
// development secret.
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
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

/**
 * A random 32-byte key kept in `file` (base64, mode 0600), created on first use. Several
 * processes of one machine (the API, the workers) may ask at the same moment: the key is written
 * to a file of its own and linked into place, so each reads the one key that won, never half of one.
 */
export function loadOrCreateLocalKey(file: string): Buffer {
  const read = () => Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (existsSync(file)) return read();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  return read();
}
