// One measured stretch of a phase: wall time, CPU of every process, and the worker's SDK
// metrics, all taken as differences between its start and its end.
import { cpuBetween, machineBusyMs, sampleAll, type Pids } from './proc.ts';
import { difference, scrape, type Scrape } from './prometheus.ts';

export interface Probe {
  pids: Pids;
  metricsUrl?: string | undefined;
}

export interface Window<T> {
  result: T;
  seconds: number;
  /** CPU seconds per process over the window; `others` is every other process on the machine (neighbours). */
  cpu: Record<string, number | undefined>;
  metrics: Scrape | undefined;
  /**
   * Processes started again during the window (a worker that exited and was restarted): the CPU
   * the one that exited took is not known, so theirs, the neighbours' and (for the worker) the SDK
   * figures are left unknown rather than half counted.
   */
  restarted: string[];
}

export async function measure<T>(probe: Probe, work: () => Promise<T>): Promise<Window<T>> {
  const pids: Pids = { ...probe.pids, driver: process.pid };
  const metricsBefore = await scrape(probe.metricsUrl);
  const before = sampleAll(pids);
  const machineBefore = machineBusyMs();
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const after = sampleAll(pids);
  const cpu = cpuBetween(before, after);
  const restarted = Object.keys(probe.pids).filter((name) => probe.pids[name] !== pids[name]);
  for (const name of restarted) cpu[name] = undefined;
  const ours = Object.values(cpu).reduce<number>((a, b) => a + (b ?? 0), 0);
  // What the rest of the machine burnt meanwhile: on a shared machine, the figures' noise.
  cpu.others = restarted.length > 0 ? undefined : Math.max(0, (machineBusyMs() - machineBefore) / 1000 - ours);
  const metricsAfter = await scrape(probe.metricsUrl);
  // A restarted worker's counters start again from nothing: a difference across it means nothing.
  const metrics = restarted.includes('worker') ? undefined : difference(metricsBefore, metricsAfter);
  return { result, seconds, cpu, metrics, restarted };
}
