// The benchmark says when a measured window ran beside other work: the floors of one run on
// 2026-11-28 ran while Corridor's archiver replayed closed movements (0.30 and 0.41 cores), and
// the ratios read 0.92 and 1.63 where a quiet run gave 0.72 and 1.35.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TargetResult } from '../../bench/lib/result.ts';
import { disturbedWindows, NEIGHBOURS_LIMIT } from '../../bench/lib/table.ts';

const run = <T>(neighbourCores: number) => ({ neighbourCores }) as T;

test('a floor measured beside more than 0.1 cores of other work is named, a quiet window is not', () => {
  const warnings = disturbedWindows({
    id: 'embedded',
    corridor: run<NonNullable<TargetResult['corridor']>>(0.03),
    floor: run<NonNullable<TargetResult['floor']>>(0.41),
    national: run<NonNullable<TargetResult['national']>>(0.04),
    nationalFloor: run<NonNullable<TargetResult['nationalFloor']>>(0.3),
  });
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /^embedded: today's floor ran beside 0\.41 cores/);
  assert.match(warnings[1]!, /^embedded: national floor ran beside 0\.30 cores/);
  assert.deepEqual(disturbedWindows({ id: 'embedded', floor: run<NonNullable<TargetResult['floor']>>(NEIGHBOURS_LIMIT) }), []);
});
