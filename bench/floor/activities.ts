// The floor's activity: answers at once, like a national system that costs nothing. Asked to, it
// then signals the next steps to its workflow, as the next country's officers act once a forward
// has reached their system (./shape.ts, `nextCountry`).
import { Context } from '@temporalio/activity';

export interface NoopInput {
  step: number;
  i: number;
  /** Steps to signal to the calling workflow, one after the other, once this activity has run. */
  thenSignal?: number[];
}

export type SignalStep = (workflowId: string, step: number) => Promise<void>;

export function floorActivities(signalStep: SignalStep) {
  return {
    async noop(input: NoopInput): Promise<{ ok: true; step: number }> {
      const steps = input.thenSignal;
      // Asked only of the activity that signals: every other one is the floor's no-op, measured as such.
      const workflowId = steps?.length ? Context.current().info.workflowExecution?.workflowId : undefined;
      if (steps?.length && workflowId) {
        // After the answer, as an officer acts on a record already written: the signals race the activity's completion as they do on the national path.
        setImmediate(() => {
          void (async () => {
            for (const step of steps) await signalStep(workflowId, step);
          })().catch((error: unknown) => process.stderr.write(`floor: signalling ${workflowId} failed: ${String(error)}\n`));
        });
      }
      return { ok: true, step: input.step };
    },
  };
}

export type FloorActivities = ReturnType<typeof floorActivities>;
