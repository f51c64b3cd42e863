// New movements start on no baseline while a transits worker that names none (an earlier version,
// during a rolling upgrade) polls: such a worker would run a baseline movement in a way a newer
// worker's replay does not expect (src/temporal/lifecycle-baseline.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NativeConnection, Worker } from '@temporalio/worker';
import { vouchPublicKeys } from '../../src/auth/act-keys.ts';
import { pollersBaseline } from '../../src/temporal/lifecycle-baseline.ts';
import { describeQueue } from '../../src/temporal/task-queue.ts';
import { withBundleGlobals } from '../../src/worker/bundle-globals.ts';
import { BASELINE } from '../../workflows/baseline.ts';
import { startedInput } from './histories.ts';
import { quietRuntime, startStack, temporalAddress, workflowBundlePath, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, uniqueTin } from '../lifecycle/helpers.ts';

let stack: Stack;
let corridor: Corridor;

before(async () => {
  quietRuntime();
  stack = await startStack();
  corridor = new Corridor(stack);
});
after(() => stack?.stop());

async function pollerIdentities(): Promise<string[]> {
  const response = await describeQueue(stack.client, 'default', stack.config.taskQueues.transits, { deadlineMs: 5_000 });
  return (response.pollers ?? []).map((poller) => poller.identity ?? '');
}

async function baselineOfNewMovement(): Promise<number | undefined> {
  const d = declarationFor('lome-ouaga', uniqueTin());
  const mrn = await corridor.accepted(d);
  const history = await stack.client.workflow.getHandle(mrn).fetchHistory();
  return startedInput(history.events ?? []).baseline;
}

describe('the baseline new movements start on', () => {
  test('the lowest among the pollers, 0 for one naming none, unknown with none', () => {
    assert.equal(pollersBaseline([]), undefined);
    assert.equal(pollersBaseline(['12@lome corridor-baseline-1']), 1);
    assert.equal(pollersBaseline(['12@lome corridor-baseline-2', '13@ouaga corridor-baseline-1']), 1);
    assert.equal(pollersBaseline(['12@lome corridor-baseline-1', '4242@lome']), 0);
  });

  test('the transits worker names its baseline; while one naming none polls too, new movements start on none', async () => {
    assert.ok(
      (await pollerIdentities()).some((identity) => identity.endsWith(`corridor-baseline-${BASELINE}`)),
      'the transits worker polls naming its baseline',
    );
    assert.equal(await baselineOfNewMovement(), BASELINE);

    // A worker as an earlier version polls: same queue, no baseline in its identity, no activities.
    const connection = await NativeConnection.connect({ address: temporalAddress() });
    const earlier = await Worker.create({
      connection,
      namespace: 'default',
      taskQueue: stack.config.taskQueues.transits,
      identity: '4242@earlier-version',
      workflowBundle: withBundleGlobals(
        { codePath: workflowBundlePath() },
        { vouchKeys: vouchPublicKeys(stack.config), encodeFailures: false, stackFrames: 0 },
      ),
    });
    const running = earlier.run();
    try {
      for (const deadline = Date.now() + 20_000; !(await pollerIdentities()).includes('4242@earlier-version'); ) {
        assert.ok(Date.now() < deadline, 'the earlier worker is seen polling');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      // The API reads the pollers again at most 30 s after it last did.
      await new Promise((resolve) => setTimeout(resolve, 31_000));
      assert.equal(await baselineOfNewMovement(), undefined);
    } finally {
      earlier.shutdown();
      await running;
      await connection.close();
    }
  });
});
