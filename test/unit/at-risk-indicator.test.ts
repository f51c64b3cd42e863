// The amount at risk each country holds at the end of each day, from the shares the projection
// keeps: a share counts from its reservation until it is released or claimed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeIndicators } from '../../src/indicators/figures.ts';
import type { ShareRow } from '../../src/indicators/projection.ts';
import { loadReferenceData } from '../../src/domain/reference-data.ts';

const reference = loadReferenceData();
const share = (mrn: string, country: string, amount: number, reservedAt: string, closedAt: string | null = null): ShareRow => ({
  mrn,
  country,
  amount_xof: amount,
  reserved_at: reservedAt,
  closed_at: closedAt,
});

describe('amount at risk held per country and day', () => {
  test('a share counts from its reservation to its release, at the end of each day; today at this moment', () => {
    const now = new Date('2026-11-28T12:00:00Z');
    const shares = [
      // Lomé → Ouagadougou: Togo reserves on the 26th, Burkina on the 26th at release; Togo gives back on the 27th at entry.
      share('A', 'TG', 1_000_000, '2026-11-26T08:00:00Z', '2026-11-27T10:00:00Z'),
      share('A', 'BF', 900_000, '2026-11-26T09:00:00Z'),
      // Reserved and given back within the 27th: never held at the end of a day.
      share('B', 'TG', 50_000, '2026-11-27T01:00:00Z', '2026-11-27T05:00:00Z'),
      // Reserved this morning: held now.
      share('C', 'TG', 70_000, '2026-11-28T09:00:00Z'),
      // Reserved later today than now: not yet.
      share('D', 'BF', 10_000, '2026-11-28T13:00:00Z'),
    ];
    const figures = computeIndicators({ reference, days: 3, targetSeconds: 7200, crossings: [], legs: [], movements: [], running: [], shares, now });
    assert.deepEqual(figures.atRisk, [
      { day: '2026-11-26', TG: 1_000_000, BF: 900_000 },
      { day: '2026-11-27', TG: 0, BF: 900_000 },
      { day: '2026-11-28', TG: 70_000, BF: 900_000 },
    ]);
  });
});
