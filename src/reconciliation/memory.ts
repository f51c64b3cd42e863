// What a country's part of the reconciliation remembers of the movements it found in agreement,
// so that the next run reads Corridor's state again only for movements that changed since.
// Reading a state is a query, and for a movement the workflow worker no longer caches, a replay
// of its history: with 54,000 in flight each hourly run read every one from both parts, about
// 11 a second, and took the parking rate from 25 to 13-20 a second (bench --large, 2026-11-29).
//
// A movement is left unread when both sides are as they were at its last clean comparison:
// Corridor's side by its history length (DescribeWorkflowExecution, from the server's own state:
// no worker, no replay; a workflow's state changes only by events added to its history), the
// national side by a digest of the record the system serves now (read every run, as before, so
// a record changed behind the journal's back is still seen). Only a comparison with no
// difference and nothing pending is remembered, and for 20 to 28 hours: every movement is read
// in full about once a day whatever happens (a new version of the workflow code, say).
//
// It is a cache: a part that finds nothing (another worker ran it last time, a new data folder)
// compares everything, as before. Kept in SQLite next to the worker, written without waiting
// for the disk: a comparison lost in a crash is only made again.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { CountryCode } from '../domain/countries.ts';
import { canonicalJson } from '../domain/canonical-json.ts';
import type { Movement } from '../national/contract.ts';

/** What a clean comparison saw: Corridor's history length, and the national record's digest (null: this country does not hold the movement yet). */
export interface CleanComparison {
  historyLength: number;
  national: string | null;
}

export interface ComparisonMemory {
  /** The last clean comparison of `mrn`, unless it is older than the memory keeps. */
  recall(mrn: string): CleanComparison | undefined;
  remember(mrn: string, seen: CleanComparison): void;
  forget(mrn: string): void;
}

/**
 * How long a clean comparison spares a movement: past it, the movement is read in full again.
 * Between 20 and 28 hours, by MRN: the movements one run found in agreement do not all come due
 * at the same hourly run a day later (one run a day would compare everything again at once).
 */
export const REMEMBERED_AT_LEAST_MS = 20 * 3_600_000;
export const REMEMBERED_AT_MOST_MS = 28 * 3_600_000;

export function rememberedFor(mrn: string): number {
  const spread = createHash('sha256').update(mrn).digest().readUInt32BE(0) / 0x1_0000_0000;
  return REMEMBERED_AT_LEAST_MS + Math.floor(spread * (REMEMBERED_AT_MOST_MS - REMEMBERED_AT_LEAST_MS));
}

/** A digest of a national record as the system served it (key order does not matter). */
export function recordDigest(record: Movement): string {
  return createHash('sha256').update(canonicalJson(record)).digest('base64url');
}

const MEMORY_FILE = path.join('reconciliation', 'clean-comparisons.sqlite');

/** One country's memory in the SQLite file under `dataDir` (shared by the countries of one worker, keyed by country). */
export function sqliteComparisonMemory(dataDir: string, country: CountryCode, now: () => number = Date.now): ComparisonMemory & { close(): void } {
  const file = path.join(dataDir, MEMORY_FILE);
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // A cache: what a crash loses is compared again.
  db.pragma('synchronous = OFF');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS clean_comparisons (
    country TEXT NOT NULL, mrn TEXT NOT NULL, history_length INTEGER NOT NULL, national TEXT, compared_at INTEGER NOT NULL,
    PRIMARY KEY (country, mrn))`);
  // Movements closed and gone long ago leave their rows behind otherwise.
  db.prepare('DELETE FROM clean_comparisons WHERE country = ? AND compared_at < ?').run(country, now() - REMEMBERED_AT_MOST_MS);
  const select = db.prepare<[string, string], { history_length: number; national: string | null; compared_at: number }>(
    'SELECT history_length, national, compared_at FROM clean_comparisons WHERE country = ? AND mrn = ?',
  );
  const upsert = db.prepare('INSERT OR REPLACE INTO clean_comparisons (country, mrn, history_length, national, compared_at) VALUES (?, ?, ?, ?, ?)');
  const remove = db.prepare('DELETE FROM clean_comparisons WHERE country = ? AND mrn = ?');
  return {
    recall(mrn) {
      const row = select.get(country, mrn);
      if (!row || now() - row.compared_at > rememberedFor(mrn)) return undefined;
      return { historyLength: row.history_length, national: row.national };
    },
    remember(mrn, seen) {
      upsert.run(country, mrn, seen.historyLength, seen.national, now());
    },
    forget(mrn) {
      remove.run(country, mrn);
    },
    close() {
      db.close();
    },
  };
}
