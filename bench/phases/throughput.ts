// Lifecycle throughput, Corridor against its floor. Both run in alternating rounds (floor,
// Corridor, floor, Corridor…) so that a neighbour's load on a shared machine falls on both
// alike: the ratio stays meaningful even when the absolute figures wander.
import type { Client } from '@temporalio/client';
import { Progress } from '../../src/simulation/progress.ts';
import { runLifecycles } from '../../src/simulation/simulate.ts';
import type { ApiClient, LifecycleOutcome } from '../../src/simulation/lifecycle.ts';
import type { NationalScreens } from '../../src/simulation/national-screens.ts';
import type { Declaration, PlannedRoute } from '../../src/domain/types.ts';
import { countHistory, type HistoryCount } from '../lib/history.ts';
import { measure, type Probe, type Window } from '../lib/window.ts';
import type { Scrape } from '../lib/prometheus.ts';

export interface Batch {
  done: number;
  failed: string[];
  lifecycleMs: number[];
  /** Corridor only: each act's round trip. */
  outcomes?: LifecycleOutcome[];
}

/** Something that runs lifecycles: Corridor through its API or through the national systems' journals, or a floor through a Temporal client. */
export interface Rig {
  /** 'corridor', 'national', 'floor', 'national-floor', or a floor variant's name (--compare). */
  name: string;
  probe: Probe;
  batch(count: number, concurrency: number, onDone?: () => void): Promise<Batch>;
  history(): Promise<HistoryCount | undefined>;
  stop(): Promise<void>;
}

export interface RigRun {
  batch: Batch;
  seconds: number;
  cpu: Record<string, number | undefined>;
  metrics: Scrape | undefined;
  history: HistoryCount | undefined;
  /** Processes restarted during its windows (bench/lib/window.ts): their figures are unknown. */
  restarted: string[];
}

/**
 * Corridor's lifecycles as the simulator drives them: acts keyed in Corridor's API (today's
 * path, 'corridor'), or, given the national systems' screens, recorded there and carried to
 * Corridor by the journal consumers ('national'; Corridor is only read, until DISCHARGED).
 */
export function corridorRig(args: {
  api: ApiClient;
  client: Client | undefined;
  probe: Probe;
  declaration: Declaration;
  plan: PlannedRoute;
  screens?: NationalScreens | undefined;
}): Rig {
  let first: string | undefined;
  return {
    name: args.screens ? 'national' : 'corridor',
    probe: args.probe,
    async batch(count, concurrency, onDone) {
      const run = await runLifecycles({
        api: args.api,
        declaration: args.declaration,
        plan: args.plan,
        count,
        concurrency,
        screens: args.screens,
        onDone: () => onDone?.(),
      });
      first ??= run.outcomes[0]?.mrn;
      return {
        done: run.outcomes.length,
        failed: run.failures.map((f) => `${f.mrn ?? '(not lodged)'}: ${f.error}`),
        lifecycleMs: run.outcomes.map((o) => o.totalMs),
        outcomes: run.outcomes,
      };
    },
    history: () => (first && args.client ? countHistory(args.client, first) : Promise.resolve(undefined)),
    stop: async () => undefined,
  };
}

export async function runThroughput(args: {
  rigs: Rig[];
  count: number;
  concurrency: number;
  warmup: number;
  rounds: number;
  label: string;
  onMeasuring?: () => void;
  /** Wraps each rig's measured window (the server's profiler samples it for that rig). */
  around?: <T>(rig: Rig['name'], work: () => Promise<T>) => Promise<T>;
}): Promise<Map<Rig['name'], RigRun>> {
  const { rigs, count, concurrency } = args;
  for (const rig of rigs) if (args.warmup > 0) await rig.batch(args.warmup, concurrency);
  args.onMeasuring?.();
  const progress = new Progress(`${args.label} ${rigs.map((r) => r.name).join(' + ')}`, count * rigs.length);
  const runs = new Map<Rig['name'], RigRun>();
  for (let round = 0; round < args.rounds; round++) {
    // Rounds share out N as evenly as they can; the last takes the remainder.
    const size = round === args.rounds - 1 ? count - Math.floor(count / args.rounds) * (args.rounds - 1) : Math.floor(count / args.rounds);
    for (const rig of rigs) {
      const run = () => measure(rig.probe, () => rig.batch(size, concurrency, () => progress.tick()));
      const window = await (args.around ? args.around(rig.name, run) : run());
      const sofar = runs.get(rig.name);
      runs.set(
        rig.name,
        sofar
          ? merge(sofar, window)
          : { batch: window.result, seconds: window.seconds, cpu: window.cpu, metrics: window.metrics, history: undefined, restarted: window.restarted },
      );
    }
  }
  for (const rig of rigs) runs.get(rig.name)!.history = await rig.history().catch(() => undefined);
  return runs;
}

function merge(a: RigRun, w: Window<Batch>): RigRun {
  const cpu: Record<string, number | undefined> = {};
  for (const name of new Set([...Object.keys(a.cpu), ...Object.keys(w.cpu)])) {
    const x = a.cpu[name];
    const y = w.cpu[name];
    cpu[name] = x === undefined || y === undefined ? undefined : x + y;
  }
  let metrics: Scrape | undefined;
  if (a.metrics && w.metrics) {
    metrics = new Map(a.metrics);
    for (const [key, value] of w.metrics) metrics.set(key, (metrics.get(key) ?? 0) + value);
  }
  return {
    batch: {
      done: a.batch.done + w.result.done,
      failed: [...a.batch.failed, ...w.result.failed],
      lifecycleMs: [...a.batch.lifecycleMs, ...w.result.lifecycleMs],
      ...(a.batch.outcomes || w.result.outcomes ? { outcomes: [...(a.batch.outcomes ?? []), ...(w.result.outcomes ?? [])] } : {}),
    },
    seconds: a.seconds + w.seconds,
    cpu,
    metrics,
    history: undefined,
    restarted: [...new Set([...a.restarted, ...w.restarted])],
  };
}
