// The movement as the workflow holds it and as the `state` query shows it.
// Plain JSON-serialisable types only: this module is bundled into Temporal's workflow sandbox.
import type { Actor } from '../src/auth/actor.ts';
import type { Declaration, PlannedRoute } from '../src/domain/types.ts';
import type { Words } from '../src/domain/words.ts';
import type { ControlResultValue, IncidentKind } from './acts.ts';

export type { Actor, Declaration, PlannedRoute, Words };

export const transitStatuses = [
  'DECLARED', // lodged; the departure system is registering it and reserving the guarantee
  'ACCEPTED', // registered, guarantee reserved; waiting for release at the office of departure
  'REJECTED', // refused at lodging (e.g. guarantee insufficient); nothing stays reserved
  'RELEASED', // released for transit and on the road: before the border post, and again after entry into the next country
  'AT_BORDER', // arrived at a border post (PCJ), not yet entered into the next country
  'ARRIVED', // arrived at the office of destination or exit; waiting for control results
  'HELD', // control results showed a discrepancy; held until an officer resolves it
  'DISCHARGED', // discharged at destination, written off at departure, guarantee released
  'CANCELLED', // cancelled by the declarant before release; reservation released
  'RECOVERY', // never arrived: the guarantee has been claimed
] as const;
export type TransitStatus = (typeof transitStatuses)[number];

export const terminalStatuses: readonly TransitStatus[] = ['REJECTED', 'DISCHARGED', 'CANCELLED', 'RECOVERY'];

/** Every delay the workflow watches, in milliseconds, so tests run a 72-hour limit in seconds. */
export interface TransitDelays {
  borderDwellTargetMs: number;
  level2AfterMs: number;
  enquiryAfterMs: number;
  recoveryAfterMs: number;
  controlResultsAfterMs: number;
  /** Repeat of an unacknowledged escalation level's notification. */
  reminderEveryMs: number;
  /** How long a deadline's alarm waits for the systems' records before escalating anyway; absent on movements started before it was a setting (2 minutes). */
  catchUpPatienceMs?: number;
}

export interface TransitSettings {
  /** Task queue of each country's national system activities, e.g. { TG: 'national-TG' }. */
  nationalQueues: Record<string, string>;
  /** Task queue of Corridor's own activities (notifications). */
  corridorQueue: string;
  delays: TransitDelays;
  /** Divides route time limits (1 = real hours). */
  timeScale: number;
  /** Penalty added to the duties and taxes claimed in a recovery, in percent of them; absent on movements started before it existed (0). */
  recoveryPenaltyPercent?: number;
  /** Most hours officers' incidents may add to one leg's time limit; absent on movements started before the cap (no cap). */
  incidentExtensionCapHours?: number;
  /**
   * How long one attempt of a national system activity may take before Temporal counts it lost
   * and tries again (its worker killed mid-call, its task lost on the way to the worker); absent on
   * movements started before it existed (one minute).
   */
  nationalAttemptSeconds?: number;
}

/**
 * One act as a national system's journal published it (GET /v1/events), carried to the movement
 * by that country's journal consumer. `id` is unique across systems: the movement applies each
 * id once, whatever the consumer repeats after a crash.
 */
export interface NationalEvent {
  id: string;
  sequence: number;
  /** The system whose journal published it. */
  country: string;
  type: string;
  mrn: string;
  office: string | null;
  /** The user who keyed the act in that system. */
  officer: string | null;
  /** When the act was recorded there: the movement's times are the national system's. */
  at: string;
  source: 'officer' | 'interconnection';
  data: Record<string, unknown>;
}

/** A movement whose declaration was lodged in the departure country's own system, not through Corridor. */
export interface RegisteredIn {
  country: string;
  eventId: string;
  at: string;
  officer: string | null;
  reference?: string | undefined;
  guarantee?: { grn: string; amountXof: number } | undefined;
}

export interface TransitInput {
  mrn: string;
  declaration: Declaration;
  /** Canonical hash of the declaration: the same LRN with other content is a conflict. */
  declarationHash: string;
  route: PlannedRoute;
  lodgedBy: Actor;
  settings: TransitSettings;
  /** Set when the journal of the departure country's system started the movement. */
  registeredIn?: RegisteredIn | undefined;
  /** The lifecycle baseline it started on (./versions.ts); absent on movements started before baselines. */
  baseline?: number;
}

/** Someone or something that acted: an officer, a declarant, a supervisor, or Corridor itself. */
export type ActedBy = Actor | { user: 'corridor'; role: 'system' };

export interface TimelineEvent {
  at: string;
  /** Stable code (RELEASED, BORDER_ARRIVAL, EXIT_CONFIRMED…); the console words it in French or English. */
  what: string;
  by: ActedBy;
  office?: string;
  details?: Record<string, unknown>;
}

export interface OfficeProgress {
  code: string;
  name: string;
  country: string;
  roles: string[];
  /** Deadline to reach this office (time limit of the leg that ends here). */
  plannedBy?: string;
  arrivedAt?: string;
  leftAt?: string;
  late?: boolean;
}

/** An act recorded in Corridor as a fallback act while its national system could not be reached (./fallback.ts). */
export interface FallbackActState {
  act: 'border-arrival' | 'exit' | 'entry' | 'arrival';
  /** The timeline entry the act left (ENTRY_ACCEPTED…). */
  type: string;
  office: string;
  /** The country whose system the act is written into. */
  country: string;
  /** The paper document's number (document de secours). */
  paperNumber: string;
  /** The paper's time: the act's time in Corridor and in the national system. */
  recordedAt: string;
  officer: string;
  /** WAITING for its system; WRITTEN there by Corridor; ALREADY_IN_SYSTEM: the officer keyed it there too, it counts once; REFUSED by the system (supervisors told). */
  state: 'WAITING' | 'WRITTEN' | 'ALREADY_IN_SYSTEM' | 'REFUSED';
  settledAt?: string;
  reason?: string;
}

