// The run as a table on stdout: one row per figure, one column per target, so that the
// embedded default and a cluster can be read side by side.
import type { BenchResult, CorridorResult, FloorResult, TargetResult } from './result.ts';
import { STAGES } from './act-anatomy.ts';
import { profileRows, restOf, type ServerProfile } from './server-profile.ts';
import type { DeskRead } from '../phases/capacity.ts';

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

interface PathFigures {
  path: CorridorResult | undefined;
  floor: FloorResult | undefined;
  ratio: number | undefined;
  differences: string[] | undefined;
}

/**
 * The ratio a path could reach at most on this machine if everything of Corridor's cost exactly its
 * floor and its API nothing: the two national systems' sandboxes, on their own machines in the
 * corridor, run here on the floor's cores (equal busy cores assumed).
 */
export function sandboxBound(p: Pick<PathFigures, 'path' | 'floor'>): number | undefined {
  const floor = sum(p.floor?.cpuSecondsPerLifecycle);
  const cpu = p.path?.cpuSecondsPerLifecycle;
  const sandboxes = cpu ? Object.entries(cpu).filter(([name]) => name.startsWith('sandbox-')) : [];
  if (floor === undefined || sandboxes.length === 0 || sandboxes.some(([, s]) => s === undefined)) return undefined;
  return floor / (floor + sandboxes.reduce((a, [, s]) => a + s!, 0));
}

/** One path beside its own same-shape floor: rate, ratio, and where the round trips go. */
function pathRows(each: (cell: (t: TargetResult) => Cell) => Cell[], get: (t: TargetResult) => PathFigures): Row[] {
  const both = (cell: (r: FloorResult | undefined) => string) => each((t) => pair(cell(get(t).path), cell(get(t).floor)));
  return [
    ['lifecycles per second', ...both((r) => f(r?.lifecyclesPerSecond))],
    ['ratio to its floor (goal ≥ 0.9)', ...each((t) => f(get(t).ratio))],
    ["at most, the national sandboxes on the floor's cores (computed)", ...each((t) => f(sandboxBound(get(t))))],
    ['lifecycles done + failed', ...both(count)],
    [
      'lifecycle time mean / p95 (s)',
      ...each((t) => {
        const p = get(t).path;
        return p ? pair(f(p.meanLifecycleSeconds), f(p.p95LifecycleSeconds)) : undefined;
      }),
    ],
    [
      "floor has the path's shape",
      ...each((t) => {
        const d = get(t).differences;
        return d === undefined ? undefined : d.length === 0 ? 'yes' : 'NO, see below';
      }),
    ],
    ['history events per lifecycle', ...both((r) => f(r?.history?.events, 0))],
    // One task's upserts are merged: how many a lifecycle writes depends on how its acts fall into tasks.
    ['of them, search attribute upserts', ...both((r) => f(r?.history?.byType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES ?? (r?.history ? 0 : undefined), 0))],
    // The SDK counts a query it answers as a workflow task: told apart here, since the national
    // path's driver polls Corridor (a query) until the movement is DISCHARGED and no floor does.
    [
      'workflow tasks + queries answered per lifecycle',
      ...both((r) => `${f(r?.sdk.requests.RespondWorkflowTaskCompleted, 1)}+${f(r?.sdk.requests.RespondQueryTaskCompleted ?? (r ? 0 : undefined), 1)}`),
    ],
    ['activity tasks per lifecycle', ...both((r) => f(r?.sdk.activityTasks, 1))],
    ['worker → server calls per lifecycle', ...both((r) => f(sum(r?.sdk.requests), 1))],
    ['workflow task: run / queued (ms)', ...both((r) => `${f(r?.sdk.workflowTaskMs, 1)}+${f(r?.sdk.workflowTaskScheduleToStartMs, 1)}`)],
    ['activity: run / queued (ms)', ...both((r) => `${f(r?.sdk.activityMs, 1)}+${f(r?.sdk.activityScheduleToStartMs, 1)}`)],
    ['CPU s per lifecycle: server, all processes', ...both((r) => `${f(r?.cpuSecondsPerLifecycle.server, 3)}, ${f(sum(r?.cpuSecondsPerLifecycle), 3)}`)],
    ['cores busy over the run', ...both((r) => f(r?.machineBusy))],
    ["neighbours' CPU meanwhile (cores)", ...both((r) => f(r?.neighbourCores))],
  ];
}

