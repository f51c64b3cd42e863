// `npm run reconcile [-- --days N] [-- --every S]`: a reconciliation run now, printed (French,
// then English) and kept as the last report for GET /reconciliation. Alone, it exits 1 when any
// difference is found or a system cannot be read, so an operator's script can tell; with
// `--every 3600` it stays up and runs again every S seconds (hourly, the default cadence).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { loadConfig } from '../config/env.ts';
import { corridorCountries } from '../domain/countries.ts';
import { createLogger } from '../logging/logger.ts';
import { nationalClientFromConfig } from '../national/client.ts';
import { connectClient, temporalSettings } from '../temporal/connection.ts';
import { stringFlag, UsageError, type Flags } from '../cli/args.ts';
import { onShutdown } from '../cli/shutdown.ts';
import { saveLastReport } from './last-report.ts';
import { reconcile, type ReconcileDeps } from './reconcile.ts';

function positive(flags: Flags, name: string, fallback: number): number {
  const value = flags[name] === undefined ? fallback : Number(stringFlag(flags, name));
  if (!Number.isFinite(value) || value < 0) throw new UsageError(`--${name} expects a positive number, got ${String(flags[name])}`);
  return value;
}

async function runOnce(deps: ReconcileDeps, dataDir: string, days: number, logger: Logger): Promise<boolean> {
  const report = await reconcile(deps, { closedWithinDays: days });
  const file = saveLastReport(dataDir, report);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(report.summary.fr);
  out(report.summary.en);
  for (const u of report.unreachable) out(`  injoignable / unreachable ${u.country}: ${u.reason}`);
  for (const d of report.differences) out(`  ${d.kind} ${d.country} ${d.words.fr} / ${d.words.en}`);
  if (report.pending) out(`  ${report.pending} acte(s) en cours d'acheminement / act(s) in transit`);
  out(`  → ${file}`);
  logger.info({ movements: report.movements, differences: report.differences.length, unreachable: report.unreachable.length }, report.summary.en);
  return report.differences.length === 0 && report.unreachable.length === 0;
}

export async function runReconcile(flags: Flags): Promise<void> {
  const days = positive(flags, 'days', 7);
  const every = positive(flags, 'every', 0);
  const config = loadConfig();
  const logger = createLogger('reconcile', config.logLevel, config.logFormat);
  const client = await connectClient(temporalSettings(config));
  const systems = Object.fromEntries(corridorCountries.map((c) => [c, nationalClientFromConfig(config, c)])) as ReconcileDeps['systems'];
  const deps: ReconcileDeps = { client, config, systems, logger };
  if (!every) {
    try {
      process.exitCode = (await runOnce(deps, config.dataDir, days, logger)) ? 0 : 1;
    } finally {
      await client.connection.close();
    }
    return;
  }
  const stopped = new AbortController();
  onShutdown(
    async () => {
      stopped.abort();
      await client.connection.close();
    },
    (m) => logger.info(m),
  );
  while (!stopped.signal.aborted) {
    // One failed run (Temporal restarting) is logged; the next comes at its time.
    await runOnce(deps, config.dataDir, days, logger).catch((error: unknown) => logger.error({ err: error }, 'reconciliation run failed'));
    await sleep(every * 1000, undefined, { signal: stopped.signal }).catch(() => undefined);
  }
}
