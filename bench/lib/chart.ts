// The run as a picture (SVG, no dependencies): throughput against the floor, where the CPU
// goes per lifecycle, officer act latency against its goal and where an act goes, and memory of parked transits.
import type { BenchResult, FloorResult, TargetResult } from './result.ts';
import { STAGES, type StageFigures } from './act-anatomy.ts';
import { restOf } from './server-profile.ts';

const W = 1100;
const PANEL_H = 300;
const COLORS: Record<string, string> = {
  server: '#4e79a7',
  worker: '#f28e2b',
  'floor-worker': '#f28e2b',
  api: '#e15759',
  'sandbox-TG': '#76b7b2',
  'sandbox-BF': '#59a14f',
  driver: '#bab0ac',
  corridor: '#e15759',
  floor: '#4e79a7',
  national: '#59a14f',
  'national floor': '#8cd17d',
  'paced floor': '#b6e3a8',
  p50: '#a0cbe8',
  p95: '#4e79a7',
  p99: '#1f3b5a',
  before: '#bab0ac',
  after: '#f28e2b',
  // An officer's act, stage by stage (bench/lib/act-anatomy.ts).
  'taken in': '#e15759',
  'workflow task queued': '#ff9d9a',
  'workflow task run': '#f28e2b',
  'national worker queued': '#8cd17d',
  'national system call': '#59a14f',
  'answer back': '#4e79a7',
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (x: number, y: number, s: string, attrs = '') => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;
const rect = (x: number, y: number, w: number, h: number, fill: string, title?: string) =>
  `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0, w).toFixed(1)}" height="${Math.max(0, h).toFixed(1)}" fill="${fill}">${title ? `<title>${esc(title)}</title>` : ''}</rect>`;

interface Bar {
  label: string;
  /** Stacked segments, bottom first. */
  parts: { name: string; value: number; color: string }[];
}

/** Groups of (possibly stacked) bars on one axis, with an optional goal line. */
function barPanel(top: number, title: string, unit: string, groups: { label: string; bars: Bar[] }[], goal?: { value: number; label: string }): string {
  const left = 70;
  const right = W - 30;
  const plotTop = top + 40;
  const plotBottom = top + PANEL_H - 50;
  const totals = groups.flatMap((g) => g.bars.map((b) => b.parts.reduce((a, p) => a + (Number.isFinite(p.value) ? p.value : 0), 0)));
  const max = niceMax(Math.max(goal?.value ?? 0, ...totals, 1e-9));
  const y = (v: number) => plotBottom - (v / max) * (plotBottom - plotTop);
  const out: string[] = [text(left, top + 22, title, 'font-size="16" font-weight="bold"')];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    out.push(
      `<line x1="${left}" x2="${right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      text(left - 6, y(v) + 4, fmt(v), 'font-size="11" text-anchor="end"'),
    );
  }
  out.push(text(12, (plotTop + plotBottom) / 2, unit, `font-size="11" transform="rotate(-90 12 ${(plotTop + plotBottom) / 2})" text-anchor="middle"`));
  const slots = groups.reduce((a, g) => a + g.bars.length + 1, 0);
  const slot = (right - left) / Math.max(1, slots);
  let x = left + slot / 2;
  for (const group of groups) {
    const start = x;
    for (const bar of group.bars) {
      let base = 0;
      for (const part of bar.parts) {
        if (!Number.isFinite(part.value) || part.value <= 0) continue;
        out.push(
          rect(x, y(base + part.value), slot * 0.8, y(base) - y(base + part.value), part.color, `${bar.label} ${part.name}: ${fmt(part.value)} ${unit}`),
        );
        base += part.value;
      }
      out.push(text(x + slot * 0.4, y(base) - 4, fmt(base), 'font-size="10" text-anchor="middle"'));
      out.push(text(x + slot * 0.4, plotBottom + 14, bar.label, 'font-size="10" text-anchor="middle"'));
      x += slot;
    }
    out.push(text((start + x - slot * 0.2) / 2, plotBottom + 32, group.label, 'font-size="12" text-anchor="middle" font-weight="bold"'));
    x += slot;
  }
  if (goal) {
    out.push(`<line x1="${left}" x2="${right}" y1="${y(goal.value)}" y2="${y(goal.value)}" stroke="#c00" stroke-dasharray="6 4"/>`);
    out.push(text(right, y(goal.value) - 4, goal.label, 'font-size="11" fill="#c00" text-anchor="end"'));
  }
  return out.join('\n');
}

function legend(top: number, names: readonly string[], spacing = 130, colorOf = (name: string) => COLORS[name] ?? '#999', perRow = names.length): string {
  return names
    .map((name, i) => {
      const x = 80 + (i % perRow) * spacing;
      const y = top + Math.floor(i / perRow) * 16;
      return `${rect(x, y, 12, 12, colorOf(name))}${text(x + 16, y + 11, name, 'font-size="11"')}`;
    })
    .join('');
}

/** Colours of the server's dearest operations, dearest first; the rest share grey. */
const OPERATION_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7'];
const SERVER_RIGS = [
  ['corridor', 'Corridor'],
  ['floor', 'floor'],
  ['national', 'national'],
  ['national-floor', 'national floor'],
] as const;

/** The server's CPU per lifecycle of each rig, stacked by its dearest operations (--server-profile). */
function serverProfilePanel(top: number, ts: TargetResult[]): string {
  const profiled = ts.filter((t) => t.serverProfile);
  const totals = new Map<string, number>();
  for (const t of profiled)
    for (const profile of Object.values(t.serverProfile!))
      for (const [operation, ms] of Object.entries(profile.msPerLifecycle)) totals.set(operation, (totals.get(operation) ?? 0) + ms);
  const dearest = [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, OPERATION_COLORS.length)
    .map(([operation]) => operation);
  const colorOf = (name: string) => OPERATION_COLORS[dearest.indexOf(name)] ?? '#bab0ac';
  const groups = profiled.map((t) => ({
    label: t.id,
    bars: SERVER_RIGS.filter(([rig]) => t.serverProfile![rig]).map(([rig, label]): Bar => {
      const profile = t.serverProfile![rig]!;
      const shown = dearest.map((operation) => ({ name: operation, value: profile.msPerLifecycle[operation] ?? 0, color: colorOf(operation) }));
      return { label, parts: [...shown, { name: 'the rest', value: restOf(profile, dearest), color: colorOf('the rest') }] };
    }),
  }));
  return (
    barPanel(top, "Where the server's CPU goes per lifecycle, by operation (perf samples; path beside floor)", 'CPU ms', groups) +
    legend(top + PANEL_H - 10, [...dearest, 'the rest'], 260, colorOf, 4)
  );
}

function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3);
}

const processes = ['server', 'worker', 'api', 'sandbox-TG', 'sandbox-BF', 'driver'];

/** One run's CPU per lifecycle, stacked by process (a floor's worker counts as the worker). */
function cpuBar(label: string, run: FloorResult | undefined): Bar {
  return {
    label,
    parts: processes.map((p) => ({
      name: p,
      value: run?.cpuSecondsPerLifecycle[p] ?? run?.cpuSecondsPerLifecycle[p === 'worker' ? 'floor-worker' : p] ?? Number.NaN,
      color: COLORS[p]!,
    })),
  };
}

export function renderChart(result: BenchResult): string {
  const ts = result.targets;
  const panels: string[] = [];
  let top = 50;
  const add = (svg: string, height = PANEL_H) => {
    panels.push(svg);
    top += height;
  };
  const bar = (label: string, value: number | undefined, color: string): Bar => ({ label, parts: [{ name: label, value: value ?? Number.NaN, color }] });

  // A run of other phases alone (latency, capacity, --large) has no rates: no empty panels for them.
  const throughput = ts.some((t) => t.corridor || t.floor || t.national || t.nationalFloor);
  if (throughput)
    add(
      barPanel(
        top,
        'Lifecycles per second: each path beside its floor (same shape, no logic)',
        'lifecycles/s',
        ts.flatMap((t) => [
          ...(t.corridor || t.floor
            ? [
                {
                  label: `${t.id} today's path, API${t.ratio !== undefined ? ` (ratio ${t.ratio.toFixed(2)})` : ''}`,
                  bars: [bar('Corridor', t.corridor?.lifecyclesPerSecond, COLORS.corridor!), bar('floor', t.floor?.lifecyclesPerSecond, COLORS.floor!)],
                },
              ]
            : []),
          ...(t.national || t.nationalFloor
            ? [
                {
                  label: `${t.id} national path, journals${t.nationalRatio !== undefined ? ` (ratio ${t.nationalRatio.toFixed(2)}${t.nationalPacedRatio !== undefined ? `; to the paced floor ${t.nationalPacedRatio.toFixed(2)}` : ''})` : ''}`,
                  bars: [
                    bar('national', t.national?.lifecyclesPerSecond, COLORS.national!),
                    bar('floor', t.nationalFloor?.lifecyclesPerSecond, COLORS['national floor']!),
                    ...(t.nationalPacedFloor ? [bar('paced floor', t.nationalPacedFloor.lifecyclesPerSecond, COLORS['paced floor']!)] : []),
                  ],
                },
              ]
            : []),
        ]),
        { value: 10, label: 'goal 10/s' },
      ),
    );
  if (throughput)
    add(
      barPanel(
        top,
        'CPU seconds per lifecycle, by process',
        'CPU s',
        ts.map((t) => ({
          label: t.id,
          bars: [
            cpuBar('Corridor', t.corridor),
            cpuBar('floor', t.floor),
            ...(t.national || t.nationalFloor ? [cpuBar('national', t.national), cpuBar('national floor', t.nationalFloor)] : []),
            ...(t.nationalPacedFloor ? [cpuBar('paced floor', t.nationalPacedFloor)] : []),
          ],
        })),
      ) + legend(top + PANEL_H - 16, processes),
      PANEL_H + 10,
    );
  if (ts.some((t) => t.serverProfile)) add(serverProfilePanel(top, ts), PANEL_H + 40);
  if (ts.some((t) => t.latency)) {
    const groups = ts.flatMap((t: TargetResult) =>
      (t.latency?.actions ?? [])
        .filter((a) => a.action !== 'lodge')
        .map((a) => ({
          label: ts.length > 1 ? `${t.id} ${a.action}` : a.action,
          bars: [bar('p50', a.p50, COLORS.p50!), bar('p95', a.p95, COLORS.p95!), bar('p99', a.p99, COLORS.p99!)],
        })),
    );
    add(
      barPanel(top, `Officer act round trip under ${String(result.options.rate)} lifecycles/s of background load`, 'ms', groups, {
        value: 250,
        label: 'goal p99 250 ms',
      }),
    );
  }
  if (ts.some((t) => t.latency?.anatomy)) {
    const stacked = (label: string, figures: StageFigures[], pick: (s: StageFigures) => number): Bar => ({
      label,
      parts: figures.map((s) => ({ name: s.stage, value: pick(s), color: COLORS[s.stage]! })),
    });
    const groups = ts.flatMap((t: TargetResult) => {
      const anatomy = t.latency?.anatomy;
      if (!anatomy) return [];
      return [
        {
          label: ts.length > 1 ? `${t.id} officer acts` : 'officer acts',
          bars: [stacked('mean', anatomy.stages, (s) => s.mean), stacked('slowest 5 %', anatomy.stages, (s) => s.slowestMean)],
        },
      ];
    });
    add(
      barPanel(top, "Where an officer's act goes, stage by stage (mean, and mean of the slowest 5 %)", 'ms', groups, {
        value: 250,
        label: 'goal p99 250 ms',
      }) + legend(top + PANEL_H - 16, STAGES, 170),
      PANEL_H + 10,
    );
  }
  if (ts.some((t) => t.forwarding)) {
    const groups = ts.flatMap((t: TargetResult) =>
      (t.forwarding?.pairs ?? []).map((p) => ({
        label: ts.length > 1 ? `${t.id} ${p.pair}` : p.pair,
        bars: [bar('p50', p.p50, COLORS.p50!), bar('p95', p.p95, COLORS.p95!), bar('p99', p.p99, COLORS.p99!)],
      })),
    );
    add(
      barPanel(
        top,
        `Forwarding on the national path under ${String(result.options.rate)} lifecycles/s: act recorded in one system → the other holds what it needs`,
        'ms',
        groups,
      ),
    );
  }
  // A bar's label names its target only when the run measured more than one.
  const prefix = (t: TargetResult) => (ts.length > 1 ? `${t.id} ` : '');
  if (ts.some((t) => t.scale?.length)) {
    const levels = (t: TargetResult) => [...new Set((t.scale ?? []).map((p) => p.concurrency))];
    const pathsOf = (t: TargetResult) => [...new Set((t.scale ?? []).map((p) => p.path))];
    add(
      barPanel(
        top,
        'Cost as work grows: lifecycles per second at 1, 10, 40 and 100 at a time',
        'lifecycles/s',
        ts.flatMap((t) =>
          levels(t).map((level) => ({
            label: `${prefix(t)}${level} at a time`,
            bars: pathsOf(t).map((path) =>
              bar(
                path === 'national' ? 'national' : 'today',
                t.scale?.find((p) => p.path === path && p.concurrency === level)?.lifecyclesPerSecond,
                COLORS[path === 'national' ? 'national' : 'corridor']!,
              ),
            ),
          })),
        ),
        { value: 10, label: 'goal 10/s' },
      ),
    );
    add(
      barPanel(
        top,
        'Cost as work grows: officer act round trip (p50, p99) and, on the national path, forwarding (p50, p99)',
        'ms',
        ts.flatMap((t) =>
          levels(t).map((level) => ({
            label: `${prefix(t)}${level} at a time`,
            bars: pathsOf(t).flatMap((path) => {
              const p = t.scale?.find((x) => x.path === path && x.concurrency === level);
              const name = path === 'national' ? 'nat.' : 'today';
              return [
                bar(`${name} act p50`, p?.act.p50, COLORS.p50!),
                bar(`${name} act p99`, p?.act.p99, COLORS.p99!),
                ...(p?.forwarding ? [bar('fwd p50', p.forwarding.p50, COLORS['national floor']!), bar('fwd p99', p.forwarding.p99, COLORS.national!)] : []),
              ];
            }),
          })),
        ),
        { value: 250, label: 'act goal p99 250 ms' },
      ),
    );
  }
  if (ts.some((t) => t.capacity)) {
    const groups = ts.flatMap((t) =>
      t.capacity
        ? [
            {
              label: `${t.id} worker (${fmt(t.capacity.kibPerParked.worker ?? Number.NaN)} KiB each)`,
              bars: [bar('before', t.capacity.rssBeforeMiB.worker, COLORS.before!), bar('after', t.capacity.rssAfterMiB.worker, COLORS.after!)],
            },
            {
              label: `${t.id} server (${fmt(t.capacity.kibPerParked.server ?? Number.NaN)} KiB each)`,
              bars: [bar('before', t.capacity.rssBeforeMiB.server, COLORS.before!), bar('after', t.capacity.rssAfterMiB.server, COLORS.after!)],
            },
          ]
        : [],
    );
    add(
      barPanel(top, `Resident memory with ${String(result.options.parked)} transits parked mid-route`, 'MiB', groups, {
        value: 1024,
        label: '1 GiB (worker goal at 100,000)',
      }),
    );
  }
  // The large run's looks: what a supervisor and an officer wait for while movements still come in, then once in.
  if (ts.some((t) => t.capacity?.whileParking?.length)) {
    const groups = ts.flatMap((t) => {
      const c = t.capacity;
      if (!c?.whileParking?.length) return [];
      const looks = c.whileParking.map((look) => ({
        label: `${prefix(t)}${Math.round(look.inFlight / 1000)}k in flight`,
        bars: [bar('overdue listed', look.list.ms, COLORS.p95!), bar('desk', look.desk.ms, COLORS['sandbox-TG']!)],
      }));
      const after = {
        label: `${prefix(t)}${Math.round(c.parked / 1000)}k, parked`,
        bars: [bar('overdue listed', c.listOverdue.ms, COLORS.p95!), ...(c.desk ? [bar('desk', c.desk.first.ms, COLORS['sandbox-TG']!)] : [])],
      };
      return [...looks, after];
    });
    add(
      barPanel(top, "The overdue ones listed through the API and the first border post's desk opened, while parking and once parked", 'ms', groups, {
        value: 1000,
        label: 'overdue listing goal 1 s',
      }),
    );
  }
  const m = result.machine;
  const header = text(
    20,
    30,
    `Corridor benchmark ${result.startedAt}: ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, node ${m.versions.node}, SDK ${m.versions.temporalSdk}${result.git ? `, git ${result.git.commit}${result.git.dirty ? '+' : ''}` : ''}`,
    'font-size="13" fill="#444"',
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${top + 20}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${header}\n${panels.join('\n')}\n</svg>\n`;
}
