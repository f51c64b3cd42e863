// Issue 4's must-show, through a real Temporal server: the national system commits a call but
// its answer is lost (the sandbox holds the answer past the client's timeout), Temporal retries
// the activity under the same idempotency key, and the system holds one record and one
// reservation. Once with the activity alone, once inside a real lodging through the API. And
// an attempt whose answer never comes at all (its worker killed mid-call, its task lost on the way
// to the worker) is counted lost after three times the national timeout, not a fixed minute; the
// movement carries the figure in its input, so movements started before keep their minute when
// they replay (test/replay).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { nationalAttemptSeconds } from '../../src/client/transits.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import type { CallActivityInput } from '../harness/test-workflows.ts';
import { allocateMrn } from '../../src/domain/mrn.ts';
import { Corridor, declarationFor, tally, uniqueTin } from '../lifecycle/helpers.ts';
import { bigGuarantee, declaration, newMrn } from './helpers.ts';
import { startedInput } from '../replay/histories.ts';

type Scheduled = temporal.api.history.v1.IActivityTaskScheduledEventAttributes;

/** The client gives up after 1 s (CORRIDOR_NATIONAL_TIMEOUT_SECONDS); the sandbox answers 3 s after committing. */
const LOST_ANSWER = { delayAfterCommitMs: 3_000 };