function rows(result: BenchResult): Row[] {
  const ts = result.targets;
  const o = result.options as { count: number; concurrency: number; route: string; rate: number; latencySeconds: number; actGapMs?: number; parked: number };
  const each = (cell: (t: TargetResult) => Cell): Cell[] => ts.map(cell);
  const out: Row[] = [];
  if (ts.some((t) => t.corridor || t.floor || t.national || t.nationalFloor))
    out.push({ section: `Throughput: ${o.count} lifecycles, ${o.concurrency} at a time, route ${o.route}` });
  if (ts.some((t) => t.corridor || t.floor)) {
    out.push({ section: "Today's path: acts keyed in Corridor through its API (Corridor / its floor: updates)" });
    out.push(...pathRows(each, (t) => ({ path: t.corridor, floor: t.floor, ratio: t.ratio, differences: t.shapeDifferences })));
  }
  if (ts.some((t) => t.national || t.nationalFloor)) {
    out.push({ section: 'National path: acts recorded in the national systems, carried by the journals (national / its floor: signals)' });
    out.push(...pathRows(each, (t) => ({ path: t.national, floor: t.nationalFloor, ratio: t.nationalRatio, differences: t.nationalShapeDifferences })));
  }
  if (ts.some((t) => t.nationalPacedFloor)) {
    out.push({ section: "National path beside its floor paced as the officers act: Burkina's signals once the AAR has run (national / paced floor)" });
    out.push(
      ...pathRows(each, (t) => ({ path: t.national, floor: t.nationalPacedFloor, ratio: t.nationalPacedRatio, differences: t.nationalPacedShapeDifferences })),
    );
  }
  for (const name of [...new Set(ts.flatMap((t) => t.variants?.map((v) => v.name) ?? []))]) {
    out.push([
      `${name}: lifecycles/s (× floor), server CPU s, events`,
      ...each((t) => {
        const v = t.variants?.find((x) => x.name === name);
        return v ? `${f(v.lifecyclesPerSecond)} (×${f(v.ratioToFloor)}), ${f(v.cpuSecondsPerLifecycle.server, 3)}, ${f(v.history?.events, 0)}` : undefined;
      }),
    ]);
  }
  if (ts.some((t) => t.corridor || t.floor)) {
    out.push({ section: "CPU seconds per lifecycle, today's path (Corridor / floor)" });
    for (const name of ['server', 'worker', 'api', 'sandbox-TG', 'sandbox-BF', 'driver']) out.push([`  ${name}`, ...each((t) => cpuRow(t, name))]);
    out.push(['  all processes', ...each((t) => pair(f(sum(t.corridor?.cpuSecondsPerLifecycle), 3), f(sum(t.floor?.cpuSecondsPerLifecycle), 3)))]);
    out.push(['log lines per lifecycle (all processes)', ...each((t) => f(sum(t.corridor?.logLinesPerLifecycle), 1))]);
    out.push([
      'mean act round trip, lodge / officer (ms)',
      ...each((t) => (t.corridor ? pair(f(t.corridor.meanActMs.lodge, 0), f(meanOfficer(t.corridor.meanActMs), 0)) : undefined)),
    ]);
  }
  for (const [rig, floorRig, title] of [
    ['corridor', 'floor', "today's path (Corridor / floor)"],
    ['national', 'national-floor', 'national path (national / its floor)'],
  ] as const) {
    const first = ts.find((t) => t.serverProfile?.[rig]);
    if (!first) continue;
    out.push({ section: `Where the server's CPU goes, ${title}: perf samples, CPU ms per lifecycle` });
    const shown = profileRows(first.serverProfile![rig]!, first.serverProfile![floorRig]);
    const operations = shown.filter((row) => !row.rest).map((row) => row.operation);
    // Every column with the first one's rows, so "the rest" is the same operations in each.
    const cell = (profile: ServerProfile | undefined, row: (typeof shown)[number]) =>
      profile === undefined ? undefined : row.rest ? restOf(profile, operations) : (profile.msPerLifecycle[row.operation] ?? 0);
    for (const row of shown) {
      out.push([
        `  ${row.operation}`,
        ...each((t) => (t.serverProfile?.[rig] ? pair(f(cell(t.serverProfile[rig], row), 1), f(cell(t.serverProfile[floorRig], row), 1)) : undefined)),
      ]);
    }
    out.push([
      '  all the server (sampled)',
      ...each((t) =>
        t.serverProfile?.[rig] ? pair(f(t.serverProfile[rig].totalMsPerLifecycle, 1), f(t.serverProfile[floorRig]?.totalMsPerLifecycle, 1)) : undefined,
      ),
    ]);
  }

  if (ts.some((t) => t.latency)) {
    const spacing = o.actGapMs ? `acts ${o.actGapMs / 1000} s apart` : 'acts back to back';
    out.push({ section: `Officer act latency under ${o.rate} lifecycles/s for ${o.latencySeconds} s, ${spacing}: p50 / p95 / p99 (ms), goal p99 ≤ 250` });
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
    if (ts.some((t) => t.latency?.anatomy)) {
      out.push({ section: "Where an officer's act goes, from the movements' histories: p50 / p99 / mean of the slowest 5 % (ms)" });
      for (const stage of STAGES) {
        out.push([
          `  ${stage}`,
          ...each((t) => {
            const s = t.latency?.anatomy?.stages.find((x) => x.stage === stage);
            return s ? `${f(s.p50, 0)} / ${f(s.p99, 0)} / ${f(s.slowestMean, 0)}` : undefined;
          }),
        ]);
      }
      out.push([
        "  the workers' own, every task (SDK mean): workflow task run+queued, activity run+queued (ms)",
        ...each((t) => {
          const sdk = t.latency?.sdk;
          return sdk
            ? `${f(sdk.workflowTaskMs, 1)}+${f(sdk.workflowTaskScheduleToStartMs, 1)}, ${f(sdk.activityMs, 1)}+${f(sdk.activityScheduleToStartMs, 1)}`
            : undefined;
        }),
      ]);
      out.push([
        'acts split / not split',
        ...each((t) => (t.latency?.anatomy ? pair(String(t.latency.anatomy.acts - t.latency.anatomy.unsplit), String(t.latency.anatomy.unsplit)) : undefined)),
      ]);
    }
  }

  if (ts.some((t) => t.forwarding)) {
    out.push({
      section: `Forwarding latency on the national path under ${o.rate} lifecycles/s for ${o.latencySeconds} s: act recorded in one system → the other holds what it needs, p50 / p95 / p99 (ms)`,
    });
    const pairs = [...new Set(ts.flatMap((t) => t.forwarding?.pairs.map((p) => p.pair) ?? []))];
    for (const name of pairs) {
      out.push([
        `  ${name}`,
        ...each((t) => {
          const p = t.forwarding?.pairs.find((x) => x.pair === name);
          return p ? `${f(p.p50, 0)} / ${f(p.p95, 0)} / ${f(p.p99, 0)} (${p.count})` : undefined;
        }),
      ]);
    }
    out.push(['lifecycles completed / failed', ...each((t) => (t.forwarding ? pair(String(t.forwarding.completed), String(t.forwarding.failed)) : undefined))]);
    out.push(['discharged without a write-off in the journal', ...each((t) => (t.forwarding ? String(t.forwarding.missingWriteOffs) : undefined))]);
    out.push([
      'slowest forward',
      ...each((t) => {
        const s = t.forwarding?.slowest[0];
        return s ? `${f(s.ms, 0)} ms, ${s.pair}, ${s.mrn}` : undefined;
      }),
    ]);
  }

  if (ts.some((t) => t.scale?.length)) {
    out.push({
      section: 'Cost as work grows (lifecycles at a time): lifecycles/s; officer act round trip p50 / p99 (ms); national path: forwarding p50 / p99 (ms)',
    });
    const keys = [...new Set(ts.flatMap((t) => t.scale?.map((p) => `${p.path}@${p.concurrency}`) ?? []))];
    for (const key of keys) {
      const [path, level] = key.split('@');
      out.push([
        `  ${path === 'today' ? "today's path" : 'national path'}, ${level} at a time`,
        ...each((t) => {
          const p = t.scale?.find((x) => `${x.path}@${x.concurrency}` === key);
          if (!p) return undefined;
          const forwarding = p.forwarding ? `; ${f(p.forwarding.p50, 0)} / ${f(p.forwarding.p99, 0)}` : '';
          return `${f(p.lifecyclesPerSecond)}/s (${p.count - p.failed}+${p.failed}); ${f(p.act.p50, 0)} / ${f(p.act.p99, 0)}${forwarding}`;
        }),
      ]);
    }
  }

  if (ts.some((t) => t.capacity)) {
    out.push({
      section: `Capacity: ${o.parked} transits parked mid-route (released)${ts.some((t) => t.capacity?.via === 'journal') ? ", carried in by the departure country's journal (--large)" : ''}`,
    });
    out.push([
      'parked per second (time)',
      ...each((t) => (t.capacity ? `${f(t.capacity.parkedPerSecond, 1)} (${f(t.capacity.parkSeconds, 0)} s)` : undefined)),
    ]);
    if (ts.some((t) => t.capacity?.journal)) {
      out.push([
        "  of which through the departure system's journal: per second (time)",
        ...each((t) => {
          const j = t.capacity?.journal;
          return j ? `${f(j.parkedPerSecond, 1)} (${j.parked} in ${f(j.seconds, 0)} s; slowest 10 s: ${f(j.slowestRate, 1)}/s)` : undefined;
        }),
      ]);
      out.push(['  recorded in the departure system in (s)', ...each((t) => f(t.capacity?.journal?.recordSeconds, 0))]);
      out.push([
        '  peak RSS while parking, worker / server (MiB, goal worker ≤ 1024)',
        ...each((t) => (t.capacity?.journal ? pair(f(t.capacity.journal.peakRssMiB.worker, 0), f(t.capacity.journal.peakRssMiB.server, 0)) : undefined)),
      ]);
    }
    out.push(['worker exited and started again (times: its stall watch, or stopped by hand)', ...each((t) => f(t.capacity?.workerRestarts, 0))]);
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
      'list every overdue one via the API (ms, goal ≤ 1000)',
      ...each((t) =>
        t.capacity ? `${f(t.capacity.listOverdue.ms, 0)} (${t.capacity.listOverdue.items} in ${t.capacity.listOverdue.pages} pages)` : undefined,
      ),
    ]);
    out.push(['count them (visibility, ms)', ...each((t) => f(t.capacity?.countOverdueMs, 0))]);
    if (ts.some((t) => t.capacity?.desk)) {
      const deskRead = (read: DeskRead | undefined) =>
        read ? `${f(read.ms, 0)} ms, ${read.expected} of ${read.expectedTotal} expected (${read.pending} pending), ${f(read.bytes / 1024, 0)} KiB` : undefined;
      out.push([`an officer's desk at ${ts.find((t) => t.capacity?.desk)?.capacity?.desk?.office}: opened`, ...each((t) => deskRead(t.capacity?.desk?.first))]);
      out.push(['  read again 4 s later', ...each((t) => deskRead(t.capacity?.desk?.again))]);
      const looks = Math.max(0, ...ts.map((t) => t.capacity?.whileParking?.length ?? 0));
      for (let i = 0; i < looks; i++) {
        out.push([
          `while parking, look ${i + 1}: in flight; overdue listed (ms); desk (ms)`,
          ...each((t) => {
            const look = t.capacity?.whileParking?.[i];
            return look
              ? `${look.inFlight}; ${look.list.items} in ${f(look.list.ms, 0)}; ${look.desk.ms} (${look.desk.expected} of ${look.desk.expectedTotal})`
              : undefined;
          }),
        ]);
      }
    }
    const runs = Math.max(0, ...ts.map((t) => t.capacity?.reconciliation?.length ?? 0));
    for (let i = 0; i < runs; i++) {
      out.push([
        `reconciliation run ${i + 1}: s / state queries / unchanged TG+BF / worker CPU s`,
        ...each((t) => {
          const r = t.capacity?.reconciliation?.[i];
          if (!r) return undefined;
          const unchanged = Object.values(r.unchanged).reduce<number>((a, b) => a + (b ?? 0), 0);
          return `${f(r.seconds, 1)} / ${r.queries} / ${unchanged} of ${2 * r.movements} / ${f(r.cpu.worker, 1)}`;
        }),
      ]);
    }
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

