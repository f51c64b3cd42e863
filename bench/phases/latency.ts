// Officer action latency under load: a new lifecycle starts every 1/R s for D seconds (an
// open loop: a slow corridor does not slow the arrivals), each driven by the simulator;
// every act's HTTP round trip is kept, per action.
import { Progress } from '../../src/simulation/progress.ts';
import { driveLifecycle, withLrn, type ApiClient, type LifecycleOutcome } from '../../src/simulation/lifecycle.ts';
import { percentile, simulatedLrn } from '../../src/simulation/simulate.ts';
import type { Declaration, PlannedRoute } from '../../src/domain/types.ts';
import { measure, type Probe, type Window } from '../lib/window.ts';

export interface ActionLatency {
  action: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LatencyRun {
  window: Window<{ outcomes: LifecycleOutcome[]; failures: string[] }>;
  rate: number;
  started: number;
  actions: ActionLatency[];
}

export async function runLatency(args: {
  label: string;
  api: ApiClient;
  probe: Probe;
  declaration: Declaration;
  plan: PlannedRoute;
  rate: number;
  seconds: number;
}): Promise<LatencyRun> {
  const total = Math.max(1, Math.round(args.rate * args.seconds));
  const progress = new Progress(args.label, total);
  const window = await measure(args.probe, async () => {
    const outcomes: LifecycleOutcome[] = [];
    const failures: string[] = [];
    const running: Promise<void>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      // Arrivals on a fixed schedule, not after the previous one: waiting would hide queueing.
      const due = t0 + (i * 1000) / args.rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      running.push(
        driveLifecycle(args.api, withLrn(args.declaration, simulatedLrn(i)), args.plan)
          .then((outcome) => void outcomes.push(outcome))
          .catch((error: unknown) => void failures.push(String(error)))
          .finally(() => progress.tick()),
      );
    }
    await Promise.all(running);
    return { outcomes, failures };
  });

  const samples = new Map<string, number[]>();
  const add = (action: string, ms: number) => samples.set(action, [...(samples.get(action) ?? []), ms]);
  for (const outcome of window.result.outcomes) {
    add('lodge', outcome.lodgeMs);
    for (const step of outcome.steps) add(step.action, step.ms);
  }
  const officer = [...samples.entries()].filter(([action]) => action !== 'lodge').flatMap(([, values]) => values);
  const row = (action: string, values: number[]): ActionLatency => ({
    action,
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: Math.max(...values),
  });
  const actions = [...samples.entries()].map(([action, values]) => row(action, values));
  if (officer.length) actions.push(row('all officer acts', officer));
  return { window, rate: args.rate, started: total, actions };
}
