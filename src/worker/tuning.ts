// How Corridor's Workers are tuned, in one place: the benchmark's floor (a no-op workflow of
// the same shape) runs with exactly these, so its ratio to Corridor measures Corridor's code.
import type { WorkerOptions } from '@temporalio/worker';

type Tuning = Partial<
  Pick<
    WorkerOptions,
    | 'maxCachedWorkflows'
    | 'maxConcurrentWorkflowTaskExecutions'
    | 'maxConcurrentActivityTaskExecutions'
    | 'workflowTaskPollerBehavior'
    | 'activityTaskPollerBehavior'
    | 'reuseV8Context'
  >
>;

/** The `transits` queue: workflows and Corridor's own activities. */
export const workflowWorkerTuning: Tuning = {
  // Movements wait hours or days between acts, so keeping them all cached does not pay: past
  // this many, the least recently used is evicted and replayed from its history (a hundred-odd
  // events, milliseconds) when its next act or timer comes. The cache, not the number in flight,
  // sets the worker's memory (npm run bench -- --large). The stall once blamed on a small cache
  // (SDK 1.24's core: "Extra buffered run should not have produced an activation", then no task
  // taken) came from two queries at once of a movement not cached while the cache was full: the
  // core drops one and its task slot is never given back (scripts/worker-stall-repro.ts). No
  // Corridor process sends two at once any more (src/temporal/state-query.ts) and API processes
  // take turns to refresh the projection; two processes can still race on one movement, which is
  // the SDK's to fix. The cache stays at 1,000, so the movements that act together are held.
  maxCachedWorkflows: 1_000,
};

/** A `national-XX` queue: calls to one country's national system. */
export const activityWorkerTuning: Tuning = {};
