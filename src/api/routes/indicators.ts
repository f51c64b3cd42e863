// GET /indicators (JSON for the console's charts) and the same tables as CSV downloads.
// Figures come from the projection (src/indicators/projection.ts), rebuilt from the workflows
// when lost, and from the in-flight list; never from counters in this process.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config/env.ts';
import type { ReferenceData } from '../../domain/types.ts';
import { computeIndicators, toCsv, windowStart, type Indicators } from '../../indicators/figures.ts';
import type { Projection } from '../../indicators/projection.ts';
import type { RunningTransits } from '../../indicators/running.ts';
import { requireRole } from '../authentication.ts';

export interface IndicatorDeps {
  config: Config;
  reference: ReferenceData;
  projection: Projection;
  running: RunningTransits;
}

const Window = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) });

const tables: { [K in 'border-dwell' | 'legs' | 'offices' | 'completed' | 'at-risk']: (i: Indicators) => string } = {
  'border-dwell': (i) => toCsv(i.borderDwell, ['post', 'day', 'crossings', 'medianSeconds', 'p90Seconds', 'targetSeconds', 'overTarget', 'alerts']),
  legs: (i) => toCsv(i.legs, ['from', 'to', 'legs', 'medianSeconds', 'p90Seconds', 'medianAllowedSeconds', 'late', 'lateRate']),
  offices: (i) =>
    toCsv(i.offices, [
      'office',
      'name',
      'country',
      'arrivals',
      'lateArrivals',
      'lateRate',
      'inFlight',
      'overdueNow',
      'overdueRate',
      'escalationsLevel1',
      'escalationsLevel2',
      'escalationsLevel3',
    ]),
  completed: (i) => toCsv(i.completed, ['day', 'discharged', 'cancelled', 'rejected', 'recovery', 'total']),
  'at-risk': (i) => toCsv(i.atRisk, ['day', 'TG', 'BF']),
};

export const indicatorRoutes =
  ({ config, reference, projection, running }: IndicatorDeps): FastifyPluginAsync =>
  async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();

    const indicators = async (days: number): Promise<Indicators> => {
      await projection.refresh();
      const from = windowStart(days);
      return computeIndicators({
        reference,
        days,
        targetSeconds: config.delays.borderDwellTargetMs / 1000,
        crossings: projection.crossingsSince(from),
        legs: projection.legsSince(from),
        movements: projection.movements(),
        running: (await running.get()).items,
        shares: projection.sharesHeldSince(from),
      });
    };

    app.get(
      '/indicators',
      {
        schema: {
          tags: ['supervision'],
          summary:
            'Border dwell time per post and day (median, 90th percentile, target), leg times against their limits, overdue rates and open escalations per office, lifecycles completed per day',
          description:
            'For officers and supervisors. `days`: the window, ending today (UTC). The same tables as CSV: /indicators/border-dwell.csv, legs.csv, offices.csv, completed.csv.',
          querystring: Window,
        },
      },
      async (request) => {
        requireRole(request, 'officer', 'supervisor', 'regional');
        return indicators(request.query.days);
      },
    );

    for (const [name, csv] of Object.entries(tables)) {
      app.get(
        `/indicators/${name}.csv`,
        { schema: { tags: ['supervision'], summary: `Indicators as CSV: ${name}`, querystring: Window } },
        async (request, reply) => {
          requireRole(request, 'officer', 'supervisor', 'regional');
          const body = csv(await indicators(request.query.days));
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="corridor-${name}-${new Date().toISOString().slice(0, 10)}.csv"`)
            .send(body);
        },
      );
    }
  };
