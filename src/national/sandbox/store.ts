// The sandbox's national system: its records, guarantees and calls in one SQLite file, and
// the rules a customs system applies to each call. Everything a call changes — the effect,
// its event in the journal, and the record of the call with its answer under its
// Idempotency-Key — is written in one transaction, so a repeated key can only ever see the whole call or none of it.
// One file on purpose (about 1,100 lines): the rules, the SQL, the journal and the answers of
// one national system are read together when checking what a call does; splitting them would
// scatter a transaction across modules. (Who the caller is lives in users.ts; the rules that
// bind users are here, because they read the record inside the call's transaction.)
import { createHash, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  journalEventOf,
  operations,
  Refusal,
  refusalCodes,
  type Declaration,
  type JournalEvent,
  type JournalEventType,
  type JournalPage,
  type GuaranteeBalance,
  type Guarantee,
  type GuaranteeOperation,
  type GuaranteeShare,
  type Movement,
  type MovementAck,
  type MovementRole,
  type MovementState,
  type MutatingOperationName,
  type NationalCountry,
  type OperationDefinition,
  type OperationName,
  type ParsedOperationRequest,
  type ReadOperationName,
  type RefusalCode,
  type Reservation,
} from '../contract.ts';
import type { SandboxSeed } from './seed.ts';
import { INTERCONNECTION, type Caller, type NationalUser } from './users.ts';
import { canonicalJson } from '../../domain/canonical-json.ts';
import { validateDeclaration } from '../../domain/declaration.ts';
import { allocateMrn } from '../../domain/mrn.ts';
import { loadReferenceData, planRoute } from '../../domain/reference-data.ts';
import { amountAtRisk as tariffAmountAtRisk } from '../../domain/amount-at-risk.ts';
import type { Declaration as CorridorDeclaration, ReferenceData } from '../../domain/types.ts';

/** A business refusal raised by a rule; the call's effects are rolled back and the refusal is the answer. */
export class RefusalError extends Error {
  constructor(
    readonly code: RefusalCode,
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
    this.name = 'RefusalError';
  }
}

function refuse(code: RefusalCode, reason: string): never {
  throw new RefusalError(code, reason);
}

export interface Answer {
  status: number;
  /** The JSON text of the answer, exactly as sent the first time. */
  body: string;
  replayed: boolean;
  /** 'done', or the refusal code. */
  outcome: string;
}

export type ExecuteResult = ({ kind: 'answer' } & Answer) | { kind: 'key-reused'; firstOperation: string; firstReceivedAt: string };

export interface CallRecord {
  seq: number;
  idempotencyKey: string;
  operation: string;
  mrn: string | null;
  grn: string | null;
  status: number;
  outcome: string;
  receivedAt: string;
  replays: number;
  lastReplayedAt: string | null;
  request: unknown;
  answer: unknown;
}

/** A wrong access code: refused like an unknown guarantee, and counted (after the call's savepoint is undone) toward the lock. */
class WrongAccessCode extends RefusalError {
  constructor(
    readonly grn: string,
    reason: string,
  ) {
    super('GUARANTEE_UNKNOWN', reason);
  }
}

