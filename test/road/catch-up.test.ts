// The enquiry asks the systems first: Burkina's system holds an arrival that never reached
// Corridor (its journal is not read: the event is lost to Corridor). At the deadline, before
// anything escalates, the movement reads Burkina's record, catches up from it with Burkina's
// time, and no OVERDUE is raised.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TransitClient } from '../../src/client/transits.ts';
import { DEVELOPMENT_USER_SECRET } from '../../src/national/sandbox/users.ts';
import type { NationalEvent } from '../../workflows/model.ts';
import { NationalScreens } from '../../src/simulation/national-screens.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, eventually, uniqueTin } from '../lifecycle/helpers.ts';

// 48 h (Cinkansé → Ouagadougou) → 8 s; the ladder after it in seconds.
const env = {
  CORRIDOR_TIME_SCALE: String((48 * 3600) / 8),
  CORRIDOR_ESCALATION_LEVEL2_AFTER_SECONDS: '2',
  CORRIDOR_ENQUIRY_AFTER_SECONDS: '4',
  CORRIDOR_RECOVERY_AFTER_SECONDS: '3',
  CORRIDOR_CONTROL_RESULTS_AFTER_SECONDS: '600',
  CORRIDOR_BORDER_DWELL_TARGET_SECONDS: '600',
  CORRIDOR_ESCALATION_REMINDER_SECONDS: '3600',
  // Long enough for a record Burkina's system is slow to give (4 s below), short for a test.
  CORRIDOR_CATCH_UP_PATIENCE_SECONDS: '10',
};

