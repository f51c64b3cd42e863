// Wakes the journal's long polls. A reader who finds nothing after its cursor waits here until
// the next commit (or its wait ends) instead of asking again and again: the interconnection
// hears of an act within milliseconds of its commit without loading the system with polls.
// In-process only: the sandbox is one process, and the journal's order is the store's.

export class JournalNotifier {
  private waiters = new Set<() => void>();
  private closed = false;

  /** Resolves at the next commit, after `ms`, or when the system closes, whichever comes first. */
  wait(ms: number): Promise<void> {
    if (this.closed || ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  /** A commit happened: every waiter reads again. */
  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** The system is closing: nobody waits any longer. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  get waiting(): number {
    return this.waiters.size;
  }
}
