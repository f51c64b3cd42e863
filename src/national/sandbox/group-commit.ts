// Group commit: the calls that arrive while one commit is being written to disk share the
// next commit, so one fsync answers many calls. Durability is unchanged: no call is answered
// before the commit that holds it is on disk (synchronous=FULL). Each call still runs in its
// own savepoint (SandboxStore.execute nests), so one call's failure undoes that call only.
// Measured with `npm run bench`: at 40 lifecycles in flight the sandbox spent most of its time
// waiting for one fsync per call, and national calls queued behind each other.
import type Database from 'better-sqlite3';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private queue: Pending[] = [];

  /** `onCommit` runs after each commit that stored at least one call: the journal's readers wait on it. */
  constructor(
    private readonly db: Database.Database,
    private readonly onCommit: () => void = () => undefined,
  ) {}

  /** Runs `work` inside the next shared transaction; settles once that transaction is committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // Whatever else arrives before the event loop's check phase joins this commit.
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.db
        .transaction(() => {
          for (const call of batch) {
            try {
              outcomes.push({ ok: true, value: call.work() });
            } catch (error) {
              outcomes.push({ ok: false, error });
            }
          }
        })
        .immediate();
    } catch (error) {
      // The commit itself failed: nothing of the batch is stored, every call hears it.
      for (const call of batch) call.reject(error);
      return;
    }
    if (outcomes.some((o) => o.ok)) this.onCommit();
    batch.forEach((call, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) call.resolve(outcome.value);
      else call.reject(outcome.error);
    });
  }
}
