// The benchmark's split of an officer's act into stages, on a history written by hand: each gap
// between the driver's send, the update's events and the answer goes to exactly one stage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import proto from '@temporalio/proto';
import { figuresOf, stagesOf, STAGES, type DrivenAct } from '../../bench/lib/act-anatomy.ts';

const { EventType } = proto.temporal.api.enums.v1;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

const T0 = 1_800_000_000_000;
const at = (eventType: number, ms: number, extra: Partial<HistoryEvent> = {}): HistoryEvent => ({
  eventType,
  eventTime: proto.google.protobuf.Timestamp.fromObject({ seconds: Math.floor((T0 + ms) / 1000), nanos: ((T0 + ms) % 1000) * 1e6 }),
  ...extra,
});
const accepted = (ms: number, updateId: string) =>
  at(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, ms, {
    workflowExecutionUpdateAcceptedEventAttributes: { acceptedRequest: { meta: { updateId } } },
  });
const completed = (ms: number, updateId: string) =>
  at(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, ms, { workflowExecutionUpdateCompletedEventAttributes: { meta: { updateId } } });

// Lodging (update 0), then one act (update 1) sent at 1,000 ms and answered 100 ms later.
const history: HistoryEvent[] = [
  at(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 0),
  at(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, 0),
  at(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, 2),
  at(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, 5),
  accepted(5, 'lodge'),
  completed(5, 'lodge'),
  // The act: taken in 10 ms, its task queued 7, run 8 (the acceptance and the activity scheduled with its completion).
  at(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, 1010),
  at(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, 1017),
  at(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, 1025),
  accepted(1025, 'release'),
  at(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, 1025),
  // The national worker takes it 15 ms later; the call takes 30 (its started event is written with its completion).
  at(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, 1040),
  at(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, 1070),
  at(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, 1070),
  at(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, 1080),
  at(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, 1086),
  completed(1086, 'release'),
  // A timer armed after the answer is not the act's.
  at(EventType.EVENT_TYPE_TIMER_STARTED, 1086),
];

test('an act is split into its stages, which add up to its round trip', () => {
  const act: DrivenAct = { mrn: 'M', action: 'release', sentAt: T0 + 1000, ms: 100, index: 1 };
  const [stages] = stagesOf(history, [act]);
  assert.deepEqual(stages, {
    'taken in': 10,
    'workflow task queued': 7 + 10,
    'workflow task run': 8 + 6,
    'national worker queued': 15,
    'national system call': 30,
    'answer back': 14,
  });
  assert.equal(
    STAGES.reduce((sum, s) => sum + stages![s], 0),
    100,
  );
});

test('an act whose update the history does not hold is left unsplit', () => {
  const act: DrivenAct = { mrn: 'M', action: 'exit', sentAt: T0 + 2000, ms: 50, index: 2 };
  assert.deepEqual(stagesOf(history, [act]), [undefined]);
});

test('the slowest 5 % are averaged apart from the rest', () => {
  const split = Array.from({ length: 40 }, (_, i) => {
    const slow = i >= 38;
    const stages = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<(typeof STAGES)[number], number>;
    stages['workflow task queued'] = slow ? 200 : 10;
    stages['national system call'] = 20;
    return { act: { mrn: `M${i}`, action: 'entry', sentAt: T0, ms: slow ? 220 : 30, index: 4 }, stages };
  });
  const queued = figuresOf(split).find((f) => f.stage === 'workflow task queued')!;
  assert.equal(queued.p50, 10);
  assert.equal(queued.slowestMean, 200);
  assert.equal(queued.mean, (38 * 10 + 2 * 200) / 40);
});
