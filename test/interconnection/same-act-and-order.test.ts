// The same act arriving both ways counts once, two versions of it are a discrepancy, and an act
// that depends on one not yet seen (Burkina's entry before Togo's exit) waits for it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { TransitClient } from '../../src/client/transits.ts';
import type { NationalEvent } from '../../workflows/model.ts';
import { DEVELOPMENT_USER_SECRET } from '../../src/national/sandbox/users.ts';
import { NationalScreens } from '../../src/simulation/national-screens.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, eventually, officerAt, sealsFor, stepsFor, uniqueTin } from '../lifecycle/helpers.ts';

let stack: Stack;
let corridor: Corridor;
let screens: NationalScreens;

before(async () => {
  stack = await startStack();
  corridor = new Corridor(stack);
  screens = new NationalScreens({ TG: stack.sandboxes.TG.url, BF: stack.sandboxes.BF.url }, DEVELOPMENT_USER_SECRET);
});
after(() => stack?.stop());

/** Both officers key the release while Corridor's worker is down, so neither knows of the other. */
async function releasedTwice(corridorSeals: (national: string[]) => string[]) {
  const d = declarationFor('lome-ouaga', uniqueTin());
  const mrn = await corridor.accepted(d);
  const [release] = stepsFor(d.plan, sealsFor(mrn));
  await stack.stopWorker();
  const national = await screens.act(mrn, release!);
  assert.equal(national.status, 200, JSON.stringify(national.body));
  // Corridor's answer waits for the worker: 202, the act goes on once it is back.
  const keyed = corridor.act(
    mrn,
    'release',
    officerAt('TGLFW001'),
    { seals: corridorSeals(release!.body.seals as string[]), controlResult: 'SATISFACTORY' },
    randomUUID(),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  await stack.startWorker();
  await keyed;
  // The journal's copy comes back too, once the consumer resumes: it must count once.
  const state = await eventually(
    () => corridor.state(mrn),
    (s) => s.status === 'RELEASED' && s.timeline.some((e) => e.what === 'NATIONAL_ACT_CONFIRMED'),
    'the release applied and its journal copy recognised',
    90_000,
  );
  return { mrn, state, nationalSeals: release!.body.seals as string[] };
}

describe('the same act keyed in Corridor and in SYDONIA Togo', () => {
  test('the same release both ways is one release', async () => {
    const { state, nationalSeals } = await releasedTwice((seals) => seals);
    assert.equal(state.timeline.filter((e) => e.what === 'RELEASED').length, 1);
    assert.deepEqual(state.seals, nationalSeals);
    assert.equal(state.timeline.filter((e) => e.what === 'NATIONAL_ACT_DISCREPANCY').length, 0);
    assert.equal(state.timeline.filter((e) => e.what === 'AAR_SENT').length, 1);
  });

  test('the same release with other seals: one release with the departure system seals, a discrepancy flagged and notified to both countries', async () => {
    const { state, nationalSeals } = await releasedTwice(() => ['SL-OTHER-1']);
    assert.equal(state.timeline.filter((e) => e.what === 'RELEASED').length, 1);
    assert.deepEqual(state.seals, nationalSeals, 'the seals the truck left with, as the departure system holds them');
    const flagged = state.timeline.filter((e) => e.what === 'NATIONAL_ACT_DISCREPANCY');
    assert.equal(flagged.length, 1, JSON.stringify(state.timeline));
    assert.deepEqual((flagged[0]!.details as { recorded: { seals: string[] } }).recorded.seals, ['SL-OTHER-1']);
    const notified = state.notifications.filter((n) => n.kind === 'NATIONAL_ACT_DISCREPANCY');
    assert.equal(notified.length, 1);
    assert.deepEqual([...notified[0]!.to].sort(), ['supervisor:BF', 'supervisor:TG']);
  });
});

describe("Burkina's entry consumed before Togo's exit", () => {
  test('the entry waits for the exit; the movement ends correct, both acts in the order the systems recorded them', async () => {
    const tin = uniqueTin();
    const d = declarationFor('lome-ouaga', tin);
    const lodged = await screens.lodge('TG', tin, d.json);
    assert.equal(lodged.status, 201, JSON.stringify(lodged.body));
    const mrn = lodged.body.mrn;
    const steps = stepsFor(d.plan, sealsFor(mrn));
    const [release, borderArrival, exit, entry, ...rest] = steps;
    await eventually(
      () => corridor.api.call('GET', `/transits/${mrn}`, { user: 'regional', role: 'regional' }),
      (a) => a.status === 200,
      'movement started',
    );
    await screens.drive(mrn, d.plan, [release!, borderArrival!]);
    await eventually(
      () => corridor.state(mrn),
      (s) => s.status === 'AT_BORDER',
      'at the border post',
    );
    await screens.awaitRecord('BF', mrn);

    // Both acts are keyed in their systems while Corridor's worker is down; Burkina's reaches the movement first.
    await stack.stopWorker();
    assert.equal((await screens.act(mrn, exit!)).status, 200);
    assert.equal((await screens.act(mrn, entry!)).status, 200);
    const tgEvent = await journalEvent('TG', mrn, 'EXIT_CONFIRMED');
    const bfEvent = await journalEvent('BF', mrn, 'ENTRY_ACCEPTED');
    assert.ok(Date.parse(tgEvent.at) <= Date.parse(bfEvent.at));
    // Delivered as each country's journal consumer delivers them (vouched with its own key), Burkina's first.
    const consumer = (country: 'TG' | 'BF') => new TransitClient(stack.client, stack.config, 'default', { consumerOf: country });
    assert.ok(await consumer('BF').deliverNationalEvent(bfEvent));
    assert.ok(await consumer('TG').deliverNationalEvent(tgEvent));
    await stack.startWorker();

    const crossed = await eventually(
      () => corridor.state(mrn),
      (s) => s.status === 'RELEASED' && s.crossings[0]?.entryAt !== undefined,
      'entry applied after the exit',
      60_000,
    );
    const codes = crossed.timeline.map((e) => e.what);
    assert.ok(codes.indexOf('EXIT_CONFIRMED') < codes.indexOf('ENTRY_ACCEPTED'), codes.join(', '));
    assert.equal(crossed.crossings[0]!.exitAt, tgEvent.at);
    assert.equal(crossed.crossings[0]!.entryAt, bfEvent.at);

    await screens.drive(mrn, d.plan, rest);
    const done = await eventually(
      () => corridor.state(mrn),
      (s) => s.status === 'DISCHARGED',
      'discharged',
      60_000,
    );
    // The consumers delivered both events again after the restart: each counts once.
    assert.equal(done.timeline.filter((e) => e.what === 'EXIT_CONFIRMED').length, 1);
    assert.equal(done.timeline.filter((e) => e.what === 'ENTRY_ACCEPTED').length, 1);
  });
});

async function journalEvent(country: 'TG' | 'BF', mrn: string, type: string): Promise<NationalEvent> {
  const response = await fetch(`${stack.sandboxes[country].url}/v1/events?after=0&limit=1000`, { headers: stack.sandboxes[country].headers });
  const page = (await response.json()) as { events: Omit<NationalEvent, 'country'>[] };
  const event = page.events.find((e) => e.mrn === mrn && e.type === type);
  assert.ok(event, `${type} of ${mrn} in the ${country} journal`);
  return { ...event, country };
}
