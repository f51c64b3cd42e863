// Events in one workflow's history, by type: each event is a write the server makes, and the
// event types say where the round trips went (workflow tasks, activities, updates, timers).
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

const { EventType } = proto.temporal.api.enums.v1;

export interface HistoryCount {
  workflowId: string;
  events: number;
  byType: Record<string, number>;
}

export async function countHistory(client: Client, workflowId: string): Promise<HistoryCount> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const byType: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const name = (EventType[event.eventType ?? 0] ?? String(event.eventType)).replace(/^EVENT_TYPE_/, '');
    byType[name] = (byType[name] ?? 0) + 1;
  }
  return { workflowId, events: history.events?.length ?? 0, byType };
}
