// A workflow worker that takes no more tasks is seen: /health turns red naming the transits'
// workflow task queue once its oldest task has waited past CORRIDOR_WORKFLOW_QUEUE_MAX_WAIT_SECONDS
// (from the server's own task queue statistics), French first, and green again once a worker
// takes the tasks. The poller check alone would stay green for a minute after the worker goes,
// and forever for a worker that polls but has stalled.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, eventually, uniqueTin } from './helpers.ts';

let stack: Stack;

before(async () => {
  stack = await startStack({ env: { CORRIDOR_WORKFLOW_QUEUE_MAX_WAIT_SECONDS: '3' } });
});
after(() => stack?.stop());

interface Health {
  status: string;
  failing?: string[];
  parts?: Record<string, { ok: boolean; detail: string }>;
}

async function health(): Promise<{ status: number; body: Health }> {
  const response = await fetch(`${stack.api}/health`, { headers: { authorization: `Bearer ${await stack.regional()}` } });
  return { status: response.status, body: (await response.json()) as Health };
}

test('the workflow worker stopped while a transit is lodged: /health red naming the queue, then green once a worker takes its tasks', async () => {
  const queue = `queue:${stack.config.taskQueues.transits}`;
  const green = await eventually(health, (h) => h.body.parts?.[queue]?.ok === true, 'the queue check green at first', 30_000);
  assert.match(green.body.parts![queue]!.detail, /workflow task\(s\) waiting/);

  await stack.stopWorker();
  const corridor = new Corridor(stack);
  // The API waits for the workflow to accept the lodging: the answer comes once the worker is back.
  const lodged = corridor.lodge(declarationFor('lome-ouaga', uniqueTin()));

  const red = await eventually(health, (h) => h.status === 503 && h.body.parts?.[queue]?.ok === false, 'the queue check red', 90_000);
  assert.ok(red.body.failing?.includes(queue), JSON.stringify(red.body.failing));
  const detail = red.body.parts![queue]!.detail;
  assert.match(detail, new RegExp(`^file ${stack.config.taskQueues.transits} : la plus ancienne tâche attend depuis \\d+ s \\(limite 3 s\\)`));
  assert.match(detail, / \/ queue .+: its oldest task has waited \d+ s \(limit 3 s\), \d+ waiting; the workflow worker is stopped or stalled$/);
  assert.ok(detail.indexOf('file ') < detail.indexOf(' / queue '), 'French first');

  await stack.startWorker();
  const answer = await lodged;
  assert.ok([201, 202].includes(answer.status), JSON.stringify(answer.body));
  await eventually(health, (h) => h.body.parts?.[queue]?.ok === true, 'the queue check green again', 60_000);
});
