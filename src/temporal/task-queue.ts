// What the server says of a task queue (DescribeTaskQueue): its pollers (read by /health and by
// the starters' lifecycle baseline) and a workflow queue's backlog as the server counts it
// (reportStats, approximate: read by /health, where a stalled worker leaves tasks waiting, and by
// the journal consumer, which waits while the transits queue is long).
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

export interface WorkflowBacklog {
  waiting: number;
  /** How long the oldest waiting task has waited, in whole seconds. */
  oldestSeconds: number;
}

/** The server's description of a normal task queue of one kind (its pollers, with `reportStats` its backlog); throws when it does not answer within `deadlineMs` or refuses. */
export function describeQueue(
  client: Client,
  namespace: string,
  taskQueue: string,
  options: { kind?: 'workflow' | 'activity'; reportStats?: boolean; deadlineMs: number },
): Promise<proto.temporal.api.workflowservice.v1.IDescribeTaskQueueResponse> {
  const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;
  return client.connection.withDeadline(Date.now() + options.deadlineMs, () =>
    client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: options.kind === 'activity' ? TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY : TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      reportStats: options.reportStats ?? false,
    }),
  );
}

/** Throws when the server does not answer within `deadlineMs` or refuses. */
export async function workflowBacklog(client: Client, namespace: string, taskQueue: string, deadlineMs: number): Promise<WorkflowBacklog> {
  const response = await describeQueue(client, namespace, taskQueue, { reportStats: true, deadlineMs });
  const stats = response.stats;
  const age = stats?.approximateBacklogAge;
  return {
    waiting: Number(stats?.approximateBacklogCount ?? 0),
    oldestSeconds: Math.round(Number(age?.seconds ?? 0) + (age?.nanos ?? 0) / 1e9),
  };
}
