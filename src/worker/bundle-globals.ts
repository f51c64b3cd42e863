// What the workflow code must know of the deployment but must never take from a workflow's input
// or a payload, where whoever holds a Temporal client could choose it: the public keys that vouch
// for acts, and whether failures are encoded (so encrypted). Written as globals at the top of the
// bundle's code, before any workflow module runs. In the SDK's reusable V8 context
// (reuseV8Context, the default) globals defined while the bundle is evaluated are captured with
// the pristine global object and deep-frozen, so workflow code can read them and not change them.
import { readFileSync } from 'node:fs';
import type { WorkflowBundleOption } from '@temporalio/worker';
import { VOUCH_KEYS_GLOBAL } from '../../workflows/vouch.ts';
import { ENCODE_FAILURES_GLOBAL } from '../codec/sandbox-failure-converter.ts';

export interface BundleGlobals {
  /** Voucher (`corridor`, `TG`, `BF`) → Ed25519 public key, hex. */
  vouchKeys: Record<string, string>;
  /** True with a codec key ring: failure messages and stack traces go into encrypted payloads. */
  encodeFailures: boolean;
  /**
   * Error.stackTraceLimit of the sandbox. SDK 1.24 captures a stack trace, mapped through the
   * bundle's source map, for every promise workflow code creates, and keeps it while the promise
   * is pending (for the `__stack_trace` query): a quarter of the CPU of a lifecycle replayed
   * (80 → 60 ms, scripts/replay-cost.ts), a fifth of the worker's CPU per lifecycle live (the
   * bench, national path: 0.124 → 0.097 s). With 0 frames the capture is cheaper, and a worker
   * Corridor starts leaves it out altogether (./promise-stacks-off.cjs); a failure thrown by
   * workflow code keeps its message and loses its frames.
   */
  stackFrames: number;
}

export function withBundleGlobals(bundle: WorkflowBundleOption, globals: BundleGlobals): WorkflowBundleOption {
  const code = 'code' in bundle ? bundle.code : readFileSync(bundle.codePath, 'utf8');
  // One line, no newline after it: the bundle's own lines keep their numbers for its inline source map.
  const prefix =
    `globalThis[${JSON.stringify(VOUCH_KEYS_GLOBAL)}]=Object.freeze(${JSON.stringify(globals.vouchKeys)});` +
    `globalThis[${JSON.stringify(ENCODE_FAILURES_GLOBAL)}]=${globals.encodeFailures ? 'true' : 'false'};` +
    `Error.stackTraceLimit=${Math.max(0, Math.trunc(globals.stackFrames))};`;
  return { code: prefix + code };
}
