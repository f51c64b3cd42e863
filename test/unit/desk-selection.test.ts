// An officer's desk reads in full every truck present and only the expected ones whose deadline
// comes first: a go-live brings tens of thousands of released movements, all expected at the
// first border post, and each row read is a state query on the workers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DESK_EXPECTED_ROWS, deskSelection } from '../../src/api/routes/overview.ts';
import type { RunningTransit } from '../../src/indicators/running.ts';
import type { TransitStatus } from '../../workflows/model.ts';

function truck(n: number, status: TransitStatus, nextDeadline?: string): RunningTransit {
  return {
    mrn: `26TG${String(n).padStart(12, '0')}`,
    runId: `run-${n}`,
    status,
    departureOffice: 'TGLOM001',
    destinationOffice: 'BFOUA001',
    currentOffice: 'TGCKS001',
    declarant: '1000000001',
    vehicle: `TG ${1000 + n} AA`,
    routeOffices: ['TGLOM001', 'TGCKS001', 'BFCKN001', 'BFOUA001'],
    overdue: false,
    escalationLevel: 0,
    ...(nextDeadline ? { nextDeadline } : {}),
  };
}

const at = (minutes: number) => new Date(Date.parse('2026-11-30T08:00:00Z') + minutes * 60_000).toISOString();

describe("an officer's desk", () => {
  test('reads every truck present and the expected ones due first, and counts those left out', () => {
    const present = [truck(1, 'AT_BORDER', at(5)), truck(2, 'ARRIVED')];
    const expected = [truck(3, 'RELEASED', at(300)), truck(4, 'RELEASED', at(-30)), truck(5, 'RELEASED', at(60)), truck(6, 'RELEASED')];
    const { shown, notShown } = deskSelection([...expected, ...present], 2);
    assert.equal(notShown, 2);
    assert.deepEqual(
      shown.map((item) => item.vehicle),
      // The overdue truck (deadline passed) first, then the next due; none without a deadline.
      ['TG 1001 AA', 'TG 1002 AA', 'TG 1004 AA', 'TG 1005 AA'],
    );
  });

  test('a hundred expected at most, however many a go-live releases', () => {
    const mine = Array.from({ length: 5_000 }, (_, n) => truck(n, 'RELEASED', at(5_000 - n)));
    const { shown, notShown } = deskSelection(mine, DESK_EXPECTED_ROWS);
    assert.equal(DESK_EXPECTED_ROWS, 100);
    assert.equal(notShown, 4_900);
    assert.equal(shown.length, 100);
    assert.equal(shown[0]!.nextDeadline, at(1));
  });

  test('whatever the trucks: all present, the k soonest expected, none later than one left out', () => {
    const statuses: TransitStatus[] = ['RELEASED', 'AT_BORDER', 'ARRIVED', 'RELEASED', 'RELEASED'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ status: fc.constantFrom(...statuses), minutes: fc.option(fc.integer({ min: -600, max: 6_000 }), { nil: undefined }) }), {
          maxLength: 60,
        }),
        fc.nat({ max: 40 }),
        (specs, k) => {
          const mine = specs.map((spec, n) => truck(n, spec.status, spec.minutes === undefined ? undefined : at(spec.minutes)));
          const { shown, notShown } = deskSelection(mine, k);
          const released = mine.filter((item) => item.status === 'RELEASED');
          assert.equal(new Set(shown).size, shown.length, 'each truck once');
          assert.equal(shown.length + notShown, mine.length, 'every truck shown or counted as left out');
          for (const item of mine) if (item.status !== 'RELEASED') assert.ok(shown.includes(item));
          const shownReleased = shown.filter((item) => item.status === 'RELEASED');
          assert.equal(shownReleased.length, Math.min(k, released.length));
          const latestShown =
            shownReleased
              .map((item) => item.nextDeadline ?? '\uffff')
              .sort()
              .at(-1) ?? '';
          for (const item of released) if (!shown.includes(item)) assert.ok((item.nextDeadline ?? '\uffff') >= latestShown);
        },
      ),
    );
  });
});
