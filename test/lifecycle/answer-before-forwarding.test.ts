// An officer's act is answered once it is in the officer's own country's system; carrying it to
// the other country (the AAR, the exit notice) is the interconnection's work and follows. Shown
// with Burkina's system down: Togo's officers at Lomé and Cinkassé are answered at once, the
// forwards wait for Burkina's system, and the next act still waits for the forward before it, so
// Burkina's record never misses a step.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, eventually, officerAt, sealsFor, stepsFor, uniqueTin, type TransitView } from './helpers.ts';

let stack: Stack;
let corridor: Corridor;

before(async () => {
  stack = await startStack();
  corridor = new Corridor(stack);
});
after(() => stack?.stop());

const has = (state: TransitView, what: string) => state.timeline.some((e) => e.what === what);
const WAIT = 30_000;

/** The act's answer, or 'no answer' if none came within `ms`. */
async function answerWithin(act: Promise<{ status: number; body: Record<string, any> }>, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'no answer'>((resolve) => (timer = setTimeout(() => resolve('no answer'), ms)));
  try {
    return await Promise.race([act, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('an officer is answered before the act is carried to the other country', () => {
  test("with Burkina's system down, Togo's release and exit are answered; the AAR and the exit notice follow when it is back", async () => {
    const d = declarationFor('lome-ouaga', uniqueTin());
    const mrn = await corridor.accepted(d);
    const [release, borderArrival, exit] = stepsFor(d.plan, sealsFor(mrn));
    assert.equal(release!.action, 'release');
    assert.equal(exit!.action, 'exit');

    await stack.stopSandbox('BF');
    const released = await answerWithin(corridor.act(mrn, 'release', officerAt(release!.office), release!.body), 15_000);
    if (released === 'no answer') assert.fail("the release waited for Burkina's system");
    assert.equal(released.status, 200, JSON.stringify(released.body));
    assert.equal(released.body.status, 'RELEASED');
    // In Togo's system, not yet in Burkina's: no AAR sent while its system is down.
    assert.equal((await corridor.record('TG', mrn)).status, 200);
    assert.equal(has(await corridor.state(mrn), 'AAR_SENT'), false);

    // The truck reaches Cinkassé before Burkina's system is back: its arrival waits for the AAR.
    const arriving = corridor.act(mrn, 'border-arrival', officerAt(borderArrival!.office), borderArrival!.body);
    assert.equal(await answerWithin(arriving, 3_000), 'no answer', 'the border arrival overtook the AAR');

    await stack.startSandbox('BF');
    const arrived = await arriving;
    assert.equal(arrived.status, 200, JSON.stringify(arrived.body));
    const afterArrival = await corridor.state(mrn);
    const order = afterArrival.timeline.map((e) => e.what);
    assert.ok(order.indexOf('AAR_SENT') > order.indexOf('RELEASED'), order.join(', '));
    assert.ok(order.indexOf('BORDER_ARRIVAL') > order.indexOf('AAR_SENT'), `the arrival came after the AAR: ${order.join(', ')}`);
    assert.equal((await corridor.record('BF', mrn)).status, 200, "Burkina's system holds the AAR");

    await stack.stopSandbox('BF');
    const exited = await answerWithin(corridor.act(mrn, 'exit', officerAt(exit!.office), exit!.body), 15_000);
    if (exited === 'no answer') assert.fail("the exit waited for Burkina's system");
    assert.equal(exited.status, 200, JSON.stringify(exited.body));
    assert.ok(has(await corridor.state(mrn), 'EXIT_CONFIRMED'));
    assert.equal(has(await corridor.state(mrn), 'EXIT_NOTICE_SENT'), false);
    await stack.startSandbox('BF');
    await eventually(
      () => corridor.state(mrn),
      (state) => has(state, 'EXIT_NOTICE_SENT'),
      'the exit notice once Burkina is back',
      WAIT,
    );

    // The rest of the lifecycle goes on as usual and closes.
    await corridor.drive(mrn, d.plan, 3);
    const done = await corridor.state(mrn);
    assert.equal(done.status, 'DISCHARGED');
    for (const what of ['AAR_SENT', 'EXIT_NOTICE_SENT', 'ENTRY_NOTICE_SENT']) {
      assert.equal(done.timeline.filter((e) => e.what === what).length, 1, `${what} once`);
    }
  });

  test('the control results and the discharge are one activity, so the officer waits for one national round trip', async () => {
    const d = declarationFor('lome-ouaga', uniqueTin());
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan);
    assert.equal((await corridor.state(mrn)).status, 'DISCHARGED');
    const history = await stack.client.workflow.getHandle(mrn).fetchHistory();
    const scheduled = (history.events ?? []).flatMap((e) =>
      e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : [],
    );
    assert.equal(scheduled.filter((name) => name === 'recordControlResultsAndDischarge').length, 1, scheduled.join(', '));
    assert.ok(!scheduled.includes('recordControlResults') && !scheduled.includes('discharge'), scheduled.join(', '));
    // Burkina's system still saw two calls, each once: the results, then the discharge.
    assert.deepEqual(
      (await corridor.calls('BF', mrn)).filter((c) => c.operation === 'recordControlResults' || c.operation === 'discharge').map((c) => c.operation),
      ['recordControlResults', 'discharge'],
    );
  });
});