/** Five wrong codes within this window lock the guarantee until the window has passed since the first of them. */
const LOCK_ATTEMPTS = 5;
const LOCK_WINDOW_MS = 15 * 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const schemaSql = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS guarantors (id TEXT PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS guarantees (
  grn TEXT PRIMARY KEY,
  guarantor_id TEXT NOT NULL REFERENCES guarantors(id),
  access_code TEXT NOT NULL,
  principal_tin TEXT,
  reference_amount INTEGER NOT NULL CHECK (reference_amount >= 0),
  reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  claimed INTEGER NOT NULL DEFAULT 0 CHECK (claimed >= 0),
  expires_on TEXT NOT NULL,
  CHECK (reserved + claimed <= reference_amount)
);
CREATE TABLE IF NOT EXISTS movements (
  mrn TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  state TEXT NOT NULL,
  lrn TEXT NOT NULL,
  declarant_tin TEXT NOT NULL,
  departure_country TEXT NOT NULL,
  departure_reference TEXT,
  declaration TEXT NOT NULL,
  origin_hash TEXT NOT NULL,
  version INTEGER NOT NULL,
  seals TEXT NOT NULL DEFAULT '[]',
  time_limit TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS movements_by_state ON movements(state);
-- The journal: every act of this system, in commit order, written in the transaction of the
-- act itself. It is also each movement's history (getMovement reads it for one MRN), so the
-- record and the published events cannot disagree. AUTOINCREMENT: a sequence is never reused,
-- even after the newest event were deleted, because consumers keep it as their cursor.
CREATE TABLE IF NOT EXISTS journal (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  mrn TEXT NOT NULL REFERENCES movements(mrn),
  type TEXT NOT NULL,
  operation TEXT NOT NULL,
  state TEXT NOT NULL,
  office TEXT,
  officer TEXT,
  source TEXT NOT NULL CHECK (source IN ('officer', 'interconnection')),
  at TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_by_movement ON journal(mrn, sequence);
CREATE TABLE IF NOT EXISTS reservations (
  id INTEGER PRIMARY KEY,
  grn TEXT NOT NULL REFERENCES guarantees(grn),
  mrn TEXT NOT NULL REFERENCES movements(mrn),
  amount INTEGER NOT NULL CHECK (amount >= 0),
  declared_value INTEGER NOT NULL,
  rate_percent REAL NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('RESERVED', 'RELEASED', 'CLAIMED')),
  reserved_at TEXT NOT NULL,
  closed_at TEXT,
  reason TEXT
);
-- A movement holds at most one open reservation.
CREATE UNIQUE INDEX IF NOT EXISTS reservations_open_per_movement ON reservations(mrn) WHERE status = 'RESERVED';
CREATE INDEX IF NOT EXISTS reservations_by_guarantee ON reservations(grn, status, id);
-- Wrong access codes, kept outside the refused call's savepoint: five in 15 minutes lock the guarantee.
CREATE TABLE IF NOT EXISTS access_code_failures (grn TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS access_code_failures_by_guarantee ON access_code_failures(grn, at);
CREATE INDEX IF NOT EXISTS reservations_by_movement ON reservations(grn, mrn, id);
CREATE TABLE IF NOT EXISTS calls (
  seq INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  operation TEXT NOT NULL,
  mrn TEXT,
  grn TEXT,
  request_hash TEXT NOT NULL,
  request TEXT NOT NULL,
  status INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  answer TEXT NOT NULL,
  received_at TEXT NOT NULL,
  replays INTEGER NOT NULL DEFAULT 0,
  last_replayed_at TEXT
);
CREATE INDEX IF NOT EXISTS calls_by_mrn ON calls(mrn);
CREATE INDEX IF NOT EXISTS calls_by_grn ON calls(grn);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

interface MovementRow {
  mrn: string;
  reference: string;
  role: MovementRole;
  state: MovementState;
  lrn: string;
  declarant_tin: string;
  departure_country: NationalCountry;
  departure_reference: string | null;
  declaration: string;
  origin_hash: string;
  version: number;
  seals: string;
  time_limit: string | null;
  created_at: string;
  updated_at: string;
}

interface JournalRow {
  sequence: number;
  mrn: string;
  type: JournalEventType;
  operation: OperationName;
  state: MovementState;
  office: string | null;
  officer: string | null;
  source: 'officer' | 'interconnection';
  at: string;
  occurred_at: string;
  data: string;
}

interface GuaranteeRow {
  grn: string;
  guarantor_id: string;
  guarantor_name: string;
  access_code: string;
  principal_tin: string | null;
  reference_amount: number;
  reserved: number;
  claimed: number;
  expires_on: string;
}

interface ReservationRow {
  id: number;
  grn: string;
  mrn: string;
  amount: number;
  declared_value: number;
  rate_percent: number;
  status: Reservation['status'];
  reserved_at: string;
  closed_at: string | null;
  reason: string | null;
}

interface CallRow {
  seq: number;
  idempotency_key: string;
  operation: string;
  mrn: string | null;
  grn: string | null;
  request_hash: string;
  request: string;
  status: number;
  outcome: string;
  answer: string;
  received_at: string;
  replays: number;
  last_replayed_at: string | null;
}

function prepareStatements(db: Database.Database) {
  return {
    metaGet: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    metaPut: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)'),
    guarantorInsert: db.prepare('INSERT OR IGNORE INTO guarantors (id, name, city) VALUES (?, ?, ?)'),
    guaranteeInsert: db.prepare(
      `INSERT OR IGNORE INTO guarantees (grn, guarantor_id, access_code, principal_tin, reference_amount, expires_on)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    guaranteeGet: db.prepare<[string], GuaranteeRow>(
      `SELECT g.*, o.name AS guarantor_name FROM guarantees g JOIN guarantors o ON o.id = g.guarantor_id WHERE g.grn = ?`,
    ),
    guaranteeAll: db.prepare<[], GuaranteeRow>(
      `SELECT g.*, o.name AS guarantor_name FROM guarantees g JOIN guarantors o ON o.id = g.guarantor_id ORDER BY g.grn`,
    ),
    accessFailureInsert: db.prepare('INSERT INTO access_code_failures (grn, at) VALUES (?, ?)'),
    accessFailuresSince: db.prepare<[string, string], { at: string }>('SELECT at FROM access_code_failures WHERE grn = ? AND at > ? ORDER BY at'),
    guaranteeAdjust: db.prepare('UPDATE guarantees SET reserved = reserved + ?, claimed = claimed + ? WHERE grn = ?'),
    movementGet: db.prepare<[string], MovementRow>('SELECT * FROM movements WHERE mrn = ?'),
    movementInsert: db.prepare(
      `INSERT INTO movements (mrn, reference, role, state, lrn, declarant_tin, departure_country, departure_reference,
         declaration, origin_hash, version, seals, time_limit, created_at, updated_at)
       VALUES (@mrn, @reference, @role, @state, @lrn, @declarant_tin, @departure_country, @departure_reference,
         @declaration, @origin_hash, 1, @seals, @time_limit, @now, @now)`,
    ),
    movementState: db.prepare('UPDATE movements SET state = ?, updated_at = ? WHERE mrn = ?'),
    movementRelease: db.prepare('UPDATE movements SET seals = ?, time_limit = ? WHERE mrn = ?'),
    movementTranshipped: db.prepare('UPDATE movements SET seals = ?, declaration = ? WHERE mrn = ?'),
    movementDivert: db.prepare('UPDATE movements SET declaration = ?, time_limit = COALESCE(?, time_limit), updated_at = ? WHERE mrn = ?'),
    movementAmend: db.prepare('UPDATE movements SET declaration = ?, version = version + 1, updated_at = ? WHERE mrn = ?'),
    movementList: db.prepare<[{ state: string | null; role: string | null }], MovementRow>(
      'SELECT * FROM movements WHERE (@state IS NULL OR state = @state) AND (@role IS NULL OR role = @role) ORDER BY created_at, mrn',
    ),
    journalInsert: db.prepare(
      `INSERT INTO journal (mrn, type, operation, state, office, officer, source, at, occurred_at, data)
       VALUES (@mrn, @type, @operation, @state, @office, @officer, @source, @at, @occurred_at, @data)`,
    ),
    journalOfMovement: db.prepare<[string], JournalRow>('SELECT * FROM journal WHERE mrn = ? ORDER BY sequence'),
    journalAfter: db.prepare<[number, number], JournalRow>('SELECT * FROM journal WHERE sequence > ? ORDER BY sequence LIMIT ?'),
    journalHead: db.prepare<[], { head: number }>('SELECT COALESCE(MAX(sequence), 0) AS head FROM journal'),
    reservationInsert: db.prepare(
      `INSERT INTO reservations (grn, mrn, amount, declared_value, rate_percent, status, reserved_at)
       VALUES (?, ?, ?, ?, ?, 'RESERVED', ?)`,
    ),
    reservationGet: db.prepare<[number], ReservationRow>('SELECT * FROM reservations WHERE id = ?'),
    reservationOpenOfMovement: db.prepare<[string], ReservationRow>("SELECT * FROM reservations WHERE mrn = ? AND status = 'RESERVED'"),
    reservationLatestOfMovement: db.prepare<[string], ReservationRow>(
      "SELECT * FROM reservations WHERE mrn = ? ORDER BY status = 'RESERVED' DESC, id DESC LIMIT 1",
    ),
    reservationOn: db.prepare<[string, string], ReservationRow>(
      "SELECT * FROM reservations WHERE grn = ? AND mrn = ? ORDER BY status = 'RESERVED' DESC, id DESC LIMIT 1",
    ),
    reservationClose: db.prepare('UPDATE reservations SET status = ?, closed_at = ?, reason = ? WHERE id = ?'),
    reservationsOpen: db.prepare<[string], ReservationRow>("SELECT * FROM reservations WHERE grn = ? AND status = 'RESERVED' ORDER BY id DESC LIMIT 1000"),
    reservationsOfMovement: db.prepare<[string, string], ReservationRow>('SELECT * FROM reservations WHERE grn = ? AND mrn = ? ORDER BY id DESC'),
    reservationCounts: db.prepare<[string], { status: Reservation['status']; n: number }>(
      'SELECT status, COUNT(*) AS n FROM reservations WHERE grn = ? GROUP BY status',
    ),
    counterNext: db.prepare<[string], { value: number }>(
      'INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value',
    ),
    callGet: db.prepare<[string], CallRow>('SELECT * FROM calls WHERE idempotency_key = ?'),
    callInsert: db.prepare(
      `INSERT INTO calls (idempotency_key, operation, mrn, grn, request_hash, request, status, outcome, answer, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    callReplayed: db.prepare('UPDATE calls SET replays = replays + 1, last_replayed_at = ? WHERE idempotency_key = ?'),
    callList: db.prepare<[{ mrn: string | null; grn: string | null; operation: string | null }], CallRow>(
      `SELECT * FROM calls WHERE (@mrn IS NULL OR mrn = @mrn) AND (@grn IS NULL OR grn = @grn)
         AND (@operation IS NULL OR operation = @operation)
       ORDER BY seq`,
    ),
  };
}

/** Which records a step applies to, and from which states. */
type StepRule = Partial<Record<MovementRole, readonly MovementState[]>>;

/**
 * The state rules of the officers' steps, in one table. They follow the corridor: departure
 * country REGISTERED → GUARANTEED → RELEASED → (AT_BORDER) → EXITED → WRITTEN_OFF; next
 * country AAR_RECEIVED → (AT_BORDER) → ENTERED → ARRIVED → CONTROLLED/HELD → (EXITED at an
 * exit office toward Mali or Niger) → DISCHARGED.
 */
const stepRules = {
  recordRelease: { DEPARTURE: ['GUARANTEED'] },
  recordBorderArrival: { DEPARTURE: ['RELEASED'], ARRIVAL: ['AAR_RECEIVED'] },
  confirmExit: { DEPARTURE: ['RELEASED', 'AT_BORDER'], ARRIVAL: ['CONTROLLED'] },
  acceptEntry: { ARRIVAL: ['AAR_RECEIVED', 'AT_BORDER'] },
  // Notices tell of the other side's act; they change no state and may arrive late (a link was down).
  receiveExitNotice: { ARRIVAL: ['AAR_RECEIVED', 'AT_BORDER', 'ENTERED', 'ARRIVED', 'HELD', 'CONTROLLED', 'EXITED', 'DISCHARGED'] },
  receiveEntryNotice: { DEPARTURE: ['RELEASED', 'AT_BORDER', 'EXITED', 'WRITTEN_OFF'] },
  // An incident on the road is told to every system that holds the movement while it is on its way.
  receiveIncident: {
    DEPARTURE: ['RELEASED', 'AT_BORDER', 'EXITED', 'WRITTEN_OFF'],
    ARRIVAL: ['AAR_RECEIVED', 'AT_BORDER', 'ENTERED', 'ARRIVED', 'HELD', 'CONTROLLED', 'EXITED'],
  },
  recordArrival: { ARRIVAL: ['ENTERED'] },
  recordControlResults: { ARRIVAL: ['ARRIVED', 'HELD'] },
  discharge: { ARRIVAL: ['CONTROLLED', 'EXITED'] },
  // An alternative proof of arrival (accepted during an enquiry) stands in for arrival and control.
  dischargeOnAlternativeProof: { ARRIVAL: ['AAR_RECEIVED', 'AT_BORDER', 'ENTERED', 'ARRIVED', 'HELD', 'CONTROLLED', 'EXITED'] },
  // The departure system writes off on the destination's confirmation, exit recorded or not.
  writeOff: { DEPARTURE: ['RELEASED', 'AT_BORDER', 'EXITED'] },
  cancel: { DEPARTURE: ['REGISTERED', 'GUARANTEED'] },
  amend: { DEPARTURE: ['REGISTERED', 'GUARANTEED'] },
  // A diversion re-routes a movement on the road, in any country's record the truck has not left behind.
  divert: { DEPARTURE: ['RELEASED', 'AT_BORDER', 'EXITED', 'WRITTEN_OFF'], ARRIVAL: ['AAR_RECEIVED', 'AT_BORDER', 'ENTERED'] },
  withdrawAar: { ARRIVAL: ['AAR_RECEIVED', 'AT_BORDER', 'CANCELLED'] },
  reserveGuarantee: { DEPARTURE: ['REGISTERED'] },
} as const satisfies Record<string, StepRule>;

const MASKED = '****';

/** A fallback act written by Corridor keeps its paper document's number (and paper time, and officer) in its record. */
function fallbackOf(req: { fallback?: { paperNumber: string; recordedAt: string; officer: string } | undefined }): Record<string, unknown> {
  return req.fallback ? { fallback: req.fallback } : {};
}

export interface SandboxStoreOptions {
  country: NationalCountry;
  dbPath: string;
  seed: SandboxSeed;
  clock?: () => Date;
  /** Offices, routes and code lists a directly lodged declaration is checked against; default the current reference data. */
  reference?: ReferenceData;
}

/** A rejected direct lodging: the declaration's every field at fault, answered as the contract's 400. */
type Effect = { status: number; body: unknown };

export class SandboxStore {
  readonly country: NationalCountry;
  readonly db: Database.Database;
  private readonly clock: () => Date;
  private readonly stmt: ReturnType<typeof prepareStatements>;
  private readonly reference: ReferenceData;
  /** Who is making the call being applied; calls are applied one at a time, inside their transaction. */
  private caller: Caller = INTERCONNECTION;

  constructor(options: SandboxStoreOptions) {
    this.country = options.country;
    this.clock = options.clock ?? (() => new Date());
    this.reference = options.reference ?? loadReferenceData();
    mkdirSync(path.dirname(path.resolve(options.dbPath)), { recursive: true });
    this.db = new Database(options.dbPath);
    // WAL: readers never wait for the writer; FULL: a committed call survives a power cut,
    // because its answer may already have reached Corridor.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(schemaSql);
    migrateHistoryToJournal(this.db);
    this.stmt = prepareStatements(this.db);
    this.claimFile();
    this.seed(options.seed);
  }

  /** One file, one country: opening Togo's store as Burkina's would mix two administrations' records. */
  private claimFile(): void {
    const owner = this.stmt.metaGet.get('country')?.value;
    if (owner === undefined) this.stmt.metaPut.run('country', this.country);
    else if (owner !== this.country) throw new Error(`this store belongs to the ${owner} sandbox, not ${this.country}`);
  }

  /** Adds what is missing; never touches an existing guarantee, so balances survive restarts. */
  private seed(seed: SandboxSeed): void {
    if (seed.country !== this.country) throw new Error(`the seed is for ${seed.country}, not ${this.country}`);
    this.db.transaction(() => {
      for (const g of seed.guarantors) this.stmt.guarantorInsert.run(g.id, g.name, g.city);
      for (const g of seed.guarantees) {
        this.stmt.guaranteeInsert.run(g.grn, g.guarantor, g.accessCode, g.principalTin, g.referenceAmountXof, g.expiresOn);
      }
    })();
  }

  close(): void {
    this.db.close();
  }

  // -------------------------------------------------------------------------------------
  // Calls

  /**
   * Handles a mutating call under its Idempotency-Key: the first time, applies it and stores
   * the answer with the effect; afterwards, returns the stored answer and changes nothing.
   */
  execute<K extends MutatingOperationName>(
    operation: K,
    idempotencyKey: string,
    request: ParsedOperationRequest<K>,
    caller: Caller = INTERCONNECTION,
  ): ExecuteResult {
    const requestJson = canonicalJson(request);
    // A user's key covers who called too: the same key and body from another user is another
    // call (422), never that user's answer. Corridor's calls hash as they always did.
    const requestHash = sha256(caller.kind === 'user' ? `${operation}\n${canonicalJson(caller)}\n${requestJson}` : `${operation}\n${requestJson}`);
    const run = this.db.transaction((): ExecuteResult => {
      const now = this.clock().toISOString();
      const first = this.stmt.callGet.get(idempotencyKey);
      if (first) {
        if (first.request_hash !== requestHash) {
          return { kind: 'key-reused', firstOperation: first.operation, firstReceivedAt: first.received_at };
        }
        this.stmt.callReplayed.run(now, idempotencyKey);
        return { kind: 'answer', status: first.status, body: first.answer, replayed: true, outcome: first.outcome };
      }
      let effect: Effect;
      let outcome = 'done';
      try {
        // A nested transaction is a savepoint: a refusal undoes whatever the step wrote.
        effect = this.db.transaction(() => this.apply(operation, request, new Date(now), caller))();
        effect = { status: effect.status, body: (operations[operation] as OperationDefinition).response.parse(effect.body) };
      } catch (error) {
        if (!(error instanceof RefusalError)) throw error;
        if (error instanceof WrongAccessCode) this.stmt.accessFailureInsert.run(error.grn, now);
        outcome = error.code;
        effect = { status: refusalCodes[error.code].status, body: Refusal.parse({ code: error.code, reason: error.reason }) };
      }
      const body = JSON.stringify(effect.body);
      const r = request as { mrn?: string; grn?: string };
      // The record keeps the request with its access codes masked: the hash above already tells a retry from another call.
      const recorded = canonicalJson(withAccessCodesMasked(request));
      this.stmt.callInsert.run(idempotencyKey, operation, r.mrn ?? null, r.grn ?? null, requestHash, recorded, effect.status, outcome, body, now);
      return { kind: 'answer', status: effect.status, body, replayed: false, outcome };
    });
    return run.immediate();
  }

  /** Answers a read; unknown records are 404 refusals. */
  read<K extends ReadOperationName>(operation: K, request: ParsedOperationRequest<K>): Effect {
    try {
      if (operation === 'listEvents') {
        const { after, limit } = request as ParsedOperationRequest<'listEvents'>;
        return { status: 200, body: this.journalPage(after, limit) };
      }
      if (operation === 'getMovement') {
        const { mrn } = request as ParsedOperationRequest<'getMovement'>;
        return { status: 200, body: this.movementRecord(this.movement(mrn)) };
      }
      const { grn, mrn } = request as ParsedOperationRequest<'getGuarantee'>;
      return { status: 200, body: this.guaranteeRecord(this.guarantee(grn), mrn) };
    } catch (error) {
      if (!(error instanceof RefusalError)) throw error;
      return { status: refusalCodes[error.code].status, body: { code: error.code, reason: error.reason } };
    }
  }

  private apply<K extends MutatingOperationName>(operation: K, request: ParsedOperationRequest<K>, now: Date, caller: Caller): Effect {
    const handler = this.handlers[operation] as (request: ParsedOperationRequest<K>, now: Date) => Effect;
    this.caller = caller;
    try {
      if (caller.kind === 'user') this.authorize(operation, request as Record<string, unknown>, caller);
      return handler(request, now);
    } finally {
      this.caller = INTERCONNECTION;
    }
  }

  /**
   * The national system's own rules for its users (Corridor's calls are not bound by them: the
   * other country's officers already applied theirs). Runs inside the call's savepoint, so a
   * refusal is stored under the Idempotency-Key like any other.
   */
  private authorize(operation: MutatingOperationName, req: Record<string, unknown>, user: NationalUser): void {
    const who = user.role === 'officer' ? `officer ${user.sub} of ${user.office}` : `declarant ${user.sub} (TIN ${user.tin})`;
    const notPermitted = (what: string): never => refuse('USER_NOT_PERMITTED', `${who} may not ${what}`);
    const m = typeof req.mrn === 'string' ? this.stmt.movementGet.get(req.mrn) : undefined;
    const ownDeclaration = (what: string) => {
      if (user.role !== 'declarant') notPermitted(`${what}: only the declarant does`);
      if (m && user.role === 'declarant' && m.declarant_tin !== user.tin) notPermitted(`${what} of ${m.mrn}: it was lodged by declarant ${m.declarant_tin}`);
    };
    const atOwnOffice = (office: unknown, what: string) => {
      if (user.role !== 'officer') notPermitted(`${what}: it is an officer's act`);
      if (user.role === 'officer' && office !== user.office) {
        refuse('OFFICER_NOT_AT_OFFICE', `${who} records acts at ${user.office} only, not at ${String(office)}`);
      }
    };
    switch (operation) {
      case 'receiveAar':
        notPermitted('key an AAR: it comes from the country of departure through the interconnection');
        return;
      case 'divert':
      case 'withdrawAar':
        notPermitted('key a diversion: it is decided on the road and comes through the interconnection');
        return;
      case 'receiveExitNotice':
      case 'receiveEntryNotice':
        notPermitted('key a notice of the other country: it comes through the interconnection');
        return;
      case 'receiveIncident':
        notPermitted('key an incident report through this call: it comes through the interconnection');
        return;
      case 'lodgeDeclaration':
      case 'registerDeclaration': {
        if (user.role !== 'declarant') notPermitted('lodge a declaration: declarants lodge their own');
        const tin = operation === 'lodgeDeclaration' ? (req.declaration as { declarant?: { tin?: string } }).declarant?.tin : req.declarantTin;
        if (tin !== (user as { tin: string }).tin) notPermitted(`lodge a declaration in the name of declarant ${String(tin)}`);
        return;
      }
      case 'reserveGuarantee':
        ownDeclaration('reserve the guarantee');
        return;
      case 'amend': {
        ownDeclaration('amend the declaration');
        const tin = (req.declaration as { declarant?: { tin?: string } }).declarant?.tin;
        if (tin !== undefined && tin !== (user as { tin: string }).tin) notPermitted(`hand the declaration over to declarant ${tin}`);
        return;
      }
      case 'cancel':
        // The declarant withdraws their own declaration; the office of departure may invalidate it.
        if (user.role === 'declarant') ownDeclaration('cancel the declaration');
        else if (m) atOwnOffice(departureOfficeOf(m), 'cancel the declaration');
        return;
      case 'releaseGuarantee':
      case 'claimGuarantee':
      case 'writeOff':
        if (user.role !== 'officer')
          notPermitted(`${operation === 'writeOff' ? 'write off the record' : 'release or claim a guarantee'}: it is an officer's act`);
        if (user.role === 'officer' && user.office.slice(0, 2) !== this.country) {
          refuse('OFFICER_NOT_AT_OFFICE', `${who} is not at an office of ${this.country}`);
        }
        return;
      case 'discharge':
        // The officer discharges at their own office; when the call names none, it is theirs.
        if (user.role === 'officer' && req.office === undefined) req.office = user.office;
        atOwnOffice(req.office, 'discharge the movement');
        return;
      case 'recordRelease':
        atOwnOffice(req.office, 'release for transit');
        if (m && req.office !== departureOfficeOf(m)) {
          refuse(
            'OFFICE_NOT_DEPARTURE',
            `release for transit of ${m.mrn} is recorded at its office of departure ${departureOfficeOf(m)}, not at ${String(req.office)}`,
          );
        }
        return;
      default:
        atOwnOffice(req.office, 'record this step');
    }
  }

  /** The office of the caller when an officer keyed the act. */
  private callerOffice(): string | null {
    return this.caller.kind === 'user' && this.caller.role === 'officer' ? this.caller.office : null;
  }

  /**
   * The MRN of a directly lodged declaration, allocated as Corridor's API allocates it. The MRN
   * carries the lodging year: in January a declaration lodged in December keeps last year's.
   */
  private mrnFor(tin: string, lrn: string, now: Date): string {
    const year = now.getUTCFullYear();
    const current = allocateMrn({ tin, lrn, year, departureCountry: this.country });
    if (now.getUTCMonth() !== 0) return current;
    const previous = allocateMrn({ tin, lrn, year: year - 1, departureCountry: this.country });
    return this.stmt.movementGet.get(previous) ? previous : current;
  }

  private readonly handlers: { [K in MutatingOperationName]: (request: ParsedOperationRequest<K>, now: Date) => Effect } = {
    lodgeDeclaration: (req, now) => {
      // The server checked and normalised the declaration (checkDeclaration) before the call.
      const declaration = req.declaration as unknown as CorridorDeclaration;
      const planned = planRoute(declaration.route, this.reference);
      if (!planned.ok) throw new Error('lodgeDeclaration: the declaration was not checked before the call');
      const departureCountry = planned.plan.departureCountry;
      if (departureCountry !== this.country) {
        refuse(
          'MRN_COUNTRY_MISMATCH',
          `the route departs from ${planned.plan.departureOffice.code} in ${departureCountry}; lodge the declaration in that country's system, not ${this.country}'s`,
        );
      }
      const tin = declaration.declarant.tin;
      const lrn = declaration.lrn;
      const mrn = this.mrnFor(tin, lrn, now);
      // The same origin hash as registerDeclaration computes from what Corridor sends.
      const originHash = sha256(canonicalJson({ lrn, declarantTin: tin, declaration }));
      const existing = this.stmt.movementGet.get(mrn);
      if (existing) {
        if (existing.role !== 'DEPARTURE' || existing.origin_hash !== originHash) {
          refuse('MOVEMENT_EXISTS', `LRN ${lrn} of declarant ${tin} is already lodged here as ${existing.reference} (${mrn}) with different content`);
        }
        const r = this.stmt.reservationLatestOfMovement.get(mrn);
        if (!r)
          refuse('MOVEMENT_STATE', `${existing.reference} (${mrn}) is registered and its guarantee not yet reserved; reserve it, or wait for Corridor to`);
        return { status: 200, body: { ...this.ack(existing), lrn, declarantTin: tin, reservation: this.reservation(r) } };
      }
      const row = this.insertMovement(now, {
        mrn,
        role: 'DEPARTURE',
        state: 'REGISTERED',
        lrn,
        declarant_tin: tin,
        departure_country: this.country,
        departure_reference: null,
        declaration: declaration as unknown as Declaration,
        origin_hash: originHash,
        seals: [],
        time_limit: null,
      });
      // Registered and guaranteed in one transaction: a guarantee refusal undoes the registration.
      const r = this.reserve(declaration.guarantee.grn, declaration.guarantee.accessCode, row, declaration as unknown as Declaration, now);
      this.stmt.movementState.run('GUARANTEED', now.toISOString(), mrn);
      const after = this.movement(mrn);
      this.event(mrn, 'lodgeDeclaration', 'GUARANTEED', now, undefined, null, {
        ...this.registration(after),
        guarantee: { grn: r.grn, amountXof: r.amount },
      });
      return { status: 201, body: { ...this.ack(after), lrn, declarantTin: tin, reservation: this.reservation(r) } };
    },

    registerDeclaration: (req, now) => {
      if (req.mrn.slice(2, 4) !== this.country) {
        refuse(
          'MRN_COUNTRY_MISMATCH',
          `MRN ${req.mrn} departs from ${req.mrn.slice(2, 4)}; a declaration registers in its country of departure, not ${this.country}`,
        );
      }
      const originHash = sha256(canonicalJson({ lrn: req.lrn, declarantTin: req.declarantTin, declaration: req.declaration }));
      const existing = this.stmt.movementGet.get(req.mrn);
      if (existing) {
        if (existing.role === 'DEPARTURE' && existing.origin_hash === originHash) return { status: 200, body: this.ack(existing) };
        refuse('MOVEMENT_EXISTS', `MRN ${req.mrn} is already registered here as ${existing.reference} with different content`);
      }
      const row = this.insertMovement(now, {
        mrn: req.mrn,
        role: 'DEPARTURE',
        state: 'REGISTERED',
        lrn: req.lrn,
        declarant_tin: req.declarantTin,
        departure_country: this.country,
        departure_reference: null,
        declaration: req.declaration,
        origin_hash: originHash,
        seals: [],
        time_limit: null,
      });
      this.event(row.mrn, 'registerDeclaration', 'REGISTERED', now, undefined, null, { ...this.registration(row), guarantee: null });
      return { status: 201, body: this.ack(row) };
    },

    receiveAar: (req, now) => {
      const mrnCountry = req.mrn.slice(2, 4);
      if (mrnCountry === this.country || req.departureCountry !== mrnCountry) {
        refuse(
          'MRN_COUNTRY_MISMATCH',
          `an AAR goes from the country of departure to the next countries: MRN ${req.mrn} departs from ${mrnCountry}, the AAR says ${req.departureCountry}, and this is ${this.country}`,
        );
      }
      const originHash = sha256(
        canonicalJson({ lrn: req.lrn, declarantTin: req.declarantTin, declaration: req.declaration, seals: req.seals, timeLimit: req.timeLimit }),
      );
      const existing = this.stmt.movementGet.get(req.mrn);
      if (existing) {
        if (existing.role === 'ARRIVAL' && existing.origin_hash === originHash) return { status: 200, body: this.ack(existing) };
        refuse('MOVEMENT_EXISTS', `MRN ${req.mrn} is already known here as ${existing.reference} with different content`);
      }
      const row = this.insertMovement(now, {
        mrn: req.mrn,
        role: 'ARRIVAL',
        state: 'AAR_RECEIVED',
        lrn: req.lrn,
        declarant_tin: req.declarantTin,
        departure_country: req.departureCountry,
        departure_reference: req.departureReference ?? null,
        declaration: req.declaration,
        origin_hash: originHash,
        seals: req.seals,
        time_limit: req.timeLimit,
      });
      this.event(row.mrn, 'receiveAar', 'AAR_RECEIVED', now, undefined, null, {
        departureCountry: req.departureCountry,
        departureReference: req.departureReference ?? null,
        seals: req.seals,
        timeLimit: req.timeLimit,
      });
      const share = req.guarantee ? this.reserveShare(req.guarantee.grn, row, req.declaration as unknown as Declaration, now) : undefined;
      return { status: 201, body: { ...this.ack(row), ...(share ? { guaranteeShare: share } : {}) } };
    },

    reserveGuarantee: (req, now) => {
      const m = this.movement(req.mrn);
      // Already guaranteed on this guarantee (lodged directly, or the same reservation asked
      // again under another key): answer that reservation rather than reserve twice.
      const open = this.stmt.reservationOpenOfMovement.get(m.mrn);
      if (open && open.grn === req.grn) {
        if (!sameSecret(req.accessCode, this.guarantee(req.grn).access_code)) {
          throw new WrongAccessCode(req.grn, `no guarantee ${req.grn} accepts this access code in the ${this.country} system`);
        }
        return { status: 200, body: this.guaranteeOperation(open, m) };
      }
      this.requireState(m, 'reserveGuarantee');
      const declaration = JSON.parse(m.declaration) as Declaration;
      const reservation = this.reserve(req.grn, req.accessCode, m, declaration, now);
      const after = this.transition(m, 'reserveGuarantee', 'GUARANTEED', now, undefined, null, {
        grn: req.grn,
        amountXof: reservation.amount,
      });
      return { status: 201, body: this.guaranteeOperation(reservation, after) };
    },

    releaseGuarantee: (req, now) => {
      const r = this.openReservation(req.grn, req.mrn, 'release');
      this.stmt.reservationClose.run('RELEASED', now.toISOString(), req.reason ?? null, r.id);
      this.stmt.guaranteeAdjust.run(-r.amount, 0, r.grn);
      const m = this.movement(req.mrn);
      // Without its guarantee, a movement not yet released for transit is back to registered.
      const after = this.transition(m, 'releaseGuarantee', m.state === 'GUARANTEED' ? 'REGISTERED' : m.state, now, undefined, this.callerOffice(), {
        grn: r.grn,
        amountXof: r.amount,
        reason: req.reason ?? null,
      });
      return { status: 200, body: this.guaranteeOperation(this.stmt.reservationGet.get(r.id)!, after) };
    },

    claimGuarantee: (req, now) => {
      const r = this.openReservation(req.grn, req.mrn, 'claim');
      this.stmt.reservationClose.run('CLAIMED', now.toISOString(), req.reason, r.id);
      // The penalty comes on top of the duties and taxes, from what the guarantee still has available.
      const g = this.guarantee(r.grn);
      const penalty = Math.min(req.penaltyXof ?? 0, g.reference_amount - g.reserved - g.claimed);
      this.stmt.guaranteeAdjust.run(-r.amount, r.amount + penalty, r.grn);
      const m = this.movement(req.mrn);
      const after = this.transition(m, 'claimGuarantee', m.state, now, undefined, this.callerOffice(), {
        grn: r.grn,
        amountXof: r.amount,
        penaltyXof: penalty,
        reason: req.reason,
      });
      return { status: 200, body: this.guaranteeOperation(this.stmt.reservationGet.get(r.id)!, after) };
    },

    recordRelease: (req, now) => {
      const m = this.movement(req.mrn);
      this.requireOffice(req.office);
      this.requireState(m, 'recordRelease');
      this.stmt.movementRelease.run(JSON.stringify(req.seals), req.timeLimit, m.mrn);
      const after = this.transition(m, 'recordRelease', 'RELEASED', now, req.at, req.office, {
        seals: req.seals,
        timeLimit: req.timeLimit,
        controlResult: req.controlResult,
      });
      return { status: 200, body: this.ack(after) };
    },

    recordBorderArrival: (req, now) => this.officeStep('recordBorderArrival', req, now, 'AT_BORDER', fallbackOf(req)),
    confirmExit: (req, now) => this.officeStep('confirmExit', req, now, 'EXITED', { sealsIntact: req.sealsIntact, ...fallbackOf(req) }),
    acceptEntry: (req, now) => this.officeStep('acceptEntry', req, now, 'ENTERED', { sealsIntact: req.sealsIntact, ...fallbackOf(req) }),
    receiveExitNotice: (req, now) => this.notice('receiveExitNotice', req, now),
    receiveEntryNotice: (req, now) => this.notice('receiveEntryNotice', req, now),
    receiveIncident: (req, now) => {
      const m = this.movement(req.mrn);
      this.requireState(m, 'receiveIncident');
      if (req.newSeals.length > 0 || req.newVehicle || req.newTrailer) {
        // A transhipment: the record now describes the truck and seals the next office will see.
        const declaration = JSON.parse(m.declaration) as { transport?: Record<string, unknown> };
        const transport = { ...(declaration.transport ?? {}) };
        if (req.newVehicle) Object.assign(transport, { registration: req.newVehicle.registration, nationality: req.newVehicle.nationality });
        if (req.newTrailer) transport.trailer = { registration: req.newTrailer.registration };
        const seals = req.newSeals.length > 0 ? req.newSeals : (JSON.parse(m.seals) as string[]);
        this.stmt.movementTranshipped.run(JSON.stringify(seals), JSON.stringify({ ...declaration, transport }), m.mrn);
      }
      const { mrn: _mrn, ...report } = req;
      const after = this.transition(m, 'receiveIncident', m.state, now, undefined, req.office, report);
      return { status: 200, body: this.ack(after) };
    },
    recordArrival: (req, now) => this.officeStep('recordArrival', req, now, 'ARRIVED', { sealsIntact: req.sealsIntact, ...fallbackOf(req) }),
    recordControlResults: (req, now) =>
      this.officeStep('recordControlResults', req, now, req.controlResult === 'SATISFACTORY' ? 'CONTROLLED' : 'HELD', {
        controlResult: req.controlResult,
        sealsIntact: req.sealsIntact,
        discrepancies: req.discrepancies,
      }),
    discharge: (req, now) => {
      const m = this.movement(req.mrn);
      if (req.office) this.requireOffice(req.office);
      this.requireState(m, req.alternativeProof ? 'dischargeOnAlternativeProof' : 'discharge');
      const data = req.alternativeProof ? { alternativeProof: req.alternativeProof } : {};
      // Discharged here: this country's share of the guarantee, if it holds one, is given back.
      const share = this.releaseShare(m, now, 'discharged');
      const after = this.transition(m, 'discharge', 'DISCHARGED', now, undefined, req.office ?? null, data);
      return { status: 200, body: { ...this.ack(after), ...(share ? { guaranteeShare: share } : {}) } };
    },

    writeOff: (req, now) => {
      const m = this.movement(req.mrn);
      this.requireState(m, 'writeOff');
      return { status: 200, body: this.ack(this.transition(m, 'writeOff', 'WRITTEN_OFF', now, undefined, this.callerOffice(), {})) };
    },

    cancel: (req, now) => {
      const m = this.movement(req.mrn);
      this.requireState(m, 'cancel');
      const open = this.stmt.reservationOpenOfMovement.get(m.mrn);
      if (open) {
        this.stmt.reservationClose.run('RELEASED', now.toISOString(), `declaration cancelled: ${req.reason}`, open.id);
        this.stmt.guaranteeAdjust.run(-open.amount, 0, open.grn);
      }
      const after = this.transition(m, 'cancel', 'CANCELLED', now, undefined, this.callerOffice(), {
        reason: req.reason,
        released: open ? { grn: open.grn, amountXof: open.amount } : null,
      });
      return { status: 200, body: this.ack(after) };
    },

    amend: (req, now) => {
      const m = this.movement(req.mrn);
      this.requireState(m, 'amend');
      const version = m.version + 1;
      let replaced: { grn: string; amountXof: number } | null = null;
      if (m.state === 'GUARANTEED') {
        // The amount at risk follows the declaration: give back the old reservation and
        // reserve again on the amended guarantee. A refusal undoes both (savepoint).
        const open = this.stmt.reservationOpenOfMovement.get(m.mrn);
        if (open) {
          this.stmt.reservationClose.run('RELEASED', now.toISOString(), `replaced by amendment (version ${version})`, open.id);
          this.stmt.guaranteeAdjust.run(-open.amount, 0, open.grn);
        }
        const r = this.reserve(req.declaration.guarantee.grn, req.declaration.guarantee.accessCode, m, req.declaration, now);
        replaced = { grn: r.grn, amountXof: r.amount };
      }
      this.stmt.movementAmend.run(JSON.stringify(masked(req.declaration)), now.toISOString(), m.mrn);
      const after = this.transition(this.movement(m.mrn), 'amend', m.state, now, undefined, null, { version, reservation: replaced });
      return { status: 200, body: { ...this.ack(after), reservation: replaced } };
    },
    divert: (req, now) => {
      const m = this.movement(req.mrn);
      this.requireState(m, 'divert');
      const declaration = JSON.parse(m.declaration) as Record<string, unknown>;
      const same = JSON.stringify(declaration.route) === JSON.stringify(req.route) && (req.timeLimit === null || req.timeLimit === m.time_limit);
      if (same) return { status: 200, body: this.ack(m) };
      this.stmt.movementDivert.run(JSON.stringify({ ...declaration, route: req.route }), req.timeLimit, now.toISOString(), m.mrn);
      const after = this.transition(this.movement(m.mrn), 'divert', m.state, now, req.at, null, {
        office: req.office,
        route: req.route,
        reason: req.reason,
        timeLimit: req.timeLimit,
      });
      return { status: 200, body: this.ack(after) };
    },

    withdrawAar: (req, now) => {
      const m = this.movement(req.mrn);
      this.requireState(m, 'withdrawAar');
      if (m.state === 'CANCELLED') return { status: 200, body: this.ack(m) };
      // The truck will not enter: this country's share of the guarantee is given back with the record.
      const share = this.releaseShare(m, now, `AAR withdrawn: ${req.reason}`);
      const after = this.transition(m, 'withdrawAar', 'CANCELLED', now, undefined, null, {
        reason: req.reason,
        released: share ? { grn: share.grn, amountXof: share.amountXof } : null,
      });
      return { status: 200, body: { ...this.ack(after), ...(share ? { guaranteeShare: share } : {}) } };
    },
  };

  // -------------------------------------------------------------------------------------
  // Rules

  private officeStep<K extends 'recordBorderArrival' | 'confirmExit' | 'acceptEntry' | 'recordArrival' | 'recordControlResults'>(
    operation: K,
    req: { mrn: string; office: string; at?: string | undefined },
    now: Date,
    to: MovementState,
    data: Record<string, unknown>,
  ): Effect {
    const m = this.movement(req.mrn);
    this.requireOffice(req.office);
    this.requireState(m, operation);
    return { status: 200, body: this.ack(this.transition(m, operation, to, now, req.at, req.office, data)) };
  }

  /**
   * A notice of the other country's act: recorded and published. The entry notice may write off
   * this country's leg (the goods left its territory) and give back its share of the guarantee.
   */
  private notice(
    operation: 'receiveExitNotice' | 'receiveEntryNotice',
    req: { mrn: string; country: string; office: string; sealsIntact: boolean; recordedAt: string; writeOffLeg?: boolean },
    now: Date,
  ): Effect {
    const m = this.movement(req.mrn);
    this.requireState(m, operation);
    const writeOff = req.writeOffLeg === true && m.state !== 'WRITTEN_OFF';
    const share = writeOff ? this.releaseShare(m, now, `leg written off: entry accepted in ${req.country} at ${req.office}`) : undefined;
    const data = {
      country: req.country,
      office: req.office,
      sealsIntact: req.sealsIntact,
      recordedAt: req.recordedAt,
      ...(writeOff ? { writtenOff: true, released: share ? { grn: share.grn, amountXof: share.amountXof } : null } : {}),
    };
    const after = this.transition(m, operation, writeOff ? 'WRITTEN_OFF' : m.state, now, undefined, null, data);
    return { status: 200, body: { ...this.ack(after), ...(share ? { guaranteeShare: share } : {}) } };
  }

  /** Reserves this country's share of the movement's guarantee on an AAR; a refusal leaves the AAR received. */
  private reserveShare(grn: string, m: MovementRow, declaration: Declaration, now: Date): GuaranteeShare {
    try {
      const r = this.db.transaction(() => this.reserve(grn, null, m, declaration, now))();
      this.event(m.mrn, 'reserveGuarantee', m.state, now, undefined, null, { grn, amountXof: r.amount, share: true });
      return { grn, status: 'RESERVED', amountXof: r.amount, code: null, reason: null };
    } catch (error) {
      if (!(error instanceof RefusalError)) throw error;
      return { grn, status: 'REFUSED', amountXof: null, code: error.code, reason: error.reason };
    }
  }

  /** Gives back this country's open share of the movement's guarantee, if it holds one. */
  private releaseShare(m: MovementRow, now: Date, reason: string): GuaranteeShare | undefined {
    const open = this.stmt.reservationOpenOfMovement.get(m.mrn);
    if (!open) return undefined;
    this.stmt.reservationClose.run('RELEASED', now.toISOString(), reason, open.id);
    this.stmt.guaranteeAdjust.run(-open.amount, 0, open.grn);
    this.event(m.mrn, 'releaseGuarantee', m.state, now, undefined, null, { grn: open.grn, amountXof: open.amount, reason, share: true });
    return { grn: open.grn, status: 'RELEASED', amountXof: open.amount, code: null, reason: null };
  }

  private movement(mrn: string): MovementRow {
    return this.stmt.movementGet.get(mrn) ?? refuse('MOVEMENT_UNKNOWN', `no record of MRN ${mrn} in the ${this.country} system`);
  }

  private guarantee(grn: string): GuaranteeRow {
    return this.stmt.guaranteeGet.get(grn) ?? refuse('GUARANTEE_UNKNOWN', `no guarantee ${grn} in the ${this.country} system`);
  }

  private requireOffice(office: string): void {
    if (office.slice(0, 2) !== this.country) {
      refuse('OFFICE_NOT_NATIONAL', `office ${office} is not an office of ${this.country}; record the step in its own country's system`);
    }
  }

  private requireState(m: MovementRow, operation: keyof typeof stepRules): void {
    const rule: StepRule = stepRules[operation];
    const allowed = rule[m.role];
    if (allowed?.includes(m.state)) return;
    const expected = Object.entries(rule)
      .map(([role, states]) => `${role === 'DEPARTURE' ? 'a departure record' : 'a record received by AAR'} in ${states.join(' or ')}`)
      .join(', or ');
    refuse(
      'MOVEMENT_STATE',
      `${operation === 'dischargeOnAlternativeProof' ? 'discharge' : operation} is not possible: ${m.reference} (${m.mrn}) is ${m.role === 'DEPARTURE' ? 'a departure record' : 'a record received by AAR'} in state ${m.state}; it needs ${expected}`,
    );
  }

  private openReservation(grn: string, mrn: string, verb: 'release' | 'claim'): ReservationRow {
    this.guarantee(grn);
    const r = this.stmt.reservationOn.get(grn, mrn) ?? refuse('RESERVATION_UNKNOWN', `movement ${mrn} has no reservation on guarantee ${grn}`);
    if (r.status !== 'RESERVED') {
      refuse('RESERVATION_CLOSED', `cannot ${verb}: the reservation of ${mrn} on ${grn} was already ${r.status.toLowerCase()} at ${r.closed_at}`);
    }
    return r;
  }

  /**
   * Checks the guarantee and reserves on it this country's amount at risk of the declaration,
   * from its own tariff. `accessCode` null: the interconnection vouches for a guarantee whose
   * code the departure country already checked (the share reserved on an AAR).
   */
  private reserve(grn: string, accessCode: string | null, m: MovementRow, declaration: Declaration, now: Date): ReservationRow {
    // A wrong code and an unknown guarantee answer alike: a guess learns nothing of whose it is.
    const notUsable = `no guarantee ${grn} accepts this access code in the ${this.country} system`;
    const g = this.stmt.guaranteeGet.get(grn);
    if (accessCode !== null) {
      const since = new Date(now.getTime() - LOCK_WINDOW_MS).toISOString();
      const failures = g ? this.stmt.accessFailuresSince.all(grn, since) : [];
      if (failures.length >= LOCK_ATTEMPTS) {
        const until = new Date(Date.parse(failures[failures.length - LOCK_ATTEMPTS]!.at) + LOCK_WINDOW_MS).toISOString();
        refuse('GUARANTEE_LOCKED', `guarantee ${grn} is locked after ${LOCK_ATTEMPTS} wrong access codes; it accepts reservations again at ${until}`);
      }
      if (!g) refuse('GUARANTEE_UNKNOWN', notUsable);
      if (!sameSecret(accessCode, g.access_code)) throw new WrongAccessCode(grn, notUsable);
    }
    if (!g) refuse('GUARANTEE_UNKNOWN', `no guarantee ${grn} in the ${this.country} system`);
    const today = now.toISOString().slice(0, 10);
    if (today > g.expires_on) refuse('GUARANTEE_EXPIRED', `guarantee ${grn} expired on ${g.expires_on}`);
    const principalTin = declaration.principal?.tin;
    if (g.principal_tin !== null && principalTin !== g.principal_tin) {
      refuse('GUARANTEE_PRINCIPAL_MISMATCH', `guarantee ${grn} covers its own principal only, not ${principalTin ?? 'an unnamed principal'}`);
    }
    const atRisk = tariffAmountAtRisk(this.reference.tariffs[this.country], declaration.goodsItems);
    const amount = atRisk.totalXof;
    const available = g.reference_amount - g.reserved - g.claimed;
    if (amount > available) {
      refuse(
        'GUARANTEE_INSUFFICIENT',
        `the amount at risk in ${this.country} ${formatXof(amount)} (duties and taxes on a customs value of ${formatXof(atRisk.customsValueXof)}) exceeds the ${formatXof(available)} available on guarantee ${grn}`,
      );
    }
    const ratePercent = atRisk.customsValueXof > 0 ? Math.round((amount * 10_000) / atRisk.customsValueXof) / 100 : 0;
    const { lastInsertRowid } = this.stmt.reservationInsert.run(grn, m.mrn, amount, atRisk.customsValueXof, ratePercent, now.toISOString());
    this.stmt.guaranteeAdjust.run(amount, 0, grn);
    return this.stmt.reservationGet.get(Number(lastInsertRowid))!;
  }

  private insertMovement(
    now: Date,
    fields: Omit<MovementRow, 'reference' | 'declaration' | 'seals' | 'version' | 'created_at' | 'updated_at'> & {
      declaration: Declaration;
      seals: string[];
    },
  ): MovementRow {
    const year = now.getUTCFullYear();
    const n = this.stmt.counterNext.get(`${this.country}-${year}`)!.value;
    const reference = `${this.country}-${year}-${String(n).padStart(6, '0')}`;
    this.stmt.movementInsert.run({
      ...fields,
      reference,
      declaration: JSON.stringify(masked(fields.declaration)),
      seals: JSON.stringify(fields.seals),
      now: now.toISOString(),
    });
    return this.stmt.movementGet.get(fields.mrn)!;
  }

  private transition(
    m: MovementRow,
    operation: MutatingOperationName,
    to: MovementState,
    now: Date,
    at: string | undefined,
    office: string | null,
    data: Record<string, unknown>,
  ): MovementRow {
    this.stmt.movementState.run(to, now.toISOString(), m.mrn);
    this.event(m.mrn, operation, to, now, at, office, data);
    return this.stmt.movementGet.get(m.mrn)!;
  }

  /**
   * Publishes the act in the journal, inside the call's transaction: the act and its event are
   * committed together or not at all. Who keyed it comes from the caller of the call.
   */
  private event(
    mrn: string,
    operation: MutatingOperationName,
    state: MovementState,
    now: Date,
    at: string | undefined,
    office: string | null,
    data: Record<string, unknown>,
  ): void {
    const recordedAt = now.toISOString();
    const occurredAt = at ? new Date(at).toISOString() : recordedAt;
    const user = this.caller.kind === 'user' ? this.caller : undefined;
    this.stmt.journalInsert.run({
      mrn,
      type: journalEventOf[operation as keyof typeof journalEventOf],
      operation,
      state,
      office,
      officer: user?.sub ?? null,
      source: user ? 'officer' : 'interconnection',
      at: recordedAt,
      occurred_at: occurredAt,
      data: JSON.stringify(at ? { ...data, occurredAt } : data),
    });
  }

  private journalEvent(row: JournalRow): JournalEvent {
    return {
      sequence: row.sequence,
      id: journalEventId(this.country, row.sequence),
      type: row.type,
      mrn: row.mrn,
      office: row.office,
      officer: row.officer,
      at: row.at,
      source: row.source,
      state: row.state,
      data: JSON.parse(row.data) as Record<string, unknown>,
    };
  }

  private journalPage(after: number, limit: number): JournalPage {
    const rows = this.stmt.journalAfter.all(after, limit);
    return {
      events: rows.map((row) => this.journalEvent(row)),
      lastSequence: rows.at(-1)?.sequence ?? after,
      headSequence: this.stmt.journalHead.get()!.head,
    };
  }

  /** The newest sequence of the journal (0 when empty). */
  journalHead(): number {
    return this.stmt.journalHead.get()!.head;
  }

  /**
   * Checks a directly lodged declaration as Corridor's API checks it, every field at fault at
   * once; the normalised declaration is what is stored and hashed, so that Corridor registering
   * the same declaration later (it sends the normalised form) finds the same content.
   */
  checkDeclaration(input: unknown): ReturnType<typeof validateDeclaration> {
    return validateDeclaration(input, this.reference);
  }

  // -------------------------------------------------------------------------------------
  // Answers

  /** What a DECLARATION_REGISTERED event carries: enough for Corridor to start the movement without asking again. */
  private registration(m: MovementRow): Record<string, unknown> {
    return { reference: m.reference, lrn: m.lrn, declarantTin: m.declarant_tin, declaration: JSON.parse(m.declaration) as unknown };
  }

  private ack(m: MovementRow): MovementAck {
    return { mrn: m.mrn, reference: m.reference, country: this.country, role: m.role, state: m.state };
  }

  private reservation(r: ReservationRow): Reservation {
    return {
      grn: r.grn,
      mrn: r.mrn,
      amountXof: r.amount,
      declaredValueXof: r.declared_value,
      ratePercent: r.rate_percent,
      status: r.status,
      reservedAt: r.reserved_at,
      closedAt: r.closed_at,
      reason: r.reason,
    };
  }

  private balance(g: GuaranteeRow): GuaranteeBalance {
    return {
      grn: g.grn,
      guarantor: { id: g.guarantor_id, name: g.guarantor_name },
      principalTin: g.principal_tin,
      referenceAmountXof: g.reference_amount,
      reservedXof: g.reserved,
      claimedXof: g.claimed,
      availableXof: g.reference_amount - g.reserved - g.claimed,
      expiresOn: g.expires_on,
      expired: this.clock().toISOString().slice(0, 10) > g.expires_on,
    };
  }

  private guaranteeOperation(r: ReservationRow, m: MovementRow): GuaranteeOperation {
    return {
      mrn: r.mrn,
      grn: r.grn,
      amountXof: r.amount,
      reservation: this.reservation(r),
      guarantee: this.balance(this.guarantee(r.grn)),
      movement: this.ack(m),
    };
  }

  private guaranteeRecord(g: GuaranteeRow, mrn: string | undefined): Guarantee {
    const counts = { reserved: 0, released: 0, claimed: 0 };
    for (const { status, n } of this.stmt.reservationCounts.all(g.grn)) {
      counts[status.toLowerCase() as keyof typeof counts] = n;
    }
    const rows = mrn ? this.stmt.reservationsOfMovement.all(g.grn, mrn) : this.stmt.reservationsOpen.all(g.grn);
    return { ...this.balance(g), reservationCounts: counts, reservations: rows.map((r) => this.reservation(r)) };
  }

  private movementRecord(m: MovementRow): Movement {
    const r = this.stmt.reservationLatestOfMovement.get(m.mrn);
    return {
      ...this.ack(m),
      lrn: m.lrn,
      declarantTin: m.declarant_tin,
      departureCountry: m.departure_country,
      departureReference: m.role === 'DEPARTURE' ? m.reference : m.departure_reference,
      declaration: JSON.parse(m.declaration) as Declaration,
      version: m.version,
      seals: JSON.parse(m.seals) as string[],
      timeLimit: m.time_limit,
      guarantee: r ? { grn: r.grn, amountAtRiskXof: r.amount, status: r.status } : null,
      createdAt: m.created_at,
      updatedAt: m.updated_at,
      events: this.stmt.journalOfMovement.all(m.mrn).map((e, i) => ({
        seq: i + 1,
        operation: e.operation,
        state: e.state,
        at: e.occurred_at,
        recordedAt: e.at,
        office: e.office,
        source: e.source,
        officer: e.officer,
        sequence: e.sequence,
        data: JSON.parse(e.data) as Record<string, unknown>,
      })),
    };
  }

  // -------------------------------------------------------------------------------------
  // Inspection (admin endpoints)

  listCalls(filter: { mrn?: string | undefined; grn?: string | undefined; operation?: string | undefined } = {}): CallRecord[] {
    return this.stmt.callList.all({ mrn: filter.mrn ?? null, grn: filter.grn ?? null, operation: filter.operation ?? null }).map((c) => ({
      seq: c.seq,
      idempotencyKey: c.idempotency_key,
      operation: c.operation,
      mrn: c.mrn,
      grn: c.grn,
      status: c.status,
      outcome: c.outcome,
      receivedAt: c.received_at,
      replays: c.replays,
      lastReplayedAt: c.last_replayed_at,
      // Masked again on the way out: stores written before masking keep codes in clear.
      request: withAccessCodesMasked(JSON.parse(c.request) as unknown),
      answer: JSON.parse(c.answer) as unknown,
    }));
  }

  listMovements(filter: { state?: string | undefined; role?: string | undefined } = {}): Array<MovementAck & { updatedAt: string }> {
    return this.stmt.movementList.all({ state: filter.state ?? null, role: filter.role ?? null }).map((m) => ({ ...this.ack(m), updatedAt: m.updated_at }));
  }

  listGuarantees(): GuaranteeBalance[] {
    return this.stmt.guaranteeAll.all().map((g) => this.balance(g));
  }
}

/** The first office of the declaration's route: where the movement departs from. */
function departureOfficeOf(m: MovementRow): string | undefined {
  return (JSON.parse(m.declaration) as { route?: string[] }).route?.[0];
}

/** Globally unique and stable: the country's code and the sequence, e.g. TG-000000000123. */
export function journalEventId(country: NationalCountry, sequence: number): string {
  return `${country}-${String(sequence).padStart(12, '0')}`;
}

/**
 * Stores made before the journal kept each movement's history in an `events` table. Its rows
 * move into the journal once, in the order they were recorded, as Corridor's acts (no user
 * could call the system then), and the old table goes, so that history is read from one place.
 */
function migrateHistoryToJournal(db: Database.Database): void {
  const old = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
  if (!old) return;
  db.transaction(() => {
    const rows = db
      .prepare<[], { mrn: string; operation: string; state: string; at: string; recorded_at: string; office: string | null; data: string }>(
        'SELECT * FROM events ORDER BY recorded_at, mrn, seq',
      )
      .all();
    const insert = db.prepare(
      `INSERT INTO journal (mrn, type, operation, state, office, officer, source, at, occurred_at, data)
       VALUES (?, ?, ?, ?, ?, NULL, 'interconnection', ?, ?, ?)`,
    );
    for (const e of rows) {
      const type = journalEventOf[e.operation as keyof typeof journalEventOf];
      if (type) insert.run(e.mrn, type, e.operation, e.state, e.office, e.recorded_at, e.at, e.data);
    }
    db.exec('DROP TABLE events');
  })();
}

/** The access code is a secret: records keep the GRN and mask the code. */
function masked(declaration: Declaration): Declaration {
  return { ...declaration, guarantee: { ...declaration.guarantee, accessCode: MASKED } };
}

/**
 * Every `accessCode` in a call's request (the reservation's, a declaration's guarantee's)
 * masked, as Corridor masks a declaration it keeps (src/client/transits.ts maskedAccessCode):
 * whoever reads the call records must not learn the secret that reserves a guarantee.
 */
export function withAccessCodesMasked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withAccessCodesMasked);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'accessCode' && typeof v === 'string' ? MASKED : withAccessCodesMasked(v)]));
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function formatXof(amount: number): string {
  return `${amount.toLocaleString('en-US')} XOF`;
}
