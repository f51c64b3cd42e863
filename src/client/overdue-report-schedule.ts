// The daily overdue report is a Temporal Schedule, created idempotently at start-up: a second
// start (or a second API instance) finds it and only brings its hour up to date.
import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import type { Config } from '../config/env.ts';
import type { overdueReport } from '../../workflows/overdue-report.ts';

export function overdueReportScheduleId(config: Config): string {
  return `${config.taskQueues.transits}-overdue-report`;
}

export async function ensureOverdueReportSchedule(client: Client, config: Config): Promise<'created' | 'updated' | 'unchanged'> {
  const scheduleId = overdueReportScheduleId(config);
  const spec = { calendars: [{ hour: config.overdueReportHour, minute: 0, comment: 'daily overdue report (GMT)' }], timezone: 'UTC' };
  try {
    await client.schedule.create<typeof overdueReport>({
      scheduleId,
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: 'overdueReport',
        workflowId: `${scheduleId}-run`,
        taskQueue: config.taskQueues.transits,
        args: [{ to: ['supervisor:TG', 'supervisor:BF'] }],
      },
      policies: { overlap: 'SKIP', catchupWindow: '1 hour' },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(scheduleId);
  const described = await handle.describe();
  const hour = described.spec.calendars?.[0]?.hour?.[0]?.start;
  if (hour === config.overdueReportHour) return 'unchanged';
  await handle.update((previous) => ({ ...previous, spec }));
  return 'updated';
}