/** More than this many cores of other work beside a measured window and its rate is someone else's too. */
export const NEIGHBOURS_LIMIT = 0.1;

/**
 * The windows (Corridor's paths, their floors) that ran beside other work: a floor measured while
 * Corridor's own stack worked in the background (it did, while the archiver replayed closed
 * movements) runs slower, and its path's ratio reads better than it is.
 */
export function disturbedWindows(t: Pick<TargetResult, 'id' | 'corridor' | 'floor' | 'national' | 'nationalFloor' | 'nationalPacedFloor'>): string[] {
  const windows = [
    ["today's path", t.corridor],
    ["today's floor", t.floor],
    ['national path', t.national],
    ['national floor', t.nationalFloor],
    ['paced national floor', t.nationalPacedFloor],
  ] as const;
  return windows.flatMap(([name, run]) => [
    ...(run && run.neighbourCores > NEIGHBOURS_LIMIT
      ? [
          `${t.id}: ${name} ran beside ${run.neighbourCores.toFixed(2)} cores of other work (more than ${NEIGHBOURS_LIMIT}): its rate is understated, and a ratio that uses it is off by as much; run again on a quieter machine`,
        ]
      : []),
    ...(run?.restarted?.length
      ? [
          `${t.id}: ${name}: ${run.restarted.join(', ')} restarted during the run (see its log): its CPU, the neighbours' and the SDK figures are unknown, and its rate includes the restart; run again`,
        ]
      : []),
  ]);
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
    for (const warning of disturbedWindows(t)) out.push('', `warning: ${warning}`);
    if (t.shapeDifferences?.length)
      out.push('', `${t.id}: the floor's shape differs from Corridor's (${String(result.options.floorShape)}): ${t.shapeDifferences.join('; ')}`);
    if (t.nationalShapeDifferences?.length)
      out.push(
        '',
        `${t.id}: the national floor's shape differs from the national path's (${String(result.options.nationalFloorShape)}): ${t.nationalShapeDifferences.join('; ')}`,
      );
    if (t.nationalPacedShapeDifferences?.length)
      out.push('', `${t.id}: the paced national floor's shape differs from the national path's: ${t.nationalPacedShapeDifferences.join('; ')}`);
  }
  return out.join('\n');
}
