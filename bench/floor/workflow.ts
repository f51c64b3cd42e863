// Temporal's floor for a lifecycle of Corridor's shape: the same updates (today's path) or
// signals (the national path, whose journal consumer signals each event), activities on
// another task queue, a search attribute upsert per step and the same deadline timers, and
// no business logic at all. Whatever Corridor costs beyond this is Corridor's own.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  defineSignal,
  defineUpdate,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { TransitStatus } from '../../workflows/search-attributes.ts';
import type { FloorShape } from './shape.ts';
import type * as activities from './activities.ts';

export interface FloorInput extends FloorShape {
  activityQueue: string;
  deadlineMs: number;
}

export const stepUpdate = defineUpdate<number, [number]>('step');
/** The national path's delivery: a journal event signalled by the consumer, answered by nothing. */
export const stepSignal = defineSignal<[number]>('step');

export async function floor(input: FloorInput): Promise<number> {
  const { noop } = proxyActivities<typeof activities>({
    taskQueue: input.activityQueue,
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  });
  const last = input.steps.length;
  let done = 0;
  let busy = false;
  let deadlines = 0;
  const run = async (step: number) => {
    busy = true;
    // One marker per patch the transit calls at this step (several may fall on one step).
    input.patchedAt.forEach((at, i) => {
      if (at === step) patched(`floor-patch-${i}`);
    });
    for (const wave of input.steps[step]!) await Promise.all(Array.from({ length: wave }, (_, i) => noop({ step, i })));
    upsertSearchAttributes([{ key: TransitStatus, value: `STEP_${step}` }]);
    done = step + 1;
    if (input.timersAfter.includes(step)) deadlines++;
    busy = false;
    return done;
  };
  // Signals cannot be refused: each runs after the one before, in the order they came, once.
  let queue = Promise.resolve(0);
  setHandler(stepSignal, (step) => {
    queue = queue.then(() => (step === done ? run(step) : done));
  });
  setHandler(stepUpdate, run, {
    // Each update waits for its step, as an officer's act waits for the previous one.
    validator: (step) => {
      if (busy || step !== done) throw ApplicationFailure.nonRetryable(`step ${step} out of order (next is ${done})`, 'OUT_OF_ORDER');
    },
  });
  // A deadline timer while one is due, re-armed when a step moves it: as the transit's watch does.
  while (done < last) {
    const armed = deadlines;
    if (armed > 0) await condition(() => done === last || deadlines !== armed, input.deadlineMs);
    else await condition(() => done === last || deadlines !== armed);
  }
  await condition(allHandlersFinished);
  return done;
}
