// How much JavaScript heap the transits worker may hold (CORRIDOR_WORKER_HEAP_MIB, unset by
// default). V8 sizes a heap's limit from the machine's memory (a quarter of it) and, below that
// limit, prefers growing to collecting: with 1,000 movements cached the worker passed 1 GiB of RSS
// though its two heaps held ~230 MiB live after a full collection (--trace-gc: workflow thread
// ~130 MiB, process ~100 MiB, 20 of them overdue). Capped at 384 MiB each, 2,000 movements parked
// through the journal peaked at 810 MiB instead of 1,110 (npm run bench -- --large --parked 2000);
// but a 100,000 run whose thousand overdue movements climbed their ladder meanwhile stalled under
// that cap at 8,380 in flight (its logs were not kept), so the cap is an operator's choice.
import { setFlagsFromString } from 'node:v8';
import type { Config } from '../config/env.ts';

/** Node's flags for a transits worker process that Corridor starts itself. */
export function workerNodeArgs(config: Pick<Config, 'workerHeapMib'>): string[] {
  return config.workerHeapMib === undefined ? [] : [`--max-old-space-size=${config.workerHeapMib}`];
}

/**
 * The workflow threads' heap: V8 reads the flag when the SDK creates them, so this runs before
 * the workers are created (the process's own heap was sized when it started).
 */
export function limitWorkflowThreadHeap(config: Pick<Config, 'workerHeapMib'>): void {
  if (config.workerHeapMib !== undefined) setFlagsFromString(`--max-old-space-size=${config.workerHeapMib}`);
}
