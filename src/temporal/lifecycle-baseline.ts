// Which lifecycle baseline a new movement starts on (workflows/versions.ts). A transits worker of
// an earlier version knows no baseline: a baseline movement it ran would write version markers and
// separate upserts that a newer worker's replay does not expect, and the movement would stop there.
// So each transits worker says in its poller identity which baseline it runs, and the starters (the
// API, the journal consumers) start new movements on the lowest baseline among the transits
// workers polling, never above the configured one: during a rolling upgrade they go on starting
// movements as before until the last earlier worker has stopped polling (the server forgets a
// poller some minutes after its last poll). CORRIDOR_LIFECYCLE_BASELINE=0 still forces none.
import os from 'node:os';
import type { Client } from '@temporalio/client';
import { BASELINE } from '../../workflows/baseline.ts';
import { describeQueue } from './task-queue.ts';

const MARK = /\bcorridor-baseline-(\d+)\b/;

/** The identity a transits worker polls with: the SDK's default (pid@host) and the baseline it runs. */
export function transitsWorkerIdentity(): string {
  return `${process.pid}@${os.hostname()} corridor-baseline-${BASELINE}`;
}

/** The lowest baseline these pollers run (0 for one that names none: an earlier version); undefined when none polls. */
export function pollersBaseline(identities: string[]): number | undefined {
  if (identities.length === 0) return undefined;
  return Math.min(...identities.map((identity) => Number(MARK.exec(identity)?.[1] ?? 0)));
}

/** Pollers are read again after this long: a worker stopping or starting is seen within it. */
const READ_EVERY_MS = 30_000;

export class LifecycleBaseline {
  private read: { at: number; polling: Promise<number | undefined> } | undefined;

  constructor(
    private readonly client: Client,
    private readonly namespace: string,
    private readonly transitsQueue: string,
    private readonly configured: number,
  ) {}

  /** The baseline to start a new movement on; 0: none. */
  async forNewMovement(): Promise<number> {
    if (this.configured === 0) return 0;
    if (!this.read || Date.now() - this.read.at > READ_EVERY_MS) this.read = { at: Date.now(), polling: this.pollers() };
    const polling = await this.read.polling;
    // Nobody polls (a worker restarting) or the server could not say: the configured baseline, as the operator set it.
    return polling === undefined ? this.configured : Math.min(this.configured, polling);
  }

  private async pollers(): Promise<number | undefined> {
    try {
      const response = await describeQueue(this.client, this.namespace, this.transitsQueue, { deadlineMs: 5_000 });
      return pollersBaseline((response.pollers ?? []).map((poller) => poller.identity ?? ''));
    } catch {
      return undefined;
    }
  }
}
