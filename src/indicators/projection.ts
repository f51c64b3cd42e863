// The indicators' durable source: a SQLite projection of the movements' own results. Closed
// movements are read once from the close event of their history (the workflow returns the
// facts indicators need: workflows/state.ts `summarise`); movements in flight from their state,
// again each time visibility shows they moved. Nothing here is the truth: delete the file and
// the next refresh rebuilds it from the workflows (within the namespace's retention).
// About 360 lines: the SQL tables and the refresh that fills them are kept together so the
// projection's schema cannot drift from what writes it.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { ReferenceData } from '../domain/types.ts';
import { findLeg } from '../domain/route-plan.ts';
import { summarise } from '../../workflows/state.ts';
import { RefreshTurn } from './refresh-turn.ts';
import type { RunningTransits } from './running.ts';
import { signatureOf, type StateCache } from './states.ts';
import { executionTime, forEachExecution, quote, transitFields, type ExecutionInfo } from '../temporal/visibility.ts';

export type Facts = ReturnType<typeof summarise>;

// Visibility records a closing a little after the workflow closes: re-read this much before the
// watermark so a late record is never skipped (already-projected movements cost no fetch).
const OVERLAP_MS = 5 * 60_000;
const MIN_INTERVAL_MS = 5_000;
const FETCH_CONCURRENCY = 8;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS movements (
  mrn TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  closed INTEGER NOT NULL,
  signature TEXT,
  route_id TEXT,
  status TEXT NOT NULL,
  lodged_at TEXT,
  released_at TEXT,
  discharged_at TEXT,
  closed_at TEXT,
  max_level INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS movements_closed_at ON movements (closed_at);
CREATE TABLE IF NOT EXISTS crossings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  mrn TEXT NOT NULL,
  seq INTEGER NOT NULL,
  post TEXT NOT NULL,
  arrival_at TEXT NOT NULL,
  entry_at TEXT NOT NULL,
  dwell_seconds INTEGER NOT NULL,
  alerted INTEGER NOT NULL,
  UNIQUE (mrn, seq)
);
CREATE INDEX IF NOT EXISTS crossings_entry_at ON crossings (entry_at);
CREATE TABLE IF NOT EXISTS forwards (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  mrn TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  from_country TEXT NOT NULL,
  to_country TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  forwarded_at TEXT NOT NULL,
  latency_ms INTEGER NOT NULL,
  UNIQUE (mrn, seq)
);
CREATE INDEX IF NOT EXISTS forwards_forwarded_at ON forwards (forwarded_at);
CREATE TABLE IF NOT EXISTS shares (
  mrn TEXT NOT NULL,
  country TEXT NOT NULL,
  amount_xof INTEGER NOT NULL,
  reserved_at TEXT NOT NULL,
  closed_at TEXT,
  PRIMARY KEY (mrn, country)
);
CREATE TABLE IF NOT EXISTS legs (
  mrn TEXT NOT NULL,
  seq INTEGER NOT NULL,
  from_office TEXT NOT NULL,
  to_office TEXT NOT NULL,
  started_at TEXT NOT NULL,
  arrived_at TEXT NOT NULL,
  seconds INTEGER NOT NULL,
  allowed_seconds INTEGER,
  late INTEGER NOT NULL,
  PRIMARY KEY (mrn, seq)
);
CREATE INDEX IF NOT EXISTS legs_arrived_at ON legs (arrived_at);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export interface CrossingRow {
  id: number;
  mrn: string;
  post: string;
  arrival_at: string;
  entry_at: string;
  dwell_seconds: number;
  alerted: number;
}

export interface ForwardRow {
  id: number;
  mrn: string;
  type: string;
  from_country: string;
  to_country: string;
  recorded_at: string;
  forwarded_at: string;
  latency_ms: number;
}

export interface ShareRow {
  mrn: string;
  country: string;
  amount_xof: number;
  reserved_at: string;
  closed_at: string | null;
}

export interface LegRow {
  from_office: string;
  to_office: string;
  arrived_at: string;
  seconds: number;
  allowed_seconds: number | null;
  late: number;
}

export interface MovementRow {
  mrn: string;
  route_id: string | null;
  status: string;
  closed: number;
  closed_at: string | null;
  max_level: number;
}

export class Projection {
  private readonly db: Database.Database;
  private lastRefresh = 0;
  private pending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly turn: RefreshTurn;

