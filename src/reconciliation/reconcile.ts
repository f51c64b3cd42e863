// One reconciliation run: for every open movement and every movement closed in the last N days,
// each national system's record (GET /v1/movements/:mrn, with Corridor's credential) against
// Corridor's state (the workflow's `state` query), and the differences in French and English.
// A system that cannot be read is named as unreachable, not counted as a difference per movement.
//
// `reconcileCountry` is one country's part, run next to that country's system (the scheduled
// `reconciliation` workflow runs it as an activity on the country's queue); given a way to carry
// a national event to its movement, it settles the acts the system holds and Corridor missed.
// `reconcile` runs both parts in this process, reading only (the two-site tests' check).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../config/env.ts';
import { corridorCountries, type CountryCode } from '../domain/countries.ts';
import type { Movement } from '../national/contract.ts';
import { NationalRefusal, type NationalSystemClient } from '../national/client.ts';
import { queryState } from '../temporal/state-query.ts';
import type { NationalEvent, TransitState } from '../../workflows/model.ts';
import { compareRecord, countriesHolding, unappliedActs, type Difference } from './compare.ts';
import { type ComparisonMemory, recordDigest } from './memory.ts';
import { type CountryReconciliation, mergeReport, type ReconciliationReport, type ReportedDifference, settledWords, waiting } from './report.ts';

export type { ReconciliationReport } from './report.ts';

export interface ReconcileDeps {
  client: Client;
  config: Pick<Config, 'taskQueues'>;
  systems: Record<CountryCode, NationalSystemClient>;
  logger: Logger;
}

export interface ReconcileOptions {
  /** These movements only (a test's); default every open one and every one closed in the last `closedWithinDays`. */
  mrns?: string[];
  closedWithinDays?: number;
  graceMs?: number;
  now?: () => Date;
}

const DAY_MS = 86_400_000;
/** Movements read at once: each costs one query to the worker and one read per system. */
const AT_ONCE = 8;
/** How long a settled act may take to show in the movement's state before it counts as not settled. */
const SETTLE_WAIT_MS = 10_000;

/**
 * While a run lists its movements. Listing is not quick at scale: with 44,000 to 79,000 in flight on
 * the dev server, its list calls took 5 to 34 s each (median 12.6; bench --large, 2026-11-30), minutes in all.
 */
export interface Listing {
  /** After each movement listed: the part's activity heartbeats from it, so it is not timed out meanwhile. */
  onListed?: (listed: number) => void;
  /** Aborted (the attempt timed out or was cancelled): the listing stops, rejecting with the reason. */
  signal?: AbortSignal;
}

/** The movements a run compares: every transit running, and every one closed since `closedWithinDays` before `now`. */
export async function movementsToCompare(
  client: Client,
  config: Pick<Config, 'taskQueues'>,
  closedWithinDays: number,
  now: Date,
  listing: Listing = {},
): Promise<string[]> {
  const since = new Date(now.getTime() - closedWithinDays * DAY_MS).toISOString();
  const query = `WorkflowType = 'transit' AND TaskQueue = '${config.taskQueues.transits}' AND (ExecutionStatus = 'Running' OR CloseTime > '${since}')`;
  return mrnsOf(client.workflow.list({ query }), listing);
}

/** The MRNs of listed executions, sorted: a part's retried attempt lists them again and finds its place by MRN. */
export async function mrnsOf(executions: AsyncIterable<{ workflowId: string }>, { onListed, signal }: Listing = {}): Promise<string[]> {
  const mrns: string[] = [];
  for await (const execution of executions) {
    signal?.throwIfAborted();
    mrns.push(execution.workflowId);
    onListed?.(mrns.length);
  }
  return mrns.sort();
}

export interface CountryReconcileDeps {
  country: CountryCode;
  system: NationalSystemClient;
  /** Corridor's state of a movement (the workflow's query). */
  state: (mrn: string) => Promise<TransitState>;
  /**
   * Carries an act of this system's journal to its movement, the way the journal consumer does
   * (the movement knows each event id, so one it already applied is applied once); false when no
   * running movement has the MRN. Absent: the run reads and reports only.
   */
  deliver?: (event: NationalEvent) => Promise<boolean>;
  /**
   * Spares the movements unchanged on both sides since their last clean comparison (./memory.ts);
   * `historyLength` reads Corridor's side from the server, without the worker. Absent: every
   * movement's state is read.
   */
  memory?: { store: ComparisonMemory; historyLength: (mrn: string) => Promise<number> };
  logger: Logger;
}

export interface CountryReconcileOptions {
  now: Date;
  graceMs: number;
  /** Where an earlier attempt of this part got to (its last heartbeat): those movements are not read again. */
  resume?: CountryProgress | undefined;
  /** Told each time the movements compared so far, in this part's order, grow. */
  progress?: (progress: CountryProgress) => void;
  /** Aborted (the attempt timed out or was cancelled): no further movement is read. */
  signal?: AbortSignal;
}

