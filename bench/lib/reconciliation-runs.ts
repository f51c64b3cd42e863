// The reconciliation's cost with the capacity run's movements in flight: runs one after the other,
// started as the hourly schedule starts them (the schedule's own input), each timed with the CPU
// of every process and the queries the worker answered. The first run compares everything; the
// next ones read again only the movements changed since (src/reconciliation/memory.ts).
import type { Client } from '@temporalio/client';
import type { ReconciliationReport } from '../../src/reconciliation/report.ts';
import { reconciliationScheduleId } from '../../src/reconciliation/schedule.ts';
import type { ReconciliationInput } from '../../workflows/reconciliation.ts';
import { total } from './prometheus.ts';
import { measure, type Probe } from './window.ts';

export interface ReconciliationRun {
  seconds: number;
  movements: number;
  unchanged: Partial<Record<string, number>>;
  differences: number;
  /** State queries the workflow worker answered during the run (each a replay for a movement it no longer caches). */
  queries: number;
  /** CPU seconds per process over the run. */
  cpu: Record<string, number | undefined>;
}

export async function timeReconciliationRuns(args: {
  client: Client;
  transitsQueue: string;
  probe: Probe;
  runs: number;
  log: (line: string) => void;
}): Promise<ReconciliationRun[]> {
  const { client, transitsQueue, probe } = args;
  const described = await client.schedule.getHandle(reconciliationScheduleId({ taskQueues: { transits: transitsQueue } })).describe();
  if (described.action.type !== 'startWorkflow') throw new Error('the reconciliation schedule does not start a workflow');
  const input = described.action.args?.[0] as ReconciliationInput;
  const runs: ReconciliationRun[] = [];
  for (let i = 1; i <= args.runs; i++) {
    args.log(`reconciliation run ${i} of ${args.runs}: started`);
    const window = await measure(probe, () =>
      client.workflow.execute<(input: ReconciliationInput) => Promise<ReconciliationReport>>('reconciliation', {
        workflowId: `${transitsQueue}-bench-reconciliation-${Date.now()}-${i}`,
        taskQueue: transitsQueue,
        args: [input],
      }),
    );
    const report = window.result;
    const queries = total(window.metrics, 'temporal_request', { operation: 'RespondQueryTaskCompleted' });
    runs.push({
      seconds: window.seconds,
      movements: report.movements,
      unchanged: report.unchanged ?? {},
      differences: report.differences.length,
      queries,
      cpu: window.cpu,
    });
    args.log(
      `reconciliation run ${i}: ${report.movements} movements in ${window.seconds.toFixed(1)} s, ${queries} state queries, unchanged ${JSON.stringify(report.unchanged ?? {})}`,
    );
  }
  return runs;
}

/** The stack's hourly schedule as the server holds it: what the run had running beside the paths. */
export interface ReconciliationSchedule {
  id: string;
  paused: boolean;
  note: string;
}

/** Read once the stack is up; the worker creates the schedule as it starts, which may follow the API's first healthy answer. */
export async function reconciliationScheduleOf(client: Client, transitsQueue: string, waitMs = 60_000): Promise<ReconciliationSchedule> {
  const id = reconciliationScheduleId({ taskQueues: { transits: transitsQueue } });
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      const described = await client.schedule.getHandle(id).describe();
      return { id, paused: described.state.paused, note: described.state.note ?? '' };
    } catch (error) {
      if ((error as Error).name !== 'ScheduleNotFoundError' || Date.now() >= until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
