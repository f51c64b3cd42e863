// Preloaded (--require) into a transits worker process when no workflow stack frames are kept
// (CORRIDOR_WORKFLOW_STACK_FRAMES=0, the default; src/worker/node-args.ts). Node runs a process's
// --require preloads in its worker threads too, and SDK 1.24 runs workflows in worker threads of
// its own. There the SDK installs a V8 promise hook that, for every promise created in workflow
// code, compiles two small functions (Node then scans each for a source map comment, tsx having
// turned source maps on), captures a stack trace and keeps it while the promise is pending, all for
// Temporal's stack trace query. With no frames kept the query shows nothing anyway; without the
// hook the worker spent a seventh less CPU per national lifecycle (README, Benchmark) and the query
// answers "Workflow stack traces are not enabled on this worker".
//
// CommonJS and plain JavaScript: a preload runs before tsx is registered. The SDK's module is
// patched as its workflow thread first loads it, so other threads (tsx's loader) load nothing more.
'use strict';
const { isMainThread } = require('node:worker_threads');

if (!isMainThread) {
  const Module = require('node:module');
  const sdkModule = require.resolve('@temporalio/worker/lib/workflow/vm-shared.js');
  const load = Module._load;
  Module._load = function loadWithoutPromiseStacks(request, parent, isMain) {
    const loaded = load.call(this, request, parent, isMain);
    if (request.endsWith('vm-shared') && parent && Module._resolveFilename(request, parent) === sdkModule) {
      const handlers = loaded.globalHandlers;
      if (!handlers || typeof handlers.setPromiseHook !== 'function') {
        throw new Error(`${__filename}: @temporalio/worker changed (no globalHandlers.setPromiseHook): review this preload against the SDK`);
      }
      // install() calls it once per thread; promiseHookInstalled stays false, which tells the workflows so.
      handlers.setPromiseHook = function promiseStacksOff() {};
      Module._load = load;
    }
    return loaded;
  };
}
