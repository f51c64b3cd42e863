// A workflow task queue's backlog as the server counts it (DescribeTaskQueue with reportStats,
// approximate): read by /health (a stalled worker leaves tasks waiting) and by the journal
// consumer (it waits while the transits queue is long).
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

export interface WorkflowBacklog {
  waiting: number;
  /** How long the oldest waiting task has waited, in whole seconds. */
  oldestSeconds: number;
}

/** Throws when the server does not answer within `deadlineMs` or refuses. */
export async function workflowBacklog(client: Client, namespace: string, taskQueue: string, deadlineMs: number): Promise<WorkflowBacklog> {
  const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;
  const response = await client.connection.withDeadline(Date.now() + deadlineMs, () =>
    client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      reportStats: true,
    }),
  );
  const stats = response.stats;
  const age = stats?.approximateBacklogAge;
  return {
    waiting: Number(stats?.approximateBacklogCount ?? 0),
    oldestSeconds: Math.round(Number(age?.seconds ?? 0) + (age?.nanos ?? 0) / 1e9),
  };
}