  constructor(
    readonly file: string,
    private readonly deps: {
      client: Client;
      namespace: string;
      taskQueue: string;
      reference: ReferenceData;
      running: RunningTransits;
      states: StateCache;
      onError?: (error: unknown) => void;
    },
  ) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // Several API processes may share the data folder: wait for another's write instead of failing.
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.turn = new RefreshTurn(this.db);
  }

  /**
   * Brings the projection up to date, at most every few seconds; concurrent callers share one
   * pass, and API processes sharing the file take turns (another's recent or running pass is
   * the file's freshness, read as it stands).
   */
  async refresh(freshForMs = MIN_INTERVAL_MS): Promise<void> {
    if (Date.now() - this.lastRefresh < freshForMs) return;
    this.pending ??= this.syncInTurn(freshForMs).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async syncInTurn(freshForMs: number): Promise<void> {
    const turn = this.turn.take(freshForMs);
    if (turn.kind !== 'mine') {
      // Not asked again before the interval: the next try would find the same (and take a write lock to find it).
      this.lastRefresh = turn.kind === 'fresh' ? turn.finishedAt : Date.now();
      return;
    }
    let done = false;
    try {
      await this.sync();
      done = true;
      this.lastRefresh = Date.now();
    } finally {
      this.turn.release(done);
    }
  }

  /** Keeps the projection fresh in the background, so a page or a scrape rarely waits for it. */
  startBackground(everyMs = 30_000): void {
    // A pass by another process within most of the interval counts as this one's.
    const tick = () => this.refresh(everyMs * 0.8).catch((error: unknown) => this.deps.onError?.(error));
    tick();
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.pending?.catch(() => undefined);
    this.db.close();
  }

  movements(): MovementRow[] {
    return this.db.prepare('SELECT mrn, route_id, status, closed, closed_at, max_level FROM movements').all() as MovementRow[];
  }

  crossingsSince(fromIso: string): CrossingRow[] {
    return this.db.prepare('SELECT * FROM crossings WHERE entry_at >= ? ORDER BY entry_at').all(fromIso) as CrossingRow[];
  }

  /** Crossings recorded after the row id given (the metrics' histogram takes each once). */
  crossingsAfterId(id: number): CrossingRow[] {
    return this.db.prepare('SELECT * FROM crossings WHERE id > ? ORDER BY id').all(id) as CrossingRow[];
  }

  /** Acts carried from one national system to the other after the row id given (each taken once). */
  forwardsAfterId(id: number): ForwardRow[] {
    return this.db.prepare('SELECT * FROM forwards WHERE id > ? ORDER BY id').all(id) as ForwardRow[];
  }

  /** Shares of the guarantee held at some moment since `fromIso` (still open, or closed after it). */
  sharesHeldSince(fromIso: string): ShareRow[] {
    return this.db.prepare('SELECT * FROM shares WHERE closed_at IS NULL OR closed_at >= ?').all(fromIso) as ShareRow[];
  }

  forwardsSince(fromIso: string): ForwardRow[] {
    return this.db.prepare('SELECT * FROM forwards WHERE forwarded_at >= ? ORDER BY forwarded_at').all(fromIso) as ForwardRow[];
  }

  legsSince(fromIso: string): LegRow[] {
    return this.db
      .prepare('SELECT from_office, to_office, arrived_at, seconds, allowed_seconds, late FROM legs WHERE arrived_at >= ?')
      .all(fromIso) as LegRow[];
  }

  private async sync(): Promise<void> {
    await this.syncClosed();
    await this.syncRunning();
  }

  private async syncClosed(): Promise<void> {
    const { client, namespace, taskQueue } = this.deps;
    const watermark = this.meta('closed_watermark');
    let query = `WorkflowType = 'transit' AND ExecutionStatus != 'Running' AND TaskQueue = ${quote(taskQueue)}`;
    if (watermark) query += ` AND CloseTime >= ${quote(new Date(Date.parse(watermark) - OVERLAP_MS).toISOString())}`;
    const known = this.db.prepare('SELECT run_id FROM movements WHERE mrn = ? AND closed = 1');
    const todo: ExecutionInfo[] = [];
    let latest = watermark ?? '';
    await forEachExecution(client, namespace, query, (execution) => {
      const closedAt = executionTime(execution.closeTime) ?? '';
      if (closedAt > latest) latest = closedAt;
      const row = known.get(execution.execution?.workflowId ?? '') as { run_id: string } | undefined;
      if (row?.run_id !== execution.execution?.runId) todo.push(execution);
    });
    await inBatches(todo, FETCH_CONCURRENCY, async (execution) => {
      this.turn.renew();
      const facts = await this.resultOf(execution);
      this.store(execution, facts, { closed: true, closedAt: executionTime(execution.closeTime) });
    });
    if (latest) this.setMeta('closed_watermark', latest);
  }

  private async resultOf(execution: ExecutionInfo): Promise<Facts | undefined> {
    const id = execution.execution?.workflowId ?? '';
    try {
      const result = (await this.deps.client.workflow.getHandle(id, execution.execution?.runId ?? undefined).result()) as Facts & { state?: unknown };
      // The final state rides along for the archive (workflows/state.ts `closing`): not a fact to keep here.
      const { state: _archived, ...facts } = result;
      return facts as Facts;
    } catch (error) {
      // Failed or terminated: no result to read; the movement still counts, with its last status.
      // Anything else (Temporal unreachable) fails this pass, and the next one reads it again.
      if (error instanceof WorkflowFailedError) return undefined;
      throw error;
    }
  }

  private async syncRunning(): Promise<void> {
    const { items } = await this.deps.running.get();
    const current = this.db.prepare('SELECT closed, signature FROM movements WHERE mrn = ?');
    const moved = items.filter((item) => {
      const row = current.get(item.mrn) as { closed: number; signature: string | null } | undefined;
      return !row || (row.closed === 0 && row.signature !== signatureOf(item));
    });
    await inBatches(moved, FETCH_CONCURRENCY, async (item) => {
      this.turn.renew();
      // Nothing to measure before release: no state query for those.
      const measured = item.status !== 'DECLARED' && item.status !== 'ACCEPTED';
      const state = measured ? await this.deps.states.stateOf(item, 'background') : undefined;
      // Not answered this time: keep what the projection had, and ask again on the next pass.
      if (measured && !state) return;
      this.storeRunning(item.mrn, item.runId, signatureOf(item), state ? summarise(state) : undefined, {
        status: item.status,
        routeId: routeIdOf(this.deps.reference, item.departureOffice, item.destinationOffice),
        lodgedAt: item.lodgedAt,
      });
    });
  }

  private store(execution: ExecutionInfo, facts: Facts | undefined, how: { closed: boolean; closedAt: string | undefined }): void {
    const listed = transitFields(execution);
    this.write(listed.mrn, listed.runId, null, facts, {
      closed: how.closed,
      closedAt: how.closedAt,
      status: facts?.status ?? listed.status ?? 'UNKNOWN',
      routeId: facts?.routeId ?? routeIdOf(this.deps.reference, listed.departureOffice, listed.destinationOffice),
      lodgedAt: facts?.lodgedAt ?? listed.lodgedAt,
    });
  }

  private storeRunning(
    mrn: string,
    runId: string,
    signature: string,
    facts: Facts | undefined,
    fallback: { status: string; routeId: string | undefined; lodgedAt: string | undefined },
  ): void {
    // A movement already read closed stays closed, whatever an older in-flight list says.
    const closed = this.db.prepare('SELECT 1 FROM movements WHERE mrn = ? AND closed = 1').get(mrn);
    if (closed) return;
    this.write(mrn, runId, signature, facts, {
      closed: false,
      closedAt: undefined,
      status: fallback.status,
      routeId: facts?.routeId ?? fallback.routeId,
      lodgedAt: facts?.lodgedAt ?? fallback.lodgedAt,
    });
  }

  private write(
    mrn: string,
    runId: string,
    signature: string | null,
    facts: Facts | undefined,
    row: { closed: boolean; closedAt: string | undefined; status: string; routeId: string | undefined; lodgedAt: string | undefined },
  ): void {
    const legs = facts ? legsOf(facts, this.deps.reference) : [];
    const crossings = facts ? facts.crossings.filter((c) => c.entryAt !== undefined && c.dwellSeconds !== undefined) : [];
    const existing = this.db.prepare('SELECT seq, entry_at FROM crossings WHERE mrn = ?').all(mrn) as { seq: number; entry_at: string }[];
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO movements (mrn, run_id, closed, signature, route_id, status, lodged_at, released_at, discharged_at, closed_at, max_level)
           VALUES (@mrn, @runId, @closed, @signature, @routeId, @status, @lodgedAt, @releasedAt, @dischargedAt, @closedAt, @maxLevel)
           ON CONFLICT (mrn) DO UPDATE SET run_id = excluded.run_id, closed = excluded.closed, signature = excluded.signature,
             route_id = excluded.route_id, status = excluded.status, lodged_at = excluded.lodged_at, released_at = excluded.released_at,
             discharged_at = excluded.discharged_at, closed_at = excluded.closed_at, max_level = excluded.max_level`,
        )
        .run({
          mrn,
          runId,
          closed: row.closed ? 1 : 0,
          signature,
          routeId: row.routeId ?? null,
          status: row.status,
          lodgedAt: row.lodgedAt ?? null,
          releasedAt: facts?.releasedAt ?? null,
          dischargedAt: facts?.dischargedAt ?? null,
          closedAt: row.closedAt ?? null,
          maxLevel: facts?.maxEscalationLevel ?? 0,
        });
      // A crossing, once entered, never changes: keep its row (and id) so the metrics count it once.
      const insertCrossing = this.db.prepare(
        'INSERT INTO crossings (mrn, seq, post, arrival_at, entry_at, dwell_seconds, alerted) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      crossings.forEach((c, seq) => {
        if (existing.some((e) => e.seq === seq && e.entry_at === c.entryAt)) return;
        this.db.prepare('DELETE FROM crossings WHERE mrn = ? AND seq = ?').run(mrn, seq);
        insertCrossing.run(mrn, seq, c.post, c.arrivalAt, c.entryAt, c.dwellSeconds, c.alertAt ? 1 : 0);
      });
      // A forward, once done, never changes: inserted once, so the histogram takes it once.
      const insertForward = this.db.prepare(
        `INSERT OR IGNORE INTO forwards (mrn, seq, type, from_country, to_country, recorded_at, forwarded_at, latency_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      (facts?.forwards ?? []).forEach((f, seq) => {
        insertForward.run(mrn, seq, f.type, f.from, f.to, f.recordedAt, f.forwardedAt, f.latencyMs);
      });
      // The shares as the movement holds them now (a release closes one): replaced as a whole.
      this.db.prepare('DELETE FROM shares WHERE mrn = ?').run(mrn);
      const insertShare = this.db.prepare('INSERT INTO shares (mrn, country, amount_xof, reserved_at, closed_at) VALUES (?, ?, ?, ?, ?)');
      for (const share of facts?.shares ?? []) insertShare.run(mrn, share.country, share.amountXof, share.reservedAt, share.closedAt ?? null);
      this.db.prepare('DELETE FROM legs WHERE mrn = ?').run(mrn);
      const insertLeg = this.db.prepare(
        'INSERT INTO legs (mrn, seq, from_office, to_office, started_at, arrived_at, seconds, allowed_seconds, late) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const [seq, leg] of legs.entries())
        insertLeg.run(mrn, seq, leg.from, leg.to, leg.startedAt, leg.arrivedAt, leg.seconds, leg.allowedSeconds ?? null, leg.late ? 1 : 0);
    })();
  }

  private meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  private setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}

