// The workflow worker's own watch for the one stall Corridor cannot prevent from inside a process.
// SDK 1.24's core drops a query when two arrive together for a run it has not cached, and the
// workflow task slot that query held is never given back (bench/results/stall-2026-11-29-core-
// debug-excerpt.txt). Each process asks one movement one question at a time
// (src/temporal/state-query.ts), but two processes (an API's indicators projection, the worker's
// reconciliation) can still ask the same movement together. Lost slots stay lost; once every slot
// is, the worker takes no workflow task again, and only a new process gets them back. So the watch
// exits the process when it sees that state, and what supervises the worker (npm start, systemd,
// Kubernetes) starts it again: the movements lose nothing (their histories are on the server).

/** The transits workflow worker's slots and work done, from the SDK's own metrics. */
export interface SlotReading {
  used: number;
  available: number;
  /** Workflow tasks completed since the process started (all workflow types). */
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
    if (labels.task_queue !== taskQueue) continue;
    if (name === 'temporal_worker_task_slots_used' && labels.worker_type === 'WorkflowWorker') used = Number(value);
    else if (name === 'temporal_worker_task_slots_available' && labels.worker_type === 'WorkflowWorker') available = Number(value);
    else if (name === 'temporal_workflow_task_execution_latency_count') completed += Number(value);
  }
  if (used === undefined || available === undefined) return undefined;
  return { used, available, completed };
}

/**
 * Decides from successive readings whether the worker is stalled: every slot taken and not one
 * workflow task completed for `stalledAfterMs`. A busy worker completes tasks all the time, so
 * holding every slot that long without finishing any is not load. The caller still checks with
 * the server that tasks are waiting before acting on it.
 */
export class StallWatch {
  private stuckSince: number | undefined;
  private lastCompleted: number | undefined;

  constructor(private readonly stalledAfterMs: number) {}

  /** Returns how long the worker has looked stalled (ms) once that passes the limit, else undefined. */
  observe(now: number, reading: SlotReading | undefined): number | undefined {
    if (!reading || reading.available > 0 || reading.completed !== this.lastCompleted) {
      this.lastCompleted = reading?.completed;
      this.stuckSince = reading && reading.available === 0 ? now : undefined;
      return undefined;
    }
    this.stuckSince ??= now;
    const stuckFor = now - this.stuckSince;
    return stuckFor >= this.stalledAfterMs ? stuckFor : undefined;
  }
}

export interface StallWatchOptions {
  metricsUrl: string;
  taskQueue: string;
  stalledAfterMs: number;
  /** Workflow tasks the server holds waiting on the queue; undefined when it cannot say. */
  waitingTasks: () => Promise<number | undefined>;
  onStall: (details: { stuckForSeconds: number; waitingTasks: number; slots: SlotReading }) => void;
  everyMs?: number;
}

/** Reads the worker's metrics every few seconds; calls onStall once when the worker is stalled and tasks wait. */
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
      // Every slot held and none freed: it is a stall only if work is waiting for those slots.
      const waiting = await options.waitingTasks().catch(() => undefined);
      if (waiting !== undefined && waiting > 0) {
        stopped = true;
        options.onStall({ stuckForSeconds: Math.round(stuckFor / 1000), waitingTasks: waiting, slots: reading });
        return;
      }
    }
    if (!stopped) timer = setTimeout(() => void tick(), options.everyMs ?? 10_000).unref();
  };
  timer = setTimeout(() => void tick(), options.everyMs ?? 10_000).unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
