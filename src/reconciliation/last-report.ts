// A reconciliation report kept as one JSON file under the data folder, for a process that runs
// `reconcile()` itself (the two-site tests): GET /reconciliation serves it when it is newer than
// the last scheduled or on-demand run, which it reads through Temporal. Written to a temporary
// file and renamed, so a reader never sees half a report.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ReconciliationReport } from './reconcile.ts';

const fileOf = (dataDir: string) => path.join(dataDir, 'reconciliation', 'last.json');

export function saveLastReport(dataDir: string, report: ReconciliationReport): string {
  const file = fileOf(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}

/** The last report, or undefined when no run has written one yet. */
export function readLastReport(dataDir: string): ReconciliationReport | undefined {
  try {
    return JSON.parse(readFileSync(fileOf(dataDir), 'utf8')) as ReconciliationReport;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
