// `npm run reconcile [-- --days N]`: a reconciliation run now, through Temporal (the same
// `reconciliation` workflow its schedule starts hourly, on the same workers, so each country's
// system is read next to it with its own credential and the acts Corridor missed are carried),
// printed French then English. Exits 1 when any difference is found or a system cannot be read,
// so an operator's script can tell. The report is the last one GET /reconciliation serves.
import { loadConfig } from '../config/env.ts';
import { createLogger } from '../logging/logger.ts';
import { connectClient, temporalSettings } from '../temporal/connection.ts';
import { stringFlag, UsageError, type Flags } from '../cli/args.ts';
import type { ReconciliationReport } from './report.ts';
import { reconcileNow } from './schedule.ts';

function days(flags: Flags, fallback: number): number {
  const value = flags.days === undefined ? fallback : Number(stringFlag(flags, 'days'));
  if (!Number.isFinite(value) || value < 0) throw new UsageError(`--days expects a positive number, got ${String(flags.days)}`);
  return value;
}

/** The report as an operator reads it: French, then English, one difference a line. */
export function printReport(report: ReconciliationReport, out: (line: string) => void): void {
  out(report.summary.fr);
  out(report.summary.en);
  for (const u of report.unreachable) out(`  injoignable / unreachable ${u.country}: ${u.reason}`);
  for (const d of report.differences) out(`  ${d.kind} ${d.country} ${d.words.fr} — ${d.settlement.fr} / ${d.words.en} — ${d.settlement.en}`);
  if (report.pending) out(`  ${report.pending} acte(s) en cours d'acheminement / act(s) in transit`);
}

export async function runReconcile(flags: Flags): Promise<void> {
  if (flags.every !== undefined)
    throw new UsageError('--every is gone: the reconciliation runs on its Temporal Schedule (CORRIDOR_RECONCILIATION_EVERY_MINUTES, hourly by default)');
  const config = loadConfig();
  const window = days(flags, config.reconciliation.closedWithinDays);
  const logger = createLogger('reconcile', config.logLevel, config.logFormat);
  const client = await connectClient(temporalSettings(config));
  try {
    const report = await reconcileNow(client, config, window);
    printReport(report, (line) => process.stdout.write(`${line}\n`));
    logger.info(
      { movements: report.movements, differences: report.differences.length, settled: report.settled, unreachable: report.unreachable.length },
      report.summary.en,
    );
    process.exitCode = report.differences.length === 0 && report.unreachable.length === 0 ? 0 : 1;
  } finally {
    await client.connection.close();
  }
}
