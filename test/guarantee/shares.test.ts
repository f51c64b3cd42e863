// One guarantee for the corridor (caution unique): each country reserves its own share, from its
// own tariff, while the goods are on its territory; the shares come back leg by leg; a truck lost
// after entering Burkina is recovered by Burkina, on its share, once a Burkina collector confirms.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../../src/auth/actor.ts';
import { amountAtRisk } from '../../src/domain/amount-at-risk.ts';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import { ApiClient, driveLifecycle, officerAt, sealsFor, stepsFor, withLrn } from '../../src/simulation/lifecycle.ts';
import { exampleDeclaration } from '../../src/simulation/simulate.ts';
import type { TransitState } from '../../workflows/model.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { eventually } from '../harness/webhook.ts';
import { ladderEnv } from '../overdue/ladder-env.ts';

const regional: Actor = { user: 'regional', role: 'regional' };
const reference = loadReferenceData();
const WAIT = 120_000;

// One test at a time: the first compares both guarantors' whole balances, which the others' claims would move.
describe('one guarantee, one share per country', () => {
  let stack: Stack;
  let api: ApiClient;
  const { declaration, plan } = exampleDeclaration('lome-ouaga');
  const grn = declaration.guarantee.grn;
  // Each country's amount at risk of these goods, from its own tariff.
  const togo = amountAtRisk(reference.tariffs.TG, declaration.goodsItems).totalXof;
  const burkina = amountAtRisk(reference.tariffs.BF, declaration.goodsItems).totalXof;

  before(async () => {
    stack = await startStack({ env: ladderEnv });
    api = new ApiClient(stack.api, stack.token);
  });
  after(() => stack?.stop());

  const state = async (mrn: string) => (await api.call<TransitState>('GET', `/transits/${mrn}`, regional)).body;
  const whenState = (mrn: string, holds: (s: TransitState) => boolean, what: string) =>
    eventually(async () => ((s) => (holds(s) ? s : undefined))(await state(mrn)), WAIT, what);
  const reservation = async (country: 'TG' | 'BF', mrn: string) => {
    const answer = await fetch(`${stack.sandboxes[country].url}/v1/guarantees/${grn}?mrn=${mrn}`, { headers: stack.sandboxes[country].headers });
    const body = (await answer.json()) as { availableXof: number; reservations: { status: string; amountXof: number }[] };
    return { available: body.availableXof, statuses: body.reservations.map((r) => [r.status, r.amountXof]) };
  };
  const available = async (country: 'TG' | 'BF') =>
    (
      (await (await fetch(`${stack.sandboxes[country].url}/v1/guarantees/${grn}`, { headers: stack.sandboxes[country].headers })).json()) as {
        availableXof: number;
      }
    ).availableXof;
  const claims = async (country: 'TG' | 'BF', mrn: string) =>
    ((await (await fetch(`${stack.sandboxes[country].url}/admin/calls?mrn=${mrn}&operation=claimGuarantee`)).json()) as { calls: unknown[] }).calls.length;
  const lrn = () => `GS${randomBytes(6).toString('hex')}`;

  it('Lomé → Ouagadougou: Togo reserves at acceptance, Burkina on the AAR; Togo gives back at entry into Burkina, Burkina at discharge; both to the franc', async () => {
    assert.ok(togo > 0 && burkina > 0);
    const before = { TG: await available('TG'), BF: await available('BF') };
    const d = withLrn(declaration, lrn());
    const lodged = await api.call<{ mrn: string; status: string }>('POST', '/transits', { user: 'd', role: 'declarant', tin: d.declarant.tin }, d, {
      'idempotency-key': randomUUID(),
    });
    assert.equal(lodged.body.status, 'ACCEPTED', JSON.stringify(lodged.body));
    const mrn = lodged.body.mrn;
    assert.deepEqual((await reservation('TG', mrn)).statuses, [['RESERVED', togo]]);
    assert.deepEqual((await reservation('BF', mrn)).statuses, []);
    // GET /transits/:mrn shows each country's amount at risk and how it was computed, item by item.
    const view = (
      await api.call<TransitState & { amountsAtRisk: Record<string, { totalXof: number; items: { hsCode: string; rates: { DD: number } }[] }> }>(
        'GET',
        `/transits/${mrn}`,
        regional,
      )
    ).body;
    assert.equal(view.amountsAtRisk.TG!.totalXof, togo);
    assert.equal(view.amountsAtRisk.BF!.totalXof, burkina);
    assert.equal(view.amountsAtRisk.TG!.items.length, declaration.goodsItems.length);
    assert.ok(view.amountsAtRisk.TG!.items.every((item) => item.rates.DD >= 0 && /^\d{6,10}$/.test(item.hsCode)));

    const steps = stepsFor(plan, sealsFor(mrn));
    const step = async (action: string) => {
      const s = steps.find((candidate) => candidate.action === action && !('done' in candidate))!;
      (s as { done?: boolean }).done = true;
      const answer = await api.call('POST', `/transits/${mrn}/${s.action}`, officerAt(s.office), s.body, { 'idempotency-key': randomUUID() });
      assert.equal(answer.status, 200, `${action}: ${JSON.stringify(answer.body)}`);
    };
    await step('release');
    // Burkina reserved its own share when it received the AAR, which follows the release's answer.
    await whenState(mrn, (x) => x.timeline.some((e) => e.what === 'AAR_SENT'), 'AAR sent');
    assert.deepEqual((await reservation('BF', mrn)).statuses, [['RESERVED', burkina]]);
    let s = await state(mrn);
    assert.deepEqual(
      s.guarantee.shares!.map((share) => [share.country, share.state, share.amountXof]),
      [
        ['TG', 'RESERVED', togo],
        ['BF', 'RESERVED', burkina],
      ],
    );
    await step('border-arrival');
    await step('exit');
    assert.deepEqual((await reservation('TG', mrn)).statuses, [['RESERVED', togo]], 'Togo holds its share until Burkina accepts the entry');
    await step('entry');
    // The goods left Togo's territory: its leg is written off and its share given back (the entry notice, after the answer).
    await whenState(mrn, (x) => x.timeline.some((e) => e.what === 'ENTRY_NOTICE_SENT'), 'entry notice sent');
    assert.deepEqual((await reservation('TG', mrn)).statuses, [['RELEASED', togo]]);
    const togoRecord = (await (await fetch(`${stack.sandboxes.TG.url}/v1/movements/${mrn}`, { headers: stack.sandboxes.TG.headers })).json()) as {
      state: string;
    };
    assert.equal(togoRecord.state, 'WRITTEN_OFF');
    assert.deepEqual((await reservation('BF', mrn)).statuses, [['RESERVED', burkina]]);
    await step('arrival');
    await step('control-results');
    s = await whenState(mrn, (x) => x.status === 'DISCHARGED', 'discharged');
    assert.deepEqual((await reservation('BF', mrn)).statuses, [['RELEASED', burkina]]);
    assert.deepEqual(
      s.guarantee.shares!.map((share) => [share.country, share.state]),
      [
        ['TG', 'RELEASED'],
        ['BF', 'RELEASED'],
      ],
    );
    assert.equal(s.guarantee.state, 'RELEASED');
    // Both guarantors' balances are back where they started, to the franc.
    assert.deepEqual({ TG: await available('TG'), BF: await available('BF') }, before);
  });

  it('a truck lost after entering Burkina: Togo’s share long given back, the recovery proposed against Burkina’s, a Burkina collector confirms, claimed once in Burkina only', async () => {
    const { mrn } = await driveLifecycle(api, withLrn(declaration, lrn()), plan, { stopAfter: 'entry' });
    const proposed = await whenState(mrn, (s) => s.recovery?.state === 'PROPOSED', 'recovery proposed');
    assert.equal(proposed.recovery!.country, 'BF');
    assert.equal(proposed.recovery!.amountXof, burkina);
    assert.deepEqual((await reservation('TG', mrn)).statuses, [['RELEASED', togo]]);
    // Burkina's collectors find it among the recoveries awaiting a decision; Togo's do not; a declarant may not look.
    const waiting = (actor: Actor) => api.call<{ items: { mrn: string; country: string; amountXof: number }[] }>('GET', '/recoveries', actor);
    const listed = await eventually(
      async () => ((a) => (a.body.items.some((i) => i.mrn === mrn) ? a : undefined))(await waiting({ user: 'receveur-bf', role: 'collector', country: 'BF' })),
      WAIT,
      'listed for Burkina’s collectors',
    );
    assert.deepEqual(
      listed.body.items.filter((i) => i.mrn === mrn).map((i) => [i.country, i.amountXof]),
      [['BF', burkina]],
    );
    assert.ok(!(await waiting({ user: 'receveur-tg', role: 'collector', country: 'TG' })).body.items.some((i) => i.mrn === mrn));
    assert.equal((await waiting({ user: 'd', role: 'declarant', tin: declaration.declarant.tin })).status, 403);

    const tgCollector: Actor = { user: 'receveur-tg', role: 'collector', country: 'TG' };
    const refused = await api.call<{ error: string }>('POST', `/transits/${mrn}/recovery`, tgCollector, { decision: 'confirm', reason: 'x' });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    const bfCollector: Actor = { user: 'receveur-bf', role: 'collector', country: 'BF' };
    const decided = await api.call('POST', `/transits/${mrn}/recovery`, bfCollector, {
      decision: 'confirm',
      reason: 'camion introuvable entre Cinkansé et Ouagadougou',
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const final = await whenState(mrn, (s) => s.status === 'RECOVERY', 'RECOVERY');
    assert.equal(final.recovery!.state, 'CONFIRMED');
    assert.equal(final.recovery!.decidedBy?.user, 'receveur-bf');
    assert.deepEqual(
      final.guarantee.shares!.map((share) => [share.country, share.state]),
      [
        ['TG', 'RELEASED'],
        ['BF', 'CLAIMED'],
      ],
    );
    assert.equal(await claims('BF', mrn), 1);
    assert.equal(await claims('TG', mrn), 0);
    assert.deepEqual((await reservation('BF', mrn)).statuses, [['CLAIMED', burkina]]);
    const decision = final.timeline.find((e) => e.what === 'RECOVERY')!;
    assert.equal(decision.details?.country, 'BF');
    assert.equal(decision.details?.penaltyXof, Math.ceil(burkina / 10));
  });

  it('a collector may waive the recovery with a reason: nothing is claimed, the movement stays under enquiry', async () => {
    const { mrn } = await driveLifecycle(api, withLrn(declaration, lrn()), plan, { stopAfter: 'entry' });
    await whenState(mrn, (s) => s.recovery?.state === 'PROPOSED', 'recovery proposed');
    const bfCollector: Actor = { user: 'receveur-bf', role: 'collector', country: 'BF' };
    const waived = await api.call('POST', `/transits/${mrn}/recovery`, bfCollector, {
      decision: 'waive',
      reason: 'preuve alternative attendue du transporteur',
    });
    assert.equal(waived.status, 200, JSON.stringify(waived.body));
    const s = await whenState(mrn, (x) => x.recovery?.state === 'WAIVED', 'waived');
    assert.equal(s.status, 'RELEASED');
    assert.ok(s.timeline.some((e) => e.what === 'RECOVERY_WAIVED' && e.details?.reason === 'preuve alternative attendue du transporteur'));
    assert.equal(await claims('BF', mrn), 0);
    // Without a proposal, a decision is out of order.
    const again = await api.call('POST', `/transits/${mrn}/recovery`, bfCollector, { decision: 'confirm', reason: 'x' });
    assert.equal(again.status, 409);
  });
});
