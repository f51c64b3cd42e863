// A benchmark window across a worker restart: the worker that exited took CPU the window cannot
// read any more, and the new one's SDK counters start again from nothing. Its figures are said
// unknown, and the table says why, instead of printing half of them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import type { TargetResult } from '../../bench/lib/result.ts';
import { disturbedWindows } from '../../bench/lib/table.ts';
import { measure } from '../../bench/lib/window.ts';

test('a process restarted during the window: its CPU, the neighbours and the SDK figures unknown; the others measured', async () => {
  const first = spawn('sleep', ['30']);
  const second = spawn('sleep', ['30']);
  try {
    const probe = { pids: { worker: first.pid, api: process.pid } as Record<string, number | undefined> };
    const window = await measure(probe, async () => {
      // What the bench's stack does when its worker exits: it starts another, and the probe follows it.
      probe.pids.worker = second.pid;
      return 'done';
    });
    assert.deepEqual(window.restarted, ['worker']);
    assert.equal(window.cpu.worker, undefined);
    assert.equal(window.cpu.others, undefined);
    assert.equal(window.metrics, undefined);
    assert.equal(typeof window.cpu.api, 'number', 'a process that kept running is still measured');

    const quiet = await measure(probe, async () => 'done');
    assert.deepEqual(quiet.restarted, []);
    assert.equal(typeof quiet.cpu.worker, 'number');
    assert.equal(typeof quiet.cpu.others, 'number');
  } finally {
    first.kill();
    second.kill();
  }
});

test('the table names a run with a restart in it', () => {
  const warnings = disturbedWindows({
    id: 'embedded',
    national: { neighbourCores: Number.NaN, restarted: ['worker'] } as NonNullable<TargetResult['national']>,
    nationalFloor: { neighbourCores: 0.02 } as NonNullable<TargetResult['nationalFloor']>,
  });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^embedded: national path: worker restarted during the run/);
});
