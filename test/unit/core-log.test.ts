// CORRIDOR_SDK_CORE_LOG: what the SDK's core logs through the worker's log. A level, or Rust
// EnvFilter directives for one part of the core; anything else is refused at start-up, naming it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/env.ts';
import { coreLog, coreLogProblem } from '../../src/worker/core-log.ts';

describe('the SDK core log setting', () => {
  test('a level, directives, or both are taken; other words are refused, naming the one at fault', () => {
    for (const ok of ['warn', 'DEBUG', 'temporalio_sdk_core::worker::workflow::workflow_stream=debug', 'info, temporalio_sdk_core=trace', 'off'])
      assert.equal(coreLogProblem(ok), undefined, ok);
    assert.match(coreLogProblem('loud') ?? '', /"loud": expected a level/);
    assert.match(coreLogProblem('warn,temporalio_sdk_core=chatty') ?? '', /"temporalio_sdk_core=chatty"/);
    assert.match(coreLogProblem('') ?? '', /"": expected/);
    assert.throws(() => loadConfig({ CORRIDOR_SDK_CORE_LOG: 'loud' }), /CORRIDOR_SDK_CORE_LOG.*"loud"/s);
    assert.equal(loadConfig({}).sdkCoreLog, 'warn');
  });

  test('a level is the whole core’s; directives are added to the default; the finest level asked is let through', () => {
    assert.deepEqual(coreLog('warn'), {
      filter: 'error,temporalio_sdk_core=warn,temporalio_client=warn,temporalio_common=warn',
      finest: 'WARN',
    });
    assert.deepEqual(coreLog('DEBUG'), {
      filter: 'error,temporalio_sdk_core=debug,temporalio_client=debug,temporalio_common=debug',
      finest: 'DEBUG',
    });
    assert.deepEqual(coreLog('temporalio_sdk_core::worker::workflow::workflow_stream=debug'), {
      filter: 'error,temporalio_sdk_core=warn,temporalio_client=warn,temporalio_common=warn,temporalio_sdk_core::worker::workflow::workflow_stream=debug',
      finest: 'DEBUG',
    });
    assert.equal(coreLog('error').finest, 'WARN', 'never coarser than the worker already lets through');
    assert.equal(coreLog('info,temporalio_sdk_core=trace').finest, 'TRACE');
  });
});
