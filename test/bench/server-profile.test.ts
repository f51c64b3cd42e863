// bench --server-profile on a real server: Linux perf samples the test run's Temporal server
// while a client asks it something many times, and the samples come back named after that
// request. Skipped where perf cannot run (not installed, or not allowed to attach).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection } from '@temporalio/client';
import { pidListeningOn } from '../../bench/lib/proc.ts';
import { ServerProfiler, serverProfileRefusal } from '../../bench/lib/server-profile.ts';
import { temporalAddress, tempDir } from '../harness/stack.ts';

const address = temporalAddress();
const serverPid = pidListeningOn(Number(address.split(':').at(-1)));
const refusal = serverProfileRefusal(serverPid);

test("the server's samples name the request it served", { skip: refusal, timeout: 120_000 }, async () => {
  const profiler = new ServerProfiler(serverPid!, tempDir('server-profile'));
  const connection = await Connection.connect({ address });
  try {
    await profiler.around('asking', async () => {
      // About a second of the server's time on one request kind, whatever else the suite runs beside it.
      for (let i = 0; i < 1500; i++) await connection.workflowService.getSystemInfo({});
    });
  } finally {
    await connection.close();
  }
  assert.equal(await profiler.profileOf('nobody', 1), undefined, 'a rig that never ran has no profile');
  const profile = await profiler.profileOf('asking', 1500);
  assert.ok(profile, 'a profile for the rig that ran');
  const asked = profile.msPerLifecycle['frontend GetSystemInfo'] ?? 0;
  assert.ok(asked > 0, `GetSystemInfo named among ${JSON.stringify(profile.msPerLifecycle)}`);
});
