// The worker's watch for a stall it cannot prevent (slots lost in SDK 1.24's core): read from the
// SDK's own metrics text, decided over time, acted on only when the server holds tasks waiting.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/env.ts';
import { readWorkflowSlots, StallWatch, startStallWatch, type SlotReading } from '../../src/worker/stall-watch.ts';

// As the worker printed them during a benchmark (2026-11-29), with another queue's lines beside,
// and the SDK's count of queries answered as `npm start` printed it (it names no task queue).
const metrics = (
  used: number,
  completed: number,
  queriesAnswered = 0,
) => `# HELP temporal_worker_task_slots_available Current number of available slots per task type
# TYPE temporal_worker_task_slots_available gauge
temporal_worker_task_slots_available{namespace="default",service_name="temporal-core-sdk",task_queue="b-national-BF",worker_type="ActivityWorker"} 99
temporal_worker_task_slots_available{namespace="default",service_name="temporal-core-sdk",task_queue="b-transits",worker_type="ActivityWorker"} 99
temporal_worker_task_slots_available{namespace="default",service_name="temporal-core-sdk",task_queue="b-transits",worker_type="WorkflowWorker"} ${40 - used}
temporal_worker_task_slots_available{namespace="default",service_name="temporal-core-sdk",task_queue="other-transits",worker_type="WorkflowWorker"} 40
# TYPE temporal_worker_task_slots_used gauge
temporal_worker_task_slots_used{namespace="default",service_name="temporal-core-sdk",task_queue="b-transits",worker_type="ActivityWorker"} 1
temporal_worker_task_slots_used{namespace="default",service_name="temporal-core-sdk",task_queue="b-transits",worker_type="WorkflowWorker"} ${used}
temporal_worker_task_slots_used{namespace="default",service_name="temporal-core-sdk",task_queue="other-transits",worker_type="WorkflowWorker"} 0
temporal_workflow_task_execution_latency_count{namespace="default",service_name="temporal-core-sdk",task_queue="b-transits",workflow_type="archiver"} 1
temporal_workflow_task_execution_latency_count{namespace="default",service_name="temporal-core-sdk",task_queue="b-transits",workflow_type="transit"} ${completed}
temporal_workflow_task_execution_latency_count{namespace="default",service_name="temporal-core-sdk",task_queue="other-transits",workflow_type="transit"} 999
temporal_request{namespace="default",operation="RespondQueryTaskCompleted",service_name="temporal-core-sdk"} ${queriesAnswered}
temporal_request{namespace="default",operation="RespondWorkflowTaskCompleted",service_name="temporal-core-sdk"} 12345
`;

