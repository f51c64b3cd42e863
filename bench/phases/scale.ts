// Cost as work grows: the same lifecycles driven 1, 10, 40 and 100 at a time (a closed loop:
// each lane starts its next lifecycle when the last one ends), and at each level the rate, the
// officers' act round trips and, on the national path, how long the other system waited for
// what an act forwards. Where the rate stops growing with the load, the engine is saturated;
// what the acts then pay is queueing.
import type { Declaration, PlannedRoute } from '../../src/domain/types.ts';
import type { ApiClient } from '../../src/simulation/lifecycle.ts';
import type { NationalScreens } from '../../src/simulation/national-screens.ts';
import { Progress } from '../../src/simulation/progress.ts';
import { percentile, runLifecycles } from '../../src/simulation/simulate.ts';
import { journalHeads, pairForwards, readUntilWrittenOff, type Journals } from '../lib/forwarding.ts';
import { measure, type Probe } from '../lib/window.ts';

export const SCALE_LEVELS = [1, 10, 40, 100] as const;

export type ScalePath = 'national' | 'today';

export interface ScalePoint {
  path: ScalePath;
  /** Lifecycles driven at a time. */
  concurrency: number;
  count: number;
  failed: number;
  seconds: number;
  lifecyclesPerSecond: number;
  /** Officers' acts: their HTTP round trip in the system they are keyed in (Corridor's API, or their own national system). */
  act: { count: number; p50: number; p99: number };
  /** National path only: act recorded in one system → the other holds what it needs. */
  forwarding?: { count: number; p50: number; p99: number };
  lifecycleP50Seconds: number;
  /** CPU of every other process on the machine meanwhile, in cores: the neighbours' noise. */
  neighbourCores: number;
}

/**
 * How many lifecycles a level drives: two waves of its concurrency, at least ten (so a p99 of
 * the acts means something at one at a time), at most --count, but never less than one wave.
 */
export function lifecyclesAtLevel(concurrency: number, count: number): number {
  return Math.max(concurrency, Math.min(count, Math.max(10, 2 * concurrency)));
}

export async function runScale(args: {
  label: string;
  paths: ScalePath[];
  api: ApiClient;
  screens: NationalScreens;
  journals: Journals;
  probe: Probe;
  declaration: Declaration;
  plan: PlannedRoute;
  count: number;
  levels?: readonly number[];
}): Promise<ScalePoint[]> {
  const levels = args.levels ?? SCALE_LEVELS;
  const total = args.paths.length * levels.reduce((a, c) => a + lifecyclesAtLevel(c, args.count), 0);
  const progress = new Progress(args.label, total);
  const points: ScalePoint[] = [];
  for (const path of args.paths) {
    const screens = path === 'national' ? args.screens : undefined;
    for (const concurrency of levels) {
      const count = lifecyclesAtLevel(concurrency, args.count);
      const heads = screens ? await journalHeads(args.journals) : undefined;
      const window = await measure(args.probe, () =>
        runLifecycles({ api: args.api, declaration: args.declaration, plan: args.plan, count, concurrency, screens, onDone: () => progress.tick() }),
      );
      const { outcomes, failures } = window.result;
      const acts = outcomes.flatMap((o) => o.steps.map((s) => s.ms));
      const point: ScalePoint = {
        path,
        concurrency,
        count,
        failed: failures.length,
        seconds: window.seconds,
        lifecyclesPerSecond: outcomes.length / window.seconds,
        act: { count: acts.length, p50: percentile(acts, 50), p99: percentile(acts, 99) },
        lifecycleP50Seconds: percentile(
          outcomes.map((o) => o.totalMs / 1000),
          50,
        ),
        neighbourCores: (window.cpu.others ?? Number.NaN) / window.seconds,
      };
      if (heads) {
        const mrns = new Set(outcomes.map((o) => o.mrn));
        const { journals } = await readUntilWrittenOff(args.journals, heads, mrns, 15_000);
        const forwards = pairForwards(journals, mrns).map((s) => s.ms);
        point.forwarding = { count: forwards.length, p50: percentile(forwards, 50), p99: percentile(forwards, 99) };
      }
      points.push(point);
    }
  }
  return points;
}
