// The archive this deployment configured: PostgreSQL when CORRIDOR_ARCHIVE_PG_URL is set (the
// cluster profile sets it), otherwise SQLite in the data folder (the embedded profile).
import path from 'node:path';
import type { Config } from '../config/env.ts';
import { postgresDialect } from './postgres.ts';
import { ARCHIVE_FILE, sqliteDialect } from './sqlite.ts';
import { SqlArchive, type ArchiveStore } from './store.ts';

export async function openArchive(config: Pick<Config, 'archive' | 'dataDir' | 'codec'>): Promise<ArchiveStore> {
  const dialect = config.archive.pgUrl ? await postgresDialect(config.archive.pgUrl) : sqliteDialect(path.join(config.dataDir, ARCHIVE_FILE));
  return new SqlArchive(dialect, config.codec.keys);
}

/** Where the archive is, without a password: for banners and logs. */
export function describeArchive(config: Pick<Config, 'archive' | 'dataDir'>): string {
  if (!config.archive.pgUrl) return path.join(config.dataDir, ARCHIVE_FILE);
  const url = new URL(config.archive.pgUrl);
  url.password = '';
  return url.toString();
}

/** The cluster profile's archive: a database beside Temporal's, named after CORRIDOR_PG_URL's (`corridor_temporal_archive`). */
export function clusterArchiveUrl(pgUrl: string): string {
  const url = new URL(pgUrl);
  url.pathname = `${url.pathname}_archive`;
  return url.toString();
}
