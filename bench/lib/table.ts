// The run as a table on stdout: one row per figure, one column per target, so that the
// embedded default and a cluster can be read side by side.
import type { BenchResult, TargetResult } from './result.ts';

type Cell = string | undefined;
type Row = [string, ...Cell[]] | { section: string };

const f = (value: number | undefined, digits = 2) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));
const pair = (a: string, b: string) => `${a} / ${b}`;

function cpuRow(t: TargetResult, name: string): Cell {
  const c = t.corridor?.cpuSecondsPerLifecycle[name];
  const fl = name === 'worker' ? t.floor?.cpuSecondsPerLifecycle['floor-worker'] : t.floor?.cpuSecondsPerLifecycle[name];
  if (c === undefined && fl === undefined) return undefined;
  return pair(f(c, 3), f(fl, 3));
}

function rows(result: BenchResult): Row[] {
  const ts = result.targets;
  const o = result.options as { count: number; concurrency: number; route: string; rate: number; latencySeconds: number; parked: number };
  const each = (cell: (t: TargetResult) => Cell): Cell[] => ts.map(cell);
  const out: Row[] = [];
  out.push({ section: `Throughput: ${o.count} lifecycles, ${o.concurrency} at a time, route ${o.route} (Corridor / floor)` });
  out.push(['lifecycles per second', ...each((t) => pair(f(t.corridor?.lifecyclesPerSecond), f(t.floor?.lifecyclesPerSecond)))]);
  out.push(['ratio Corridor / floor (goal ≥ 0.9)', ...each((t) => f(t.ratio))]);
  out.push(['lifecycles done + failed (no answer in 15 s = failed)', ...each((t) => pair(`${count(t.corridor)}`, `${count(t.floor)}`))]);
  out.push([
    'lifecycle time mean / p95 (s)',
    ...each((t) => (t.corridor ? pair(f(t.corridor.meanLifecycleSeconds), f(t.corridor.p95LifecycleSeconds)) : undefined)),
  ]);
  out.push([
    "floor has Corridor's shape",
    ...each((t) => (t.shapeDifferences === undefined ? undefined : t.shapeDifferences.length === 0 ? 'yes' : 'NO, see below')),
  ]);
  out.push(['history events per lifecycle', ...each((t) => pair(f(t.corridor?.history?.events, 0), f(t.floor?.history?.events, 0)))]);
  out.push(['workflow tasks per lifecycle', ...each((t) => pair(f(t.corridor?.sdk.workflowTasks, 1), f(t.floor?.sdk.workflowTasks, 1)))]);
  out.push(['activity tasks per lifecycle', ...each((t) => pair(f(t.corridor?.sdk.activityTasks, 1), f(t.floor?.sdk.activityTasks, 1)))]);
  out.push(['worker → server calls per lifecycle', ...each((t) => pair(f(sum(t.corridor?.sdk.requests), 1), f(sum(t.floor?.sdk.requests), 1)))]);
  out.push([
    'workflow task: run / queued (ms)',
    ...each((t) =>
      pair(
        `${f(t.corridor?.sdk.workflowTaskMs, 1)}+${f(t.corridor?.sdk.workflowTaskScheduleToStartMs, 1)}`,
        `${f(t.floor?.sdk.workflowTaskMs, 1)}+${f(t.floor?.sdk.workflowTaskScheduleToStartMs, 1)}`,
      ),
    ),
  ]);
  out.push([
    'activity: run / queued (ms)',
    ...each((t) =>
      pair(
        `${f(t.corridor?.sdk.activityMs, 1)}+${f(t.corridor?.sdk.activityScheduleToStartMs, 1)}`,
        `${f(t.floor?.sdk.activityMs, 1)}+${f(t.floor?.sdk.activityScheduleToStartMs, 1)}`,
      ),
    ),
  ]);
  for (const name of [...new Set(ts.flatMap((t) => t.variants?.map((v) => v.name) ?? []))]) {
    out.push([
      `${name}: lifecycles/s (× floor), server CPU s, events`,
      ...each((t) => {
        const v = t.variants?.find((x) => x.name === name);
        return v ? `${f(v.lifecyclesPerSecond)} (×${f(v.ratioToFloor)}), ${f(v.cpuSecondsPerLifecycle.server, 3)}, ${f(v.history?.events, 0)}` : undefined;
      }),
    ]);
  }
  out.push({ section: 'CPU seconds per lifecycle (Corridor / floor)' });
  for (const name of ['server', 'worker', 'api', 'sandbox-TG', 'sandbox-BF', 'driver']) out.push([`  ${name}`, ...each((t) => cpuRow(t, name))]);
  out.push(['  all processes', ...each((t) => pair(f(sum(t.corridor?.cpuSecondsPerLifecycle), 3), f(sum(t.floor?.cpuSecondsPerLifecycle), 3)))]);
  out.push(['cores busy over the run', ...each((t) => pair(f(t.corridor?.machineBusy), f(t.floor?.machineBusy)))]);
  out.push(["neighbours' CPU meanwhile (cores)", ...each((t) => pair(f(t.corridor?.neighbourCores), f(t.floor?.neighbourCores)))]);
  out.push(['log lines per lifecycle (all processes)', ...each((t) => f(sum(t.corridor?.logLinesPerLifecycle), 1))]);
  out.push([
    'mean act round trip, lodge / officer (ms)',
    ...each((t) => (t.corridor ? pair(f(t.corridor.meanActMs.lodge, 0), f(meanOfficer(t.corridor.meanActMs), 0)) : undefined)),
  ]);

  if (ts.some((t) => t.latency)) {
    out.push({ section: `Officer act latency under ${o.rate} lifecycles/s for ${o.latencySeconds} s: p50 / p95 / p99 (ms), goal p99 ≤ 250` });
    const actions = [...new Set(ts.flatMap((t) => t.latency?.actions.map((a) => a.action) ?? []))];
    for (const action of actions) {
      out.push([
        `  ${action}`,
        ...each((t) => {
          const a = t.latency?.actions.find((x) => x.action === action);
          return a ? `${f(a.p50, 0)} / ${f(a.p95, 0)} / ${f(a.p99, 0)}` : undefined;
        }),
      ]);
    }
    out.push(['lifecycles completed / failed', ...each((t) => (t.latency ? pair(String(t.latency.completed), String(t.latency.failed)) : undefined))]);
  }

  if (ts.some((t) => t.capacity)) {
    out.push({ section: `Capacity: ${o.parked} transits parked mid-route (released)` });
    out.push([
      'parked per second (time)',
      ...each((t) => (t.capacity ? `${f(t.capacity.parkedPerSecond, 1)} (${f(t.capacity.parkSeconds, 0)} s)` : undefined)),
    ]);
    out.push(['worker RSS before → after (MiB)', ...each((t) => rss(t, 'worker'))]);
    out.push(['server RSS before → after (MiB)', ...each((t) => rss(t, 'server'))]);
    out.push([
      'memory per parked transit, worker / server (KiB)',
      ...each((t) => (t.capacity ? pair(f(t.capacity.kibPerParked.worker, 1), f(t.capacity.kibPerParked.server, 1)) : undefined)),
    ]);
    out.push([
      'overdue among them: seen / made',
      ...each((t) => (t.capacity ? pair(String(t.capacity.overdueSeen), String(t.capacity.overdueWanted)) : undefined)),
    ]);
    out.push([
      'list every overdue one via the API (ms)',
      ...each((t) =>
        t.capacity ? `${f(t.capacity.listOverdue.ms, 0)} (${t.capacity.listOverdue.items} in ${t.capacity.listOverdue.pages} pages)` : undefined,
      ),
    ]);
    out.push(['count them (visibility, ms)', ...each((t) => f(t.capacity?.countOverdueMs, 0))]);
  }
  return out;
}

