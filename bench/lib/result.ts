// The figures a run keeps, per target: what the table prints, the chart draws and the JSON
// file holds. Raw measurements go in; per-lifecycle figures come out.
import { percentile } from '../../src/simulation/simulate.ts';
import type { RigRun } from '../phases/throughput.ts';
import type { LatencyRun, ActionLatency } from '../phases/latency.ts';
import type { ActAnatomy } from './act-anatomy.ts';
import type { CapacityRun } from '../phases/capacity.ts';
import type { ReconciliationRun, ReconciliationSchedule } from './reconciliation-runs.ts';
import type { ForwardingRun } from '../phases/forwarding.ts';
import type { ScalePoint } from '../phases/scale.ts';
import type { ForwardingFigure, ForwardingSample } from './forwarding.ts';
import type { OpenLoopWindow } from './open-loop.ts';
import type { HistoryCount } from './history.ts';
import type { Machine } from './machine.ts';
import type { ServerProfile } from './server-profile.ts';
import { byLabel, histogram, total, type Scrape } from './prometheus.ts';

export interface SdkFigures {
  /** Workflow tasks the worker completed, per lifecycle. */
  workflowTasks: number;
  workflowTaskMs: number;
  workflowTaskScheduleToStartMs: number;
  activityTasks: number;
  activityMs: number;
  activityScheduleToStartMs: number;
  /** Every call the worker made to the server (polls included), per lifecycle, by operation. */
  requests: Record<string, number>;
  stickyCacheMisses: number;
}

export interface FloorResult {
  count: number;
  failed: number;
  seconds: number;
  lifecyclesPerSecond: number;
  cpuSecondsPerLifecycle: Record<string, number | undefined>;
  /** CPU of the benchmark's processes over the run, in cores (2 = both cores of a two-core machine busy). */
  machineBusy: number;
  /** CPU every other process on the machine took meanwhile, in cores: the noise a shared machine adds. */
  neighbourCores: number;
  sdk: SdkFigures;
  history: HistoryCount | undefined;
  /** Processes restarted during the run: their CPU, the neighbours' and (the worker's) SDK figures are unknown. */
  restarted?: string[];
}

export interface CorridorResult extends FloorResult {
  meanLifecycleSeconds: number;
  p50LifecycleSeconds: number;
  p95LifecycleSeconds: number;
  /** Mean HTTP round trip per act, as the simulator saw it. */
  meanActMs: Record<string, number>;
  failures: string[];
  logLinesPerLifecycle: Record<string, number>;
}

/** An open-loop run: R lifecycles started per second for D seconds. */
export interface OpenLoopResult {
  rate: number;
  seconds: number;
  started: number;
  completed: number;
  failed: number;
  failures: string[];
  cpuShare: Record<string, number | undefined>;
}

export interface LatencyResult extends OpenLoopResult {
  actions: ActionLatency[];
  /** Officers' acts split into stages from the movements' histories (runs since 2026-11-29). */
  anatomy?: ActAnatomy;
  /**
   * The workers' own timings over the run (every task, not only the acts'): a workflow task's time
   * in the worker, beside the stage that also counts its way to and from the server.
   */
  sdk?: Pick<SdkFigures, 'workflowTaskMs' | 'workflowTaskScheduleToStartMs' | 'activityMs' | 'activityScheduleToStartMs'>;
}

export interface ForwardingResult extends OpenLoopResult {
  /** Acts paired with what the other system received, per pair of the table in bench/lib/forwarding.ts, then over all. */
  pairs: ForwardingFigure[];
  /** Discharged movements whose departure write-off was not in the journal when it was read. */
  missingWriteOffs: number;
  /** The slowest forwards, with their MRN: where to look (the movement's history, the logs of --keep). */
  slowest: ForwardingSample[];
}

export interface CapacityResult {
  parked: number;
  failed: number;
  failures: string[];
  parkSeconds: number;
  parkedPerSecond: number;
  overdueWanted: number;
  overdueSeen: number;
  overdueAfterSeconds: number | undefined;
  rssBeforeMiB: Record<string, number | undefined>;
  rssAfterMiB: Record<string, number | undefined>;
  /** (after − before) / parked, per process. */
  kibPerParked: Record<string, number | undefined>;
  listOverdue: CapacityRun['list'];
  countOverdueMs: number;
  desk?: CapacityRun['desk'];
  whileParking?: CapacityRun['whileParking'];
  looksFailed?: string[];
  valuesScaledBy: number;
  via: 'api' | 'journal';
  /** Times the worker exited by itself (its stall watch) and was started again during the phase. */
  workerRestarts: number;
  /** The large run: the movements the departure country's journal carried in (the overdue cohort aside). */
  journal?: { parked: number; seconds: number; parkedPerSecond: number; recordSeconds: number; slowestRate: number; peakRssMiB: Record<string, number> };
  /** --reconcile-runs: the reconciliation runs timed once the movements were parked, in order. */
  reconciliation?: ReconciliationRun[];
}

