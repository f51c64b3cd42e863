// The failure converter inside the workflow sandbox (the bundle is built with it: see
// src/worker/bundle.ts). With a codec key ring the worker sets the global below at the top of the
// bundle (src/worker/bundle-globals.ts), and a failure's message and stack trace then travel in
// an encoded payload, which the codec encrypts, instead of in clear in the history. Workflow-safe.
import { DefaultFailureConverter } from '@temporalio/common';

export const ENCODE_FAILURES_GLOBAL = '__corridorEncodeFailures';

export const failureConverter = new DefaultFailureConverter({
  encodeCommonAttributes: (globalThis as Record<string, unknown>)[ENCODE_FAILURES_GLOBAL] === true,
});
