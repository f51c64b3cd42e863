// The national path: every act recorded in the national systems' own screens (the sandboxes
// standing in for SYDONIA World), none keyed in Corridor; the interconnection carries each to the
// other country, and the movement ends discharged in Corridor and in both systems.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEVELOPMENT_USER_SECRET } from '../../src/national/sandbox/users.ts';
import { NationalScreens } from '../../src/simulation/national-screens.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, eventually, sealsFor, stepsFor, tally, uniqueTin, type RouteId } from '../lifecycle/helpers.ts';

let stack: Stack;
let corridor: Corridor;
let screens: NationalScreens;

before(async () => {
  stack = await startStack();
  corridor = new Corridor(stack);
  screens = new NationalScreens({ TG: stack.sandboxes.TG.url, BF: stack.sandboxes.BF.url }, DEVELOPMENT_USER_SECRET);
});
after(() => stack?.stop());

const regional = { user: 'regional', role: 'regional' } as const;

const routes: RouteId[] = ['lome-ouaga', 'lome-bobo', 'lome-faramana', 'lome-kantchari', 'ouaga-lome'];

describe('acts recorded only in the national systems reach the other country', () => {
  for (const route of routes) {
    test(`${route}: discharged in Corridor and in both systems, every act named with the system, office and officer that keyed it`, async () => {
      const tin = uniqueTin();
      const d = declarationFor(route, tin);
      const departure = d.plan.departureCountry;
      const other = departure === 'TG' ? 'BF' : 'TG';
      const grn = d.declaration.guarantee.grn;
      const availableBefore = await corridor.available(departure, grn);

      // The journal starts the movement in Corridor: nobody lodges it there.
      const mrn = await corridor.lodgedNationally(screens, departure, tin, d.json);

      const steps = stepsFor(d.plan, sealsFor(mrn));
      await screens.drive(mrn, d.plan, steps);

      const state = await eventually(
        () => corridor.state(mrn),
        (s) => s.status === 'DISCHARGED',
        'the movement discharged',
        30_000,
      );
      // Every officer's act is in the timeline once, keyed in its own country's system, by its officer, at its office.
      for (const step of steps) {
        const code = {
          release: 'RELEASED',
          'border-arrival': 'BORDER_ARRIVAL',
          exit: 'EXIT_CONFIRMED',
          entry: 'ENTRY_ACCEPTED',
          arrival: 'ARRIVED',
          'control-results': 'CONTROL_RESULTS',
        }[step.action]!;
        const entries = state.timeline.filter((e) => e.what === code && e.office === step.office);
        assert.equal(entries.length, 1, `${code} at ${step.office} once: ${JSON.stringify(entries)}`);
        assert.equal(entries[0]!.details?.keyedIn, step.office.slice(0, 2), `${code} keyed in the system of ${step.office}`);
        assert.equal((entries[0]!.by as { user: string }).user, `agent-${step.office.toLowerCase()}`);
      }
      // Nothing was written back into the system an act came from; each system holds one record, closed.
      const departureRecord = await corridor.record(departure, mrn);
      const otherRecord = await corridor.record(other, mrn);
      assert.equal(departureRecord.body.state, 'WRITTEN_OFF');
      assert.equal(otherRecord.body.state, 'DISCHARGED');
      const calls = { [departure]: await corridor.calls(departure, mrn), [other]: await corridor.calls(other, mrn) };
      const officersOwn = ['recordRelease', 'recordBorderArrival', 'confirmExit', 'acceptEntry', 'recordArrival', 'recordControlResults'];
      // Corridor's own calls carry the key workflowId:activityId; the officers' carry their screen's.
      const writtenByCorridor = Object.values(calls)
        .flat()
        .filter((c) => c.idempotencyKey.startsWith(`${mrn}:`) && officersOwn.includes(c.operation));
      assert.deepEqual(writtenByCorridor, [], 'no officer act was written back by Corridor');
      const departureCalls = tally(calls[departure]!.filter((c) => c.status < 300));
      const otherCalls = tally(calls[other]!.filter((c) => c.status < 300));
      // The departure system wrote off its leg and gave back its share with the entry notice, not on its own later.
      assert.equal(departureCalls.writeOff, undefined, JSON.stringify(departureCalls));
      assert.equal(departureCalls.releaseGuarantee, undefined, JSON.stringify(departureCalls));
      assert.equal(otherCalls.receiveAar, 1, JSON.stringify(otherCalls));
      assert.equal(otherCalls.discharge, 1, JSON.stringify(otherCalls));
      // Each side of the border post was told of the other's act.
      assert.equal(otherCalls.receiveExitNotice, 1, JSON.stringify(otherCalls));
      assert.equal(departureCalls.receiveEntryNotice, 1, JSON.stringify(departureCalls));
      // Each forward names the act it carried and when that act was recorded in its own system.
      const forwarded = state.timeline.filter((e) => e.details?.forwardOf).map((e) => (e.details!.forwardOf as { type: string }).type);
      assert.deepEqual(forwarded, ['RELEASED', 'EXIT_CONFIRMED', 'ENTRY_ACCEPTED']);
      // The guarantee is back to the franc.
      assert.equal(await corridor.available(departure, grn), availableBefore);
    });
  }
});

describe("a release recorded in Togo's system while Burkina's is down", () => {
  test("is in the supervisors' lists at once, with the AAR still waiting for Burkina; the AAR follows when it is back", async () => {
    const tin = uniqueTin();
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.lodgedNationally(screens, 'TG', tin, d.json);
    const [release] = stepsFor(d.plan, sealsFor(mrn));
    assert.equal(release!.action, 'release');

    await stack.stopSandbox('BF');
    try {
      const released = await screens.act(mrn, release!);
      assert.equal(released.status, 200, JSON.stringify(released.body));
      // Listed by the status the search attributes carry, which supervisors filter by.
      const listed = await eventually(
        () => corridor.list(regional, { declarant: tin, status: 'RELEASED' }),
        (answer) => answer.status === 200 && answer.body.items.some((item) => item.mrn === mrn),
        'the released movement listed as RELEASED',
        30_000,
      );
      const item = listed.body.items.find((i) => i.mrn === mrn)!;
      assert.equal(item.currentOffice, 'TGCKS001', 'the list shows the truck on its way to Cinkassé');
      const state = await corridor.state(mrn);
      assert.equal(state.status, 'RELEASED');
      assert.equal(
        state.timeline.some((e) => e.what === 'AAR_SENT'),
        false,
        "the AAR is still waiting for Burkina's system: the list did not wait for it",
      );
    } finally {
      await stack.startSandbox('BF');
    }
    const after = await eventually(
      () => corridor.state(mrn),
      (s) => s.timeline.some((e) => e.what === 'AAR_SENT' && e.details?.country === 'BF'),
      "the AAR accepted by Burkina's system once it is back",
      90_000,
    );
    assert.equal(after.status, 'RELEASED');
  });
});
