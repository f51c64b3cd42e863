// One measured stretch of a phase: wall time, CPU of every process, and the worker's SDK
// metrics, all taken as differences between its start and its end.
import { cpuBetween, sampleAll, type Pids } from './proc.ts';
import { difference, scrape, type Scrape } from './prometheus.ts';

export interface Probe {
  pids: Pids;
  metricsUrl?: string | undefined;
}

export interface Window<T> {
  result: T;
  seconds: number;
  /** CPU seconds per process over the window. */
  cpu: Record<string, number | undefined>;
  metrics: Scrape | undefined;
}

export async function measure<T>(probe: Probe, work: () => Promise<T>): Promise<Window<T>> {
  const pids = { ...probe.pids, driver: process.pid };
  const metricsBefore = await scrape(probe.metricsUrl);
  const before = sampleAll(pids);
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const after = sampleAll(pids);
  const metricsAfter = await scrape(probe.metricsUrl);
  return { result, seconds, cpu: cpuBetween(before, after), metrics: difference(metricsBefore, metricsAfter) };
}
