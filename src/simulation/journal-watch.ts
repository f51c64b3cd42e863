// What an officer's worklist shows as it happens: one long poll of a national system's journal
// (GET /v1/events?wait=) tells the simulated officers when something happened to a movement, so
// an officer waiting for a truck's record reads it again when its journal moves rather than ten
// times a second. Forty lifecycles at a time each reading every 100 ms cost the system at the
// destination more CPU than Corridor's own calls to it; under the benchmark that was the
// harness measuring itself.
import { setTimeout as sleep } from 'node:timers/promises';
import { httpJournalReader } from '../../activities/journal.ts';

export interface Wake {
  /** Resolves at the movement's next journal event, or after the fallback delay, whichever comes first. */
  promise: Promise<void>;
  /** Drops the wait (its timer included) when the caller no longer needs it. */
  cancel: () => void;
}

export class JournalWatch {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  /** Journal pages read, for tests and curiosity. */
  pagesRead = 0;
  /**
   * Whether the watch is following the journal: it has found the head and its last read did not
   * fail. A wait registered then is woken by its movement's next event; one registered before
   * (an event may land before the head is found) or while the journal cannot be read needs its
   * fallback.
   */
  following = false;

  /** `credential` is a user of the system whose journal this is (any user may read it). */
  constructor(
    private readonly baseUrl: string,
    private readonly credential: () => Promise<string>,
    private readonly pollSeconds = 10,
  ) {}

  /**
   * A wake for `mrn`'s next event, registered now: call it before reading the record, so an
   * event landing during the read is not missed. `fallbackMs` bounds the wait when the journal
   * cannot be read (a link cut, a system restarting), so the caller reads again anyway.
   */
  next(mrn: string, fallbackMs: number): Wake {
    this.loop ??= this.run();
    let done!: () => void;
    const promise = new Promise<void>((resolve) => {
      done = resolve;
    });
    const set = this.waiters.get(mrn) ?? new Set();
    this.waiters.set(mrn, set);
    const timer = setTimeout(() => finish(), fallbackMs);
    const finish = () => {
      clearTimeout(timer);
      set.delete(finish);
      if (set.size === 0 && this.waiters.get(mrn) === set) this.waiters.delete(mrn);
      done();
    };
    set.add(finish);
    return { promise, cancel: finish };
  }

  /** Ends the long poll (the process may then exit); waits in progress resolve. */
  async close(): Promise<void> {
    this.stopping.abort();
    for (const set of [...this.waiters.values()]) for (const finish of [...set]) finish();
    await this.loop;
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    // The journal consumer's own reader, with a user's credential instead of Corridor's.
    const read = httpJournalReader(this.baseUrl, { authorization: `Bearer ${await this.credential()}` });
    let cursor: number | undefined;
    while (!signal.aborted) {
      try {
        if (cursor === undefined) {
          // From the journal's head when the watch starts: earlier events are in the records the caller reads.
          const head = await read(Number.MAX_SAFE_INTEGER, { limit: 1, waitSeconds: 0, signal });
          this.pagesRead++;
          // A system that does not say its head is read from the start: an old event only makes a caller read again.
          cursor = head.headSequence ?? 0;
          this.following = true;
          continue;
        }
        const page = await read(cursor, { limit: 500, waitSeconds: this.pollSeconds, signal });
        this.pagesRead++;
        cursor = Math.max(cursor, page.lastSequence);
        this.following = true;
        for (const mrn of new Set(page.events.map((e) => e.mrn))) for (const finish of [...(this.waiters.get(mrn) ?? [])]) finish();
      } catch {
        this.following = false;
        // Unreadable for now: the waits fall back to their delay; read again shortly.
        if (!signal.aborted) await sleep(1000, undefined, { signal }).catch(() => undefined);
      }
    }
  }
}
