// Where an act's round trip goes: the driver knows when it sent the act and when the answer
// came; the movement's history knows when the server scheduled, handed out and got back each
// workflow task and activity of the update that carried it. Laid end to end, they split every
// act into stages (the API and the server taking it in, waiting for the workflow worker, the
// workflow's own run, waiting for a national worker, the national system's call, the answer
// going back), so a p99 over the goal says which stage to work on.
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { percentile } from '../../src/simulation/simulate.ts';

const { EventType } = proto.temporal.api.enums.v1;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

export const STAGES = ['taken in', 'workflow task queued', 'workflow task run', 'national worker queued', 'national system call', 'answer back'] as const;
export type Stage = (typeof STAGES)[number];

/** One act as the driver saw it: sent at `sentAt` (epoch ms), answered `ms` later; the k-th update of its movement. */
export interface DrivenAct {
  mrn: string;
  action: string;
  sentAt: number;
  ms: number;
  /** Its rank among its movement's updates (the lodging is 0). */
  index: number;
}

export type ActStages = Record<Stage, number>;

const ms = (event: HistoryEvent): number => {
  const t = event.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : Number.NaN;
};

const is = (event: HistoryEvent, type: number) => event.eventType === type;

/**
 * Splits each act of one movement into stages from its history: the update's events from the
 * workflow task that accepted it to the one that completed it, in time order, each gap given to
 * the stage the later event ends. Undefined for an act whose update the history does not hold.
 */
export function stagesOf(events: HistoryEvent[], acts: DrivenAct[]): (ActStages | undefined)[] {
  const accepted = events.filter((e) => is(e, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED));
  return acts.map((act) => {
    const accept = accepted[act.index];
    if (!accept) return undefined;
    const updateId = accept.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId;
    const completed = events.find(
      (e) => is(e, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED) && e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === updateId,
    );
    if (!completed) return undefined;
    const at = events.indexOf(accept);
    // The workflow task that accepted it: its scheduled event is the last one before the acceptance.
    let from = at;
    while (from > 0 && !is(events[from]!, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)) from--;
    const slice = events.slice(from, events.indexOf(completed) + 1).filter((e) => Number.isFinite(ms(e)));
    const stages = Object.fromEntries(STAGES.map((s) => [s, 0])) as ActStages;
    let previous = act.sentAt;
    let first = true;
    for (const event of [...slice].sort((a, b) => ms(a) - ms(b))) {
      const t = ms(event);
      const gap = Math.max(0, t - previous);
      previous = Math.max(previous, t);
      stages[stageEndedBy(event, first)] += gap;
      first = false;
    }
    stages['answer back'] += Math.max(0, act.sentAt + act.ms - previous);
    return stages;
  });
}

function stageEndedBy(event: HistoryEvent, first: boolean): Stage {
  switch (event.eventType) {
    case EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
      return first ? 'taken in' : 'workflow task queued';
    case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
      return 'workflow task queued';
    case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
      return 'national worker queued';
    case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
    case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      return 'national system call';
    default:
      // Completed tasks and what they wrote (the acceptance, activities scheduled, timers, upserts) end a run.
      return 'workflow task run';
  }
}

export interface StageFigures {
  stage: Stage;
  p50: number;
  p99: number;
  mean: number;
  /** Mean over the slowest 5 % of acts (by round trip): what the tail is made of. */
  slowestMean: number;
}

export interface ActAnatomy {
  acts: number;
  /** Acts whose update the history did not show (not split). */
  unsplit: number;
  stages: StageFigures[];
}

/** Reads the movements' histories (a few at a time) and gives each stage's figures over every split act. */
export async function actAnatomy(client: Client, acts: DrivenAct[], atOnce = 8): Promise<ActAnatomy> {
  const byMovement = new Map<string, DrivenAct[]>();
  for (const act of acts) byMovement.set(act.mrn, [...(byMovement.get(act.mrn) ?? []), act]);
  const split: { act: DrivenAct; stages: ActStages }[] = [];
  const movements = [...byMovement.entries()];
  let next = 0;
  const lane = async () => {
    while (next < movements.length) {
      const [mrn, own] = movements[next++]!;
      const history = await client.workflow.getHandle(mrn).fetchHistory();
      stagesOf(history.events ?? [], own).forEach((stages, i) => {
        if (stages) split.push({ act: own[i]!, stages });
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, movements.length) }, lane));
  return { acts: acts.length, unsplit: acts.length - split.length, stages: figuresOf(split) };
}

export function figuresOf(split: { act: DrivenAct; stages: ActStages }[]): StageFigures[] {
  const slowest = [...split].sort((a, b) => b.act.ms - a.act.ms).slice(0, Math.max(1, Math.ceil(split.length * 0.05)));
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
  const r = (x: number) => Math.round(x * 10) / 10;
  return STAGES.map((stage) => {
    const values = split.map((s) => s.stages[stage]);
    return {
      stage,
      p50: r(percentile(values, 50)),
      p99: r(percentile(values, 99)),
      mean: r(mean(values)),
      slowestMean: r(mean(slowest.map((s) => s.stages[stage]))),
    };
  });
}
