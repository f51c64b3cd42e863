// The cluster profile on one machine needs a key before anyone has chosen one: it creates a
// ring in the data folder on first start and reuses it, so that what was encrypted stays
// readable across restarts. A deployment sets CORRIDOR_CODEC_KEYS instead (and, to keep
// reading what the local key wrote, puts that key after its own).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateKeyEntry } from './keys.ts';

export function loadOrCreateLocalKeyRing(file: string): { ring: string; created: boolean } {
  if (existsSync(file)) return { ring: readFileSync(file, 'utf8').trim(), created: false };
  mkdirSync(path.dirname(file), { recursive: true });
  const ring = generateKeyEntry(`local-${new Date().toISOString().slice(0, 10)}`);
  writeFileSync(file, `${ring}\n`, { mode: 0o600, flag: 'wx' });
  return { ring, created: true };
}