describe("the worker's stall watch", () => {
  test("reads its own queue's workflow slots and completed tasks (all workflow types), nothing of another queue's", () => {
    assert.deepEqual(readWorkflowSlots(metrics(40, 478), 'b-transits'), { used: 40, available: 0, completed: 479 });
    assert.deepEqual(readWorkflowSlots(metrics(3, 10), 'other-transits'), { used: 0, available: 40, completed: 999 });
    assert.equal(readWorkflowSlots(metrics(3, 10), 'missing-transits'), undefined);
    assert.equal(readWorkflowSlots('', 'b-transits'), undefined);
  });

  test("queries answered are progress: a quiet worker answering a reconciliation's queries, slots in use at every reading, is not stalled", () => {
    assert.deepEqual(readWorkflowSlots(metrics(8, 478, 5), 'b-transits'), { used: 8, available: 32, completed: 484 });
    const answering = new StallWatch(120_000);
    // No workflow task completes for ten minutes; queries hold slots at every reading and are answered.
    for (let t = 0, answered = 0; t <= 600_000; t += 10_000, answered += 80) {
      const reading = readWorkflowSlots(metrics(8, 478, answered), 'b-transits');
      assert.equal(answering.observe(t, reading), undefined, `at ${t}`);
    }
  });

  test('stalled: every slot held and no task completed for the whole limit; a completion or a freed slot starts the count again', () => {
    const watch = new StallWatch(120_000);
    const held = (completed: number): SlotReading => ({ used: 40, available: 0, completed });
    assert.equal(watch.observe(0, held(500)), undefined);
    assert.equal(watch.observe(60_000, held(500)), undefined);
    assert.equal(watch.observe(119_000, held(500)), undefined);
    assert.equal(watch.observe(120_000, held(500)), 120_000);
    // Busy, not stalled: every slot held, but tasks complete.
    const busy = new StallWatch(120_000);
    for (let t = 0, done = 0; t <= 600_000; t += 10_000, done += 100) assert.equal(busy.observe(t, held(done)), undefined, `at ${t}`);
    // One task completed at 100 s: counted from there.
    const once = new StallWatch(120_000);
    once.observe(0, held(1));
    once.observe(100_000, held(2));
    assert.equal(once.observe(200_000, held(2)), undefined);
    assert.equal(once.observe(220_000, held(2)), 120_000);
    // Every slot freed (an idle worker holds none): the count starts again.
    const free = new StallWatch(120_000);
    free.observe(0, held(7));
    assert.equal(free.observe(100_000, { used: 0, available: 40, completed: 7 }), undefined);
    assert.equal(free.observe(200_000, held(7)), undefined);
    // Metrics unreadable: no verdict, and the count starts again.
    const blind = new StallWatch(120_000);
    blind.observe(0, held(7));
    assert.equal(blind.observe(100_000, undefined), undefined);
    assert.equal(blind.observe(200_000, held(7)), undefined);
  });

  test('slots lost on a quiet worker: a few slots held and not one task completed for the limit; never an idle worker, never a busy one', () => {
    // Two slots lost, as at 07:34 on 2026-11-29, then the corridor goes quiet.
    const lost = new StallWatch(120_000);
    const two = (completed: number): SlotReading => ({ used: 2, available: 38, completed });
    for (let t = 0, done = 0; t < 300_000; t += 10_000, done += 40) assert.equal(lost.observe(t, two(done)), undefined, `busy at ${t}`);
    assert.equal(lost.observe(300_000, two(1_200)), undefined);
    assert.equal(lost.observe(360_000, two(1_200)), undefined);
    assert.equal(lost.observe(420_000, two(1_200)), 120_000);
    // An idle worker holds no slot: never a verdict, however long.
    const idle = new StallWatch(120_000);
    for (let t = 0; t <= 3_600_000; t += 10_000) assert.equal(idle.observe(t, { used: 0, available: 40, completed: 5 }), undefined);
    // A process suspended for minutes between two readings is not judged on them: three readings in a row are needed.
    const paused = new StallWatch(120_000);
    paused.observe(0, two(9));
    assert.equal(paused.observe(600_000, two(9)), undefined);
    assert.equal(paused.observe(610_000, two(9)), 610_000);
  });

  test('over real HTTP: onStall once, with the figures (waiting tasks for the log), whether every slot or a few are held', async () => {
    let used = 40;
    let waiting: number | undefined = 12;
    const server = createServer((_request, response) => response.end(metrics(used, 478)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const metricsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    const watchFor = async (ms: number) => {
      const stalls: { stuckForSeconds: number; waitingTasks: number | undefined; slots: SlotReading }[] = [];
      const stop = startStallWatch({
        metricsUrl,
        taskQueue: 'b-transits',
        stalledAfterMs: 200,
        everyMs: 25,
        waitingTasks: async () => waiting,
        onStall: (d) => stalls.push(d),
      });
      await new Promise((r) => setTimeout(r, ms));
      stop();
      return stalls;
    };
    try {
      const all = await watchFor(700);
      assert.equal(all.length, 1, 'told once');
      assert.equal(all[0]?.waitingTasks, 12);
      assert.deepEqual(all[0]?.slots, { used: 40, available: 0, completed: 479 });

      // Two slots held on a quiet worker, nothing waiting (the server cannot say, even): told too.
      used = 2;
      waiting = undefined;
      const few = await watchFor(700);
      assert.equal(few.length, 1);
      assert.deepEqual(few[0]?.slots, { used: 2, available: 38, completed: 479 });
      assert.equal(few[0]?.waitingTasks, undefined);

      // Idle: no slot held, never told.
      used = 0;
      assert.equal((await watchFor(500)).length, 0);
    } finally {
      server.close();
    }
  });

  test('CORRIDOR_WORKER_STALL_EXIT_SECONDS: 120 by default, 0 for never, 30 to 3600, else refused naming the variable', () => {
    assert.equal(loadConfig({}).workerStallExitSeconds, 120);
    assert.equal(loadConfig({ CORRIDOR_WORKER_STALL_EXIT_SECONDS: '0' }).workerStallExitSeconds, undefined);
    assert.equal(loadConfig({ CORRIDOR_WORKER_STALL_EXIT_SECONDS: '300' }).workerStallExitSeconds, 300);
    for (const bad of ['10', '29', '60.5', 'jamais', '3601'])
      assert.throws(
        () => loadConfig({ CORRIDOR_WORKER_STALL_EXIT_SECONDS: bad }),
        (error: unknown) => error instanceof ConfigError && error.variable === 'CORRIDOR_WORKER_STALL_EXIT_SECONDS',
        bad,
      );
  });
});