/**
 * A part's progress: the first `done` movements of its order are compared, with what they gave.
 * With 54,000 movements in flight a part took longer than its 30 minutes and started again from
 * the top, the first attempt still running beside the second (bench --large, 2026-11-29 05:30).
 */
export interface CountryProgress {
  done: number;
  /** The movement this part started at, and the last of the unbroken run done. */
  first?: string | undefined;
  last?: string | undefined;
  pending: number;
  differences: ReportedDifference[];
  unreachable?: string | undefined;
  /** Of the movements done, those not read again: unchanged since their last clean comparison. */
  unchanged?: number | undefined;
}

/** One country's system against Corridor's state of each movement, settling what its own journal can. */
export async function reconcileCountry(deps: CountryReconcileDeps, mrns: readonly string[], options: CountryReconcileOptions): Promise<CountryReconciliation> {
  const { country, system, logger } = deps;
  const { now, graceMs } = options;
  const part: CountryReconciliation = { country, pending: options.resume?.pending ?? 0, differences: [...(options.resume?.differences ?? [])] };
  if (options.resume?.unreachable !== undefined) part.unreachable = options.resume.unreachable;

  const read = async (mrn: string): Promise<Movement | undefined | 'unreachable'> => {
    if (part.unreachable !== undefined) return 'unreachable';
    try {
      return await system.getMovement({ mrn });
    } catch (error) {
      if (error instanceof NationalRefusal && error.code === 'MOVEMENT_UNKNOWN') return undefined;
      part.unreachable = error instanceof Error ? error.message : String(error);
      return 'unreachable';
    }
  };

  type Outcome = { pending: number; differences: ReportedDifference[]; unchanged?: boolean };
  const one = async (mrn: string): Promise<Outcome> => {
    const nothing = { pending: 0, differences: [] };
    const memory = deps.memory;
    // Corridor's side as the server has it now, and what the last clean comparison saw.
    const historyLength = memory ? await memory.historyLength(mrn).catch(() => undefined) : undefined;
    const last = historyLength === undefined ? undefined : memory?.store.recall(mrn);
    let record: Movement | undefined | 'unreachable' | null = null;
    if (last && last.historyLength === historyLength) {
      // Not this country's movement then, and Corridor's state has not moved since: not now either.
      if (last.national === null) return { ...nothing, unchanged: true };
      record = await read(mrn);
      if (record === 'unreachable') return nothing;
      if (record && recordDigest(record) === last.national) return { ...nothing, unchanged: true };
    }
    let state: TransitState;
    try {
      state = await deps.state(mrn);
    } catch (error) {
      logger.warn({ mrn, err: error }, 'reconciliation: movement state unreadable');
      return nothing;
    }
    if (!countriesHolding(state).includes(country)) {
      if (historyLength !== undefined) memory?.store.remember(mrn, { historyLength, national: null });
      return nothing;
    }
    if (record === null) record = await read(mrn);
    if (record === 'unreachable') return nothing;
    const compared = compareRecord(state, country, record, now, graceMs);
    // Only an agreement with nothing in transit is remembered; anything else is read in full next run.
    if (record && historyLength !== undefined && compared.differences.length === 0 && compared.pending === 0)
      memory?.store.remember(mrn, { historyLength, national: recordDigest(record) });
    else memory?.store.forget(mrn);
    const reported =
      record && deps.deliver && compared.differences.some((d) => d.kind === 'ACT_MISSING')
        ? await settle(deps, state, record, compared.differences, options)
        : compared.differences.map(waiting);
    for (const d of reported) logger.warn({ mrn, country, kind: d.kind, settled: d.settled }, `${d.words.en} (${d.settlement.en})`);
    return { pending: compared.pending, differences: reported };
  };

  // Each country starts at its own share of the list, so the two countries' parts, which run at
  // the same time (in two processes when each country has its own worker), do not ask the same
  // movement's state at the same moment: two queries at once of a movement the workflow worker
  // no longer caches stall it (src/temporal/state-query.ts). An hourly run with 70,000 in flight,
  // both parts from the top of one list, did (bench --large, 2026-11-29 03:03).
  const { resume } = options;
  const share = Math.floor((mrns.length * Math.max(0, corridorCountries.indexOf(country))) / corridorCountries.length);
  // A resumed attempt may have listed the movements again (sorted, so in the same order, give or
  // take those started or aged out since): it starts where the first attempt started, and goes on
  // after the last movement it had done.
  const start = resume?.first === undefined ? share : placeOf(mrns, resume.first);
  const order = [...mrns.slice(start), ...mrns.slice(0, start)];
  const after = resume?.last === undefined ? -1 : order.indexOf(resume.last);
  // Movements are read several at once and finish out of order: what is reported as done is the
  // unbroken run from the start, so a resumed attempt reads each movement once.
  let done = after >= 0 ? after + 1 : Math.min(resume?.done ?? 0, order.length);
  let next = done;
  const finished = new Map<number, Outcome>();
  let unchanged = options.resume?.unchanged ?? 0;
  const advance = () => {
    const from = done;
    for (let result = finished.get(done); result !== undefined; result = finished.get(done)) {
      finished.delete(done);
      part.pending += result.pending;
      part.differences.push(...result.differences);
      if (result.unchanged) unchanged++;
      done++;
    }
    if (done > from)
      options.progress?.({
        done,
        first: order[0],
        last: order[done - 1],
        pending: part.pending,
        differences: part.differences,
        unreachable: part.unreachable,
        unchanged,
      });
  };
  await Promise.all(
    Array.from({ length: AT_ONCE }, async () => {
      while (next < order.length && !options.signal?.aborted) {
        const position = next++;
        finished.set(position, await one(order[position]!));
        advance();
      }
    }),
  );
  // Reported in the list's order, whichever country started where.
  const position = new Map(mrns.map((mrn, i) => [mrn, i]));
  part.differences.sort((a, b) => (position.get(a.mrn) ?? 0) - (position.get(b.mrn) ?? 0));
  if (deps.memory) part.unchanged = unchanged;
  // Movements compared before the system stopped answering are kept; the rest are not counted against it.
  return part;
}

