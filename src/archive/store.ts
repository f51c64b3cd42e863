// The archive of closed movements, one row per MRN, in SQL that SQLite (the embedded profile)
// and PostgreSQL (the cluster profile) both run: each dialect only says how to run a
// statement and which type holds bytes. Writing a row again is harmless (MRN primary key).
import type { ListFilters } from '../client/transits.ts';
import type { KeyRing } from '../codec/keys.ts';
import { openRecord, sealRecord, type ArchivedMovement, type ArchivedSummary } from './record.ts';

/** Where a page of the archive's list starts: after this row, newest closed first. */
export interface ArchiveCursor {
  closedAt: string;
  mrn: string;
}

export interface ArchiveStore {
  /** Writes (or rewrites) a closed movement's row. */
  put(movement: ArchivedMovement): Promise<void>;
  /** The archived run of each of these MRNs that has a row. */
  runsOf(mrns: string[]): Promise<Map<string, string>>;
  get(mrn: string): Promise<ArchivedMovement | undefined>;
  /** Rows of movements that have left Temporal matching the list's filters, newest closed first, after `after`. */
  list(filters: ListFilters, limit: number, after?: ArchiveCursor): Promise<ArchivedSummary[]>;
  /** The MRNs of the oldest closed rows not yet seen gone from Temporal. */
  oldestInTemporal(limit: number): Promise<string[]>;
  /** Records that Temporal no longer holds these movements: from now on the lists read them here. */
  markLeftTemporal(mrns: string[], at: string): Promise<void>;
  /** Deletes the rows of movements closed before this time; returns how many. */
  purge(closedBefore: string): Promise<number>;
  close(): Promise<void>;
}

