// Run by promise-stacks.test.ts in a process of its own, with or without Corridor's node flags: a
// workflow worker on a queue of its own, one journal feed waiting there for a consumer nobody runs,
// and what Temporal's stack trace query answers about it, printed as one line of JSON.
// Arguments: the Temporal address, the workflow bundle, the stack frames kept.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { withBundleGlobals } from '../../src/worker/bundle-globals.ts';

const [address, bundlePath, frames] = process.argv.slice(2) as [string, string, string];
Runtime.install({ logger: new DefaultLogger('ERROR') });
const taskQueue = `stacks-${randomUUID()}`;
const worker = await Worker.create({
  connection: await NativeConnection.connect({ address }),
  namespace: 'default',
  taskQueue,
  workflowBundle: withBundleGlobals({ codePath: bundlePath }, { vouchKeys: {}, encodeFailures: false, stackFrames: Number(frames) }),
});
const answer = await worker.runUntil(async () => {
  const connection = await Connection.connect({ address });
  const handle = await new Client({ connection }).workflow.start('journalFeed', {
    taskQueue,
    workflowId: taskQueue,
    args: [{ country: 'TG', queue: `${taskQueue}-nobody`, cursor: 0 }],
  });
  try {
    return { stack: await handle.query<string>('__stack_trace') };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    await handle.terminate('stack trace read');
    await connection.close();
  }
});
process.stdout.write(`${JSON.stringify(answer)}\n`);
