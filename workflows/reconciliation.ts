// The reconciliation, started by its Temporal Schedule (hourly by default) or on demand
// (`npm run reconcile`): lists the movements to compare, has each country's worker read its own
// system against Corridor's states (settling the acts that system holds and Corridor missed),
// merges the two parts into one report, tells the supervisors when there is anything to tell,
// and returns the report: the API serves the last one from here (GET /reconciliation).
import { ActivityFailure, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { CorridorActivities } from '../activities/corridor.ts';
import type { NationalReconciliationActivities, ReconciliationListActivities } from '../activities/reconciliation.ts';
import { corridorCountries, type CountryCode } from '../src/domain/countries.ts';
import { bilingual } from '../src/domain/words.ts';
import { type CountryReconciliation, mergeReport, type ReconciliationReport } from '../src/reconciliation/report.ts';

export interface ReconciliationInput {
  closedWithinDays: number;
  /** Each country's national task queue, where its system is read with its own credential. */
  queues: Record<CountryCode, string>;
  /** An act recorded this recently and not yet applied is in transit, not missing. */
  graceMs?: number;
  /** These movements only; default every open one and every one closed within `closedWithinDays`. */
  mrns?: string[];
}

/** Differences a notification lists in full; the report (GET /reconciliation) keeps them all. */
const NOTIFIED_AT_MOST = 200;

export async function reconciliation(input: ReconciliationInput): Promise<ReconciliationReport> {
  const { listMovementsToReconcile, deliverNotification } = proxyActivities<ReconciliationListActivities & CorridorActivities>({
    startToCloseTimeout: '10 minutes',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
  });
  // The workflow's clock is the time of its task: the same on replay.
  const at = new Date().toISOString();
  const graceMs = input.graceMs ?? 60_000;
  // Since 'parts-list-movements' each part lists the movements itself: 100,000 MRNs are more than
  // an activity's result may carry. Runs started before list them here, as they did.
  const partsList = input.mrns === undefined && patched('parts-list-movements');
  const mrns = input.mrns ?? (partsList ? undefined : await listMovementsToReconcile({ closedWithinDays: input.closedWithinDays, at }));

  const parts = await Promise.all(
    corridorCountries.map(async (country): Promise<CountryReconciliation> => {
      const { reconcileNationalRecords } = proxyActivities<NationalReconciliationActivities>({
        taskQueue: input.queues[country],
        // A country whose worker is cut off is named unreachable in this report; the next run tries again.
        scheduleToStartTimeout: '5 minutes',
        // An attempt heartbeats its progress and the next goes on from it: a part longer than one
        // attempt (tens of thousands in flight) is carried through by the next ones, and an attempt
        // whose worker went is seen within two minutes, not thirty.
        startToCloseTimeout: '30 minutes',
        heartbeatTimeout: '2 minutes',
        retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumAttempts: 10 },
      });
      try {
        return await reconcileNationalRecords(mrns ? { mrns, at, graceMs } : { closedWithinDays: input.closedWithinDays, at, graceMs });
      } catch (error) {
        const cause = error instanceof ActivityFailure && error.cause ? error.cause.message : String(error);
        return { country, pending: 0, differences: [], unreachable: `worker national-${country} : ${cause}` };
      }
    }),
  );
  const movements = mrns?.length ?? Math.max(0, ...parts.map((p) => p.movements ?? 0));
  const report = mergeReport({ at, closedWithinDays: input.closedWithinDays, movements, parts });

  if (report.differences.length > 0 || report.unreachable.length > 0) {
    const concerned = corridorCountries.filter((c) => report.differences.some((d) => d.country === c) || report.unreachable.some((u) => u.country === c));
    const { workflowId, runId } = workflowInfo();
    await deliverNotification({
      // One id per run: a retried delivery is deduplicated by the receiver.
      id: `reconciliation:${workflowId}:${runId}`,
      mrn: '',
      kind: 'RECONCILIATION_DIFFERENCES',
      to: concerned.map((c) => `supervisor:${c}`),
      subject: bilingual(report.summary),
      at: report.at,
      details: {
        summary: report.summary,
        movements: report.movements,
        settled: report.settled,
        waiting: report.differences.length - report.settled,
        unreachable: report.unreachable,
        differences: report.differences.slice(0, NOTIFIED_AT_MOST).map((d) => ({
          mrn: d.mrn,
          country: d.country,
          kind: d.kind,
          settled: d.settled,
          fr: `${d.words.fr} — ${d.settlement.fr}`,
          en: `${d.words.en} — ${d.settlement.en}`,
        })),
        more: Math.max(0, report.differences.length - NOTIFIED_AT_MOST),
      },
    });
  }
  return report;
}