/** Where `mrn` is in the list, or where it would be in a sorted one (it has closed and gone since). */
function placeOf(mrns: readonly string[], mrn: string): number {
  const exact = mrns.indexOf(mrn);
  if (exact >= 0) return exact;
  // None later: the list wraps round to its top.
  return Math.max(
    0,
    mrns.findIndex((m) => m > mrn),
  );
}

/**
 * Carries the officers' acts this system holds and Corridor missed, each read back from the
 * system's journal (its event id is the movement's dedupe key), then compares again: the
 * differences gone are settled, the others wait for a supervisor.
 */
async function settle(
  deps: CountryReconcileDeps,
  state: TransitState,
  record: Movement,
  found: Difference[],
  options: CountryReconcileOptions,
): Promise<ReportedDifference[]> {
  const { country, system, logger } = deps;
  const deliver = deps.deliver;
  if (!deliver) return found.map(waiting);
  const carried: string[] = [];
  // Only what an officer keyed in this system: what Corridor wrote there is not an act to carry back.
  for (const act of unappliedActs(state, country, record).filter((e) => e.source === 'officer')) {
    const page = await system.listEvents({ after: act.sequence - 1, limit: 1 });
    const event = page.events[0];
    if (!event || event.sequence !== act.sequence || event.mrn !== state.mrn) continue;
    if (await deliver({ ...event, country })) carried.push(`${event.type} ${event.id}`);
  }
  if (carried.length === 0) return found.map(waiting);
  logger.info({ mrn: state.mrn, country, carried }, 'reconciliation: acts the national system holds carried to the movement');

  // The movement applies a carried act in a workflow task of its own: wait until its state shows it.
  let after = compareRecord(state, country, record, options.now, options.graceMs);
  const until = Date.now() + SETTLE_WAIT_MS;
  for (;;) {
    const fresh = await deps.state(state.mrn).catch(() => state);
    const again = await system.getMovement({ mrn: state.mrn }).catch(() => record);
    after = compareRecord(fresh, country, again, options.now, options.graceMs);
    if (!after.differences.some((d) => d.kind === 'ACT_MISSING') || Date.now() > until) break;
    await sleep(250);
  }
  const remains = (d: Difference) => after.differences.some((a) => a.kind === d.kind);
  const how = carried.join(', ');
  const reported: ReportedDifference[] = found.map((d) =>
    remains(d) ? waiting(d) : { ...d, settled: true, settlement: settledWords(`acte(s) du journal appliqué(s) (${how})`, `journal act(s) applied (${how})`) },
  );
  // What the carried acts did not mend, or brought to light, waits for a supervisor.
  for (const d of after.differences) if (!found.some((f) => f.kind === d.kind)) reported.push(waiting(d));
  return reported;
}

export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions = {}): Promise<ReconciliationReport> {
  const now = (options.now ?? (() => new Date()))();
  const closedWithinDays = options.closedWithinDays ?? 7;
  const graceMs = options.graceMs ?? 60_000;
  const mrns = options.mrns ?? (await movementsToCompare(deps.client, deps.config, closedWithinDays, now));
  const state = (mrn: string) => queryState(deps.client, mrn);
  const parts = await Promise.all(
    corridorCountries.map((country) => reconcileCountry({ country, system: deps.systems[country], state, logger: deps.logger }, mrns, { now, graceMs })),
  );
  return mergeReport({ at: now.toISOString(), closedWithinDays, movements: mrns.length, parts });
}