export interface CompletedLeg {
  from: string;
  to: string;
  startedAt: string;
  arrivedAt: string;
  seconds: number;
  /** The time the workflow allowed (deadline − start): the route's limit, scaled, plus extensions. */
  allowedSeconds?: number;
  late: boolean;
}

/** The road legs a movement has completed: from leaving (or entering at) one office to arriving at the next. */
export function legsOf(facts: Facts, reference: ReferenceData): CompletedLeg[] {
  const legs: CompletedLeg[] = [];
  for (let i = 0; i + 1 < facts.offices.length; i++) {
    const from = facts.offices[i]!;
    const to = facts.offices[i + 1]!;
    if (findLeg(reference, from.code, to.code)?.kind !== 'road') continue;
    const startedAt = from.leftAt ?? from.arrivedAt;
    if (!startedAt || !to.arrivedAt) continue;
    const seconds = Math.round((Date.parse(to.arrivedAt) - Date.parse(startedAt)) / 1000);
    const allowed = to.plannedBy ? Math.round((Date.parse(to.plannedBy) - Date.parse(startedAt)) / 1000) : undefined;
    legs.push({
      from: from.code,
      to: to.code,
      startedAt,
      arrivedAt: to.arrivedAt,
      seconds,
      ...(allowed !== undefined ? { allowedSeconds: allowed } : {}),
      late: Boolean(to.late),
    });
  }
  return legs;
}

export function routeIdOf(reference: ReferenceData, departure: string | undefined, destination: string | undefined): string | undefined {
  return reference.routes.find((route) => route.offices[0] === departure && route.offices.at(-1) === destination)?.id;
}

async function inBatches<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}
