// The subscriptions and their durable outbox, in SQLite in the data folder (one file, one
// dispatcher per deployment). Each milestone for each subscription is one outbox row, unique on
// subscription + MRN + timeline index: a restart, or a second look at the same timeline, inserts
// nothing new, so nothing is sent twice. The watch table is each subscription's cursor in each
// movement's timeline, written in the same transaction as the rows it produced.
import { randomUUID, createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Milestone } from './milestones.ts';

export type SubscriptionStatus = 'ACTIVE' | 'SUSPENDED' | 'ENDED';

export interface Subscription {
  id: string;
  tin: string;
  url: string;
  events: Milestone[];
  secret: string;
  createdBy: string;
  createdAt: string;
  status: SubscriptionStatus;
  /** First failure of the current run of failures; cleared by a delivery that succeeds. */
  failingSince?: string;
  suspendedAt?: string;
  endedAt?: string;
}

export interface OutboxRow {
  deliveryId: string;
  subscriptionId: string;
  mrn: string;
  index: number;
  body: string;
  attempts: number;
}

interface SubscriptionRow {
  id: string;
  tin: string;
  url: string;
  events: string;
  secret: string;
  created_by: string;
  created_at: string;
  status: SubscriptionStatus;
  failing_since: string | null;
  suspended_at: string | null;
  ended_at: string | null;
}

/** The delivery id: the same milestone for the same subscription always has the same one, across restarts. */
export function deliveryIdOf(subscriptionId: string, mrn: string, index: number): string {
  return `dlv_${createHash('sha256').update(`${subscriptionId}|${mrn}|${index}`).digest('hex').slice(0, 32)}`;
}

export class SubscriptionStore {
  private readonly db: Database.Database;