describe('an activity whose answer is lost is retried by Temporal: one record, one reservation', () => {
  let stack: Stack;
  let corridor: Corridor;
  before(async () => {
    stack = await startStack({ env: { CORRIDOR_NATIONAL_TIMEOUT_SECONDS: '1' } });
    corridor = new Corridor(stack);
  });
  after(() => stack.stop());

  function callActivity(workflowId: string, activity: string, args: unknown[]) {
    const input: CallActivityInput = {
      taskQueue: stack.config.taskQueues.national.TG,
      activity,
      args,
      startToCloseTimeoutMs: 10_000,
      maximumAttempts: 10,
    };
    return stack.client.workflow.start('callActivity', { workflowId, taskQueue: stack.config.taskQueues.transits, args: [input] });
  }

  /** Waits until a retried attempt has reached the sandbox (the first one lost its answer), then lifts the fault. */
  async function loseFirstAnswer(mrn: string, operation: string) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const call = (await corridor.calls('TG', mrn)).find((c) => c.operation === operation);
      if (call && call.replays >= 1) break;
      assert.ok(Date.now() < deadline, `no retried ${operation} reached the sandbox`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await corridor.setFaults('TG', {});
  }

  /** The attempt on which each activity of the workflow completed, by activity type. */
  async function attempts(handle: WorkflowHandle): Promise<Record<string, number>> {
    const history = await handle.fetchHistory();
    const types = new Map<string, string>();
    const result: Record<string, number> = {};
    for (const event of history.events ?? []) {
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled) types.set(String(event.eventId), scheduled.activityType?.name ?? '?');
      const started = event.activityTaskStartedEventAttributes;
      if (started) result[types.get(String(started.scheduledEventId)) ?? '?'] = started.attempt ?? 0;
    }
    return result;
  }

  it('reserveGuarantee through callActivity: retried, the first answer comes back, the guarantee is reserved once', async () => {
    const mrn = newMrn('TG');
    const decl = declaration([10_000_000]);
    const register = await callActivity(`register-${mrn}`, 'registerDeclaration', [
      { mrn, lrn: String(decl.lrn), declarantTin: '1000555555', declaration: decl },
    ]);
    await register.result();
    const before = await corridor.guarantee('TG', bigGuarantee.TG.grn);

    await corridor.setFaults('TG', LOST_ANSWER);
    const reserve = await callActivity(`reserve-${mrn}`, 'reserveGuarantee', [{ mrn, ...bigGuarantee.TG }]);
    try {
      await loseFirstAnswer(mrn, 'reserveGuarantee');
    } finally {
      await corridor.setFaults('TG', {});
    }
    const reservation = (await reserve.result()) as { amountXof: number; reservation: { status: string } };
    assert.equal(reservation.amountXof, 3_251_400);
    assert.equal(reservation.reservation.status, 'RESERVED');

    assert.ok((await attempts(reserve)).reserveGuarantee! > 1, 'the activity completed on a retry');
    const calls = (await corridor.calls('TG', mrn)).filter((c) => c.operation === 'reserveGuarantee');
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.idempotencyKey, `reserve-${mrn}:1`);
    assert.ok(calls[0]!.replays >= 1);
    const after = await corridor.guarantee('TG', bigGuarantee.TG.grn, mrn);
    assert.deepEqual(
      after.reservations.map((r) => [r.status, r.amountXof]),
      [['RESERVED', 3_251_400]],
    );
    assert.equal(after.availableXof, before.availableXof - 3_251_400);
    assert.equal((await corridor.record('TG', mrn)).body.state, 'GUARANTEED');
  });

  it('a real lodging through the API whose registration answer is lost: ACCEPTED, one record, one reservation', async () => {
    const d = declarationFor('lome-ouaga', uniqueTin());
    const grn = d.declaration.guarantee.grn;
    const before = await corridor.available('TG', grn);
    await corridor.setFaults('TG', LOST_ANSWER);
    // The API derives the MRN from the declarant's TIN and LRN: known before any answer.
    const mrn = allocateMrn({ tin: d.tin, lrn: d.declaration.lrn, year: new Date().getUTCFullYear(), departureCountry: 'TG' });
    const lodging = corridor.lodge(d);
    try {
      await loseFirstAnswer(mrn, 'registerDeclaration');
    } finally {
      await corridor.setFaults('TG', {});
    }
    const answer = await lodging;
    assert.ok(answer.status === 201 || answer.status === 202, JSON.stringify(answer.body));
    assert.equal(answer.body.mrn, mrn);
    const state = await waitFor(
      async () => (await corridor.state(mrn)).status,
      (s) => s === 'ACCEPTED',
    );
    assert.equal(state, 'ACCEPTED');

    const handle = stack.client.workflow.getHandle(mrn);
    // Registration and reservation are one activity (registerAndReserve): it completed on a retry.
    assert.ok((await attempts(handle)).registerAndReserve! > 1, 'the registration completed on a retry');
    assert.deepEqual(tally(await corridor.calls('TG', mrn)), { registerDeclaration: 1, reserveGuarantee: 1 });
    const record = await corridor.record('TG', mrn);
    assert.equal(record.body.state, 'GUARANTEED');
    assert.deepEqual(
      record.body.events.map((e) => e.operation),
      ['registerDeclaration', 'reserveGuarantee'],
    );
    const after = await corridor.guarantee('TG', grn, mrn);
    assert.equal(after.reservations.length, 1);
    assert.equal(after.availableXof, before - after.reservations[0]!.amountXof);
  });

  it("gives every national call of a new movement three times the national timeout per attempt, the AAR's forward included", async () => {
    // This stack gives the national systems 1 s (CORRIDOR_NATIONAL_TIMEOUT_SECONDS).
    assert.equal(nationalAttemptSeconds(1_000), 3);
    assert.equal(nationalAttemptSeconds(10_000), 30, 'the default 10 s timeout: 30 s an attempt');

    const d = declarationFor('lome-ouaga', uniqueTin());
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 1);
    const handle = stack.client.workflow.getHandle(mrn);
    const nationalCalls = async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      const scheduled = events
        .map((e) => e.activityTaskScheduledEventAttributes)
        .filter((a): a is Scheduled => Boolean(a?.taskQueue?.name?.includes('national-')));
      return { input: startedInput(events), scheduled };
    };
    // The officer is answered before the AAR goes to Burkina: wait for it to be scheduled.
    const { input, scheduled } = await waitFor(nationalCalls, (calls) => calls.scheduled.some((a) => a.activityType?.name === 'receiveAar'));
    assert.equal(input.settings?.nationalAttemptSeconds, 3, 'the movement carries its attempt time in its input');
    assert.deepEqual(
      scheduled.map((a) => `${a.activityType?.name} ${a.startToCloseTimeout?.seconds?.toString()} s`),
      ['registerAndReserve 3 s', 'recordRelease 3 s', 'receiveAar 3 s'],
    );
  });
});

async function waitFor<T>(read: () => Promise<T>, holds: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!holds(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}
