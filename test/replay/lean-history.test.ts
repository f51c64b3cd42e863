// A movement started on a baseline (workflows/versions.ts) writes no version marker and one search
// attribute upsert per workflow task at most, lists with its last values, and replays: on both
// paths, through the real API, sandboxes, journals and worker. With CORRIDOR_LIFECYCLE_BASELINE=0
// (an upgrade while older transits workers still poll) new movements start as before, with markers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { DEVELOPMENT_USER_SECRET } from '../../src/national/sandbox/users.ts';
import { NationalScreens } from '../../src/simulation/national-screens.ts';
import { BASELINE } from '../../workflows/baseline.ts';
import { startedInput } from './histories.ts';
import { ConfigError, loadConfig } from '../../src/config/env.ts';
import { vouchPublicKeys } from '../../src/auth/act-keys.ts';
import { withBundleGlobals } from '../../src/worker/bundle-globals.ts';
import { startStack, workflowBundlePath, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, eventually, sealsFor, stepsFor, uniqueTin } from '../lifecycle/helpers.ts';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

let stack: Stack;
let corridor: Corridor;
/** Started with CORRIDOR_LIFECYCLE_BASELINE=0, beside the other on the same server. */
let before0: Stack;

before(async () => {
  [stack, before0] = await Promise.all([startStack(), startStack({ env: { CORRIDOR_LIFECYCLE_BASELINE: '0' } })]);
  corridor = new Corridor(stack);
});
after(() => Promise.all([stack?.stop(), before0?.stop()]));

/** Upserts each workflow task wrote: a task's commands are written after its WorkflowTaskCompleted, and only a task writes an upsert, so every upsert up to the next task's belongs to it. */
function upsertsPerTask(events: HistoryEvent[]): number[] {
  const perTask: number[] = [];
  for (const event of events) {
    if (event.workflowTaskCompletedEventAttributes) perTask.push(0);
    else if (event.upsertWorkflowSearchAttributesEventAttributes && perTask.length > 0) perTask[perTask.length - 1]!++;
  }
  return perTask;
}

async function checkLean(mrn: string): Promise<void> {
  const handle = stack.client.workflow.getHandle(mrn);
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  assert.equal(startedInput(events).baseline, BASELINE, 'the movement started on the current baseline');
  assert.deepEqual(
    events.filter((e) => e.markerRecordedEventAttributes).map((e) => e.markerRecordedEventAttributes?.markerName),
    [],
    'no version marker',
  );
  const changeVersion = events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.TemporalChangeVersion);
  assert.equal(changeVersion.length, 0, 'no TemporalChangeVersion upsert');
  const perTask = upsertsPerTask(events);
  assert.ok(
    perTask.every((n) => n <= 1),
    `one upsert per workflow task at most: ${JSON.stringify(perTask)}`,
  );
  assert.ok(
    perTask.some((n) => n === 1),
    'the movement did publish its attributes',
  );
  // The merged upserts leave every attribute at its last value.
  const description = await handle.describe();
  const attributes = description.searchAttributes as Record<string, unknown[]>;
  assert.deepEqual(attributes.TransitStatus, ['DISCHARGED']);
  // And the history replays on the current code, with the keys its acts were checked against: the merge is the same on every replay.
  const workflowBundle = withBundleGlobals(
    { codePath: workflowBundlePath() },
    { vouchKeys: vouchPublicKeys(stack.config), encodeFailures: false, stackFrames: stack.config.workflowStackFrames },
  );
  await Worker.runReplayHistory({ workflowBundle, replayName: 'lean-history' }, history, mrn);
}

describe('a movement started on the current baseline', () => {
  test('lodged and moved through Corridor (lome-ouaga): no marker, one upsert per task, replays', async () => {
    const d = declarationFor('lome-ouaga', uniqueTin());
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan);
    await eventually(
      () => corridor.state(mrn),
      (s) => s.status === 'DISCHARGED',
      'discharged',
    );
    await stack.client.workflow.getHandle(mrn).result();
    await checkLean(mrn);
  });

  test('recorded in the national systems (lome-ouaga): no marker, one upsert per task, replays', async () => {
    const screens = new NationalScreens({ TG: stack.sandboxes.TG.url, BF: stack.sandboxes.BF.url }, DEVELOPMENT_USER_SECRET);
    const tin = uniqueTin();
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.lodgedNationally(screens, 'TG', tin, d.json);
    await screens.drive(mrn, d.plan, stepsFor(d.plan, sealsFor(mrn)));
    await stack.client.workflow.getHandle(mrn).result();
    await checkLean(mrn);
  });
});

describe('CORRIDOR_LIFECYCLE_BASELINE', () => {
  test('the current baseline by default; 0 accepted; anything else refused naming the variable', () => {
    assert.equal(loadConfig({}).lifecycleBaseline, BASELINE);
    assert.equal(loadConfig({ CORRIDOR_LIFECYCLE_BASELINE: '0' }).lifecycleBaseline, 0);
    for (const bad of [String(BASELINE + 1), '-1', '0.5', 'derniere'])
      assert.throws(
        () => loadConfig({ CORRIDOR_LIFECYCLE_BASELINE: bad }),
        (error: unknown) => error instanceof ConfigError && error.variable === 'CORRIDOR_LIFECYCLE_BASELINE',
        bad,
      );
  });

  test('at 0, a movement lodged through Corridor starts as before baselines: no baseline in its input, its version markers written, and it is discharged', async () => {
    const old = new Corridor(before0);
    const d = declarationFor('lome-ouaga', uniqueTin());
    const mrn = await old.accepted(d);
    await old.drive(mrn, d.plan);
    const handle = before0.client.workflow.getHandle(mrn);
    assert.equal(((await handle.result()) as { status: string }).status, 'DISCHARGED');
    const events = (await handle.fetchHistory()).events ?? [];
    assert.equal(startedInput(events).baseline, undefined);
    const markers = events.map((e) => e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data).filter((data) => data !== undefined);
    const patches = markers.map((data) => (JSON.parse(Buffer.from(data!).toString('utf8')) as { id: string }).id);
    for (const change of ['guarantee-shares', 'lean-officer-acts', 'border-notices'])
      assert.ok(patches.includes(change), `marker ${change} in ${JSON.stringify(patches)}`);
  });
});
