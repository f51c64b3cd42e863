// Whose turn it is to refresh the indicators projection, among the API processes that share its
// file (several may share the data folder). One refresh at a time across all of them, and none
// while the last one is recent: a refresh queries the state of every movement that moved, and two
// processes doing it at once query the same movements at the same moment, which the workflow
// worker must not get (see src/indicators/states.ts). The turn is a row in the projection's own
// SQLite file, taken in an immediate transaction, so it needs nothing the processes do not share.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';

// A holder that died mid-refresh (SIGKILL) is presumed gone after this long without renewing
// its turn; a holder at work renews it at least every RENEW_EVERY_MS, however long its pass.
const TAKEN_FOR_MS = 2 * 60_000;
const RENEW_EVERY_MS = 15_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS refresh_turn (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  holder TEXT,
  taken_at INTEGER,
  finished_at INTEGER NOT NULL DEFAULT 0
);
INSERT OR IGNORE INTO refresh_turn (id) VALUES (1);
`;

interface TurnRow {
  holder: string | null;
  taken_at: number | null;
  finished_at: number;
}

export type Turn = { kind: 'mine' } | { kind: 'busy'; holder: string } | { kind: 'fresh'; finishedAt: number };

export class RefreshTurn {
  /** This process's name on the row: unique per Projection, so two in one process take turns too. */
  readonly holder = `${process.pid}-${randomUUID()}`;

  constructor(
    private readonly db: Database.Database,
    private readonly clock: () => number = Date.now,
  ) {
    db.exec(SCHEMA);
  }

  /** Takes the turn unless another holds it or a refresh finished less than `freshForMs` ago. */
  take(freshForMs: number): Turn {
    const now = this.clock();
    return this.db
      .transaction((): Turn => {
        const row = this.db.prepare('SELECT holder, taken_at, finished_at FROM refresh_turn WHERE id = 1').get() as TurnRow;
        if (row.holder && row.holder !== this.holder && (row.taken_at ?? 0) > now - TAKEN_FOR_MS) return { kind: 'busy', holder: row.holder };
        if (row.finished_at > now - freshForMs) return { kind: 'fresh', finishedAt: row.finished_at };
        this.db.prepare('UPDATE refresh_turn SET holder = ?, taken_at = ? WHERE id = 1').run(this.holder, now);
        this.renewedAt = now;
        return { kind: 'mine' };
      })
      .immediate();
  }

  private renewedAt = 0;

  /** Tells the others this holder is still at work (cheap to call often: it writes every RENEW_EVERY_MS at most). */
  renew(): void {
    const now = this.clock();
    if (now - this.renewedAt < RENEW_EVERY_MS) return;
    this.renewedAt = now;
    this.db.prepare('UPDATE refresh_turn SET taken_at = ? WHERE id = 1 AND holder = ?').run(now, this.holder);
  }

  /** Gives the turn back; `done` marks the projection refreshed now (a failed refresh leaves it due). */
  release(done: boolean): void {
    if (done)
      this.db.prepare('UPDATE refresh_turn SET holder = NULL, taken_at = NULL, finished_at = ? WHERE id = 1 AND holder = ?').run(this.clock(), this.holder);
    else this.db.prepare('UPDATE refresh_turn SET holder = NULL, taken_at = NULL WHERE id = 1 AND holder = ?').run(this.holder);
  }
}
