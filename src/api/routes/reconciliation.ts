// GET /reconciliation: the last reconciliation report (national records against Corridor's
// states), for supervisors and the regional centre. A supervisor sees the differences of their
// own country's systems; the regional centre sees all.
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config/env.ts';
import { words } from '../../domain/words.ts';
import { readLastReport } from '../../reconciliation/last-report.ts';
import { requireRole } from '../authentication.ts';

export const reconciliationRoutes =
  (deps: { config: Pick<Config, 'dataDir'> }): FastifyPluginAsync =>
  async (app) => {
    app.get(
      '/reconciliation',
      { schema: { tags: ['supervision'], summary: "The last reconciliation report: each national system's records against Corridor's states" } },
      async (request, reply) => {
        const actor = requireRole(request, 'supervisor', 'regional');
        const report = readLastReport(deps.config.dataDir);
        if (!report) {
          const none = words('NO_RECONCILIATION', 'Aucun rapprochement encore fait (npm run reconcile)', 'No reconciliation run yet (npm run reconcile)');
          return reply.code(404).send({ code: none.code, message: `${none.fr} / ${none.en}`, words: none });
        }
        if (actor.role === 'regional') return report;
        return { ...report, differences: report.differences.filter((d) => d.country === actor.country) };
      },
    );
  };
