// Finding 2, the encryption part: with a key ring set, what Temporal stores of a failure (an
// activity refused by a national system, an act's refusal) holds no declared value, balance,
// GRN or TIN in clear: the message says only which refusal it was, and the reason travels in
// encrypted payloads; Corridor's own client still reads it. And a payload in clear, as a Temporal
// client without Corridor's codec sends it, is refused rather than read.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { ActSigner } from '../../src/auth/act-signature.ts';
import { loadOrCreateLocalKey } from '../../src/cli/local-secrets.ts';
import { corridorDataConverter } from '../../src/codec/data-converter.ts';
import { ENCRYPTED_ENCODING } from '../../src/codec/encryption-codec.ts';
import { generateKeyEntry, parseKeyRing } from '../../src/codec/keys.ts';
import { TransitClient } from '../../src/client/transits.ts';
import { allocateMrn } from '../../src/domain/mrn.ts';
import type { Actor } from '../../src/auth/actor.ts';
import { nationalEventSignal, releaseUpdate, stateQuery } from '../../workflows/messages.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { declarationFor, uniqueTin, type Lodgeable } from '../lifecycle/helpers.ts';

const ring = generateKeyEntry('k-sec');

describe('failures encrypted with a key ring, payloads in clear refused', () => {
  let stack: Stack;
  let transits: TransitClient;

  before(async () => {
    stack = await startStack({ env: { CORRIDOR_CODEC_KEYS: ring } });
    // Corridor's client, with the codec, as the API uses it.
    const client = new Client({ connection: stack.client.connection, namespace: 'default', dataConverter: corridorDataConverter(parseKeyRing(ring)) });
    transits = new TransitClient(client, stack.config, 'default');
  });
  after(() => stack.stop());

  const lodge = (d: Lodgeable) => {
    const mrn = allocateMrn({ tin: d.tin, lrn: d.declaration.lrn, year: new Date().getUTCFullYear(), departureCountry: d.plan.departureCountry });
    const actor: Actor = { user: `declarant-${d.tin}`, role: 'declarant', tin: d.tin };
    return transits.lodge({ mrn, declaration: d.declaration, declarationHash: randomUUID(), route: d.plan, actor, requestId: randomUUID() });
  };

  it('a guarantee refused for insufficient balance: Corridor reads the reason, the stored history holds none of it in clear', async () => {
    const tin = uniqueTin();
    // 1,000,000 XOF available for 7,650,000 at risk (the sandbox's seeded guarantee).
    const d = declarationFor('lome-ouaga', tin, (json) => (json.guarantee = { grn: '26TG0000000000002', accessCode: '2345' }));
    const lodged = await lodge(d);
    assert.equal(lodged.status, 'REJECTED');
    assert.match(lodged.reason ?? '', /GUARANTEE_INSUFFICIENT.*exceeds/, 'the reason, read through the codec');

    // The history as the Temporal server (and anyone reading its database) holds it: no codec.
    const events = (await stack.client.workflow.getHandle(lodged.mrn).fetchHistory()).events ?? [];
    const stored = JSON.stringify(events);
    // Registration and reservation are one activity: the refused reservation is its result, a payload, encrypted.
    const completed = events.flatMap((e) => (e.activityTaskCompletedEventAttributes ? [e.activityTaskCompletedEventAttributes] : []));
    assert.ok(completed.length > 0, 'the refused reservation is in the history');
    for (const attributes of completed) {
      for (const payload of attributes.result?.payloads ?? []) {
        assert.equal(Buffer.from(payload.metadata?.encoding ?? []).toString(), ENCRYPTED_ENCODING, 'an activity result in an encrypted payload');
      }
    }
    for (const secret of ['exceeds', 'available on guarantee', '7,650,000', '7 650 000', '1,000,000', '26TG0000000000002', tin, d.declaration.lrn]) {
      assert.ok(!stored.includes(secret), `"${secret}" is stored in clear`);
    }
    assert.ok(!Buffer.from(stored).toString('latin1').includes(Buffer.from(tin).toString('base64')), 'nor the TIN in base64');
  });

  it("a registration the departure system refuses: the activity's failure is stored encoded, Corridor reads the reason", async () => {
    const tin = uniqueTin();
    const d = declarationFor('lome-ouaga', tin);
    const mrn = allocateMrn({ tin, lrn: d.declaration.lrn, year: new Date().getUTCFullYear(), departureCountry: 'TG' });
    // The same MRN already registered in Togo's system with other content: the registration is refused.
    const sandbox = stack.sandboxes.TG;
    const taken = await fetch(`${sandbox.url}/v1/movements`, {
      method: 'POST',
      headers: { ...sandbox.headers, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ mrn, lrn: 'AUTRE', declarantTin: tin, declaration: { ...d.declaration, lrn: 'AUTRE' } }),
    });
    assert.equal(taken.status, 201, await taken.text());
    const lodged = await lodge(d);
    assert.equal(lodged.status, 'REJECTED');
    assert.match(lodged.reason ?? '', /MOVEMENT_EXISTS.*already registered/, 'the reason, read through the codec');
    const events = (await stack.client.workflow.getHandle(mrn).fetchHistory()).events ?? [];
    const failed = events.filter((e) => e.activityTaskFailedEventAttributes);
    assert.ok(failed.length > 0, 'the refused registration is in the history');
    for (const event of failed) {
      const failure = event.activityTaskFailedEventAttributes!.failure!;
      assert.equal(failure.message, 'Encoded failure');
      assert.ok(failure.encodedAttributes, 'message and stack trace in an encoded payload');
    }
    const stored = JSON.stringify(events);
    for (const secret of ['already registered', 'different content', tin]) assert.ok(!stored.includes(secret), `"${secret}" is stored in clear`);
  });

  it('an update or a signal whose payload is in clear (no codec) changes nothing, even vouched for, and does not jam the movement', async () => {
    const tin = uniqueTin();
    const lodged = await lodge(declarationFor('lome-ouaga', tin));
    assert.equal(lodged.status, 'ACCEPTED');
    const codecClient = new Client({ connection: stack.client.connection, namespace: 'default', dataConverter: corridorDataConverter(parseKeyRing(ring)) });
    const before = await codecClient.workflow.getHandle(lodged.mrn).query(stateQuery);
    // Even with a genuine vouch of the API (a request copied, or signed with a stolen API key):
    // a payload in clear is not read, so the act does not happen.
    const input = {
      actor: { user: 'forger', role: 'officer' as const, office: 'TGLFW001', country: 'TG' },
      seals: ['SL-CLEAR'],
      controlResult: 'SATISFACTORY' as const,
    };
    const updateId = randomUUID();
    const vouch = new ActSigner('corridor', loadOrCreateLocalKey(path.join(stack.config.dataDir, 'act-keys', 'corridor.key'))).vouchAct({
      mrn: lodged.mrn,
      update: 'release',
      updateId,
      input,
    });
    const forged = stack.client.workflow
      .getHandle(lodged.mrn)
      .executeUpdate(releaseUpdate, { args: [{ ...input, vouch }], updateId })
      .then(
        () => 'accepted',
        () => 'refused',
      );
    const outcome = await Promise.race([forged, new Promise((resolve) => setTimeout(() => resolve('no answer'), 10_000))]);
    assert.equal(outcome, 'refused', 'refused at once by the validator');
    // A national event in clear, the same way: ignored, and the movement is not jammed (its workflow task does not fail).
    const event = { id: `TG-${randomUUID()}`, sequence: 1, country: 'TG', type: 'RELEASED', mrn: lodged.mrn, office: 'TGLFW001', officer: 'forger' };
    await stack.client.workflow.getHandle(lodged.mrn).signal(nationalEventSignal, { ...event, at: new Date().toISOString(), source: 'officer', data: {} });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.deepEqual(await codecClient.workflow.getHandle(lodged.mrn).query(stateQuery), before);

    // And the movement goes on with a genuine act.
    const released = await transits.act(
      lodged.mrn,
      releaseUpdate,
      { actor: { user: 'agent-tglfw001', role: 'officer', office: 'TGLFW001', country: 'TG' }, seals: ['SL-REAL'], controlResult: 'SATISFACTORY' },
      randomUUID(),
    );
    assert.equal(released.result?.status, 'RELEASED');
  });
});
