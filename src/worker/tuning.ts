// How Corridor's Workers are tuned, in one place: the benchmark's floor (a no-op workflow of
// the same shape) runs with exactly these, so its ratio to Corridor measures Corridor's code.
import type { WorkerOptions } from '@temporalio/worker';

type Tuning = Partial<Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentActivityTaskExecutions' | 'workflowTaskPollerBehavior' | 'activityTaskPollerBehavior' | 'reuseV8Context'>>;

/** The `transits` queue: workflows and Corridor's own activities. */
export const workflowWorkerTuning: Tuning = {
  // Movements wait hours or days between acts, so keeping them all cached does not pay: past
  // this many, the least recently used is evicted and replayed from its history (a hundred-odd
  // events, milliseconds) when its next act or timer comes. The cache, not the number in flight,
  // sets the worker's memory. Measured with transits parked (npm run bench --phases capacity):
  // 1,000 cached → worker plateau near 1.1 GiB (3,000 and 10,000 parked alike); 500 → 843 MiB.
  maxCachedWorkflows: 500,
};

/** A `national-XX` queue: calls to one country's national system. */
export const activityWorkerTuning: Tuning = {};