  constructor(dbPath: string) {
    this.db = new Database(dbPath);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS subscriptions (
        id TEXT PRIMARY KEY, tin TEXT NOT NULL, url TEXT NOT NULL, events TEXT NOT NULL, secret TEXT NOT NULL,
        created_by TEXT NOT NULL, created_at TEXT NOT NULL, status TEXT NOT NULL,
        failing_since TEXT, last_failure_at TEXT, suspended_at TEXT, ended_at TEXT);
      CREATE INDEX IF NOT EXISTS subscriptions_tin ON subscriptions (tin);
      CREATE TABLE IF NOT EXISTS watches (
        subscription_id TEXT NOT NULL, mrn TEXT NOT NULL, next_index INTEGER NOT NULL,
        PRIMARY KEY (subscription_id, mrn));
      CREATE TABLE IF NOT EXISTS outbox (
        delivery_id TEXT PRIMARY KEY, subscription_id TEXT NOT NULL, mrn TEXT NOT NULL, idx INTEGER NOT NULL,
        body TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'PENDING', attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL, last_error TEXT, delivered_at TEXT,
        UNIQUE (subscription_id, mrn, idx));
      CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (state, next_at);
      CREATE TABLE IF NOT EXISTS marks (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
  }

  create(args: { tin: string; url: string; events: Milestone[]; secret: string; createdBy: string }): Subscription {
    const subscription: Subscription = { id: `sub_${randomUUID()}`, ...args, createdAt: new Date().toISOString(), status: 'ACTIVE' };
    this.db
      .prepare('INSERT INTO subscriptions (id, tin, url, events, secret, created_by, created_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(subscription.id, args.tin, args.url, JSON.stringify(args.events), args.secret, args.createdBy, subscription.createdAt, 'ACTIVE');
    return subscription;
  }

  get(id: string): Subscription | undefined {
    const row = this.db.prepare('SELECT * FROM subscriptions WHERE id = ?').get(id) as SubscriptionRow | undefined;
    return row ? toSubscription(row) : undefined;
  }

  /** A TIN's subscriptions that have not been ended, oldest first. */
  ofTin(tin: string): Subscription[] {
    const rows = this.db.prepare("SELECT * FROM subscriptions WHERE tin = ? AND status != 'ENDED' ORDER BY created_at, id").all(tin) as SubscriptionRow[];
    return rows.map(toSubscription);
  }

  active(): Subscription[] {
    const rows = this.db.prepare("SELECT * FROM subscriptions WHERE status = 'ACTIVE'").all() as SubscriptionRow[];
    return rows.map(toSubscription);
  }

  /** Ends a subscription: nothing more is queued or sent for it. */
  end(id: string): Subscription | undefined {
    this.db.prepare("UPDATE subscriptions SET status = 'ENDED', ended_at = ? WHERE id = ? AND status != 'ENDED'").run(new Date().toISOString(), id);
    this.db.prepare("UPDATE outbox SET state = 'DROPPED' WHERE subscription_id = ? AND state = 'PENDING'").run(id);
    return this.get(id);
  }

  /** Where this subscription stands in this movement's timeline, or undefined before its first look. */
  cursor(subscriptionId: string, mrn: string): number | undefined {
    const row = this.db.prepare('SELECT next_index FROM watches WHERE subscription_id = ? AND mrn = ?').get(subscriptionId, mrn) as
      | { next_index: number }
      | undefined;
    return row?.next_index;
  }

  /** Queues these milestones and moves the cursor, in one transaction; a row already there stays as it is. */
  enqueue(subscriptionId: string, mrn: string, rows: { index: number; body: string }[], nextIndex: number): void {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO outbox (delivery_id, subscription_id, mrn, idx, body, next_at) VALUES (@deliveryId, @subscriptionId, @mrn, @idx, @body, @nextAt)',
    );
    const cursor = this.db.prepare(
      'INSERT INTO watches (subscription_id, mrn, next_index) VALUES (?, ?, ?) ON CONFLICT (subscription_id, mrn) DO UPDATE SET next_index = MAX(next_index, excluded.next_index)',
    );
    this.db.transaction(() => {
      for (const row of rows) {
        insert.run({ deliveryId: deliveryIdOf(subscriptionId, mrn, row.index), subscriptionId, mrn, idx: row.index, body: row.body, nextAt: Date.now() });
      }
      cursor.run(subscriptionId, mrn, nextIndex);
    })();
  }

  /**
   * What is due now: for each subscription and movement, only its earliest undelivered milestone
   * (milestones arrive in order: a later one waits until the one before it is delivered).
   */
  due(now: number, limit: number): (OutboxRow & { url: string; secret: string })[] {
    return this.db
      .prepare(
        `SELECT o.delivery_id AS deliveryId, o.subscription_id AS subscriptionId, o.mrn, o.idx AS "index", o.body, o.attempts, s.url, s.secret
         FROM outbox o JOIN subscriptions s ON s.id = o.subscription_id
         WHERE o.state = 'PENDING' AND s.status = 'ACTIVE' AND o.next_at <= ?
           AND o.idx = (SELECT MIN(p.idx) FROM outbox p WHERE p.subscription_id = o.subscription_id AND p.mrn = o.mrn AND p.state = 'PENDING')
         ORDER BY o.next_at LIMIT ?`,
      )
      .all(now, limit) as (OutboxRow & { url: string; secret: string })[];
  }

  delivered(deliveryId: string, subscriptionId: string): void {
    this.db.transaction(() => {
      this.db
        .prepare("UPDATE outbox SET state = 'DELIVERED', attempts = attempts + 1, delivered_at = ? WHERE delivery_id = ?")
        .run(new Date().toISOString(), deliveryId);
      this.db.prepare('UPDATE subscriptions SET failing_since = NULL, last_failure_at = NULL WHERE id = ?').run(subscriptionId);
    })();
  }

  /**
   * Records a failed attempt and when to try again; suspends the subscription when it has been
   * failing for `suspendAfterMs`. A failure more than `maxGapMs` after the previous one starts a
   * new run: nobody was trying in between (the API was stopped), so the receiver is not blamed
   * for that time. Answers whether it was suspended now.
   */
  failed(deliveryId: string, subscriptionId: string, error: string, retryAt: number, suspendAfterMs: number, maxGapMs: number): boolean {
    const now = new Date();
    return this.db.transaction(() => {
      this.db
        .prepare('UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE delivery_id = ?')
        .run(retryAt, error.slice(0, 500), deliveryId);
      this.db
        .prepare(
          `UPDATE subscriptions SET last_failure_at = @now,
             failing_since = CASE WHEN failing_since IS NULL OR last_failure_at IS NULL OR last_failure_at < @gapStart THEN @now ELSE failing_since END
           WHERE id = @id`,
        )
        .run({ now: now.toISOString(), gapStart: new Date(now.getTime() - maxGapMs).toISOString(), id: subscriptionId });
      const since = (this.db.prepare('SELECT failing_since FROM subscriptions WHERE id = ?').get(subscriptionId) as { failing_since: string }).failing_since;
      if (now.getTime() - Date.parse(since) < suspendAfterMs) return false;
      const changed = this.db
        .prepare("UPDATE subscriptions SET status = 'SUSPENDED', suspended_at = ? WHERE id = ? AND status = 'ACTIVE'")
        .run(now.toISOString(), subscriptionId);
      return changed.changes > 0;
    })();
  }

  /** Deliveries of one subscription, for the API's view of it. */
  counts(subscriptionId: string): { pending: number; delivered: number } {
    const rows = this.db.prepare('SELECT state, COUNT(*) AS n FROM outbox WHERE subscription_id = ? GROUP BY state').all(subscriptionId) as {
      state: string;
      n: number;
    }[];
    const of = (state: string) => rows.find((r) => r.state === state)?.n ?? 0;
    return { pending: of('PENDING'), delivered: of('DELIVERED') };
  }

  mark(name: string): string | undefined {
    return (this.db.prepare('SELECT value FROM marks WHERE name = ?').get(name) as { value: string } | undefined)?.value;
  }

  setMark(name: string, value: string): void {
    this.db.prepare('INSERT INTO marks (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value').run(name, value);
  }

  close(): void {
    this.db.close();
  }
}

function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    tin: row.tin,
    url: row.url,
    events: JSON.parse(row.events) as Milestone[],
    secret: row.secret,
    createdBy: row.created_by,
    createdAt: row.created_at,
    status: row.status,
    ...(row.failing_since ? { failingSince: row.failing_since } : {}),
    ...(row.suspended_at ? { suspendedAt: row.suspended_at } : {}),
    ...(row.ended_at ? { endedAt: row.ended_at } : {}),
  };
}
