// The indicators the regional project is judged on, computed from the projection (what has
// happened) and the in-flight list (what is happening now).
import type { ReferenceData } from '../domain/types.ts';
import { percentile } from '../simulation/simulate.ts';
import { corridorOffices } from './overview.ts';
import type { CrossingRow, LegRow, MovementRow, ShareRow } from './projection.ts';
import type { RunningTransit } from './running.ts';

export interface DwellDay {
  post: string;
  day: string;
  crossings: number;
  medianSeconds: number;
  p90Seconds: number;
  targetSeconds: number;
  overTarget: number;
  /** Border alerts raised: trucks that reached the target before entry was accepted. */
  alerts: number;
}

export interface LegFigures {
  from: string;
  to: string;
  legs: number;
  medianSeconds: number;
  p90Seconds: number;
  /** Median of the time each truck was allowed (route limit, scaled, plus extensions). */
  medianAllowedSeconds: number | null;
  late: number;
  lateRate: number;
}

export interface OfficeFigures {
  office: string;
  name: string;
  country: string;
  /** Arrivals at the office at the end of a road leg in the window, and how many after the time limit. */
  arrivals: number;
  lateArrivals: number;
  lateRate: number;
  /** Movements whose next act is expected here now, how many overdue, and their share. */
  inFlight: number;
  overdueNow: number;
  overdueRate: number;
  escalationsLevel1: number;
  escalationsLevel2: number;
  escalationsLevel3: number;
}

export interface CompletedDay {
  day: string;
  discharged: number;
  cancelled: number;
  rejected: number;
  recovery: number;
  total: number;
}

export interface Indicators {
  generatedAt: string;
  days: number;
  from: string;
  borderDwellTargetSeconds: number;
  borderDwell: DwellDay[];
  legs: LegFigures[];
  offices: OfficeFigures[];
  completed: CompletedDay[];
  /** Per day, the amount at risk each country held at the end of it (its shares of guarantees still open). */
  atRisk: AtRiskDay[];
}

export interface AtRiskDay {
  day: string;
  TG: number;
  BF: number;
}

/** Days in UTC: Lomé and Ouagadougou keep UTC all year, so a UTC day is the officers' day. */
export const dayOf = (iso: string) => iso.slice(0, 10);

export function windowStart(days: number, now = new Date()): string {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  start.setUTCDate(start.getUTCDate() - (days - 1));
  return start.toISOString();
}

export function computeIndicators(args: {
  reference: ReferenceData;
  days: number;
  targetSeconds: number;
  crossings: CrossingRow[];
  legs: LegRow[];
  movements: MovementRow[];
  running: RunningTransit[];
  shares?: ShareRow[];
  now?: Date;
}): Indicators {
  const now = args.now ?? new Date();
  const from = windowStart(args.days, now);
  return {
    generatedAt: now.toISOString(),
    days: args.days,
    from,
    borderDwellTargetSeconds: args.targetSeconds,
    borderDwell: dwellByPostAndDay(args.crossings, args.targetSeconds),
    legs: legFigures(args.legs),
    offices: officeFigures(args.reference, args.legs, args.running),
    completed: completedByDay(
      args.movements.filter((m) => m.closed === 1 && m.closed_at && m.closed_at >= from),
      from,
      args.days,
    ),
    atRisk: atRiskByDay(args.shares ?? [], from, args.days, now),
  };
}

/** At the end of each day (now, for today): the sum of the shares reserved and not yet closed, per country. */
function atRiskByDay(shares: ShareRow[], from: string, days: number, now: Date): AtRiskDay[] {
  const start = new Date(from).getTime();
  const result: AtRiskDay[] = [];
  for (let i = 0; i < days; i++) {
    const end = new Date(Math.min(start + (i + 1) * 86_400_000, now.getTime())).toISOString();
    const day: AtRiskDay = { day: dayOf(new Date(start + i * 86_400_000).toISOString()), TG: 0, BF: 0 };
    for (const share of shares) {
      if (share.reserved_at > end || (share.closed_at !== null && share.closed_at <= end)) continue;
      if (share.country === 'TG' || share.country === 'BF') day[share.country] += share.amount_xof;
    }
    result.push(day);
  }
  return result;
}