export interface TargetResult {
  id: string;
  label: string;
  server: { version?: string; cli?: string; persistence: string };
  floor?: FloorResult;
  corridor?: CorridorResult;
  /** Corridor's lifecycles per second over the floor's. */
  ratio?: number;
  /** Where the floor's history differs from a Corridor lifecycle's in the events that make its shape; empty: same shape. */
  shapeDifferences?: string[];
  latency?: LatencyResult;
  /** The national path: acts recorded in the national systems, carried by the journal consumers. */
  national?: CorridorResult;
  /** Temporal's floor of the national path's shape (signals from a consumer instead of updates from the API). */
  nationalFloor?: FloorResult;
  /** The national path's lifecycles per second over its own floor's. */
  nationalRatio?: number;
  nationalShapeDifferences?: string[];
  /** The national floor with its signals paced as the officers' acts reach Corridor (--paced-national-floor, bench/floor/shape.ts pacedAsOfficers). */
  nationalPacedFloor?: FloorResult;
  /** The national path's lifecycles per second over the paced floor's. */
  nationalPacedRatio?: number;
  nationalPacedShapeDifferences?: string[];
  /** Forwarding latency on the national path: act recorded in one system → the other system holds what it needs. */
  forwarding?: ForwardingResult;
  /** Cost as work grows: each path at 1, 10, 40 and 100 lifecycles at a time. */
  scale?: ScalePoint[];
  capacity?: CapacityResult;
  /** Where the server's CPU went while each rig ran (--server-profile), by the rig's name: 'corridor', 'floor', 'national', 'national-floor'. */
  serverProfile?: Record<string, ServerProfile>;
  /** The stack's hourly reconciliation schedule as the server held it once the stack was up (paused unless --hourly-reconciliation). */
  reconciliationSchedule?: ReconciliationSchedule;
  /** Floors of other shapes or clients (--compare), measured in the same rounds. */
  variants?: (FloorResult & { name: string; shape: string; wait: string; ratioToFloor: number | undefined })[];
}

export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  seconds: number;
  machine: Machine & { loadAverageAtEnd?: number[] };
  git: { commit: string; dirty: boolean } | undefined;
  options: Record<string, unknown>;
  targets: TargetResult[];
}

const round = (value: number, digits = 2) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : Number.NaN);

function perLifecycle(cpu: Record<string, number | undefined>, n: number): Record<string, number | undefined> {
  return Object.fromEntries(Object.entries(ours(cpu)).map(([name, seconds]) => [name, seconds === undefined ? undefined : round(seconds / n, 4)]));
}

/** The benchmark's own processes, without the neighbours. */
function ours(cpu: Record<string, number | undefined>): Record<string, number | undefined> {
  const { others: _, ...rest } = cpu;
  return rest;
}

function busy(cpu: Record<string, number | undefined>, seconds: number): number {
  const sum = Object.values(ours(cpu)).reduce<number>((a, b) => a + (b ?? 0), 0);
  return round(sum / seconds, 2);
}

export function sdkFigures(metrics: Scrape | undefined, n: number): SdkFigures {
  const wft = histogram(metrics, 'temporal_workflow_task_execution_latency');
  const wftQueue = histogram(metrics, 'temporal_workflow_task_schedule_to_start_latency');
  const act = histogram(metrics, 'temporal_activity_execution_latency');
  const actQueue = histogram(metrics, 'temporal_activity_schedule_to_start_latency');
  const requests = byLabel(metrics, 'temporal_request', 'operation');
  const long = byLabel(metrics, 'temporal_long_request', 'operation');
  const all: Record<string, number> = {};
  for (const [op, count] of [...Object.entries(requests), ...Object.entries(long)]) all[op] = round((all[op] ?? 0) + count / n, 2);
  return {
    workflowTasks: round(wft.count / n),
    workflowTaskMs: round(wft.mean),
    workflowTaskScheduleToStartMs: round(wftQueue.mean),
    activityTasks: round(act.count / n),
    activityMs: round(act.mean),
    activityScheduleToStartMs: round(actQueue.mean),
    requests: all,
    stickyCacheMisses: round(total(metrics, 'temporal_sticky_cache_miss') / n),
  };
}

