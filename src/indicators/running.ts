// The movements in flight, as visibility lists them: one list for every reader of the console,
// refreshed at most every few seconds however many pages poll, so the overview, the desks and
// the metrics cost the dev server's visibility (100 requests/s) a handful of calls a minute.
//
// A list takes time in proportion to the movements in flight: on an idle dev server 10,000 in
// 7.9 s (5.1 s of its CPU), 40,000 in 14-17 s; under a 100,000 run's load, 60,833 in 185 s
// (2026-11-30). Asked every few seconds by the console, or every 30 s by the indicators' pass,
// it would list without pause at that size. So a list is the answer for at least PACE times as
// long as it took to take: listing never holds visibility more than a fifth of the time,
// whatever the number in flight, and the list is as fresh as that allows.
import type { Client } from '@temporalio/client';
import type { TransitStatus } from '../../workflows/model.ts';
import { forEachExecution, quote, transitFields, type ExecutionInfo } from '../temporal/visibility.ts';

export interface RunningTransit {
  mrn: string;
  runId: string;
  status: TransitStatus;
  departureOffice: string;
  destinationOffice: string;
  currentOffice: string;
  declarant: string;
  vehicle: string;
  routeOffices: string[];
  overdue: boolean;
  escalationLevel: number;
  nextDeadline?: string;
  lodgedAt?: string;
}

export interface Snapshot {
  /** When visibility answered (ms since the epoch). */
  at: number;
  items: RunningTransit[];
}

/** How many times as long as a list took to take it stays the answer: visibility lists at most 1/(PACE+1) of the time. */
export const PACE = 4;

/**
 * A stale list is waited for only if the last one took at most this long. A longer one is worth
 * no page's wait: after a 100,000 run's parking (2026-11-30) a desk, opened while the indicators'
 * pass was taking a stale list again, waited 84 s for it; the last list, its time shown, does.
 */
export const WAIT_FOR_LIST_AT_MOST_MS = 2_000;

/** Visits every execution a visibility query lists (forEachExecution's shape; a test gives a slow one). */
export type Lister = (query: string, visit: (execution: ExecutionInfo) => void) => Promise<void>;

export class RunningTransits {
  private last: Snapshot | undefined;
  private pending: Promise<Snapshot> | undefined;
  /** The list being taken was asked while the last one was not stale, or slow to take again: readers keep the last one until it comes. */
  private loadingInBackground = false;
  /** How long the last list took, in ms. */
  private tookMs = 0;
  private readonly list: Lister;
  private readonly now: () => number;

  constructor(
    client: Client,
    namespace: string,
    /** Only this deployment's movements: several deployments may share one namespace. */
    private readonly taskQueue: string,
    private readonly maxAgeMs = 3_000,
    private readonly staleAfterMs = 10_000,
    /** A test's visibility and clock; default the client's, and the wall clock. */
    seams: { list?: Lister; now?: () => number } = {},
  ) {
    this.list = seams.list ?? ((query, visit) => forEachExecution(client, namespace, query, visit));
    this.now = seams.now ?? Date.now;
  }

  /**
   * The latest list. Younger than maxAgeMs (or PACE times what it took, if longer), it is the
   * answer; older but not stale (as much again past staleAfterMs), or stale but slow to take
   * again (WAIT_FOR_LIST_AT_MOST_MS), it is still the answer while a new one is fetched in the
   * background, and stays so until that one comes, so no page waits on visibility except the
   * very first, or for a stale list quick to take. Concurrent callers share one visibility call.
   */
  async get(): Promise<Snapshot> {
    const age = this.last ? this.now() - this.last.at : Infinity;
    const paced = Math.max(0, PACE * this.tookMs - this.maxAgeMs);
    if (age < this.maxAgeMs + paced) return this.last!;
    // A list already being taken in the background keeps readers on the last one however long it
    // takes: it grows with the movements in flight (a go-live's 73,000 took minutes under load,
    // 2026-11-30), and a page waiting on it would wait just as long for nothing fresher.
    if (!this.pending) {
      this.loadingInBackground = age < this.staleAfterMs + paced || (this.last !== undefined && this.tookMs > WAIT_FOR_LIST_AT_MOST_MS);
      this.pending = this.load().finally(() => {
        this.pending = undefined;
      });
    }
    const loading = this.pending;
    if (this.loadingInBackground) {
      loading.catch(() => undefined);
      return this.last!;
    }
    return loading;
  }

  private async load(): Promise<Snapshot> {
    const items: RunningTransit[] = [];
    const query = `WorkflowType = 'transit' AND ExecutionStatus = 'Running' AND TaskQueue = ${quote(this.taskQueue)}`;
    const startedAt = this.now();
    await this.list(query, (execution) => {
      const item = toRunning(execution);
      if (item) items.push(item);
    });
    const at = this.now();
    this.tookMs = at - startedAt;
    this.last = { at, items };
    return this.last;
  }
}

function toRunning(execution: ExecutionInfo): RunningTransit | undefined {
  const fields = transitFields(execution);
  const { mrn, nextDeadline, lodgedAt } = fields;
  const status = fields.status as TransitStatus | undefined;
  if (!mrn || !status) return undefined;
  return {
    mrn,
    runId: fields.runId,
    status,
    departureOffice: fields.departureOffice ?? '',
    destinationOffice: fields.destinationOffice ?? '',
    currentOffice: fields.currentOffice ?? '',
    declarant: fields.declarant ?? '',
    vehicle: fields.vehicle ?? '',
    routeOffices: fields.routeOffices,
    overdue: fields.overdue,
    escalationLevel: fields.escalationLevel,
    ...(nextDeadline ? { nextDeadline } : {}),
    ...(lodgedAt ? { lodgedAt } : {}),
  };
}
