// Issue 17: the link between Lomé and Ouagadougou goes down while trucks are mid-crossing.
// Officers on both sides keep recording in their own systems (Togo's exits at Cinkassé;
// Burkina's entries at Cinkansé, arrivals and control results at Ouagadougou): nothing is
// refused. When the link returns, every act is applied once, in order; the border dwell time is
// the one the national systems recorded, not the time Corridor heard of the entry; every
// movement is discharged; and the reconciliation finds no difference.
//
// Deadlines are compressed so that the test can fail: Burkina's leg (Cinkansé → Ouagadougou,
// 48 h) takes 20 s and control results are due 15 s after arrival. Each truck enters, arrives
// and is controlled within a few seconds, during the cut, by Burkina's clocks; Corridor at Lomé
// hears of these acts only when the link returns, 45 s after the cut. Had Corridor run the
// leg's time limit or the control results' delay from the time it heard of an act, every truck
// would be flagged late, put on the overdue ladder and reported without control results; run
// from the time each act was recorded in its national system, none is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Movement } from '../../src/national/contract.ts';
import { saveLastReport } from '../../src/reconciliation/last-report.ts';
import type { TransitState } from '../../workflows/model.ts';
import { namespacesUnavailable } from '../harness/netns.ts';
import { declarationFor, eventually, reference, sealsFor, stepsFor, uniqueTin } from '../lifecycle/helpers.ts';
import { assertCorridorCallsOnce, assertReconciled, useTwoSites } from './checks.ts';

const MOVEMENTS = Number(process.env.CORRIDOR_TWO_SITES_MOVEMENTS ?? 50);
// Long enough for Corridor to see the consumer at Ouagadougou gone silent (its heartbeat timeout, 20 s).
const CUT_MS = 45_000;
const unavailable = namespacesUnavailable();
const regional = { user: 'regional', role: 'regional' } as const;
// 48 h of Burkina's leg in 20 s (Togo's 72 h in 30 s: each truck arrives at the post at once).
const TIME_SCALE = 8_640;
const CONTROL_RESULTS_AFTER_MS = 15_000;
const burkinaLeg = reference.legs.find((l) => l.from === 'BFCKN001' && l.to === 'BFOUA001');
const BURKINA_LEG_MS = ((burkinaLeg?.kind === 'road' ? burkinaLeg.timeLimitHours : Number.NaN) * 3_600_000) / TIME_SCALE;
/** What Corridor's watch does when a deadline passes: none of it may happen to a truck that crossed on time during the cut. */
const ladder = ['OVERDUE', 'ESCALATED', 'LATE_ARRIVAL', 'CONTROL_RESULTS_MISSING', 'ESCALATION_CLOSED', 'BORDER_ALERT'];

const fixture = useTwoSites(unavailable, () => ({
  env: { CORRIDOR_TIME_SCALE: String(TIME_SCALE), CORRIDOR_CONTROL_RESULTS_AFTER_SECONDS: String(CONTROL_RESULTS_AFTER_MS / 1000) },
}));

