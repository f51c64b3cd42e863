// How Corridor's Workers are tuned, in one place: the benchmark's floor (a no-op workflow of
// the same shape) runs with exactly these, so its ratio to Corridor measures Corridor's code.
import type { WorkerOptions } from '@temporalio/worker';

type Tuning = Partial<Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentActivityTaskExecutions' | 'workflowTaskPollerBehavior' | 'activityTaskPollerBehavior' | 'reuseV8Context'>>;

/** The `transits` queue: workflows and Corridor's own activities. */
export const workflowWorkerTuning: Tuning = {
  // Movements wait for days between acts: keep many cached, they cost little while parked.
  maxCachedWorkflows: 10_000,
};

/** A `national-XX` queue: calls to one country's national system. */
export const activityWorkerTuning: Tuning = {};
