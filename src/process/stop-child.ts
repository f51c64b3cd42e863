// Stopping a child process gracefully: ask it to stop (SIGTERM by default), give it a grace
// period to finish what it is doing, then SIGKILL; resolves once it has exited. One helper for
// the dev server, the cluster's servers, `corridor start`'s pieces, the tests' and the
// benchmark's children, so a fix to the sequence lands everywhere at once.
import type { ChildProcess } from 'node:child_process';

export interface StopChildOptions {
  /** How long the child has to exit after the first signal before it is killed (ms). */
  graceMs: number;
  /** The first signal; SIGTERM unless the child stops on another (SIGINT for some CLIs). */
  signal?: NodeJS.Signals;
}

/** Resolves when the child has exited; at once if it already had (or never started). */
export async function stopChild(child: ChildProcess, { graceMs, signal = 'SIGTERM' }: StopChildOptions): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Exited, killed, or never spawned (no pid: spawn failed, and 'exit' may never come). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}