export interface Crossing {
  post: string;
  exitOffice: string;
  entryOffice: string;
  arrivalAt: string;
  exitAt?: string;
  entryAt?: string;
  dwellSeconds?: number;
  sealsIntact?: boolean;
  /** Set when the truck stayed past the dwell target without entry accepted. */
  alertAt?: string;
}

export interface Incident {
  at: string;
  kind: IncidentKind;
  description: string;
  office: string;
  by: Actor;
  /** The report: where it happened and what the officer saw. */
  place?: string;
  observations?: string;
  newVehicle?: { registration: string; nationality: string };
  newTrailer?: { registration: string };
  newSeals?: string[];
  extendedByHours?: number;
  /** The leg (index in the route plan) the truck was on: the cap on extensions counts per leg. */
  legIndex?: number;
}

export interface ControlResults {
  at: string;
  office: string;
  result: ControlResultValue;
  sealsIntact: boolean;
  discrepancies: string[];
  by: Actor;
  resolvedAt?: string;
  resolution?: string;
}

export interface NotificationRecord {
  id: string;
  at: string;
  kind: string;
  to: string[];
  /** French, then English, in one line: what older clients read. */
  subject: string;
  /** The same words as {code, fr, en}; absent on movements lodged before it was added. */
  message?: Words;
  delivery: 'PENDING' | 'DELIVERED' | 'NOT_CONFIGURED' | 'FAILED';
  deliveredAt?: string;
}

/** One country's share of the one guarantee (caution unique): its own amount at risk, from its own tariff. */
export interface GuaranteeShareState {
  country: string;
  state: 'RESERVED' | 'RELEASED' | 'CLAIMED' | 'REFUSED';
  amountXof?: number;
  /** When it last changed. */
  at: string;
  /** When this country reserved it, and when it was released or claimed: what the indicators chart over time. */
  reservedAt?: string;
  closedAt?: string;
  /** Why it was refused or released. */
  reason?: string;
}

export interface RecoveryState {
  /** The country on whose territory the goods were last known: it recovers, on its share. */
  country: string;
  state: 'PROPOSED' | 'CONFIRMED' | 'WAIVED';
  proposedAt: string;
  /** Duties and taxes: the country's share. */
  amountXof: number;
  penaltyXof: number;
  decidedAt?: string;
  decidedBy?: Actor;
  reason?: string;
}

export interface Escalation {
  /** 0: none; 1: overdue; 2: country supervisor; 3: enquiry. */
  level: number;
  kind?: 'OVERDUE' | 'CONTROL_RESULTS_MISSING';
  overdueSince?: string;
  acknowledgedLevel?: number;
  acknowledgedBy?: Actor;
  lastNotifiedAt?: string;
  enquiryOpenedAt?: string | undefined;
  recoveryAt?: string;
}

export interface TransitState {
  mrn: string;
  lrn: string;
  /** Hash of the declaration as lodged (or last amended): a resubmission is compared with it. */
  declarationHash: string;
  status: TransitStatus;
  reason?: string;
  declaration: {
    declarantTin: string;
    declarantName: string;
    principalTin: string;
    principalName: string;
    vehicle: string;
    trailer?: string;
    containers: string[];
    sealedVehicle: boolean;
    goodsItemCount: number;
    grossMassKg: number;
    valueXof: number;
    /** Each goods item's HS code and customs value: what each country's amount at risk is computed from. Absent on movements lodged before it was kept. */
    goods?: { hsCode: string; valueXof: number }[];
  };
  routeId: string;
  departureCountry: string;
  route: OfficeProgress[];
  /** The legs of the route (road legs with their time limit, border crossings), from the route plan. */
  legs: PlannedRoute['legs'];
  endsWith: PlannedRoute['endsWith'];
  /** Office where the next act is expected (release, border, arrival…). */
  currentOffice: string;
  /** Index in the route plan's legs of the leg the truck is on; -1 before release. */
  legIndex: number;
  /** Time limit of the road leg the truck is on. */
  legDeadline?: string | undefined;
  /** The next moment something is due (leg time limit, border dwell target, control results). */
  nextDeadline?: string | undefined;
  controlResultsDueBy?: string | undefined;
  /**
   * The reservation on the guarantee; RELEASED here is the mainlevée de la caution, not the
   * movement's release. With `shares` (caution unique), each country of the route holds its own
   * share: `state` is then RESERVED while any share is, RELEASED when all are given back.
   */
  guarantee: {
    grn: string;
    amountReservedXof?: number;
    state: 'PENDING' | 'RESERVED' | 'RELEASED' | 'CLAIMED' | 'NONE';
    shares?: GuaranteeShareState[];
  };
  /** The recovery the ladder proposed, and what the country's collector decided. */
  recovery?: RecoveryState;
  /** The record reference each national system gave the movement. */
  nationalReferences: Record<string, string>;
  seals: string[];
  releasedAt?: string;
  crossings: Crossing[];
  arrival?: { at: string; office: string; sealsIntact: boolean; remarks?: string; late: boolean };
  controlResults?: ControlResults;
  exitConfirmedAt?: string;
  dischargedAt?: string;
  incidents: Incident[];
  escalation: Escalation;
  /** Acts recorded as fallback acts (procédure de secours), absent on movements that never had one. */
  fallbackActs?: FallbackActState[];
  notifications: NotificationRecord[];
  timeline: TimelineEvent[];
  /** Bumped on every change, so a reader of the state query can tell whether anything changed since its last read. */
  version: number;
}