describe('the enquiry asks the systems first', () => {
  let stack: Stack;
  let corridor: Corridor;
  let screens: NationalScreens;
  const tin = uniqueTin();
  before(async () => {
    stack = await startStack({ env });
    corridor = new Corridor(stack);
    screens = new NationalScreens({ TG: stack.sandboxes.TG.url, BF: stack.sandboxes.BF.url }, DEVELOPMENT_USER_SECRET);
    // Burkina's journal is read no more: its feed starts again past any event it will ever publish.
    const transits = stack.config.taskQueues.transits;
    const feedId = `${transits}-journal-BF`;
    await stack.stopWorker();
    await stack.client.workflow.getHandle(feedId).terminate('test: the journal of Burkina is lost to Corridor');
    await stack.client.workflow.start('journalFeed', {
      workflowId: feedId,
      taskQueue: transits,
      args: [{ country: 'BF', queue: stack.config.taskQueues.national.BF, cursor: 1_000_000_000 }],
    });
    await stack.startWorker();
  });
  after(() => stack.stop());
  /** A movement released, across the border and on the road to Ouagadougou: its MRN and its deadline there. */
  const onTheRoadToOuagadougou = async () => {
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 4);
    return { mrn, deadline: Date.parse((await corridor.state(mrn)).legDeadline!) };
  };
  /** Faults of Burkina's system (its admin routes answer this machine). */
  const faults = (body: unknown) =>
    fetch(`${stack.sandboxes.BF.url}/admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it("Burkina holds the arrival Corridor never heard of: at the deadline the movement catches up from Burkina's record, no OVERDUE", async () => {
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 4); // release, border arrival, exit, entry into Burkina: on the road to Ouagadougou
    const entered = await corridor.state(mrn);
    assert.equal(entered.status, 'RELEASED');
    assert.equal(entered.currentOffice, 'BFOUA001');
    const deadline = Date.parse(entered.legDeadline!);

    // The officer at Ouagadougou records the arrival in SYDONIA Burkina; Corridor does not hear of it.
    const arrival = await screens.act(mrn, { action: 'arrival', office: 'BFOUA001', body: { sealsIntact: true } });
    assert.equal(arrival.status, 200, JSON.stringify(arrival.body));
    assert.ok(Date.now() < deadline, 'the arrival was recorded before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal((await corridor.state(mrn)).status, 'RELEASED', 'the arrival did not reach Corridor through the journal');

    const caughtUp = await eventually(
      () => corridor.state(mrn),
      (s) => s.status === 'ARRIVED',
      'the movement caught up at the deadline',
      30_000,
    );
    assert.ok(Date.now() >= deadline, 'caught up at the deadline, not before');
    const entry = caughtUp.timeline.find((e) => e.what === 'CAUGHT_UP');
    assert.ok(entry, JSON.stringify(caughtUp.timeline.map((e) => e.what)));
    assert.equal(entry.details?.fr, 'rattrapé depuis SYDONIA Burkina');
    assert.equal(entry.details?.type, 'ARRIVED');
    const arrived = caughtUp.timeline.find((e) => e.what === 'ARRIVED')!;
    assert.equal(arrived.details?.keyedIn, 'BF');
    // With Burkina's time: the arrival is when it was recorded there, before the deadline, so not late.
    assert.ok(Date.parse(arrived.at) < deadline);
    assert.equal(caughtUp.arrival?.late, false);

    // Past the deadline and the time the ladder would have climbed: nothing escalated, nobody notified.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const later = await corridor.state(mrn);
    assert.equal(later.escalation.level, 0);
    assert.deepEqual(
      later.notifications.filter((n) => ['OVERDUE', 'ESCALATED_TO_SUPERVISOR', 'ENQUIRY_OPENED'].includes(n.kind)),
      [],
    );
    assert.ok(!later.timeline.some((e) => e.what === 'OVERDUE'));
  });

  it('an act the journal brings while the movement is catching it up from the system counts once, and is not said confirmed by itself', async () => {
    const { mrn, deadline } = await onTheRoadToOuagadougou();
    assert.equal((await screens.act(mrn, { action: 'arrival', office: 'BFOUA001', body: { sealsIntact: true } })).status, 200);
    const response = await fetch(`${stack.sandboxes.BF.url}/v1/events?after=0&limit=1000`, { headers: stack.sandboxes.BF.headers });
    const published = ((await response.json()) as { events: Omit<NationalEvent, 'country'>[] }).events.find((e) => e.mrn === mrn && e.type === 'ARRIVED');
    assert.ok(published, "the arrival in Burkina's journal");
    // Burkina's system answers slowly: the movement's catch-up at the deadline waits 4 s for the record...
    assert.equal((await faults({ latencyMs: 4000 })).status, 200);
    try {
      // ...and meanwhile the arrival comes through the journal, as Burkina's consumer delivers it.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now()) + 2000));
      const consumer = new TransitClient(stack.client, stack.config, 'default', { consumerOf: 'BF' });
      assert.ok(await consumer.deliverNationalEvent({ ...published, country: 'BF' }));
      const arrived = await eventually(
        () => corridor.state(mrn),
        (s) => s.status === 'ARRIVED',
        'arrived',
        30_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const timeline = (await corridor.state(mrn)).timeline;
      const whats = timeline.map((e) => e.what).join(', ');
      assert.equal(arrived.status, 'ARRIVED');
      assert.equal(timeline.filter((e) => e.what === 'ARRIVED').length, 1, whats);
      assert.equal(timeline.filter((e) => e.what === 'CAUGHT_UP').length, 1, whats);
      assert.ok(!timeline.some((e) => e.what === 'NATIONAL_ACT_CONFIRMED' && e.details?.eventId === published.id), whats);
    } finally {
      await faults({});
    }
  });

  it("Burkina's system down at the deadline: the movement waits for it no longer than its patience, then climbs the ladder", async () => {
    const { mrn, deadline } = await onTheRoadToOuagadougou();
    // Down from before the deadline until well after the patience: every call is answered 503.
    assert.equal((await faults({ errorRate: 1 })).status, 200);
    try {
      const overdue = await eventually(
        () => corridor.state(mrn),
        (s) => s.escalation.level >= 1,
        'overdue although Burkina cannot be asked',
        40_000,
      );
      // Seen: about 7 s, before the patience (our reading, not checked: the server stops retrying when the next retry, 1, 2, 4 s apart, would pass it).
      const waited = Date.now() - deadline;
      assert.ok(waited >= 3_000 && waited <= 20_000, `waited ${waited} ms for Burkina's system, the patience is 10 s`);
      // The movement goes on: still on the road, on the ladder (a system's errors used to end its workflow).
      assert.equal(overdue.status, 'RELEASED');
      const description = await stack.client.workflow.getHandle(mrn).describe();
      assert.equal(description.status.name, 'RUNNING');
      assert.ok(overdue.notifications.some((n) => n.kind === 'OVERDUE'));
      assert.ok(!overdue.timeline.some((e) => e.what === 'CAUGHT_UP'));
    } finally {
      await faults({});
    }
  });

  it('a movement no system has seen still escalates', async () => {
    const { mrn } = await onTheRoadToOuagadougou();
    const state = await eventually(
      () => corridor.state(mrn),
      (s) => s.escalation.level >= 1,
      'overdue at the deadline',
      30_000,
    );
    assert.equal(state.status, 'RELEASED');
    assert.ok(state.notifications.some((n) => n.kind === 'OVERDUE'));
    assert.ok(!state.timeline.some((e) => e.what === 'CAUGHT_UP'));
  });
});
