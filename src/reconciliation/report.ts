// The reconciliation report made of each country's part: what the scheduled workflow returns,
// what `npm run reconcile` prints and GET /reconciliation serves. Pure and workflow-safe: the
// `reconciliation` workflow merges the parts its countries' activities return with it.
import { corridorCountries, countryOf, type CountryCode } from '../domain/countries.ts';
import { type Words, words } from '../domain/words.ts';
import type { Difference } from './compare.ts';

/** A difference as reported: settled by Corridor from the system's own records, or waiting for a supervisor. */
export interface ReportedDifference extends Difference {
  settled: boolean;
  /** "réglé automatiquement" or "en attente d'un superviseur", and how. */
  settlement: Words;
}

/** One country's system read against Corridor's states, by the activity next to that system. */
export interface CountryReconciliation {
  country: CountryCode;
  /** Set when the system (or the country's worker) could not be read: its movements are not compared. */
  unreachable?: string | undefined;
  pending: number;
  differences: ReportedDifference[];
  /** The movements this part listed and compared, when it listed them itself. */
  movements?: number;
  /** Of those, the movements not read again: unchanged on both sides since their last clean comparison. */
  unchanged?: number;
}

export interface ReconciliationReport {
  at: string;
  /** How far back closed movements were taken. */
  closedWithinDays: number;
  movements: number;
  /**
   * Per country, the movements whose state was not read again: unchanged on both sides since
   * their last clean comparison (src/reconciliation/memory.ts). Absent from runs that read all.
   */
  unchanged?: Partial<Record<CountryCode, number>>;
  /** Acts recorded in a system within the grace period and not yet applied: in transit, not differences. */
  pending: number;
  unreachable: { country: CountryCode; reason: string }[];
  differences: ReportedDifference[];
  /** Of the differences, those Corridor settled itself; the others wait for a supervisor. */
  settled: number;
  summary: Words;
}

export const settledWords = (how: string, howEn: string): Words =>
  words('RECONCILIATION_SETTLED', `réglé automatiquement : ${how}`, `settled automatically: ${howEn}`);
export const waitingWords = (): Words => words('RECONCILIATION_WAITING', "en attente d'un superviseur", 'waiting for a supervisor');

export function waiting(difference: Difference): ReportedDifference {
  return { ...difference, settled: false, settlement: waitingWords() };
}

export function mergeReport(args: { at: string; closedWithinDays: number; movements: number; parts: CountryReconciliation[] }): ReconciliationReport {
  const { at, closedWithinDays, movements, parts } = args;
  const byCountry = (a: CountryReconciliation, b: CountryReconciliation) => corridorCountries.indexOf(a.country) - corridorCountries.indexOf(b.country);
  const ordered = [...parts].sort(byCountry);
  const differences = ordered.flatMap((p) => p.differences);
  const unreachable = ordered.flatMap((p) => (p.unreachable === undefined ? [] : [{ country: p.country, reason: p.unreachable }]));
  const pending = ordered.reduce((sum, p) => sum + p.pending, 0);
  const settled = differences.filter((d) => d.settled).length;
  const left = differences.length - settled;
  const cutFr = unreachable.map((u) => countryOf(u.country, 'fr'));
  const cutEn = unreachable.map((u) => countryOf(u.country, 'en'));
  const summary =
    differences.length === 0 && unreachable.length === 0
      ? words('RECONCILED', `${movements} mouvements rapprochés : aucune différence`, `${movements} movements reconciled: no difference`)
      : words(
          'RECONCILIATION_DIFFERENCES',
          `${movements} mouvements rapprochés : ${differences.length} différence(s)` +
            (differences.length ? ` (${settled} réglée(s) automatiquement, ${left} en attente d'un superviseur)` : '') +
            (cutFr.length ? `, système ${cutFr.join(' et ')} injoignable` : ''),
          `${movements} movements reconciled: ${differences.length} difference(s)` +
            (differences.length ? ` (${settled} settled automatically, ${left} waiting for a supervisor)` : '') +
            (cutEn.length ? `, ${cutEn.join(' and ')} system unreachable` : ''),
        );
  const spared = ordered.filter((p) => p.unchanged !== undefined).map((p) => [p.country, p.unchanged] as const);
  return {
    at,
    closedWithinDays,
    movements,
    ...(spared.length ? { unchanged: Object.fromEntries(spared) } : {}),
    pending,
    unreachable,
    differences,
    settled,
    summary,
  };
}
