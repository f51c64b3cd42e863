// An open loop: a new lifecycle starts every 1/R s for D seconds, whether or not the earlier
// ones have finished, so that a slow corridor does not slow the arrivals (waiting would hide
// queueing). The latency phase drives today's path with it, the forwarding phase the national one.
import { Progress } from '../../src/simulation/progress.ts';
import type { LifecycleOutcome } from '../../src/simulation/lifecycle.ts';
import { measure, type Probe, type Window } from './window.ts';

export type OpenLoopWindow = Window<{ outcomes: LifecycleOutcome[]; failures: string[] }>;

export async function openLoop(args: {
  label: string;
  probe: Probe;
  rate: number;
  seconds: number;
  lifecycle: (index: number) => Promise<LifecycleOutcome>;
}): Promise<{ window: OpenLoopWindow; started: number }> {
  const total = Math.max(1, Math.round(args.rate * args.seconds));
  const progress = new Progress(args.label, total);
  const window = await measure(args.probe, async () => {
    const outcomes: LifecycleOutcome[] = [];
    const failures: string[] = [];
    const running: Promise<void>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      // Arrivals on a fixed schedule, not after the previous one.
      const due = t0 + (i * 1000) / args.rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      running.push(
        args
          .lifecycle(i)
          .then((outcome) => void outcomes.push(outcome))
          .catch((error: unknown) => void failures.push(String(error)))
          .finally(() => progress.tick()),
      );
    }
    await Promise.all(running);
    return { outcomes, failures };
  });
  return { window, started: total };
}
