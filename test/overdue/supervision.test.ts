// Supervisors and officers acting on an overdue transit: acknowledging, extending, answering
// the enquiry, and a late arrival that stops the ladder. The leg's time limit passes in seconds
// but the later steps are far off, so the test's own pace never races the ladder.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ApiClient, driveLifecycle, officerAt, withLrn } from '../../src/simulation/lifecycle.ts';
import { exampleDeclaration } from '../../src/simulation/simulate.ts';
import type { Actor } from '../../src/auth/actor.ts';
import type { TransitState } from '../../workflows/model.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { eventually } from '../harness/webhook.ts';

const env = {
  CORRIDOR_TIME_SCALE: String((72 * 3600) / 3), // 72 h → 3 s
  CORRIDOR_ESCALATION_LEVEL2_AFTER_SECONDS: '1',
  CORRIDOR_ENQUIRY_AFTER_SECONDS: '15',
  CORRIDOR_RECOVERY_AFTER_SECONDS: '3600',
  CORRIDOR_CONTROL_RESULTS_AFTER_SECONDS: '3600',
  CORRIDOR_BORDER_DWELL_TARGET_SECONDS: '3600',
  CORRIDOR_ESCALATION_REMINDER_SECONDS: '3600',
};

const regional: Actor = { user: 'regional', role: 'regional' };
const supervisor = (country: string): Actor => ({ user: `superviseur-${country.toLowerCase()}`, role: 'supervisor', country });
const WAIT = 120_000;

describe('acting on an overdue transit', { concurrency: true }, () => {
  let stack: Stack;
  let api: ApiClient;
  const { declaration, plan } = exampleDeclaration('lome-ouaga');

  before(async () => {
    stack = await startStack({ env });
    api = new ApiClient(stack.api, stack.token);
  });
  after(() => stack.stop());

  const lrn = () => `SV${randomBytes(6).toString('hex')}`;
  const state = async (mrn: string) => (await api.call<TransitState>('GET', `/transits/${mrn}`, regional)).body;
  const whenState = (mrn: string, test: (s: TransitState) => boolean, what: string) =>
    eventually(
      async () => {
        const s = await state(mrn);
        return test(s) ? s : undefined;
      },
      WAIT,
      what,
    );
  const released = async () => (await driveLifecycle(api, withLrn(declaration, lrn()), plan, { stopAfter: 'release' })).mrn;
  const act = (mrn: string, action: string, actor: Actor, body: unknown) => api.call('POST', `/transits/${mrn}/${action}`, actor, body);

  it('a late arrival stops the ladder, is flagged LATE, and no later step fires', async () => {
    const mrn = await released();
    const overdue = await whenState(mrn, (s) => s.escalation.level === 2, 'level 2');
    const deadline = Date.parse(overdue.legDeadline!);
    const arrival = await act(mrn, 'border-arrival', officerAt('TGCKS001'), { sealsIntact: true });
    assert.equal(arrival.status, 200);
    const after = await state(mrn);
    assert.equal(after.escalation.level, 0);
    assert.equal(after.route.find((o) => o.code === 'TGCKS001')?.late, true);
    assert.ok(after.timeline.some((e) => e.what === 'LATE_ARRIVAL'));
    assert.ok(after.timeline.some((e) => e.what === 'ESCALATION_CLOSED'));
    // Past the moment the enquiry would have opened: nothing more happened.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline + 17_000 - Date.now())));
    const later = await state(mrn);
    assert.ok(!later.timeline.some((e) => e.what === 'ENQUIRY_OPENED' || e.what === 'RECOVERY'));
    assert.equal(later.guarantee.state, 'RESERVED');
    const listed = await api.call<{ items: { mrn: string }[] }>('GET', `/escalations?country=TG&pageSize=200`, regional);
    assert.ok(!listed.body.items.some((i) => i.mrn === mrn), 'no longer among open escalations');
  });

  it('a supervisor of the country acknowledges and extends; other roles and countries are refused', async () => {
    const mrn = await released();
    await whenState(mrn, (s) => s.escalation.level >= 1, 'overdue');
    const listed = await api.call<{ items: { mrn: string; escalationLevel: number }[] }>('GET', '/escalations?country=TG&pageSize=200', supervisor('TG'));
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.ok(
      listed.body.items.some((i) => i.mrn === mrn),
      'listed among TG escalations',
    );
    assert.equal((await api.call('GET', '/escalations?country=TG', supervisor('BF'))).status, 403);

    assert.equal((await act(mrn, 'acknowledge', supervisor('BF'), { note: 'vu' })).status, 403);
    assert.equal((await act(mrn, 'acknowledge', officerAt('TGCKS001'), { note: 'vu' })).status, 403);
    const ack = await act(mrn, 'acknowledge', supervisor('TG'), { note: 'transporteur contacté' });
    assert.equal(ack.status, 200);
    const acknowledged = await state(mrn);
    const ackEvent = acknowledged.timeline.find((e) => e.what === 'ESCALATION_ACKNOWLEDGED');
    assert.equal(ackEvent?.by.user, 'superviseur-tg');
    assert.ok((ackEvent?.details?.level as number) >= 1);
    assert.equal(acknowledged.escalation.acknowledgedLevel, ackEvent?.details?.level);

    assert.equal((await act(mrn, 'extend', supervisor('TG'), { hours: 24 })).status, 400);
    assert.equal((await act(mrn, 'extend', supervisor('BF'), { hours: 24, reason: 'route coupée' })).status, 403);
    const before = await state(mrn);
    const extended = await act(mrn, 'extend', supervisor('TG'), { hours: 720, reason: 'pont coupé à Mango' });
    assert.equal(extended.status, 200);
    const after = await state(mrn);
    assert.ok(Date.parse(after.legDeadline!) > Date.parse(before.legDeadline!));
    assert.equal(after.escalation.level, 0, 'a deadline in the future closes the escalation');
    const extension = after.timeline.find((e) => e.what === 'DEADLINE_EXTENDED');
    assert.equal(extension?.details?.reason, 'pont coupé à Mango');
    assert.equal(extension?.by.user, 'superviseur-tg');
  });

  it('an enquiry answered with goods found restarts the time limit; proof of arrival elsewhere discharges', async () => {
    const found = await released();
    const other = await released();
    await whenState(found, (s) => Boolean(s.escalation.enquiryOpenedAt), 'enquiry opened');
    await whenState(other, (s) => Boolean(s.escalation.enquiryOpenedAt), 'enquiry opened');
    const answer = await act(found, 'enquiry-answer', officerAt('TGLFW001'), { answer: 'camion retrouvé à Kara, panne réparée', outcome: 'GOODS_FOUND' });
    assert.equal(answer.status, 200);
    const resumed = await state(found);
    assert.equal(resumed.escalation.level, 0);
    assert.equal(resumed.status, 'RELEASED');
    assert.ok(Date.parse(resumed.legDeadline!) > Date.now());

    const proof = await act(other, 'enquiry-answer', officerAt('TGLFW001'), { answer: 'apuré à Ouagadougou, preuve reçue', outcome: 'PROOF_OF_ARRIVAL' });
    assert.equal(proof.status, 200);
    const discharged = await state(other);
    assert.equal(discharged.status, 'DISCHARGED');
    assert.equal(discharged.guarantee.state, 'RELEASED');
  });
});
