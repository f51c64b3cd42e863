// Movements' states (the workflow's `state` query) for the trucks the overview and the desks
// show in detail. A state is asked again only when what visibility shows of the movement has
// changed (status, office, escalation, deadline), so a page polling every few seconds costs the
// workers a query per change, not a query per truck per poll.
import type { TransitClient } from '../client/transits.ts';
import type { TransitState } from '../../workflows/model.ts';
import type { RunningTransit } from './running.ts';

// A safety net for a change that moves none of the signature's fields (an acknowledgement).
const MAX_AGE_MS = 60_000;
const CONCURRENCY = 8;

interface Entry {
  signature: string;
  at: number;
  state: Promise<TransitState | undefined>;
}

export function signatureOf(item: RunningTransit): string {
  return [item.status, item.currentOffice, item.escalationLevel, item.overdue, item.nextDeadline ?? ''].join('|');
}

export class StateCache {
  private readonly entries = new Map<string, Entry>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly transits: Pick<TransitClient, 'state'>) {}

  stateOf(item: RunningTransit): Promise<TransitState | undefined> {
    const signature = signatureOf(item);
    const entry = this.entries.get(item.mrn);
    if (entry && entry.signature === signature && Date.now() - entry.at < MAX_AGE_MS) return entry.state;
    const state = this.limited(() => this.transits.state(item.mrn)).catch(() => undefined);
    this.entries.set(item.mrn, { signature, at: Date.now(), state });
    return state;
  }

  async statesOf(items: RunningTransit[]): Promise<Map<string, TransitState>> {
    const states = await Promise.all(items.map(async (item) => [item.mrn, await this.stateOf(item)] as const));
    return new Map(states.filter((pair): pair is [string, TransitState] => pair[1] !== undefined));
  }

  /** Forgets movements no longer in flight. */
  keepOnly(mrns: Set<string>): void {
    for (const mrn of this.entries.keys()) if (!mrns.has(mrn)) this.entries.delete(mrn);
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= CONCURRENCY) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
