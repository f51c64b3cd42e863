// The embedded dev server keeps search attributes in its caches (its read-through is off): an
// existing database that lacks some of Corridor's gets them at start, and a movement can be
// started with every one of them as soon as startDevServer returns.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { findTemporalCli } from '../../src/temporal/cli.ts';
import { startDevServer, waitUntilServing } from '../../src/temporal/dev-server.ts';
import { stopChild } from '../../src/process/stop-child.ts';
import * as sa from '../../workflows/search-attributes.ts';
import { freePort } from '../harness/ports.ts';
import { tempDir } from '../harness/stack.ts';
import { eventually } from '../lifecycle/helpers.ts';

test('a database made before some of the search attributes existed: a movement starts with all of them at once', async (t) => {
  const cli = await findTemporalCli();
  const port = await freePort();
  const dbFile = path.join(tempDir('dev-server-attributes'), 'temporal.sqlite');
  // An older Corridor's database: the server made it with none of today's attributes.
  const older = spawn(cli, ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless', '--log-level', 'warn', '--db-filename', dbFile], {
    stdio: 'ignore',
  });
  await waitUntilServing(`127.0.0.1:${port}`, 60_000);
  await stopChild(older, { graceMs: 10_000 });

  const server = await startDevServer({ cli, port, dbFile });
  const connection = await Connection.connect({ address: server.address });
  t.after(async () => {
    await connection.close();
    await server.stop();
  });
  const client = new Client({ connection, namespace: 'default' });
  await client.workflow.start('transit', {
    taskQueue: 'no-worker',
    workflowId: 'attributes-at-once',
    typedSearchAttributes: [
      { key: sa.TransitStatus, value: 'RELEASED' },
      { key: sa.CurrentOffice, value: 'TGCKS001' },
      { key: sa.RouteOffices, value: ['TGLFW001', 'TGCKS001'] },
      { key: sa.Overdue, value: true },
      { key: sa.EscalationLevel, value: 1 },
      { key: sa.NextDeadline, value: new Date() },
    ],
  });
  const query = `Overdue = true AND CurrentOffice = 'TGCKS001'`;
  await eventually(
    async () => Number((await connection.workflowService.countWorkflowExecutions({ namespace: 'default', query })).count),
    (count) => count === 1,
    'the movement listed by its attributes',
  );
});
