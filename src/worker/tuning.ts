// How Corridor's Workers are tuned, in one place: the benchmark's floor (a no-op workflow of
// the same shape) runs with exactly these, so its ratio to Corridor measures Corridor's code.
import type { WorkerOptions } from '@temporalio/worker';

type Tuning = Partial<Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentActivityTaskExecutions' | 'workflowTaskPollerBehavior' | 'activityTaskPollerBehavior' | 'reuseV8Context'>>;

/** The `transits` queue: workflows and Corridor's own activities. */
export const workflowWorkerTuning: Tuning = {
  // Measured: about 400 KiB of worker memory per cached movement. Movements wait hours or
  // days between acts, so keeping them all cached does not pay: past this many, the least
  // recently used is evicted and replayed from its history (a hundred-odd events, milliseconds)
  // when its next act or timer comes. This bounds the worker near 1 GiB whatever is in flight.
  maxCachedWorkflows: 1_000,
};

/** A `national-XX` queue: calls to one country's national system. */
export const activityWorkerTuning: Tuning = {};
