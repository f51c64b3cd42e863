// Overdue transits on the real server with delays of seconds: the escalation ladder up to
// recovery, a late arrival stopping it, supervisors acknowledging and extending, a worker
// restarted while timers are pending, the border alert, missing control results, and the
// daily report schedule. A local webhook receiver deduplicates by notification id.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ApiClient, driveLifecycle, officerAt, withLrn } from '../../src/simulation/lifecycle.ts';
import { exampleDeclaration } from '../../src/simulation/simulate.ts';
import { ensureOverdueReportSchedule, overdueReportScheduleId } from '../../src/client/overdue-report-schedule.ts';
import type { Actor } from '../../src/auth/actor.ts';
import type { TransitState } from '../../workflows/model.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { eventually, startWebhook, type Webhook } from '../harness/webhook.ts';
import { ladderEnv } from './ladder-env.ts';

const env = ladderEnv;
const regional: Actor = { user: 'regional', role: 'regional' };
const WAIT = 120_000;

describe('overdue transits', { concurrency: true }, () => {
  let stack: Stack;
  let api: ApiClient;
  let webhook: Webhook;
  const { declaration, plan } = exampleDeclaration('lome-ouaga');

  before(async () => {
    webhook = await startWebhook({ failFirstAttempt: true });
    stack = await startStack({ env: { ...env, CORRIDOR_NOTIFY_URL: webhook.url } });
    api = new ApiClient(stack.api, stack.token);
  });
  after(async () => {
    await stack.stop();
    await webhook.close();
  });

  const lrn = () => `OV${randomBytes(6).toString('hex')}`;
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
  const notificationsFor = (mrn: string) => webhook.received.filter((n) => n.mrn === mrn).map((n) => n.kind);

  it('a transit lost before the PCJ goes overdue, to the supervisor, to enquiry, to a recovery proposed to Togo: its collector confirms, Togo’s share is claimed once', async () => {
    const mrn = await released();
    const proposed = await whenState(mrn, (s) => s.recovery?.state === 'PROPOSED', 'recovery proposed');
    // Lost on Togo's territory: Togo recovers, on its share, with the configured penalty (10 % by default).
    assert.equal(proposed.recovery!.country, 'TG');
    const togoShare = proposed.guarantee.shares!.find((s) => s.country === 'TG')!;
    assert.equal(proposed.recovery!.amountXof, togoShare.amountXof);
    assert.equal(proposed.recovery!.penaltyXof, Math.ceil(togoShare.amountXof! / 10));
    assert.equal(proposed.status, 'RELEASED', 'nothing is claimed until a person decides');
    // A collector of Burkina cannot decide Togo's recovery; an officer cannot either.
    const bfCollector: Actor = { user: 'receveur-bf', role: 'collector', country: 'BF' };
    assert.equal((await act(mrn, 'recovery', bfCollector, { decision: 'confirm', reason: 'x' })).status, 403);
    assert.equal((await act(mrn, 'recovery', officerAt('TGLFW001'), { decision: 'confirm', reason: 'x' })).status, 403);
    const tgCollector: Actor = { user: 'receveur-tg', role: 'collector', country: 'TG' };
    const decided = await act(mrn, 'recovery', tgCollector, { decision: 'confirm', reason: 'enquête sans résultat' });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    // Decided once: a second decision is out of order.
    assert.equal((await act(mrn, 'recovery', tgCollector, { decision: 'confirm', reason: 'encore' })).status, 409);
    const final = await whenState(mrn, (s) => s.status === 'RECOVERY', 'RECOVERY');
    const ladder = final.timeline.map((e) => e.what).filter((w) => ['OVERDUE', 'ESCALATED', 'ENQUIRY_OPENED', 'RECOVERY_PROPOSED', 'RECOVERY'].includes(w));
    assert.deepEqual(ladder, ['OVERDUE', 'ESCALATED', 'ENQUIRY_OPENED', 'RECOVERY_PROPOSED', 'RECOVERY']);
    assert.equal(final.escalation.level, 3);
    assert.equal(final.guarantee.state, 'CLAIMED');
    assert.deepEqual(
      final.guarantee.shares!.map((s) => [s.country, s.state]),
      [
        ['TG', 'CLAIMED'],
        ['BF', 'RELEASED'],
      ],
    );
    // Burkina's share, reserved when it received the AAR, goes back: the goods never entered Burkina.
    const bfCalls = (await (await fetch(`${stack.sandboxes.BF.url}/admin/calls?mrn=${mrn}&operation=claimGuarantee`)).json()) as { calls: unknown[] };
    assert.equal(bfCalls.calls.length, 0);

    // Exactly one claim reached the departure system, and the reservation is consumed by it.
    const calls = (await (await fetch(`${stack.sandboxes.TG.url}/admin/calls?mrn=${mrn}&operation=claimGuarantee`)).json()) as { calls: unknown[] };
    assert.equal(calls.calls.length, 1);
    const guarantee = (await (
      await fetch(`${stack.sandboxes.TG.url}/v1/guarantees/${declaration.guarantee.grn}?mrn=${mrn}`, { headers: stack.sandboxes.TG.headers })
    ).json()) as {
      reservations: { mrn: string; status: string }[];
    };
    assert.deepEqual(
      guarantee.reservations.filter((r) => r.mrn === mrn).map((r) => r.status),
      ['CLAIMED'],
    );

    // The receiver saw each notification once, in the order of the ladder, none missing, though each first delivery failed.
    await eventually(async () => (notificationsFor(mrn).length >= 5 ? true : undefined), WAIT, 'five notifications');
    assert.deepEqual(notificationsFor(mrn), ['OVERDUE', 'ESCALATED_TO_SUPERVISOR', 'ENQUIRY_OPENED', 'RECOVERY_PROPOSED', 'RECOVERY']);
    const recorded = await whenState(mrn, (s) => s.notifications.every((n) => n.delivery === 'DELIVERED'), 'deliveries confirmed');
    assert.deepEqual(
      recorded.notifications.map((n) => n.kind),
      notificationsFor(mrn),
    );
    assert.deepEqual(
      webhook.received.filter((n) => n.mrn === mrn).map((n) => n.id),
      recorded.notifications.map((n) => n.id),
    );

    // Supervisors' lists agree with the state.
    const listed = await api.call<{ items: { mrn: string; status: string; overdue: boolean; escalationLevel: number }[] }>(
      'GET',
      `/transits?status=RECOVERY&declarant=${declaration.declarant.tin}&pageSize=200`,
      regional,
    );
    const item = listed.body.items.find((i) => i.mrn === mrn);
    assert.ok(item, 'listed under RECOVERY');
    assert.equal(item.escalationLevel, 3);
  });

  it('the border alert fires when a truck stays past the dwell target, and the crossing clears it', async () => {
    const { mrn } = await driveLifecycle(api, withLrn(declaration, lrn()), plan, { stopAfter: 'border-arrival' });
    const alerted = await whenState(mrn, (s) => Boolean(s.crossings[0]?.alertAt), 'border alert');
    assert.ok(alerted.timeline.some((e) => e.what === 'BORDER_ALERT'));
    const alerts = await api.call<{ items: { mrn: string; borderAlert: boolean }[] }>('GET', '/escalations?kind=border-alert&pageSize=200', regional);
    assert.ok(alerts.body.items.some((i) => i.mrn === mrn && i.borderAlert));
    await eventually(async () => (notificationsFor(mrn).includes('BORDER_ALERT') ? true : undefined), WAIT, 'border alert notification');
    const to = webhook.received.find((n) => n.mrn === mrn && n.kind === 'BORDER_ALERT')!.to;
    assert.ok(to.includes('supervisor:TG') && to.includes('supervisor:BF'));

    assert.equal((await act(mrn, 'exit', officerAt('TGCKS001'), { sealsIntact: true })).status, 200);
    assert.equal((await act(mrn, 'entry', officerAt('BFCKN001'), { sealsIntact: true })).status, 200);
    const cleared = await state(mrn);
    assert.ok(cleared.timeline.some((e) => e.what === 'BORDER_ALERT_CLEARED'));
    assert.ok((cleared.crossings[0]!.dwellSeconds ?? 0) >= 2);
    const after = await api.call<{ items: { mrn: string }[] }>('GET', '/escalations?kind=border-alert&pageSize=200', regional);
    assert.ok(!after.body.items.some((i) => i.mrn === mrn));
  });

  it('arrival without control results escalates to the destination supervisor; recording them clears it', async () => {
    const { mrn } = await driveLifecycle(api, withLrn(declaration, lrn()), plan, { stopAfter: 'arrival' });
    const missing = await whenState(mrn, (s) => s.escalation.kind === 'CONTROL_RESULTS_MISSING', 'control results missing');
    assert.equal(missing.escalation.level, 2);
    await eventually(async () => (notificationsFor(mrn).includes('CONTROL_RESULTS_MISSING') ? true : undefined), WAIT, 'notification');
    assert.deepEqual(webhook.received.find((n) => n.mrn === mrn && n.kind === 'CONTROL_RESULTS_MISSING')!.to, ['supervisor:BF']);
    const results = await act(mrn, 'control-results', officerAt('BFOUA001'), { result: 'SATISFACTORY', sealsIntact: true, discrepancies: [] });
    assert.equal(results.status, 200);
    const done = await state(mrn);
    assert.equal(done.status, 'DISCHARGED');
    assert.equal(done.escalation.level, 0);
  });

  it('the daily overdue report schedule is created once and reports counts per office and level', async () => {
    assert.equal(await ensureOverdueReportSchedule(stack.client, stack.config), 'created');
    assert.equal(await ensureOverdueReportSchedule(stack.client, stack.config), 'unchanged');
    const mrn = await released();
    await whenState(mrn, (s) => s.escalation.level >= 1, 'overdue');
    await stack.client.schedule.getHandle(overdueReportScheduleId(stack.config)).trigger();
    const report = await eventually(async () => webhook.received.find((n) => n.kind === 'DAILY_OVERDUE_REPORT'), WAIT, 'the daily report');
    const counts = report.details.counts as { office: string; level: number; count: number }[];
    assert.ok(
      counts.some((c) => c.office === 'TGCKS001' && c.level >= 1 && c.count >= 1),
      JSON.stringify(counts),
    );
    await stack.client.schedule.getHandle(overdueReportScheduleId(stack.config)).delete();
  });
});