function count(r: { count: number; failed: number } | undefined): string {
  return r ? `${r.count - r.failed}+${r.failed}` : '–';
}

function rss(t: TargetResult, name: string): Cell {
  if (!t.capacity) return undefined;
  return `${f(t.capacity.rssBeforeMiB[name], 0)} → ${f(t.capacity.rssAfterMiB[name], 0)}`;
}

function sum(values: Record<string, number | undefined> | undefined): number | undefined {
  if (!values) return undefined;
  return Object.values(values).reduce<number>((a, b) => a + (b ?? 0), 0);
}

function meanOfficer(acts: Record<string, number>): number {
  const officer = Object.entries(acts)
    .filter(([name]) => name !== 'lodge')
    .map(([, ms]) => ms);
  return officer.reduce((a, b) => a + b, 0) / Math.max(1, officer.length);
}

export function renderTable(result: BenchResult): string {
  const m = result.machine;
  const head = [
    `Corridor benchmark, ${result.startedAt} (${result.seconds} s)`,
    `machine: ${m.cores} cores ${m.cpuModel}, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${m.os}, load ${m.loadAverageAtStart.join(' ')} at start`,
    `versions: node ${m.versions.node}, Temporal SDK ${m.versions.temporalSdk}, ${result.targets.map((t) => `${t.id}: server ${t.server.version ?? '?'}${t.server.cli ? ` (CLI ${t.server.cli})` : ''}`).join(', ')}${result.git ? `; git ${result.git.commit}${result.git.dirty ? ' + uncommitted changes' : ''}` : ''}`,
    '',
  ];
  const all = rows(result);
  const labelWidth = Math.max(...all.map((r) => (Array.isArray(r) ? r[0].length : 0)));
  const widths = result.targets.map((t, i) => Math.max(t.id.length, ...all.map((r) => (Array.isArray(r) ? (r[i + 1] ?? '–').length : 0))));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(labelWidth) : c.padStart(widths[i - 1]!))).join('   ');
  const out = [...head, line(['', ...result.targets.map((t) => t.id)])];
  for (const t of result.targets) out.push(`  ${t.id}: ${t.label}`);
  for (const r of all) {
    if (Array.isArray(r)) out.push(line([r[0], ...r.slice(1).map((c) => c ?? '–')]));
    else out.push('', r.section);
  }
  for (const t of result.targets) {
    if (t.shapeDifferences?.length)
      out.push('', `${t.id}: the floor's shape differs from Corridor's (${String(result.options.floorShape)}): ${t.shapeDifferences.join('; ')}`);
  }
  return out.join('\n');
}
