// The server side of the console: one in-flight list, one cache of states and one indicators
// projection per API process, shared by /overview, /desk, /indicators and /metrics; and the
// plugins that serve them, with the console's own files at `/`.
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { TransitClient } from '../client/transits.ts';
import { Projection } from '../indicators/projection.ts';
import { RunningTransits } from '../indicators/running.ts';
import { StateCache } from '../indicators/states.ts';
import type { ApiDeps } from './app.ts';
import { consoleRoutes } from './routes/console.ts';
import { indicatorRoutes } from './routes/indicators.ts';
import { interconnectionRoutes } from './routes/interconnection.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { overviewRoutes } from './routes/overview.ts';
import { recoveryRoutes } from './routes/recoveries.ts';
import { sessionRoutes } from './routes/session.ts';

export interface Views {
  /** Register before the other routes: its latency hook then sees every route. */
  metrics: FastifyPluginAsync;
  routes: FastifyPluginAsync;
}

export function consoleViews(deps: ApiDeps & { transits: TransitClient }): Views {
  const { config, client, namespace, reference, logger } = deps;
  const running = new RunningTransits(client, namespace, config.taskQueues.transits);
  const states = new StateCache(deps.transits);
  const projection = new Projection(path.join(config.dataDir, 'indicators.sqlite'), {
    client,
    namespace,
    taskQueue: config.taskQueues.transits,
    reference,
    running,
    states,
    onError: (error) => logger.warn({ err: error }, 'indicators projection: refresh failed; next attempt soon'),
  });
  const warn = (message: string, error: unknown) => logger.warn({ err: error }, message);

  return {
    metrics: metricsRoutes({ config, client, projection, running, warn }),
    routes: async (app) => {
      app.addHook('onReady', async () => projection.startBackground());
      app.addHook('onClose', async () => projection.close());
      await app.register(sessionRoutes({ config, reference }));
      await app.register(overviewRoutes({ config, reference, running, states }));
      await app.register(indicatorRoutes({ config, reference, projection, running }));
      await app.register(interconnectionRoutes({ config, client, projection, transits: deps.transits, reference }));
      await app.register(recoveryRoutes({ running, states }));
      await app.register(consoleRoutes());
    },
  };
}
