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
  /** Corridor's baseline (workflows/versions.ts): the upserts of one task merged into one, as a new movement's. */
  baseline: number;
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
  const run = async (step: number, answer?: () => void) => {
    busy = true;
    // One marker per patch the transit calls at this step (several may fall on one step).
    input.patchedAt.forEach((at, i) => {
      if (at === step) patched(`floor-patch-${i}`);
    });
    const listedFirst = input.listedBeforeFirstWave.includes(step);
    if (listedFirst) upsertSearchAttributes([{ key: TransitStatus, value: `STEP_${step}` }]);
    for (const [w, wave] of input.steps[step]!.entries()) {
      await Promise.all(Array.from({ length: wave }, (_, i) => noop({ step, i })));
      if (w === 0) answer?.();
    }
    if (!listedFirst) upsertSearchAttributes([{ key: TransitStatus, value: `STEP_${step}` }]);
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
  // Updates taken, answered or not: an act answered before its forward is done lets the next one in,
  // which waits for the step before it to finish, as Corridor's acts wait for the movement's lock.
  let taken = 0;
  setHandler(
    stepUpdate,
    (step) =>
      new Promise<number>((resolve, reject) => {
        taken = step + 1;
        const early = input.answeredAfterFirstWave.includes(step);
        condition(() => !busy)
          .then(() => run(step, early ? () => resolve(step + 1) : undefined))
          .then(resolve, reject);
      }),
    {
      validator: (step) => {
        if (step !== taken) throw ApplicationFailure.nonRetryable(`step ${step} out of order (next is ${taken})`, 'OUT_OF_ORDER');
      },
    },
  );
  // A deadline timer while one is due, re-armed when a step moves it: as the transit's watch does.
  while (done < last) {
    const armed = deadlines;
    if (armed > 0) await condition(() => done === last || deadlines !== armed, input.deadlineMs);
    else await condition(() => done === last || deadlines !== armed);
  }
  await condition(allHandlersFinished);
  return done;
}
