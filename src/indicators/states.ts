// Movements' states (the workflow's `state` query) for the trucks the overview and the desks
// show in detail. A state is asked again only when what visibility shows of the movement has
// changed (status, office, escalation, deadline), so a page polling every few seconds costs the
// workers a query per change, not a query per truck per poll. Pages ask in the foreground; the
// indicators projection asks in a lane of its own, so a rebuild never keeps a page waiting.
import type { TransitClient } from '../client/transits.ts';
import type { TransitState } from '../../workflows/model.ts';
import type { RunningTransit } from './running.ts';

// A safety net for a change that moves none of the signature's fields (an acknowledgement).
const MAX_AGE_MS = 60_000;
const LANES = { foreground: 8, background: 3 } as const;
export type Lane = keyof typeof LANES;

interface Entry {
  signature: string;
  at: number;
  state: Promise<TransitState | undefined>;
  /** The last state that answered, kept while a newer one is asked for. */
  settled?: TransitState;
}

export function signatureOf(item: RunningTransit): string {
  return [item.status, item.currentOffice, item.escalationLevel, item.overdue, item.nextDeadline ?? ''].join('|');
}

class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

export class StateCache {
  private readonly entries = new Map<string, Entry>();
  private readonly lanes = { foreground: new Limiter(LANES.foreground), background: new Limiter(LANES.background) };

  constructor(private readonly transits: Pick<TransitClient, 'state'>) {}

  /** The movement's state as of what visibility shows of it now. */
  stateOf(item: RunningTransit, lane: Lane = 'foreground'): Promise<TransitState | undefined> {
    const signature = signatureOf(item);
    const entry = this.entries.get(item.mrn);
    if (entry && entry.signature === signature && Date.now() - entry.at < MAX_AGE_MS) return entry.state;
    const fresh: Entry = { signature, at: Date.now(), state: Promise.resolve(undefined), ...(entry?.settled ? { settled: entry.settled } : {}) };
    // One query of a movement at a time (src/temporal/state-query.ts says why; it holds every
    // reader of the process to it): the newer waits for the older to settle, and is not asked at
    // all if a newer one still has replaced it meanwhile.
    const previous = entry?.state ?? Promise.resolve(undefined);
    fresh.state = previous
      .then(() =>
        this.entries.get(item.mrn) === fresh || !this.entries.has(item.mrn) ? this.lanes[lane].run(() => this.transits.state(item.mrn)) : fresh.settled,
      )
      .then(
        (state) => {
          if (state) fresh.settled = state;
          return state;
        },
        () => {
          // A failed query (worker restarting) is asked again next time, not remembered.
          if (this.entries.get(item.mrn) === fresh) this.entries.delete(item.mrn);
          return undefined;
        },
      );
    this.entries.set(item.mrn, fresh);
    return fresh.state;
  }

  /** Current states, waiting up to `waitMs` for those not read yet; the others come on a later call. */
  async statesOf(items: RunningTransit[], waitMs: number): Promise<Map<string, TransitState>> {
    return this.within(waitMs, (enough) => Promise.all(items.map(async (item) => [item.mrn, await Promise.race([this.stateOf(item), enough])] as const)));
  }

  /**
   * States for a view that can show a moment-old state (the overview's arrival times at the
   * post): a known state answers at once while a newer one is asked for; movements never seen
   * before are waited for up to `waitMs`.
   */
  async settledStatesOf(items: RunningTransit[], waitMs: number): Promise<Map<string, TransitState>> {
    return this.within(waitMs, (enough) =>
      Promise.all(
        items.map(async (item) => {
          const pending = this.stateOf(item);
          const known = this.entries.get(item.mrn)?.settled;
          return [item.mrn, known ?? (await Promise.race([pending, enough]))] as const;
        }),
      ),
    );
  }

  // On a cold start (hundreds of trucks never read), a page waits a little, shows what came, and
  // the rest reaches the cache for its next poll.
  private async within(waitMs: number, read: (enough: Promise<undefined>) => Promise<(readonly [string, TransitState | undefined])[]>) {
    let timer: NodeJS.Timeout | undefined;
    const enough = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), waitMs);
    });
    try {
      const states = await read(enough);
      return new Map(states.filter((pair): pair is [string, TransitState] => pair[1] !== undefined));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Forgets movements no longer in flight. */
  keepOnly(mrns: Set<string>): void {
    for (const mrn of this.entries.keys()) if (!mrns.has(mrn)) this.entries.delete(mrn);
  }
}
