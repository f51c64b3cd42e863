// Replays every recorded workflow history in test/histories against the current workflow code.
// A change that would make the workflow take other steps than the ones already in a running
// movement's history (a non-deterministic change) fails here, before it strands trucks on the
// road. Histories come from `npm run record-histories`; see scripts/record-histories.ts.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { withBundleGlobals } from '../../src/worker/bundle-globals.ts';
import { quietRuntime, workflowBundlePath } from '../harness/stack.ts';
import { HISTORIES, historyFiles, vouchKeysOf } from './histories.ts';

const files = historyFiles();

/** A recorded history as the file holds it: Temporal's JSON form of a history, which the replayer takes as is. */
interface HistoryJson {
  events: {
    workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string }; input?: { payloads?: { data?: string }[] } };
    workflowExecutionCompletedEventAttributes?: unknown;
  }[];
}

function load(file: string) {
  const history = JSON.parse(readFileSync(`${HISTORIES}${file}`, 'utf8')) as HistoryJson;
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  // The workflow id is the MRN; the started event carries it in the input (base64 in JSON), not as a field.
  const input = JSON.parse(Buffer.from(started?.input?.payloads?.[0]?.data ?? '', 'base64').toString('utf8')) as { mrn: string };
  return { history, workflowId: input.mrn, workflowType: started?.workflowType?.name, last: history.events?.at(-1) };
}

describe('replay of recorded workflow histories', () => {
  const results = new Map<string, ReplayResult>();

  before(async () => {
    quietRuntime();
    const histories = files.map((file) => ({ file, keys: JSON.stringify(vouchKeysOf(file)), ...load(file) }));
    const byId = new Map(histories.map((h) => [h.workflowId, h.file]));
    // One replay worker per set of keys the histories were vouched with (one per recording run).
    for (const keys of new Set(histories.map((h) => h.keys))) {
      const workflowBundle = withBundleGlobals({ codePath: workflowBundlePath() }, { vouchKeys: JSON.parse(keys), encodeFailures: false, stackFrames: 0 });
      for await (const result of Worker.runReplayHistories(
        { workflowBundle, replayName: 'corridor-replay' },
        histories.filter((h) => h.keys === keys).map(({ workflowId, history }) => ({ workflowId, history })),
      )) {
        results.set(byId.get(result.workflowId)!, result);
      }
    }
  });

  it('covers every route, a rejection, a cancellation and a held movement, each run to its end', () => {
    const names = files.join(' ');
    for (const expected of ['lome-ouaga', 'lome-bobo', 'lome-faramana', 'lome-kantchari', 'ouaga-lome', 'rejected', 'cancelled', 'held-resolved']) {
      assert.match(names, new RegExp(expected), `no recorded history for ${expected}`);
    }
    for (const file of files) {
      const { workflowType, last } = load(file);
      assert.equal(workflowType, 'transit', file);
      assert.ok(last?.workflowExecutionCompletedEventAttributes, `${file} is a completed workflow's whole history`);
    }
  });

  for (const file of files) {
    it(`replays ${file} without a non-determinism error`, () => {
      const result = results.get(file);
      assert.ok(result, `${file} was not replayed`);
      if (result.error) assert.fail(`${file}: ${result.error instanceof Error ? result.error.message : String(result.error)}`);
    });
  }
});
