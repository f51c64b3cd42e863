// The workflow bundle: built once per process (or once per test run) and handed to every Worker.
import { createRequire } from 'node:module';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

const require = createRequire(import.meta.url);

export const WORKFLOWS_PATH = require.resolve('../../workflows/index.ts');
// Encodes failures in the sandbox when the worker says so (a key ring is set): see the module.
const SANDBOX_FAILURE_CONVERTER = require.resolve('../codec/sandbox-failure-converter.ts');
// Shared by every movement of a worker rather than set up again in each (see the module).
const PRELOADED = [require.resolve('../../workflows/vouch-crypto.ts')];

export function buildWorkflowBundle(workflowsPath = WORKFLOWS_PATH): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath,
    failureConverterPath: SANDBOX_FAILURE_CONVERTER,
    preloadModules: PRELOADED,
    logger: quietBundlerLogger,
  });
}

// The bundler logs every webpack step at info; Corridor's own start-up lines are enough.
const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};
