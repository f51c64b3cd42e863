// Finding 2, "only those entitled record acts": the review sent `release` straight to a movement
// with a Temporal client (as any national worker holds), naming an officer it is not, and the
// movement took it. Now an act reaches a movement only when Corridor's API vouched for it (acts
// keyed in Corridor) or the journal consumer of the country whose office recorded it (acts keyed
// in a national system): anything else leaves the movement exactly as it was.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
import { ActSigner } from '../../src/auth/act-signature.ts';
import { loadOrCreateLocalKey } from '../../src/cli/local-secrets.ts';
import { TransitClient } from '../../src/client/transits.ts';
import { nationalEventSignal, releaseUpdate, stateQuery, type ReleaseInput } from '../../workflows/messages.ts';
import type { NationalEvent, TransitState } from '../../workflows/model.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, eventually, officerAt, uniqueTin } from '../lifecycle/helpers.ts';

const EventType = proto.temporal.api.enums.v1.EventType;

describe('only those entitled record acts', () => {
  let stack: Stack;
  let corridor: Corridor;

  before(async () => {
    stack = await startStack();
    corridor = new Corridor(stack);
  });
  after(() => stack.stop());

  const handle = (mrn: string) => stack.client.workflow.getHandle(mrn);
  const state = (mrn: string) => handle(mrn).query(stateQuery);
  const keyOf = (voucher: string) => loadOrCreateLocalKey(path.join(stack.config.dataDir, 'act-keys', `${voucher}.key`));

  /** The release an officer at Lomé Port would key, with a forged actor: the review's attack. */
  const forgedRelease = (): ReleaseInput => ({
    actor: { user: 'agent-tglfw001', role: 'officer', office: 'TGLFW001', country: 'TG' },
    seals: ['SL-FORGED-1'],
    controlResult: 'SATISFACTORY',
  });

  /** Sends an update as any Temporal client can, and returns the workflow's refusal code. */
  async function refusedCode(mrn: string, input: ReleaseInput, updateId = randomUUID()): Promise<string> {
    try {
      await handle(mrn).executeUpdate(releaseUpdate, { args: [input], updateId });
    } catch (error) {
      assert.ok(error instanceof WorkflowUpdateFailedError, String(error));
      assert.ok(error.cause instanceof ApplicationFailure, String(error.cause));
      return error.cause.type ?? '?';
    }
    assert.fail('the forged release was accepted');
  }

  /** Waits until the worker has handled every signal the movement received (a workflow task completed after the last one). */
  async function signalsHandled(mrn: string): Promise<void> {
    await eventually(
      async () => (await handle(mrn).fetchHistory()).events ?? [],
      (events) => {
        const types = events.map((e) => e.eventType);
        const lastSignal = types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
        const lastTask = types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
        return lastSignal >= 0 && lastTask > lastSignal;
      },
      'the signals handled by the workflow',
    );
  }

  it('a release sent straight with a Temporal client, forged actor, no or a wrong vouch: refused, the movement unchanged', async () => {
    const d = declarationFor('lome-ouaga', uniqueTin());
    const mrn = await corridor.accepted(d);
    const before: TransitState = await state(mrn);
    assert.equal(before.status, 'ACCEPTED');

    // No vouch at all: `temporal workflow update execute --name release --input '{"actor":…}'`.
    assert.equal(await refusedCode(mrn, forgedRelease()), 'NOT_VOUCHED');
    // A made-up signature in the API's name.
    const made = { by: 'corridor', at: new Date().toISOString(), sig: randomBytes(64).toString('hex') };
    assert.equal(await refusedCode(mrn, { ...forgedRelease(), vouch: made }), 'NOT_VOUCHED');
    // Signed with a national worker's own key (Togo's consumer), claiming to be the API.
    const updateId = randomUUID();
    const byTogo = new ActSigner('corridor', keyOf('TG')).vouchAct({ mrn, update: 'release', updateId, input: forgedRelease() });
    assert.equal(await refusedCode(mrn, { ...forgedRelease(), vouch: byTogo }, updateId), 'NOT_VOUCHED');
    // A genuine API signature, but of another act: copied onto this one (other seals) or another update id.
    const genuine = new ActSigner('corridor', keyOf('corridor'));
    const signedId = randomUUID();
    const vouch = genuine.vouchAct({ mrn, update: 'release', updateId: signedId, input: forgedRelease() });
    assert.equal(await refusedCode(mrn, { ...forgedRelease(), seals: ['SL-OTHER'], vouch }, signedId), 'NOT_VOUCHED');
    assert.equal(await refusedCode(mrn, { ...forgedRelease(), vouch }, randomUUID()), 'NOT_VOUCHED');
    // An old signature: signed two hours ago.
    const oldId = randomUUID();
    const old = genuine.vouchAct({ mrn, update: 'release', updateId: oldId, input: forgedRelease() }, new Date(Date.now() - 2 * 3_600_000));
    assert.equal(await refusedCode(mrn, { ...forgedRelease(), vouch: old }, oldId), 'NOT_VOUCHED');

    const afterwards = await state(mrn);
    assert.deepEqual(afterwards, before, 'the movement is exactly as it was');
    const history = (await handle(mrn).fetchHistory()).events ?? [];
    const accepted = history.flatMap((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? []);
    assert.deepEqual(accepted, ['lodge'], 'no refused update entered the history');

    // The same release keyed through the API by the officer of that office goes through.
    const keyed = await corridor.act(mrn, 'release', officerAt('TGLFW001'), { seals: ['SL-REAL-1'], controlResult: 'SATISFACTORY' });
    assert.equal(keyed.status, 200, JSON.stringify(keyed.body));
    assert.equal((await state(mrn)).status, 'RELEASED');
  });

  it("a national event for a Togo office: refused unsigned or signed with Burkina's key, applied when Togo's consumer vouches", async () => {
    const d = declarationFor('lome-ouaga', uniqueTin());
    const mrn = await corridor.accepted(d);
    const before: TransitState = await state(mrn);
    const event = (): NationalEvent => ({
      id: `TG-forged-${randomUUID()}`,
      sequence: 1_000_000,
      country: 'TG',
      type: 'RELEASED',
      mrn,
      office: 'TGLFW001',
      officer: 'agent-tglfw001',
      at: new Date().toISOString(),
      source: 'officer',
      data: { seals: ['SL-FORGED-2'] },
    });

    // Unsigned, straight from a Temporal client.
    await handle(mrn).signal(nationalEventSignal, event());
    // Delivered by Burkina's consumer, as if Burkina's worker carried a Togo act.
    const burkina = new TransitClient(stack.client, stack.config, 'default', { consumerOf: 'BF' });
    assert.equal(await burkina.deliverNationalEvent(event()), true);
    // Signed with Burkina's key in Togo's name.
    const forged = event();
    await handle(mrn).signal(nationalEventSignal, forged, new ActSigner('TG', keyOf('BF')).vouchEvent(forged));
    // Togo's genuine vouch of another event, copied onto this one.
    const other = event();
    await handle(mrn).signal(nationalEventSignal, event(), new ActSigner('TG', keyOf('TG')).vouchEvent(other));
    await signalsHandled(mrn);

    assert.deepEqual(await state(mrn), before, 'the movement is exactly as it was');

    // Togo's own consumer carries the same act: it is applied.
    const togo = new TransitClient(stack.client, stack.config, 'default', { consumerOf: 'TG' });
    assert.equal(await togo.deliverNationalEvent(event()), true);
    const released = await eventually(
      () => state(mrn),
      (s) => s.status === 'RELEASED',
      'released by the act Togo vouched for',
    );
    assert.deepEqual(released.seals, ['SL-FORGED-2']);
  });

  it("one movement's vouched event does not move another movement", async () => {
    const first = await corridor.accepted(declarationFor('lome-ouaga', uniqueTin()));
    const second = await corridor.accepted(declarationFor('lome-ouaga', uniqueTin()));
    const before = await state(second);
    const event: NationalEvent = {
      id: `TG-${randomUUID()}`,
      sequence: 1_000_001,
      country: 'TG',
      type: 'RELEASED',
      mrn: first,
      office: 'TGLFW001',
      officer: 'agent-tglfw001',
      at: new Date().toISOString(),
      source: 'officer',
      data: { seals: ['SL-3'] },
    };
    await handle(second).signal(nationalEventSignal, event, new ActSigner('TG', keyOf('TG')).vouchEvent(event));
    await signalsHandled(second);
    assert.deepEqual(await state(second), before);
  });
});
