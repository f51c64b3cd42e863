// The embedded profile's archive: one SQLite file in the data folder, written by the transits
// worker's archiver and read by the API (WAL: readers never wait for the writer).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { schema, type SqlDialect } from './store.ts';

export const ARCHIVE_FILE = 'archive.sqlite';

export function sqliteDialect(file: string): SqlDialect {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // Customs records: a commit is on disk before the archiver moves its cursor past it.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  for (const statement of schema('BLOB')) db.exec(statement);
  return {
    async all(sql, params) {
      return db.prepare(sql).all(...params) as Record<string, unknown>[];
    },
    async run(sql, params) {
      return db.prepare(sql).run(...params).changes;
    },
    async close() {
      db.close();
    },
  };
}
