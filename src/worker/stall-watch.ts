// The workflow worker's own watch for the one stall Corridor cannot prevent from inside a process.
// SDK 1.24's core drops a query when two arrive together for a run it has not cached, and the
// workflow task slot that query held is never given back (bench/results/stall-2026-11-29-core-
// debug-excerpt.txt). Each process asks one movement one question at a time
// (src/temporal/state-query.ts), but two processes (an API's indicators projection, the worker's
// reconciliation) can still ask the same movement together. A lost slot stays lost, and the
// movement whose task held it takes no act until the process ends; once every slot is lost, the
// worker takes no workflow task at all. So the watch exits the process when it sees slots held
// with not one workflow task completed for a long while, and what supervises the worker (npm
// start, systemd, Kubernetes) starts it again: the movements lose nothing (their histories are on
// the server). A workflow task takes milliseconds and the server gives up on one after 10 s; an
// idle worker holds no slot (its metrics say 0 used), and a busy one completes tasks all the time.
// So one lost slot is seen at the first quiet two minutes after it is lost (at 07:34 on
// 2026-11-29 two were, and two movements waited with them: bench/results/reconciliation-2026-11-
// 29-3000-memory.txt), and a worker that has lost them all, at once, however busy.

/** The transits workflow worker's slots and work done, from the SDK's own metrics. */
export interface SlotReading {
  used: number;
  available: number;
  /**
   * Workflow tasks completed and queries answered since the process started (all workflow types).
   * A query holds a workflow task slot while it is answered, and a reconciliation at a quiet hour
   * asks thousands: answered queries are progress too, or the watch would take a worker busy
   * answering them for a stalled one.
   */
  completed: number;
}

/** Reads the SDK's Prometheus text for one task queue's workflow worker; undefined when it is not there. */
export function readWorkflowSlots(metrics: string, taskQueue: string): SlotReading | undefined {
  let used: number | undefined;
  let available: number | undefined;
  let completed = 0;
  for (const line of metrics.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^(\w+)\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!match) continue;
    const [, name, labelText, value] = match;
    const labels = Object.fromEntries([...(labelText ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    // The SDK's request counter names no task queue; only the transits workflow worker answers queries in this process.
    if (name === 'temporal_request' && labels.operation === 'RespondQueryTaskCompleted') {
      completed += Number(value);
      continue;
    }
    if (labels.task_queue !== taskQueue) continue;
    if (name === 'temporal_worker_task_slots_used' && labels.worker_type === 'WorkflowWorker') used = Number(value);
    else if (name === 'temporal_worker_task_slots_available' && labels.worker_type === 'WorkflowWorker') available = Number(value);
    else if (name === 'temporal_workflow_task_execution_latency_count') completed += Number(value);
  }
  if (used === undefined || available === undefined) return undefined;
  return { used, available, completed };
}

/**
 * Decides from successive readings whether workflow task slots are lost: at least one slot held
 * and not one workflow task completed for `stalledAfterMs`, over at least `MIN_READINGS` readings
 * in a row (a process that was suspended for minutes, a VM paused, is not judged on one reading
 * taken on either side of the pause).
 */
export class StallWatch {
  private heldSince: number | undefined;
  private readings = 0;
  private lastCompleted: number | undefined;

  constructor(private readonly stalledAfterMs: number) {}

  /** Returns how long slots have been held without a task completed (ms) once that passes the limit, else undefined. */
  observe(now: number, reading: SlotReading | undefined): number | undefined {
    if (!reading || reading.used === 0 || reading.completed !== this.lastCompleted) {
      this.lastCompleted = reading?.completed;
      this.heldSince = reading && reading.used > 0 ? now : undefined;
      this.readings = this.heldSince === undefined ? 0 : 1;
      return undefined;
    }
    this.heldSince ??= now;
    this.readings++;
    const heldFor = now - this.heldSince;
    return heldFor >= this.stalledAfterMs && this.readings >= MIN_READINGS ? heldFor : undefined;
  }
}

/** Readings in a row a verdict needs, besides the time. */
const MIN_READINGS = 3;

export interface StallWatchOptions {
  metricsUrl: string;
  taskQueue: string;
  stalledAfterMs: number;
  /** Workflow tasks the server holds waiting on the queue (for the log); undefined when it cannot say. */
  waitingTasks: () => Promise<number | undefined>;
  onStall: (details: { stuckForSeconds: number; waitingTasks: number | undefined; slots: SlotReading }) => void;
  everyMs?: number;
}

/** Reads the worker's metrics every few seconds; calls onStall once when slots are held with no task completed for the limit. */
export function startStallWatch(options: StallWatchOptions): () => void {
  const watch = new StallWatch(options.stalledAfterMs);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const reading = await fetch(options.metricsUrl, { signal: AbortSignal.timeout(5_000) })
      .then((response) => (response.ok ? response.text() : undefined))
      .then((text) => (text === undefined ? undefined : readWorkflowSlots(text, options.taskQueue)))
      .catch(() => undefined);
    const stuckFor = watch.observe(Date.now(), reading);
    if (stuckFor !== undefined && reading) {
      stopped = true;
      const waiting = await options.waitingTasks().catch(() => undefined);
      options.onStall({ stuckForSeconds: Math.round(stuckFor / 1000), waitingTasks: waiting, slots: reading });
      return;
    }
    if (!stopped) timer = setTimeout(() => void tick(), options.everyMs ?? 10_000).unref();
  };
  timer = setTimeout(() => void tick(), options.everyMs ?? 10_000).unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
