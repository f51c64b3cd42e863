// The workflow of scripts/worker-stall-repro.ts: a movement reduced to what makes the SDK core's
// cache work hard. It waits for acts (signals) under a deadline timer re-armed with each act or
// deadline, as a transit does when it is overdue and climbs its escalation ladder, and continues
// as new every fifty turns so its history stays the size of a real movement's (a few hundred events).
import { condition, continueAsNew, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';

export const act = defineSignal<[number]>('act');
// What Corridor's indicators projection and archive ask a movement: its state.
export const seenQuery = defineQuery<number>('seen');

const TURNS_PER_RUN = 50;

export async function parkedMovement(deadlineMs: number): Promise<void> {
  let seen = 0;
  setHandler(act, () => {
    seen++;
  });
  setHandler(seenQuery, () => seen);
  for (let turn = 0; turn < TURNS_PER_RUN; turn++) {
    const before = seen;
    // The deadline: when it passes with no act, the movement is overdue and the next one is armed.
    await condition(() => seen > before, deadlineMs);
  }
  await continueAsNew<typeof parkedMovement>(deadlineMs);
}
