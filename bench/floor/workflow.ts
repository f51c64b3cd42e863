// Temporal's floor for a lifecycle of Corridor's shape: the same updates, activities on
// another task queue, a search attribute upsert per step and one durable timer, and no
// business logic at all. Whatever Corridor costs beyond this is Corridor's own.
import { allHandlersFinished, condition, defineUpdate, proxyActivities, setHandler, upsertSearchAttributes, ApplicationFailure } from '@temporalio/workflow';
import { TransitStatus } from '../../workflows/search-attributes.ts';
import type { FloorShape } from './shape.ts';
import type * as activities from './activities.ts';

export interface FloorInput extends FloorShape {
  activityQueue: string;
  /** The one durable timer: armed at the start, cancelled when the last step is done (as a leg deadline is). */
  deadlineMs: number;
}

export const stepUpdate = defineUpdate<number, [number]>('step');

export async function floor(input: FloorInput): Promise<number> {
  const { noop } = proxyActivities<typeof activities>({
    taskQueue: input.activityQueue,
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  });
  let done = 0;
  let busy = false;
  setHandler(
    stepUpdate,
    async (step) => {
      busy = true;
      for (const wave of input.steps[step]!) await Promise.all(Array.from({ length: wave }, (_, i) => noop({ step, i })));
      upsertSearchAttributes([{ key: TransitStatus, value: `STEP_${step}` }]);
      done = step + 1;
      busy = false;
      return done;
    },
    {
      // Each update waits for its step, as an officer's act waits for the previous one.
      validator: (step) => {
        if (busy || step !== done) throw ApplicationFailure.nonRetryable(`step ${step} out of order (next is ${done})`, 'OUT_OF_ORDER');
      },
    },
  );
  await condition(() => done === input.steps.length, input.deadlineMs);
  await condition(allHandlersFinished);
  return done;
}
