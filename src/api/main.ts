import { assertApiTokenSecret, loadConfig } from '../config/env.ts';
import { createLogger } from '../logging/logger.ts';
import { connectClient, temporalSettings } from '../temporal/connection.ts';
import { onShutdown } from '../cli/shutdown.ts';
import { loadReferenceData } from '../domain/reference-data.ts';
import { ensureOverdueReportSchedule } from '../client/overdue-report-schedule.ts';
import { buildApi } from './app.ts';

export async function runApi(): Promise<void> {
  const config = loadConfig();
  // Before connecting to anything: one line naming CORRIDOR_TOKEN_SECRET, and exit.
  assertApiTokenSecret(config);
  const logger = createLogger('api', config.logLevel, config.logFormat);
  const settings = temporalSettings(config);
  const client = await connectClient(settings);
  logger.info({ schedule: await ensureOverdueReportSchedule(client, config) }, 'daily overdue report schedule');
  const app = await buildApi({ config, client, namespace: settings.namespace, logger, reference: loadReferenceData() });
  await app.listen({ host: config.api.host, port: config.api.port });
  logger.info({ url: `http://${config.api.host}:${config.api.port}` }, 'API listening');
  onShutdown(
    async () => {
      await app.close();
      await client.connection.close();
    },
    (m) => logger.info(m),
  );
}
