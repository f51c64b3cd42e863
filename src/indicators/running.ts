// The movements in flight, as visibility lists them: one list for every reader of the console,
// refreshed at most every few seconds however many pages poll, so the overview, the desks and
// the metrics cost the dev server's visibility (100 requests/s) a handful of calls a minute.
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

export class RunningTransits {
  private last: Snapshot | undefined;
  private pending: Promise<Snapshot> | undefined;

  constructor(
    private readonly client: Client,
    private readonly namespace: string,
    /** Only this deployment's movements: several deployments may share one namespace. */
    private readonly taskQueue: string,
    private readonly maxAgeMs = 3_000,
    private readonly staleAfterMs = 10_000,
  ) {}

  /**
   * The latest list. Younger than maxAgeMs, it is the answer; older (but not stale), it is still
   * the answer while a new one is fetched in the background, so no page waits on visibility
   * except the very first. Concurrent callers share one visibility call.
   */
  async get(): Promise<Snapshot> {
    const age = this.last ? Date.now() - this.last.at : Infinity;
    if (age < this.maxAgeMs) return this.last!;
    this.pending ??= this.load().finally(() => {
      this.pending = undefined;
    });
    const loading = this.pending;
    if (age < this.staleAfterMs) {
      loading.catch(() => undefined);
      return this.last!;
    }
    return loading;
  }

  private async load(): Promise<Snapshot> {
    const items: RunningTransit[] = [];
    const query = `WorkflowType = 'transit' AND ExecutionStatus = 'Running' AND TaskQueue = ${quote(this.taskQueue)}`;
    await forEachExecution(this.client, this.namespace, query, (execution) => {
      const item = toRunning(execution);
      if (item) items.push(item);
    });
    this.last = { at: Date.now(), items };
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
