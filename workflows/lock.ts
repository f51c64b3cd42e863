// One act at a time: an update handler (or an automatic step) holds the lock from its
// check through its national system call to its change of state, so two officers' clicks
// never interleave half-way.
import { condition } from '@temporalio/workflow';

export class Lock {
  private locked = false;

  /** An act still at work: an officer answered before the forwarding leaves it held until the forward is done. */
  get held(): boolean {
    return this.locked;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    // Temporal checks every waiting condition in one pass, so several waiters can wake together:
    // each must look again before taking the lock.
    while (this.locked) await condition(() => !this.locked);
    this.locked = true;
    try {
      return await work();
    } finally {
      this.locked = false;
    }
  }
}
