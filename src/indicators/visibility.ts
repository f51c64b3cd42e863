// Paging through a visibility query, for the projections that read every matching movement.
import type { Client } from '@temporalio/client';

export type ExecutionInfo = import('@temporalio/proto').temporal.api.workflow.v1.IWorkflowExecutionInfo;
type Timestamp = ExecutionInfo['startTime'];

// The frontend's largest page (frontend.visibilityMaxPageSize): fewest calls for a full list.
const PAGE_SIZE = 1000;

export async function forEachExecution(client: Client, namespace: string, query: string, visit: (execution: ExecutionInfo) => void): Promise<void> {
  let nextPageToken: Uint8Array | undefined;
  do {
    const response = await client.workflowService.listWorkflowExecutions({
      namespace,
      pageSize: PAGE_SIZE,
      query,
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    for (const execution of response.executions ?? []) visit(execution);
    nextPageToken = response.nextPageToken && response.nextPageToken.length > 0 ? response.nextPageToken : undefined;
  } while (nextPageToken);
}

export function executionTime(t: Timestamp): string | undefined {
  return t?.seconds ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString() : undefined;
}

/** A visibility query literal: quoted and escaped, so no value can change the query's shape. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
