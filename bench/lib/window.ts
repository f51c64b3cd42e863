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
}

export async function measure<T>(probe: Probe, work: () => Promise<T>): Promise<Window<T>> {
  const pids = { ...probe.pids, driver: process.pid };
  const metricsBefore = await scrape(probe.metricsUrl);
  const before = sampleAll(pids);
  const machineBefore = machineBusyMs();
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const after = sampleAll(pids);
  const cpu = cpuBetween(before, after);
  const ours = Object.values(cpu).reduce<number>((a, b) => a + (b ?? 0), 0);
  // What the rest of the machine burnt meanwhile: on a shared machine, the figures' noise.
  cpu.others = Math.max(0, (machineBusyMs() - machineBefore) / 1000 - ours);
  const metricsAfter = await scrape(probe.metricsUrl);
  return { result, seconds, cpu, metrics: difference(metricsBefore, metricsAfter) };
}
