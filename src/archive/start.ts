// Starts the deployment's archiver unless it runs already: one per transits queue, whatever
// the number of transits workers.
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env.ts';
import type { archiver } from '../../workflows/archiver.ts';

export function archiverId(config: Pick<Config, 'taskQueues'>): string {
  return `${config.taskQueues.transits}-archiver`;
}

export async function ensureArchiver(client: Client, config: Pick<Config, 'taskQueues'>): Promise<void> {
  await client.workflow.start<typeof archiver>('archiver', {
    workflowId: archiverId(config),
    taskQueue: config.taskQueues.transits,
    args: [{ cursor: '' }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