export function summariseFloor(run: RigRun): FloorResult {
  const { batch } = run;
  const n = batch.done;
  return {
    count: n + batch.failed.length,
    failed: batch.failed.length,
    seconds: round(run.seconds, 1),
    lifecyclesPerSecond: round(n / run.seconds),
    cpuSecondsPerLifecycle: perLifecycle(run.cpu, n),
    machineBusy: busy(run.cpu, run.seconds),
    neighbourCores: round((run.cpu.others ?? Number.NaN) / run.seconds),
    sdk: sdkFigures(run.metrics, n),
    history: run.history,
    ...(run.restarted.length > 0 ? { restarted: run.restarted } : {}),
  };
}

export function summariseCorridor(run: RigRun, linesBefore: Record<string, number>, linesAfter: Record<string, number>): CorridorResult {
  const { batch } = run;
  const n = batch.done;
  const totals = batch.lifecycleMs.map((ms) => ms / 1000);
  const acts = new Map<string, number[]>();
  for (const o of batch.outcomes ?? []) {
    acts.set('lodge', [...(acts.get('lodge') ?? []), o.lodgeMs]);
    for (const s of o.steps) acts.set(s.action, [...(acts.get(s.action) ?? []), s.ms]);
  }
  return {
    ...summariseFloor(run),
    failures: batch.failed.slice(0, 5).map((f) => f.slice(0, 300)),
    meanLifecycleSeconds: round(totals.reduce((a, b) => a + b, 0) / Math.max(1, n)),
    p50LifecycleSeconds: round(percentile(totals, 50)),
    p95LifecycleSeconds: round(percentile(totals, 95)),
    meanActMs: Object.fromEntries([...acts].map(([action, ms]) => [action, round(ms.reduce((a, b) => a + b, 0) / ms.length, 1)])),
    logLinesPerLifecycle: Object.fromEntries(
      Object.entries(linesAfter).map(([name, lines]) => [name, round((lines - (linesBefore[name] ?? 0)) / Math.max(1, n), 1)]),
    ),
  };
}

/** What an open-loop run (latency, forwarding) reports whatever it measures. */
function openLoopSummary(run: { window: OpenLoopWindow; rate: number; started: number }): OpenLoopResult {
  const { window } = run;
  return {
    rate: run.rate,
    seconds: round(window.seconds, 1),
    started: run.started,
    completed: window.result.outcomes.length,
    failed: window.result.failures.length,
    failures: window.result.failures.slice(0, 5).map((f) => f.slice(0, 300)),
    cpuShare: Object.fromEntries(Object.entries(window.cpu).map(([name, s]) => [name, s === undefined ? undefined : round(s / window.seconds, 3)])),
  };
}

const roundedPercentiles = <T extends { p50: number; p95: number; p99: number; max: number }>(a: T): T => ({
  ...a,
  p50: round(a.p50, 1),
  p95: round(a.p95, 1),
  p99: round(a.p99, 1),
  max: round(a.max, 1),
});

export function summariseLatency(run: LatencyRun): LatencyResult {
  const metrics = run.window.metrics;
  const sdk = metrics ? sdkFigures(metrics, Math.max(1, run.window.result.outcomes.length)) : undefined;
  return {
    ...openLoopSummary(run),
    actions: run.actions.map(roundedPercentiles),
    ...(run.anatomy ? { anatomy: run.anatomy } : {}),
    ...(sdk
      ? {
          sdk: {
            workflowTaskMs: sdk.workflowTaskMs,
            workflowTaskScheduleToStartMs: sdk.workflowTaskScheduleToStartMs,
            activityMs: sdk.activityMs,
            activityScheduleToStartMs: sdk.activityScheduleToStartMs,
          },
        }
      : {}),
  };
}

export function summariseForwarding(run: ForwardingRun): ForwardingResult {
  const writtenOff = new Set(run.writtenOff);
  return {
    ...openLoopSummary(run),
    pairs: run.figures.map(roundedPercentiles),
    missingWriteOffs: run.window.result.outcomes.filter((o) => !writtenOff.has(o.mrn)).length,
    slowest: [...run.samples].sort((a, b) => b.ms - a.ms).slice(0, 3),
  };
}

export function summariseScale(points: ScalePoint[]): ScalePoint[] {
  const figures = (x: { count: number; p50: number; p99: number }) => ({ count: x.count, p50: round(x.p50, 1), p99: round(x.p99, 1) });
  return points.map((p) => ({
    ...p,
    seconds: round(p.seconds, 1),
    lifecyclesPerSecond: round(p.lifecyclesPerSecond),
    act: figures(p.act),
    ...(p.forwarding ? { forwarding: figures(p.forwarding) } : {}),
    lifecycleP50Seconds: round(p.lifecycleP50Seconds),
    neighbourCores: round(p.neighbourCores),
  }));
}