/** Runs `work` over `items`, `lanes` at a time. */
async function inLanes<T>(items: T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

test(`${MOVEMENTS} trucks mid-crossing when the link is cut: both sides keep recording, every act applied once after, dwell as recorded, 0 differences`, {
  skip: unavailable,
}, async () => {
  const [sites, corridor] = [fixture.sites(), fixture.corridor()];
  const { screens, ouaga, stack } = sites;
  const movements: { mrn: string; steps: ReturnType<typeof stepsFor> }[] = [];

  // Before the cut: lodged, released and arrived at Cinkassé in Togo's system; Burkina holds the AAR.
  await inLanes(
    Array.from({ length: MOVEMENTS }, (_, i) => i),
    10,
    async () => {
      const tin = uniqueTin();
      const d = declarationFor('lome-ouaga', tin);
      const lodged = await screens.lodge('TG', tin, d.json);
      assert.equal(lodged.status, 201, JSON.stringify(lodged.body));
      const mrn = lodged.body.mrn;
      const steps = stepsFor(d.plan, sealsFor(mrn));
      for (const step of steps.slice(0, 2)) assert.equal((await screens.act(mrn, step)).status, 200, step.action);
      await screens.awaitRecord('BF', mrn, 120_000);
      movements.push({ mrn, steps });
    },
  );
  for (const { mrn } of movements)
    await eventually(
      () => corridor.api.call<TransitState>('GET', `/transits/${mrn}`, regional),
      (a) => a.body.status === 'AT_BORDER',
      `${mrn} at the border`,
      120_000,
    );

  ouaga.cut();
  const cutAt = Date.now();
  // During the cut: exit in Togo, entry, arrival and control results in Burkina, each answered at once.
  const refused: string[] = [];
  await inLanes(movements, 10, async ({ mrn, steps }) => {
    for (const step of steps.slice(2)) {
      const answer = await screens.act(mrn, step);
      if (answer.status !== 200) refused.push(`${mrn} ${step.action}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  });
  assert.deepEqual(refused, [], 'no act refused while the link is down');
  const recordedBy = Date.now();
  assert.ok(recordedBy - cutAt < CUT_MS, `every act recorded within the cut (${recordedBy - cutAt} ms)`);

  // Corridor, at Lomé, has Togo's exits but none of Burkina's acts: they wait in Burkina's journal.
  const during = await Promise.all(movements.map(({ mrn }) => corridor.api.call<TransitState>('GET', `/transits/${mrn}`, regional)));
  assert.equal(during.filter((a) => a.body.timeline.some((e) => e.what === 'ENTRY_ACCEPTED')).length, 0, 'no Burkina act crossed the cut link');
  // The console's overview says which country is unreachable, since when, and which movements wait for it.
  type Journal = { country: string; state: string; unreadableSince: string | null; waiting?: { count: number; mrns: string[] } };
  const shown = await eventually(
    () => corridor.api.call<{ journals: Journal[] }>('GET', '/interconnection', regional),
    (a) => a.body.journals.find((j) => j.country === 'BF')?.state === 'unreadable',
    "Burkina's journal shown unreachable during the cut",
    Math.max(1_000, cutAt + CUT_MS - Date.now()),
  );
  const [tgJournal, bfJournal] = ['TG', 'BF'].map((c) => shown.body.journals.find((j) => j.country === c));
  assert.equal(tgJournal?.state, 'ok', "Togo's journal, at Lomé with the cluster, is still read");
  assert.equal(tgJournal?.waiting, undefined);
  assert.ok(
    bfJournal?.unreadableSince && Date.parse(bfJournal.unreadableSince) <= cutAt,
    `unreachable since the last read before the cut: ${bfJournal?.unreadableSince}`,
  );
  assert.ok((bfJournal?.waiting?.count ?? 0) >= MOVEMENTS, `the movements crossing into Burkina wait for it: ${JSON.stringify(bfJournal?.waiting)}`);
  assert.ok(bfJournal?.waiting?.mrns.every((mrn) => /^[0-9]{2}[A-Z]{2}/.test(mrn)));
  assert.ok(Date.now() - cutAt < CUT_MS, 'seen while the link was still cut');

  await sleep(Math.max(0, CUT_MS - (Date.now() - cutAt)));
  ouaga.restore();
  const restoredAt = Date.now();

  const states: TransitState[] = [];
  for (const { mrn } of movements) {
    const answer = await eventually(
      () => corridor.api.call<TransitState>('GET', `/transits/${mrn}`, regional),
      (a) => a.status === 200 && a.body.timeline.some((e) => e.what === 'GUARANTEE_RELEASED') && a.body.timeline.some((e) => e.what === 'WRITTEN_OFF'),
      `${mrn} discharged, written off and its guarantee released`,
      240_000,
    );
    states.push(answer.body);
  }

  const onceEach = [
    'RELEASED',
    'AAR_SENT',
    'BORDER_ARRIVAL',
    'EXIT_CONFIRMED',
    'EXIT_NOTICE_SENT',
    'ENTRY_ACCEPTED',
    'ENTRY_NOTICE_SENT',
    'ARRIVED',
    'CONTROL_RESULTS',
    'DISCHARGED_AT_DESTINATION',
    'WRITTEN_OFF',
  ];
  const officersActs = ['RELEASED', 'BORDER_ARRIVAL', 'EXIT_CONFIRMED', 'ENTRY_ACCEPTED', 'ARRIVED', 'CONTROL_RESULTS'];
  const records = async (country: 'TG' | 'BF', mrn: string) => {
    const response = await fetch(`${stack.sandboxes[country].url}/v1/movements/${mrn}`, { headers: stack.sandboxes[country].headers });
    assert.equal(response.status, 200, `${country} record of ${mrn}`);
    return (await response.json()) as Movement;
  };
  for (const state of states) {
    assert.equal(state.status, 'DISCHARGED', state.mrn);
    for (const what of onceEach)
      assert.equal(state.timeline.filter((e) => e.what === what).length, 1, `${state.mrn}: ${what} once — ${state.timeline.map((e) => e.what).join(', ')}`);
    const eventIds = state.timeline.filter((e) => officersActs.includes(e.what)).map((e) => e.details?.eventId);
    assert.equal(new Set(eventIds).size, 6, `${state.mrn}: six journal events, each applied once: ${JSON.stringify(eventIds)}`);
    // In order: Burkina's entry, though heard after the cut, comes after Togo's exit, and so on.
    const order = state.timeline.filter((e) => officersActs.includes(e.what)).map((e) => e.what);
    assert.deepEqual(order, officersActs, `${state.mrn}: acts in the procedure's order`);

    // Time is the national systems': the dwell is Togo's arrival to Burkina's entry as they recorded them.
    const [tg, bf] = [await records('TG', state.mrn), await records('BF', state.mrn)];
    const arrivedAtPost = tg.events.find((e) => e.operation === 'recordBorderArrival')?.at;
    const entered = bf.events.find((e) => e.operation === 'acceptEntry')?.at;
    assert.ok(arrivedAtPost && entered, `${state.mrn}: both acts in their systems`);
    const crossing = state.crossings[0];
    assert.equal(crossing?.entryAt && Date.parse(crossing.entryAt), Date.parse(entered), `${state.mrn}: entry at Burkina's time`);
    assert.equal(
      crossing?.dwellSeconds,
      Math.round((Date.parse(entered) - Date.parse(arrivedAtPost)) / 1000),
      `${state.mrn}: dwell as the systems recorded it`,
    );
    assert.ok(Date.parse(entered) < cutAt + CUT_MS, `${state.mrn}: entered during the cut`);

    // Burkina's leg runs from the entry as Burkina recorded it; the truck arrived and was
    // controlled within its limits by Burkina's clocks.
    const arrived = bf.events.find((e) => e.operation === 'recordArrival')?.at;
    const controlled = bf.events.find((e) => e.operation === 'recordControlResults')?.at;
    assert.ok(arrived && controlled, `${state.mrn}: arrival and control results in Burkina's system`);
    const deadline = state.route.find((o) => o.code === 'BFOUA001')?.plannedBy;
    assert.equal(deadline && Date.parse(deadline), Date.parse(entered) + BURKINA_LEG_MS, `${state.mrn}: the leg's limit runs from Burkina's entry time`);
    assert.ok(Date.parse(arrived) <= Date.parse(entered) + BURKINA_LEG_MS, `${state.mrn}: arrived within the leg's limit (${arrived})`);
    assert.ok(Date.parse(controlled) <= Date.parse(arrived) + CONTROL_RESULTS_AFTER_MS, `${state.mrn}: controlled within the delay (${controlled})`);
    assert.equal(state.arrival && Date.parse(state.arrival.at), Date.parse(arrived), `${state.mrn}: arrival at Burkina's time`);
    assert.equal(state.controlResults && Date.parse(state.controlResults.at), Date.parse(controlled), `${state.mrn}: control results at Burkina's time`);
    // …but Corridor heard of them only after the link returned: it forwarded the entry to Togo
    // (ENTRY_NOTICE_SENT, stamped when it did) after the link came back, and applied the arrival
    // and the control results after that, past both limits. By the time it heard, the truck
    // would have been late and its control results missing: so the test can fail.
    const heard = state.timeline.find((e) => e.what === 'ENTRY_NOTICE_SENT')?.at;
    assert.ok(heard && Date.parse(heard) >= restoredAt, `${state.mrn}: the entry heard at Lomé after the link returned (${heard})`);
    assert.ok(Date.parse(heard) > Date.parse(entered) + BURKINA_LEG_MS, `${state.mrn}: heard past the leg's limit (${heard}, limit ${deadline})`);
    assert.ok(Date.parse(heard) > Date.parse(arrived) + CONTROL_RESULTS_AFTER_MS, `${state.mrn}: heard past the control results' delay`);

    assert.equal(state.arrival?.late, false, `${state.mrn}: not flagged late because of the link`);
    assert.equal(state.escalation.level, 0, `${state.mrn}: no escalation`);
    // Not even for a while: an escalation closed by the arrival heard after it leaves level 0 too.
    const climbed = state.timeline.filter((e) => ladder.includes(e.what)).map((e) => `${e.what} at ${e.at}`);
    assert.deepEqual(climbed, [], `${state.mrn}: never on the ladder nor alerted because of the link`);
  }

  // Corridor's own calls into each system, once per movement (retries across the cut land on the first answer).
  const mrns = movements.map((m) => m.mrn);
  await assertCorridorCallsOnce(sites, mrns);
  // The reconciliation, run from Lomé over the restored link: each system's record against Corridor's state.
  const report = await assertReconciled(sites, mrns);
  saveLastReport(stack.config.dataDir, report);
  const served = await corridor.api.call<{ movements: number; differences: unknown[] }>('GET', '/reconciliation', regional);
  assert.equal(served.status, 200);
  assert.equal(served.body.movements, MOVEMENTS);
});
