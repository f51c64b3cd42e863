// The workflow bundle: built once per process (or once per test run) and handed to every Worker.
import { createRequire } from 'node:module';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

const require = createRequire(import.meta.url);

export const WORKFLOWS_PATH = require.resolve('../../workflows/index.ts');
// Encodes failures in the sandbox when the worker says so (a key ring is set): see the module.
const SANDBOX_FAILURE_CONVERTER = require.resolve('../codec/sandbox-failure-converter.ts');
/** One search attribute upsert per workflow task for movements started on a baseline: see the module. */
const SEARCH_UPSERTS = require.resolve('../../workflows/search-upserts.ts');
/**
 * Modules evaluated once per worker and shared by every movement, instead of once in each cached
 * movement (the SDK's reusable V8 context gives each workflow its own copy of every module it
 * did not preload: their functions and their tables, about a third of a cached movement's memory).
 * Only modules that hold no state of a movement and import nothing of @temporalio/workflow (which
 * must stay each workflow's own): `test/unit/workflow-bundle.test.ts` checks both on the bundle.
 * vouch-crypto's key tables are the reason it is here (see the module).
 */
export const PRELOADED_MODULES = [
  '../../workflows/vouch-crypto.ts',
  '../../workflows/procedure.ts',
  '../../workflows/acts.ts',
  '../../workflows/state.ts',
  '../../workflows/vouch.ts',
  '../../workflows/escalation.ts',
  '../../workflows/search-attributes.ts',
  '../../workflows/failures.ts',
  '../../workflows/model.ts',
  '../../src/domain/route-plan.ts',
  '../../src/domain/formats.ts',
  '../../src/domain/countries.ts',
  '../../src/domain/canonical-json.ts',
  '../../src/domain/words.ts',
  '../../src/reconciliation/report.ts',
].map((module) => require.resolve(module));

export function buildWorkflowBundle(workflowsPath = WORKFLOWS_PATH): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath,
    failureConverterPath: SANDBOX_FAILURE_CONVERTER,
    workflowInterceptorModules: [SEARCH_UPSERTS],
    preloadModules: PRELOADED_MODULES,
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