const roundedList = (list: CapacityRun['list']): CapacityRun['list'] => ({ ...list, ms: round(list.ms, 1) });

export function summariseCapacity(run: CapacityRun): CapacityResult {
  const mib = (bytes: number | undefined) => (bytes === undefined ? undefined : round(bytes / 2 ** 20, 1));
  const names = Object.keys(run.rssAfter);
  return {
    parked: run.parked,
    failed: run.failures.length,
    failures: run.failures.slice(0, 5).map((f) => f.slice(0, 300)),
    parkSeconds: round(run.park.seconds, 1),
    parkedPerSecond: round(run.parked / run.park.seconds),
    overdueWanted: run.overdueWanted,
    overdueSeen: run.overdueSeen,
    overdueAfterSeconds: run.overdueAfterSeconds,
    rssBeforeMiB: Object.fromEntries(names.map((n) => [n, mib(run.rssBefore[n]?.rssBytes)])),
    rssAfterMiB: Object.fromEntries(names.map((n) => [n, mib(run.rssAfter[n]?.rssBytes)])),
    kibPerParked: Object.fromEntries(
      names.map((n) => {
        const before = run.rssBefore[n]?.rssBytes;
        const after = run.rssAfter[n]?.rssBytes;
        return [n, before === undefined || after === undefined || run.parked === 0 ? undefined : round((after - before) / 1024 / run.parked, 2)];
      }),
    ),
    listOverdue: roundedList(run.list),
    countOverdueMs: round(run.countMs, 1),
    ...(run.desk ? { desk: run.desk } : {}),
    ...(run.whileParking ? { whileParking: run.whileParking.map((look) => ({ ...look, list: roundedList(look.list) })) } : {}),
    ...(run.looksFailed ? { looksFailed: run.looksFailed.map((f) => f.slice(0, 300)) } : {}),
    valuesScaledBy: run.valuesScaledBy,
    via: run.via,
    workerRestarts: run.workerRestarts ?? 0,
    ...(run.journal
      ? {
          journal: {
            parked: run.journal.parked,
            seconds: round(run.journal.seconds, 1),
            parkedPerSecond: round(run.journal.parked / run.journal.seconds, 1),
            recordSeconds: round(run.journal.recordSeconds, 1),
            slowestRate: round(run.journal.slowestRate, 1),
            peakRssMiB: run.journal.peakRssMiB,
          },
        }
      : {}),
  };
}

const SHAPE_EVENTS = [
  'ACTIVITY_TASK_SCHEDULED',
  'WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
  'WORKFLOW_EXECUTION_SIGNALED',
  'TIMER_STARTED',
  'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
  'WORKFLOW_TASK_COMPLETED',
];

/**
 * On the national path the events come as the officers record them, and one workflow task
 * takes as many as have arrived: how many tasks a lifecycle needs, and how often a timer is
 * re-armed inside one, changes from one lifecycle to the next (3 to 4 timers, 8 to 10 tasks
 * seen on a quiet machine). So do its upserts since baseline 2: the release, the exit and the
 * entry are listed before their forward, in their own task, and the upserts of one task are
 * merged, so a lifecycle writes one upsert fewer each time two acts land in one task (5 or 6 in
 * two samples of the same code, 2026-11-29). Its shape is the part that does not change: the
 * events it carries and the activities it runs. Tasks, timers and upserts per lifecycle are
 * printed beside it (history events per lifecycle).
 */
const SIGNALLED_SHAPE_EVENTS = ['ACTIVITY_TASK_SCHEDULED', 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED', 'WORKFLOW_EXECUTION_SIGNALED'];

/** The floor is only a floor if it has its path's shape: the events that make a shape, counted in both. */
export function shapeDifferences(
  path: HistoryCount | undefined,
  floor: HistoryCount | undefined,
  name: 'Corridor' | 'national path' = 'Corridor',
): string[] | undefined {
  if (!path || !floor) return undefined;
  const events = name === 'national path' ? SIGNALLED_SHAPE_EVENTS : SHAPE_EVENTS;
  return events
    .filter((type) => (path.byType[type] ?? 0) !== (floor.byType[type] ?? 0))
    .map((type) => `${type}: ${name} ${path.byType[type] ?? 0}, floor ${floor.byType[type] ?? 0}`);
}
