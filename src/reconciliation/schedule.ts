// The reconciliation's Temporal Schedule, created (or brought up to date) when the transits worker
// starts; an on-demand run; and the last report, read back from Temporal so the API needs no disk
// shared with the worker.
import { type Client, ScheduleAlreadyRunning, type ScheduleOptionsAction, type ScheduleSpec } from '@temporalio/client';
import type { Config } from '../config/env.ts';
import type { reconciliation, ReconciliationInput } from '../../workflows/reconciliation.ts';
import type { ReconciliationReport } from './report.ts';

type ScheduleConfig = Pick<Config, 'taskQueues' | 'reconciliation'>;

/** One schedule per transits queue (the bench's stacks each have their own prefix). */
export function reconciliationScheduleId(config: { taskQueues: Pick<Config['taskQueues'], 'transits'> }): string {
  return `${config.taskQueues.transits}-reconciliation`;
}

function inputOf(config: ScheduleConfig, closedWithinDays: number): ReconciliationInput {
  return { closedWithinDays, graceMs: config.reconciliation.graceMs, queues: config.taskQueues.national };
}

/** The note Corridor writes on the schedule when its configuration pauses it. */
export const PAUSED_BY_CONFIGURATION = 'paused: CORRIDOR_RECONCILIATION_EVERY_MINUTES=0';

/**
 * Creates the schedule, or brings its interval, pause and window up to this configuration: a
 * second worker starting finds it and changes nothing. Runs never overlap (SKIP): an hour's run
 * still going when the next is due lets that one pass. A pause an operator made (any other note
 * than the configuration's) is theirs: a worker starting keeps it, so a restart or a deployment
 * does not start the runs they stopped; only the configuration's own pause is lifted by it.
 */
export async function ensureReconciliationSchedule(
  client: Client,
  config: ScheduleConfig,
  onOperatorPause: (note: string) => void = () => {},
): Promise<'created' | 'updated' | 'unchanged'> {
  const scheduleId = reconciliationScheduleId(config);
  const { everyMinutes, closedWithinDays } = config.reconciliation;
  const paused = everyMinutes === 0;
  // Paused, the schedule keeps the hourly interval it would resume with.
  const everyMs = (paused ? 60 : everyMinutes) * 60_000;
  const spec: ScheduleSpec = { intervals: [{ every: everyMs }] };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: 'reconciliation',
    workflowId: `${scheduleId}-run`,
    taskQueue: config.taskQueues.transits,
    args: [inputOf(config, closedWithinDays)],
  };
  const note = paused ? PAUSED_BY_CONFIGURATION : '';
  try {
    await client.schedule.create<typeof reconciliation>({
      scheduleId,
      spec,
      action: action as never,
      policies: { overlap: 'SKIP', catchupWindow: '10 minutes' },
      state: { paused, note },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(scheduleId);
  const described = await handle.describe();
  const every = Number(described.spec.intervals?.[0]?.every);
  const args = described.action.type === 'startWorkflow' ? (described.action.args?.[0] as Partial<ReconciliationInput> | undefined) : undefined;
  const byOperator = !paused && described.state.paused && described.state.note !== PAUSED_BY_CONFIGURATION;
  if (byOperator) onOperatorPause(described.state.note ?? '');
  const state = byOperator ? described.state : { paused, note };
  const same =
    every === everyMs &&
    described.state.paused === state.paused &&
    args?.closedWithinDays === closedWithinDays &&
    args?.graceMs === config.reconciliation.graceMs &&
    JSON.stringify(args?.queues) === JSON.stringify(config.taskQueues.national);
  if (same) return 'unchanged';
  await handle.update((previous) => ({ ...previous, spec, action: action as never, state: { ...previous.state, paused: state.paused, note: state.note } }));
  return 'updated';
}

/** The schedule's interval in minutes and whether it is paused, as Temporal holds it; undefined when it does not exist. */
export async function describeReconciliationSchedule(client: Client, config: Pick<Config, 'taskQueues'>) {
  try {
    const described = await client.schedule.getHandle(reconciliationScheduleId(config)).describe();
    return {
      everyMinutes: Number(described.spec.intervals?.[0]?.every) / 60_000,
      paused: described.state.paused,
      nextRunAt: described.info.nextActionTimes[0]?.toISOString(),
    };
  } catch (error) {
    if ((error as Error).name === 'ScheduleNotFoundError') return undefined;
    throw error;
  }
}

/**
 * A run now, with its own window: one workflow id for every on-demand run, so two operators
 * asking at once share one run (USE_EXISTING) instead of carrying the same acts twice.
 */
export async function reconcileNow(client: Client, config: ScheduleConfig, closedWithinDays: number): Promise<ReconciliationReport> {
  const handle = await client.workflow.start<typeof reconciliation>('reconciliation', {
    workflowId: `${reconciliationScheduleId(config)}-on-demand`,
    taskQueue: config.taskQueues.transits,
    args: [inputOf(config, closedWithinDays)],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return handle.result();
}

/** The report of the reconciliation run (scheduled or on demand) that completed last; undefined when none has. */
export async function lastReconciliation(client: Client, config: Pick<Config, 'taskQueues'>): Promise<ReconciliationReport | undefined> {
  const query = `WorkflowType = 'reconciliation' AND TaskQueue = '${config.taskQueues.transits}' AND ExecutionStatus = 'Completed'`;
  let last: { workflowId: string; runId: string; closedAt: number } | undefined;
  // Visibility answers newest first: the first few runs hold the latest close (an on-demand run may
  // close after a scheduled one that started later).
  let seen = 0;
  for await (const run of client.workflow.list({ query, pageSize: 10 })) {
    const closedAt = run.closeTime?.getTime() ?? 0;
    if (!last || closedAt > last.closedAt) last = { workflowId: run.workflowId, runId: run.runId, closedAt };
    if (++seen >= 10) break;
  }
  if (!last) return undefined;
  return client.workflow.getHandle<typeof reconciliation>(last.workflowId, last.runId).result();
}
