// `npm run reconcile [-- --days N]`: one reconciliation run now, printed (French, then English)
// and kept as the last report for GET /reconciliation. Exits 1 when any difference is found or
// a system cannot be read, so an operator's script (or cron) can tell.
import { loadConfig } from '../config/env.ts';
import { corridorCountries } from '../domain/countries.ts';
import { createLogger } from '../logging/logger.ts';
import { nationalClientFromConfig } from '../national/client.ts';
import { connectClient, temporalSettings } from '../temporal/connection.ts';
import { stringFlag, UsageError, type Flags } from '../cli/args.ts';
import { saveLastReport } from './last-report.ts';
import { reconcile } from './reconcile.ts';

export async function runReconcile(flags: Flags): Promise<void> {
  const days = flags.days === undefined ? 7 : Number(stringFlag(flags, 'days'));
  if (!Number.isFinite(days) || days < 0) throw new UsageError(`--days expects a number of days, got ${String(flags.days)}`);
  const config = loadConfig();
  const logger = createLogger('reconcile', config.logLevel, config.logFormat);
  const client = await connectClient(temporalSettings(config));
  try {
    const systems = Object.fromEntries(corridorCountries.map((c) => [c, nationalClientFromConfig(config, c)])) as Parameters<typeof reconcile>[0]['systems'];
    const report = await reconcile({ client, config, systems, logger }, { closedWithinDays: days });
    const file = saveLastReport(config.dataDir, report);
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(report.summary.fr);
    out(report.summary.en);
    for (const u of report.unreachable) out(`  injoignable / unreachable ${u.country}: ${u.reason}`);
    for (const d of report.differences) out(`  ${d.kind} ${d.country} ${d.words.fr} / ${d.words.en}`);
    if (report.pending) out(`  ${report.pending} acte(s) en cours d'acheminement / act(s) in transit`);
    out(`  → ${file}`);
    process.exitCode = report.differences.length || report.unreachable.length ? 1 : 0;
  } finally {
    await client.connection.close();
  }
}