/** How one database runs a statement written with `?` placeholders. */
export interface SqlDialect {
  all(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  run(sql: string, params: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export function schema(bytesType: 'BLOB' | 'BYTEA'): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS archived_movements (
      mrn TEXT PRIMARY KEY,
      run_id TEXT NOT NULL,
      status TEXT NOT NULL,
      departure_office TEXT,
      destination_office TEXT,
      current_office TEXT,
      declarant TEXT,
      vehicle TEXT,
      route_offices TEXT NOT NULL,
      overdue INTEGER NOT NULL,
      border_alert INTEGER NOT NULL,
      escalation_level INTEGER NOT NULL,
      closed_at TEXT NOT NULL,
      archived_at TEXT NOT NULL,
      left_temporal_at TEXT,
      summary TEXT NOT NULL,
      record ${bytesType} NOT NULL
    )`,
    // The lists' order and the purge both walk closing times.
    'CREATE INDEX IF NOT EXISTS archived_movements_closed ON archived_movements (closed_at, mrn)',
    // The sweep looks only at the rows Temporal may still hold, however many years have left it.
    'CREATE INDEX IF NOT EXISTS archived_movements_in_temporal ON archived_movements (closed_at) WHERE left_temporal_at IS NULL',
  ];
}

const COLUMNS = [
  'mrn',
  'run_id',
  'status',
  'departure_office',
  'destination_office',
  'current_office',
  'declarant',
  'vehicle',
  'route_offices',
  'overdue',
  'border_alert',
  'escalation_level',
  'closed_at',
  'archived_at',
  'left_temporal_at',
  'summary',
  'record',
] as const;

const UPSERT = `INSERT INTO archived_movements (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (mrn) DO UPDATE SET ${COLUMNS.filter((c) => c !== 'mrn')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

export class SqlArchive implements ArchiveStore {
  constructor(
    private readonly db: SqlDialect,
    private readonly keys: KeyRing | undefined,
  ) {}

  async put({ summary, routeOffices, runId, state }: ArchivedMovement): Promise<void> {
    await this.db.run(UPSERT, [
      summary.mrn,
      runId,
      summary.status ?? state.status,
      summary.departureOffice ?? null,
      summary.destinationOffice ?? null,
      summary.currentOffice ?? null,
      summary.declarant ?? null,
      summary.vehicle ?? null,
      // Spaces around every code, so that one office is found with LIKE '% CODE %'.
      ` ${routeOffices.join(' ')} `,
      summary.overdue ? 1 : 0,
      summary.borderAlert ? 1 : 0,
      summary.escalationLevel,
      summary.closedAt,
      new Date().toISOString(),
      // Archived while Temporal holds it: the lists read it from visibility until the sweep sees it gone.
      null,
      JSON.stringify(summary),
      await sealRecord(state, this.keys),
    ]);
  }

  async runsOf(mrns: string[]): Promise<Map<string, string>> {
    if (mrns.length === 0) return new Map();
    const rows = await this.db.all(`SELECT mrn, run_id FROM archived_movements WHERE mrn IN (${mrns.map(() => '?').join(', ')})`, mrns);
    return new Map(rows.map((row) => [String(row.mrn), String(row.run_id)]));
  }

  async get(mrn: string): Promise<ArchivedMovement | undefined> {
    const [row] = await this.db.all('SELECT run_id, route_offices, summary, record FROM archived_movements WHERE mrn = ?', [mrn]);
    if (!row) return undefined;
    return {
      runId: String(row.run_id),
      routeOffices: String(row.route_offices).trim().split(' ').filter(Boolean),
      summary: JSON.parse(String(row.summary)) as ArchivedSummary,
      state: await openRecord(row.record as Uint8Array, this.keys),
    };
  }

  async list(filters: ListFilters, limit: number, after?: ArchiveCursor): Promise<ArchivedSummary[]> {
    const { clauses, params } = whereOf(filters);
    clauses.unshift('left_temporal_at IS NOT NULL');
    if (after) {
      clauses.push('(closed_at < ? OR (closed_at = ? AND mrn < ?))');
      params.push(after.closedAt, after.closedAt, after.mrn);
    }
    const rows = await this.db.all(`SELECT summary FROM archived_movements WHERE ${clauses.join(' AND ')} ORDER BY closed_at DESC, mrn DESC LIMIT ?`, [
      ...params,
      Math.trunc(limit),
    ]);
    return rows.map((row) => JSON.parse(String(row.summary)) as ArchivedSummary);
  }

  async oldestInTemporal(limit: number): Promise<string[]> {
    const rows = await this.db.all('SELECT mrn FROM archived_movements WHERE left_temporal_at IS NULL ORDER BY closed_at LIMIT ?', [Math.trunc(limit)]);
    return rows.map((row) => String(row.mrn));
  }

  async markLeftTemporal(mrns: string[], at: string): Promise<void> {
    if (mrns.length === 0) return;
    await this.db.run(`UPDATE archived_movements SET left_temporal_at = ? WHERE mrn IN (${mrns.map(() => '?').join(', ')})`, [at, ...mrns]);
  }

  purge(closedBefore: string): Promise<number> {
    return this.db.run('DELETE FROM archived_movements WHERE closed_at < ?', [closedBefore]);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** The list's filters as SQL over the archive's columns, every value a parameter. */
export function whereOf(filters: ListFilters): { clauses: string[]; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const eq = (column: string, value: string | number | undefined) => {
    if (value === undefined) return;
    clauses.push(`${column} = ?`);
    params.push(value);
  };
  const anyOf = (column: string, values: string[], like: boolean) => {
    // An empty scope sees nothing, as an empty IN does in visibility.
    if (values.length === 0) return clauses.push('1 = 0');
    clauses.push(`(${values.map(() => (like ? `${column} LIKE ?` : `${column} = ?`)).join(' OR ')})`);
    params.push(...values.map((v) => (like ? `% ${v} %` : v)));
  };
  // Every archived movement is closed.
  if (filters.running) clauses.push('1 = 0');
  eq('status', filters.status);
  if (filters.office !== undefined) anyOf('route_offices', [filters.office], true);
  eq('current_office', filters.currentOffice);
  eq('departure_office', filters.departureOffice);
  eq('destination_office', filters.destinationOffice);
  eq('declarant', filters.declarant);
  eq('vehicle', filters.vehicle);
  eq('declarant', filters.scopeDeclarant);
  if (filters.overdue !== undefined) eq('overdue', filters.overdue ? 1 : 0);
  if (filters.borderAlert !== undefined) eq('border_alert', filters.borderAlert ? 1 : 0);
  if (filters.minLevel !== undefined) {
    clauses.push('escalation_level >= ?');
    params.push(Math.trunc(filters.minLevel));
  }
  if (filters.level !== undefined) eq('escalation_level', Math.trunc(filters.level));
  if (filters.currentOffices) anyOf('current_office', filters.currentOffices, false);
  if (filters.scopeOffices) anyOf('route_offices', filters.scopeOffices, true);
  return { clauses, params };
}
