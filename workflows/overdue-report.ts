// The daily overdue report: started by a Temporal Schedule, counts the movements with an open
// escalation per office and level, and delivers the counts to the notification webhook.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { CorridorActivities } from '../activities/corridor.ts';

export interface OverdueReportInput {
  /** Recipients of the report, e.g. supervisor:TG, supervisor:BF. */
  to: string[];
}

export async function overdueReport(input: OverdueReportInput) {
  const { compileOverdueReport, deliverNotification } = proxyActivities<CorridorActivities>({
    startToCloseTimeout: '5 minutes',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });
  const report = await compileOverdueReport();
  // One id per scheduled run: a retried delivery is deduplicated by the receiver.
  const id = `overdue-report:${workflowInfo().workflowId}`;
  const total = report.counts.reduce((sum, row) => sum + row.count, 0);
  const delivery = await deliverNotification({
    id,
    mrn: '',
    kind: 'DAILY_OVERDUE_REPORT',
    to: input.to,
    subject: `Rapport quotidien des transits en retard : ${total} / daily overdue report: ${total}`,
    at: report.at,
    details: { counts: report.counts, total },
  });
  return { ...report, total, delivered: delivery.delivered };
}
