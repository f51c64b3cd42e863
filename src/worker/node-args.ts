// Node's flags for a transits worker process that Corridor starts itself (npm start, the bench):
// its heap limit (./heap.ts) and, when no workflow stack frames are kept, its workflow threads
// without the SDK's per-promise stack capture (./promise-stacks-off.cjs). A worker started by hand
// takes them from NODE_OPTIONS (README, "Configuration").
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/env.ts';
import { heapNodeArgs } from './heap.ts';

export const PROMISE_STACKS_OFF = fileURLToPath(new URL('./promise-stacks-off.cjs', import.meta.url));

export function workerNodeArgs(config: Pick<Config, 'workerHeapMib' | 'workflowStackFrames'>): string[] {
  return [...heapNodeArgs(config), ...workflowThreadNodeArgs(config)];
}

/** The flags that make a process's workflow threads run as the transits worker's do (the bench's floor worker takes them too). */
export function workflowThreadNodeArgs(config: Pick<Config, 'workflowStackFrames'>): string[] {
  return config.workflowStackFrames === 0 ? ['--require', PROMISE_STACKS_OFF] : [];
}

/** Whether this process was started with the preload: its workflow threads then capture no stack per promise. */
export function promiseStacksOff(execArgv: readonly string[] = process.execArgv): boolean {
  return execArgv.some((arg, i) => arg === PROMISE_STACKS_OFF && (execArgv[i - 1] === '--require' || execArgv[i - 1] === '-r'));
}
