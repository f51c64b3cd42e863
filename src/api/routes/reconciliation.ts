// GET /reconciliation: the last reconciliation report (national records against Corridor's
// states), for supervisors and the regional centre. A supervisor sees the differences of their
// own country's systems; the regional centre sees all. The report is the result of the last
// `reconciliation` workflow that completed (scheduled or on demand), read through Temporal; a
// report a process saved in the shared data folder (saveLastReport) is served when it is newer.
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config/env.ts';
import { corridorCountries } from '../../domain/countries.ts';
import { words } from '../../domain/words.ts';
import { readLastReport } from '../../reconciliation/last-report.ts';
import { mergeReport, type ReconciliationReport } from '../../reconciliation/report.ts';
import { describeReconciliationSchedule, lastReconciliation } from '../../reconciliation/schedule.ts';
import { requireRole } from '../authentication.ts';

/** Reports saved before settlement existed carry neither the count nor each difference's settlement. */
function complete(report: ReconciliationReport): ReconciliationReport {
  const differences = report.differences.map((d) =>
    d.settlement ? d : { ...d, settled: false, settlement: words('RECONCILIATION_WAITING', "en attente d'un superviseur", 'waiting for a supervisor') },
  );
  return { ...report, differences, settled: differences.filter((d) => d.settled).length };
}

export const reconciliationRoutes =
  (deps: { client: Client; config: Pick<Config, 'dataDir' | 'taskQueues'> }): FastifyPluginAsync =>
  async (app) => {
    app.get(
      '/reconciliation',
      { schema: { tags: ['supervision'], summary: "The last reconciliation report: each national system's records against Corridor's states" } },
      async (request, reply) => {
        const actor = requireRole(request, 'supervisor', 'regional');
        const [fromTemporal, schedule] = await Promise.all([
          lastReconciliation(deps.client, deps.config),
          describeReconciliationSchedule(deps.client, deps.config),
        ]);
        const saved = readLastReport(deps.config.dataDir);
        const newest = [fromTemporal, saved].filter((r) => r !== undefined).sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
        if (!newest) {
          const none = words('NO_RECONCILIATION', 'Aucun rapprochement encore fait (npm run reconcile)', 'No reconciliation run yet (npm run reconcile)');
          return reply.code(404).send({ code: none.code, message: `${none.fr} / ${none.en}`, words: none, schedule });
        }
        const report = complete(newest);
        if (actor.role === 'regional') return { ...report, schedule };
        // The summary counts what this supervisor is shown; an unreachable system is named to all.
        const parts = corridorCountries.map((country, index) => ({
          country,
          pending: index === 0 ? report.pending : 0,
          differences: report.differences.filter((d) => d.country === country && country === actor.country),
          unreachable: report.unreachable.find((u) => u.country === country)?.reason,
        }));
        return { ...mergeReport({ at: report.at, closedWithinDays: report.closedWithinDays, movements: report.movements, parts }), schedule };
      },
    );
  };
