// A national call's attempt is counted lost after three times the national timeout, not after a
// fixed minute: a forward whose worker was killed mid-call, or whose task never reached a worker,
// goes again that much sooner. The movement carries the figure in its input, so movements started
// before keep their minute when they replay (test/replay).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { temporal } from '@temporalio/proto';
import { nationalAttemptSeconds } from '../../src/client/transits.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, eventually, uniqueTin } from '../lifecycle/helpers.ts';

type Scheduled = temporal.api.history.v1.IActivityTaskScheduledEventAttributes;

let stack: Stack;
let corridor: Corridor;

before(async () => {
  stack = await startStack();
  corridor = new Corridor(stack);
});
after(() => stack?.stop());

test("every national call of a new movement is given three times the national timeout per attempt, the AAR's forward included", async () => {
  // The harness gives the national systems 5 s (CORRIDOR_NATIONAL_TIMEOUT_SECONDS).
  assert.equal(stack.env.CORRIDOR_NATIONAL_TIMEOUT_SECONDS, '5');
  assert.equal(nationalAttemptSeconds(5_000), 15);
  assert.equal(nationalAttemptSeconds(10_000), 30, 'the default 10 s timeout: 30 s an attempt');

  const d = declarationFor('lome-ouaga', uniqueTin());
  const mrn = await corridor.accepted(d);
  await corridor.drive(mrn, d.plan, 0, 1);
  const handle = stack.client.workflow.getHandle(mrn);
  // The officer is answered before the AAR goes to Burkina: wait for it to be scheduled.
  const national = await eventually(
    async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      return {
        input: JSON.parse(Buffer.from(events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data ?? new Uint8Array()).toString('utf8')),
        scheduled: events.map((e) => e.activityTaskScheduledEventAttributes).filter((a): a is Scheduled => Boolean(a?.taskQueue?.name?.includes('national-'))),
      };
    },
    ({ scheduled }) => scheduled.some((a) => a.activityType?.name === 'receiveAar'),
    'the AAR forward scheduled',
  );
  assert.equal(national.input.settings.nationalAttemptSeconds, 15, 'the movement carries its attempt time in its input');
  assert.deepEqual(
    national.scheduled.map((a) => `${a.activityType?.name} ${a.startToCloseTimeout?.seconds?.toString()} s`),
    ['registerAndReserve 15 s', 'recordRelease 15 s', 'receiveAar 15 s'],
  );
});
