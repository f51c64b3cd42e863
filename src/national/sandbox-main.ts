// `npm run sandbox -- --country TG`: one country's national system sandbox, on the port of
// that country's configured URL, with its store under the data folder.
import { loadConfig, countries, type CountryCode } from '../config/env.ts';
import { createLogger } from '../logging/logger.ts';
import { stringFlag, UsageError, type Flags } from '../cli/args.ts';
import { onShutdown } from '../cli/shutdown.ts';
import { sandboxOptionsFromConfig, startSandbox } from './sandbox/server.ts';

export async function runSandbox(flags: Flags): Promise<void> {
  const country = stringFlag(flags, 'country') as CountryCode;
  if (!countries.includes(country)) throw new UsageError(`--country expects ${countries.join(' or ')}, got ${country}`);
  const config = loadConfig();
  const logger = createLogger(`sandbox-${country}`, config.logLevel, config.logFormat);
  const sandbox = await startSandbox({ ...sandboxOptionsFromConfig(config, country), logger });
  logger.info({ url: sandbox.url, store: sandbox.dbPath }, `national system sandbox ${country} listening`);
  onShutdown(
    () => sandbox.close(),
    (m) => logger.info(m),
  );
}