function dwellByPostAndDay(crossings: CrossingRow[], targetSeconds: number): DwellDay[] {
  const groups = groupBy(crossings, (c) => `${c.post}|${dayOf(c.entry_at)}`);
  return [...groups.values()]
    .map((rows) => {
      const dwell = rows.map((r) => r.dwell_seconds);
      return {
        post: rows[0]!.post,
        day: dayOf(rows[0]!.entry_at),
        crossings: rows.length,
        medianSeconds: percentile(dwell, 50),
        p90Seconds: percentile(dwell, 90),
        targetSeconds,
        overTarget: dwell.filter((s) => s > targetSeconds).length,
        alerts: rows.filter((r) => r.alerted === 1).length,
      };
    })
    .sort((a, b) => a.post.localeCompare(b.post) || a.day.localeCompare(b.day));
}

function legFigures(legs: LegRow[]): LegFigures[] {
  return [...groupBy(legs, (l) => `${l.from_office}|${l.to_office}`).values()]
    .map((rows) => {
      const seconds = rows.map((r) => r.seconds);
      const allowed = rows.flatMap((r) => (r.allowed_seconds === null ? [] : [r.allowed_seconds]));
      const late = rows.filter((r) => r.late === 1).length;
      return {
        from: rows[0]!.from_office,
        to: rows[0]!.to_office,
        legs: rows.length,
        medianSeconds: percentile(seconds, 50),
        p90Seconds: percentile(seconds, 90),
        medianAllowedSeconds: allowed.length ? percentile(allowed, 50) : null,
        late,
        lateRate: ratio(late, rows.length),
      };
    })
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

function officeFigures(reference: ReferenceData, legs: LegRow[], running: RunningTransit[]): OfficeFigures[] {
  return corridorOffices(reference).map((office) => {
    const arrivals = legs.filter((l) => l.to_office === office.code);
    const lateArrivals = arrivals.filter((l) => l.late === 1).length;
    const here = running.filter((r) => r.currentOffice === office.code);
    const overdueNow = here.filter((r) => r.overdue).length;
    const atLevel = (level: number) => here.filter((r) => r.escalationLevel === level).length;
    return {
      office: office.code,
      name: office.name,
      country: office.country,
      arrivals: arrivals.length,
      lateArrivals,
      lateRate: ratio(lateArrivals, arrivals.length),
      inFlight: here.length,
      overdueNow,
      overdueRate: ratio(overdueNow, here.length),
      escalationsLevel1: atLevel(1),
      escalationsLevel2: atLevel(2),
      escalationsLevel3: atLevel(3),
    };
  });
}

function completedByDay(movements: MovementRow[], from: string, days: number): CompletedDay[] {
  const result: CompletedDay[] = [];
  const start = new Date(from);
  for (let i = 0; i < days; i++) {
    const day = new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    result.push({ day, discharged: 0, cancelled: 0, rejected: 0, recovery: 0, total: 0 });
  }
  const byDay = new Map(result.map((d) => [d.day, d]));
  for (const movement of movements) {
    const entry = byDay.get(dayOf(movement.closed_at!));
    if (!entry) continue;
    entry.total++;
    if (movement.status === 'DISCHARGED') entry.discharged++;
    else if (movement.status === 'CANCELLED') entry.cancelled++;
    else if (movement.status === 'REJECTED') entry.rejected++;
    else if (movement.status === 'RECOVERY') entry.recovery++;
  }
  return result;
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 1000;
}

/** One table as CSV (RFC 4180: quoted where needed, CRLF line ends). */
export function toCsv<T extends object>(rows: T[], columns: (keyof T & string)[]): string {
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `${[columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c])).join(','))].join('\r\n')}\r\n`;
}
