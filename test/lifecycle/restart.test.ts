// A worker restarted mid-lifecycle, or a national system restarted, loses and repeats nothing:
// the new worker rebuilds each movement from its history, every national call keeps its
// idempotency key, and each system's call log holds each operation once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../harness/stack.ts';
import { CLEAN_LOME_OUAGA, Corridor, acts, declarationFor, officerAt, tally, uniqueTin } from './helpers.ts';

describe('restarts mid-lifecycle', () => {
  let stack: Stack;
  let corridor: Corridor;
  const tin = uniqueTin();
  before(async () => {
    stack = await startStack();
    corridor = new Corridor(stack);
  });
  after(() => stack.stop());

  async function assertOnceEach(mrn: string) {
    const state = await corridor.state(mrn);
    assert.equal(state.status, 'DISCHARGED');
    assert.deepEqual(
      state.timeline.map((e) => e.what),
      CLEAN_LOME_OUAGA.timeline,
    );
    assert.deepEqual(tally(await corridor.calls('TG', mrn)), CLEAN_LOME_OUAGA.calls.TG);
    assert.deepEqual(tally(await corridor.calls('BF', mrn)), CLEAN_LOME_OUAGA.calls.BF);
    assert.equal((await corridor.record('TG', mrn)).body.state, 'WRITTEN_OFF');
    assert.equal((await corridor.record('BF', mrn)).body.state, 'DISCHARGED');
  }

  it('a worker stopped while the truck is AT_BORDER and started again: the act sent meanwhile lands once, nothing is repeated', async () => {
    const d = declarationFor('lome-ouaga', tin);
    const available = await corridor.available('TG', d.declaration.guarantee.grn);
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 2); // release, border arrival
    assert.equal((await corridor.state(mrn)).status, 'AT_BORDER');
    const before = { TG: await corridor.calls('TG', mrn), BF: await corridor.calls('BF', mrn) };

    await stack.stopWorker();
    // The officer at the post confirms the exit while no worker runs: the act waits, it is not lost.
    const exit = corridor.act(mrn, 'exit', officerAt('TGCKS001'), { sealsIntact: true });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // Nothing reached the national systems while no worker ran.
    assert.deepEqual(await corridor.calls('TG', mrn), before.TG);
    await stack.startWorker();
    const answer = await exit;
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'AT_BORDER');

    await corridor.drive(mrn, d.plan, 3);
    await assertOnceEach(mrn);
    // The calls made before the restart were not made again under new keys, nor replayed.
    for (const country of ['TG', 'BF'] as const) {
      const after = await corridor.calls(country, mrn);
      for (const call of before[country]) {
        const same = after.find((c) => c.idempotencyKey === call.idempotencyKey)!;
        assert.equal(same.replays, call.replays, `${country} ${call.operation} was called again after the restart`);
      }
    }
    assert.equal(acts(await corridor.state(mrn)).EXIT_CONFIRMED, 1);
    assert.equal(await corridor.available('TG', d.declaration.guarantee.grn), available);
  });

  it('both national systems restarted mid-lifecycle: records and balances survive, the lifecycle completes once', async () => {
    const d = declarationFor('lome-ouaga', tin);
    const available = await corridor.available('TG', d.declaration.guarantee.grn);
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 1); // released: both systems hold a record once the AAR has followed the answer
    await corridor.forwarded(mrn, 'AAR_SENT');
    const records = { TG: await corridor.record('TG', mrn), BF: await corridor.record('BF', mrn) };
    await stack.restartSandbox('TG');
    await stack.restartSandbox('BF');
    assert.deepEqual(await corridor.record('TG', mrn), records.TG);
    assert.deepEqual(await corridor.record('BF', mrn), records.BF);
    await corridor.drive(mrn, d.plan, 1, 3); // border arrival, exit
    await stack.restartSandbox('BF');
    await corridor.drive(mrn, d.plan, 3);
    await assertOnceEach(mrn);
    assert.equal(await corridor.available('TG', d.declaration.guarantee.grn), available);
  });
});
