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
import type { FloorActivities } from './activities.ts';

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
  const { noop } = proxyActivities<FloorActivities>({
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
      // The next country's officers act once this forward has reached their system: its activity signals their steps.
      const next = input.nextCountry?.after === step && w === 0 ? { thenSignal: range(input.nextCountry.from, last) } : {};
      await Promise.all(Array.from({ length: wave }, (_, i) => noop({ step, i, ...(i === 0 ? next : {}) })));
      if (w === 0) answer?.();
    }
    if (!listedFirst) upsertSearchAttributes([{ key: TransitStatus, value: `STEP_${step}` }]);
    done = step + 1;
    if (input.timersAfter.includes(step)) deadlines++;
    busy = false;
    return done;
  };
  // Signals cannot be refused: each step runs once, after the one before, whatever order the
  // signals came in (a paced floor's next country may signal before the driver's last ones land),
  // as the movement's inbox holds an act until the procedure can take it.
  let queue = Promise.resolve(0);
  const received = new Set<number>();
  setHandler(stepSignal, (step) => {
    received.add(step);
    queue = queue.then(async () => {
      while (done < last && received.has(done)) await run(done);
      return done;
    });
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

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
