// How much JavaScript heap the transits worker may hold (CORRIDOR_WORKER_HEAP_MIB, 384 by
// default). V8 sizes a heap's limit from the machine's memory (a quarter of it) and, below that
// limit, prefers growing to collecting: with 1,000 movements cached the worker passed 1 GiB of RSS
// though its two heaps held ~230 MiB live after a full collection (--trace-gc: workflow thread
// ~130 MiB, process ~100 MiB, 20 of them overdue). Capped at 384 MiB each, 2,000 movements parked
// through the journal peaked at 810 MiB instead of 1,110 (npm run bench -- --large --parked 2000).
// It was an operator's choice while a stall seen under it had no cause; the cause was two queries
// at once of an uncached movement (src/temporal/state-query.ts), and with that fixed the worker
// stayed at or under 939 MiB up to 69,934 in flight with it (npm run bench -- --large), so it is
// the default.
import { setFlagsFromString } from 'node:v8';
import type { Config } from '../config/env.ts';

/** Node's flag for the heap of a transits worker process that Corridor starts itself (./node-args.ts). */
export function heapNodeArgs(config: Pick<Config, 'workerHeapMib'>): string[] {
  return config.workerHeapMib === undefined ? [] : [`--max-old-space-size=${config.workerHeapMib}`];
}

/**
 * The workflow threads' heap: V8 reads the flag when the SDK creates them, so this runs before
 * the workers are created (the process's own heap was sized when it started).
 */
export function limitWorkflowThreadHeap(config: Pick<Config, 'workerHeapMib'>): void {
  if (config.workerHeapMib !== undefined) setFlagsFromString(`--max-old-space-size=${config.workerHeapMib}`);
}
