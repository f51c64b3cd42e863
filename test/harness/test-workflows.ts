// Workflows that exist only for tests, bundled with the real ones.
import { proxyActivities } from '@temporalio/workflow';

export interface CallActivityInput {
  taskQueue: string;
  activity: string;
  args: unknown[];
  startToCloseTimeoutMs: number;
  maximumAttempts?: number;
}

/** Calls one activity on a queue, so a test can watch Temporal retry it against a real service. */
export async function callActivity(input: CallActivityInput): Promise<unknown> {
  const activities = proxyActivities<Record<string, (...args: unknown[]) => Promise<unknown>>>({
    taskQueue: input.taskQueue,
    startToCloseTimeout: input.startToCloseTimeoutMs,
    retry: { initialInterval: '100 milliseconds', backoffCoefficient: 1, maximumAttempts: input.maximumAttempts ?? 5 },
  });
  return activities[input.activity]!(...input.args);
}
