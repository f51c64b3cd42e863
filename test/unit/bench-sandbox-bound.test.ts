// The ratio a path could reach at most when the national systems' sandboxes share the floor's
// cores: the floor's CPU per lifecycle over the floor's plus the sandboxes'.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TargetResult } from '../../bench/lib/result.ts';
import { sandboxBound } from '../../bench/lib/table.ts';

type Path = NonNullable<TargetResult['national']>;
type Floor = NonNullable<TargetResult['nationalFloor']>;
const cpu = <T>(cpuSecondsPerLifecycle: Record<string, number | undefined>) => ({ cpuSecondsPerLifecycle }) as T;

test("the sandboxes' CPU bounds the ratio: the floor's CPU over the floor's and the sandboxes'", () => {
  // The 16:50 reference's national path: floor 0.2305, sandboxes 0.016 + 0.041.
  const bound = sandboxBound({
    path: cpu<Path>({ worker: 0.13, api: 0.012, 'sandbox-TG': 0.016, 'sandbox-BF': 0.041, server: 0.226, driver: 0.028 }),
    floor: cpu<Floor>({ server: 0.1432, 'floor-worker': 0.0704, driver: 0.0173 }),
  });
  assert.ok(bound !== undefined && Math.abs(bound - 0.2309 / (0.2309 + 0.057)) < 1e-9, String(bound));
});

test('no bound without both sides, or with a sandbox not measured', () => {
  const floor = cpu<Floor>({ server: 0.1, 'floor-worker': 0.05 });
  assert.equal(sandboxBound({ path: undefined, floor }), undefined);
  assert.equal(sandboxBound({ path: cpu<Path>({ worker: 0.1, server: 0.1 }), floor }), undefined);
  assert.equal(sandboxBound({ path: cpu<Path>({ 'sandbox-TG': 0.01, 'sandbox-BF': undefined }), floor }), undefined);
  assert.equal(sandboxBound({ path: cpu<Path>({ 'sandbox-TG': 0.01 }), floor: undefined }), undefined);
});
