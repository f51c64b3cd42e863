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
  // sets the worker's memory: with 1,000, a plateau near 1.1 GiB whether 3,000 or 10,000 are
  // parked (npm run bench -- --phases capacity). Not lower: at 500, with 1,000 movements acting
  // at once (the bench's overdue cohort climbing its ladder), SDK 1.24's core logged "Extra
  // buffered run should not have produced an activation" and the workflow worker stopped taking
  // tasks within four minutes. The cache must hold the movements that act at the same time.
  maxCachedWorkflows: 1_000,
};

/** A `national-XX` queue: calls to one country's national system. */
export const activityWorkerTuning: Tuning = {};
