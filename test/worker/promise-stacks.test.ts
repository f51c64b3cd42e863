// The transits worker's workflow threads capture no stack per promise when no stack frames are
// kept (CORRIDOR_WORKFLOW_STACK_FRAMES=0, the default): Corridor starts the worker with a preload
// that leaves the SDK's promise hook out (src/worker/promise-stacks-off.cjs). Checked on a real SDK
// worker and a real workflow through Temporal's own stack trace query.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/env.ts';
import { PROMISE_STACKS_OFF, promiseStacksOff, workerNodeArgs, workflowThreadNodeArgs } from '../../src/worker/node-args.ts';
import { temporalAddress, workflowBundlePath } from '../harness/stack.ts';

const CHILD = fileURLToPath(new URL('./stack-trace-worker.ts', import.meta.url));

async function stackTraceQuery(nodeArgs: string[]): Promise<{ stack?: string; error?: string }> {
  const { stdout } = await promisify(execFile)(process.execPath, [...nodeArgs, '--import', 'tsx', CHILD, temporalAddress(), workflowBundlePath(), '10'], {
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { stack?: string; error?: string };
}

describe('the stack captured for every promise of workflow code', () => {
  test('the preload comes with no stack frames kept (the default), not with some', () => {
    assert.deepEqual(workflowThreadNodeArgs(loadConfig({})), ['--require', PROMISE_STACKS_OFF]);
    assert.deepEqual(workerNodeArgs(loadConfig({})), ['--max-old-space-size=384', '--require', PROMISE_STACKS_OFF]);
    assert.deepEqual(workflowThreadNodeArgs(loadConfig({ CORRIDOR_WORKFLOW_STACK_FRAMES: '10' })), []);
    assert.deepEqual(workerNodeArgs(loadConfig({ CORRIDOR_WORKFLOW_STACK_FRAMES: '10', CORRIDOR_WORKER_HEAP_MIB: '0' })), []);
    assert.equal(promiseStacksOff(['--require', PROMISE_STACKS_OFF]), true);
    assert.equal(promiseStacksOff(['--import', 'tsx']), false);
    assert.equal(promiseStacksOff([PROMISE_STACKS_OFF]), false, 'a path alone is not a preload');
  });

  test("with the preload the SDK's workflow threads keep no stacks: the query says so; without it, it shows where the workflow waits", async () => {
    const [off, on] = await Promise.all([stackTraceQuery(workflowThreadNodeArgs(loadConfig({}))), stackTraceQuery([])]);
    assert.equal(off.stack, undefined, JSON.stringify(off));
    assert.match(off.error ?? '', /stack traces are not enabled/, JSON.stringify(off));
    assert.equal(on.error, undefined, JSON.stringify(on));
    assert.match(on.stack ?? '', /workflows\/journal-feed\.ts/, JSON.stringify(on));
  });
});
