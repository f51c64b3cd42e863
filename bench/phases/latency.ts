// Officer action latency under load: a new lifecycle starts every 1/R s for D seconds (an
// open loop: a slow corridor does not slow the arrivals), each driven by the simulator;
// every act's HTTP round trip is kept, per action. Acts of one movement come `actGapMs` apart:
// a truck spends hours on the road between two offices, and an act sent the instant the
// previous one was answered would wait behind that act's forward to the other country, a wait
// no officer meets (0 gives the back-to-back measure of earlier runs).
import { driveLifecycle, withLrn, type ApiClient } from '../../src/simulation/lifecycle.ts';
import { percentile, simulatedLrn } from '../../src/simulation/simulate.ts';
import type { Declaration, PlannedRoute } from '../../src/domain/types.ts';
import { openLoop, type OpenLoopWindow } from '../lib/open-loop.ts';
import type { Probe } from '../lib/window.ts';
import { actAnatomy, type ActAnatomy, type DrivenAct } from '../lib/act-anatomy.ts';
import type { Client } from '@temporalio/client';

export interface ActionLatency {
  action: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LatencyRun {
  window: OpenLoopWindow;
  rate: number;
  /** Time between two acts of one movement (absent in runs before it existed: back to back). */
  actGapMs: number;
  started: number;
  actions: ActionLatency[];
  /** Where the officers' acts' time went, stage by stage, from the movements' histories. */
  anatomy?: ActAnatomy;
}

export async function runLatency(args: {
  label: string;
  api: ApiClient;
  probe: Probe;
  declaration: Declaration;
  plan: PlannedRoute;
  rate: number;
  seconds: number;
  actGapMs: number;
  /** Reads the movements' histories to split each officer's act into stages; none: not split. */
  client?: Client;
}): Promise<LatencyRun> {
  const { window, started } = await openLoop({
    label: args.label,
    probe: args.probe,
    rate: args.rate,
    seconds: args.seconds,
    lifecycle: (i) => driveLifecycle(args.api, withLrn(args.declaration, simulatedLrn(i)), args.plan, { gapMs: args.actGapMs }),
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
  // Officers' acts only: the lodging's round trip also starts the movement, a different path.
  const driven: DrivenAct[] = window.result.outcomes.flatMap((o) =>
    o.steps.flatMap((step, i) => (step.sentAt === undefined ? [] : [{ mrn: o.mrn, action: step.action, sentAt: step.sentAt, ms: step.ms, index: i + 1 }])),
  );
  const anatomy = args.client && driven.length ? await actAnatomy(args.client, driven) : undefined;
  return { window, rate: args.rate, actGapMs: args.actGapMs, started, actions, ...(anatomy ? { anatomy } : {}) };
}
