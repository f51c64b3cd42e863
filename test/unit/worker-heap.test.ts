// The transits worker's heap limit: one setting, given to the process by whoever Corridor starts
// it with, and to the SDK's workflow threads by the worker itself.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/env.ts';
import { heapNodeArgs } from '../../src/worker/heap.ts';

describe('CORRIDOR_WORKER_HEAP_MIB', () => {
  test("384 by default, 0 for V8's own limit (no flag), a whole number from 128 to 16384, else refused naming the variable", () => {
    assert.equal(loadConfig({}).workerHeapMib, 384);
    assert.deepEqual(heapNodeArgs(loadConfig({})), ['--max-old-space-size=384']);
    assert.equal(loadConfig({ CORRIDOR_WORKER_HEAP_MIB: '0' }).workerHeapMib, undefined);
    assert.deepEqual(heapNodeArgs(loadConfig({ CORRIDOR_WORKER_HEAP_MIB: '0' })), []);
    assert.equal(loadConfig({ CORRIDOR_WORKER_HEAP_MIB: '384' }).workerHeapMib, 384);
    assert.equal(loadConfig({ CORRIDOR_WORKER_HEAP_MIB: '1024' }).workerHeapMib, 1024);
    for (const bad of ['1', '127', '512.5', 'beaucoup', '16385'])
      assert.throws(
        () => loadConfig({ CORRIDOR_WORKER_HEAP_MIB: bad }),
        (error: unknown) => error instanceof ConfigError && error.variable === 'CORRIDOR_WORKER_HEAP_MIB',
        bad,
      );
  });

  test("node's flag for the worker process sets its heap limit", () => {
    const args = heapNodeArgs({ workerHeapMib: 256 });
    assert.deepEqual(args, ['--max-old-space-size=256']);
    const limitMib = Number(
      execFileSync(process.execPath, [...args, '-p', "require('node:v8').getHeapStatistics().heap_size_limit / 2 ** 20"], { encoding: 'utf8' }),
    );
    assert.ok(limitMib > 256 && limitMib < 400, `heap limit ${limitMib} MiB`);
  });

  test('the flag set at run time caps the heap of a thread created afterwards (the SDK workflow threads)', () => {
    const script = `
      const v8 = require('node:v8');
      const { Worker } = require('node:worker_threads');
      const before = v8.getHeapStatistics().heap_size_limit;
      v8.setFlagsFromString('--max-old-space-size=200');
      new Worker("require('node:worker_threads').parentPort.postMessage(require('node:v8').getHeapStatistics().heap_size_limit)", { eval: true })
        .on('message', (limit) => { console.log(JSON.stringify({ before, thread: limit })); process.exit(0); });`;
    const { before, thread } = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { before: number; thread: number };
    assert.ok(thread / 2 ** 20 < 300, `the thread's limit: ${thread / 2 ** 20} MiB`);
    assert.ok(before > thread, 'the process started with a larger one');
  });
});
