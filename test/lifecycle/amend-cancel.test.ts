// Before release the declarant may amend or cancel. An amendment that changes the goods values
// replaces the guarantee reservation in the departure system; a cancellation releases it and
// closes the national record. After release, or once closed, both are refused with a reason.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../harness/stack.ts';
import { amountAtRisk } from '../../src/domain/amount-at-risk.ts';
import { validateDeclaration } from '../../src/domain/declaration.ts';
import { Corridor, acts, declarantOf, declarationFor, officerAt, reference, tally, uniqueTin } from './helpers.ts';

const GRN = '26TG0000000000001';
/** Togo's amount at risk of these goods items, from its (illustrative) tariff. */
const atRisk = (json: Record<string, any>) => {
  const checked = validateDeclaration(structuredClone(json), reference);
  assert.ok(checked.ok);
  return amountAtRisk(reference.tariffs.TG, checked.declaration.goodsItems).totalXof;
};

describe('amend and cancel before release', () => {
  let stack: Stack;
  let corridor: Corridor;
  const tin = uniqueTin();
  before(async () => {
    stack = await startStack();
    corridor = new Corridor(stack);
  });
  after(() => stack.stop());

  describe('amend', () => {
    let d: ReturnType<typeof declarationFor>;
    let mrn: string;
    let availableBefore: number;
    let amended: Record<string, any>;
    before(async () => {
      availableBefore = await corridor.available('TG', GRN);
      d = declarationFor('lome-ouaga', tin);
      mrn = await corridor.accepted(d);
      amended = structuredClone(d.json);
      amended.goodsItems[0].valueXof = 1_000_000;
      amended.goodsItems[1].description = 'Oléine de palme raffinée, bidons de 20 litres';
    });

    it('changing the goods values replaces the reservation in the departure system; the timeline has AMENDED', async () => {
      const oldAmount = atRisk(d.json);
      const newAmount = atRisk(amended);
      assert.equal(await corridor.available('TG', GRN), availableBefore - oldAmount);

      const answer = await corridor.act(mrn, 'amend', declarantOf(tin), amended);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.status, 'ACCEPTED');

      // The national system: the old reservation released, one new one for the new amount.
      const guarantee = await corridor.guarantee('TG', GRN, mrn);
      assert.deepEqual(
        guarantee.reservations.map((r) => [r.status, r.amountXof]).sort(),
        [
          ['RELEASED', oldAmount],
          ['RESERVED', newAmount],
        ].sort(),
      );
      assert.equal(await corridor.available('TG', GRN), availableBefore - newAmount);
      const record = await corridor.record('TG', mrn);
      assert.equal(record.body.state, 'GUARANTEED');
      assert.equal(record.body.version, 2);
      assert.equal(record.body.guarantee?.amountAtRiskXof, newAmount);

      const state = await corridor.state(mrn);
      assert.equal(acts(state).AMENDED, 1);
      const event = state.timeline.find((e) => e.what === 'AMENDED')!;
      assert.equal(event.by.role, 'declarant');
      assert.equal(event.office, 'TGLFW001');
      assert.equal(state.declaration.valueXof, 1_000_000 + amended.goodsItems[1].valueXof);
      assert.equal(state.guarantee.state, 'RESERVED');

      // The amended declaration is now the one on file: resubmitting it is the same movement.
      const again = await corridor.api.call<{ mrn: string }>('POST', '/transits', declarantOf(tin), amended);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.mrn, mrn);
    });

    it("after an amendment the movement's state shows the amount now reserved", async () => {
      const record = await corridor.record('TG', mrn);
      const state = await corridor.state(mrn);
      assert.equal(state.guarantee.amountReservedXof, record.body.guarantee?.amountAtRiskXof);
    });

    it('an amendment the guarantee cannot cover is refused with the reason and changes nothing', async () => {
      const before = await corridor.guarantee('TG', GRN, mrn);
      const tooBig = structuredClone(amended);
      tooBig.guarantee = { grn: '26TG0000000000002', accessCode: '2345' };
      const answer = await corridor.act(mrn, 'amend', declarantOf(tin), tooBig);
      assert.equal(answer.status, 409, JSON.stringify(answer.body));
      assert.equal(answer.body.error, 'NATIONAL_REFUSAL');
      assert.match(answer.body.message, /exceeds/);
      const after = await corridor.guarantee('TG', GRN, mrn);
      assert.deepEqual(after.reservations, before.reservations);
      assert.equal(after.availableXof, before.availableXof);
      assert.equal((await corridor.guarantee('TG', '26TG0000000000002', mrn)).reservations.length, 0);
      const state = await corridor.state(mrn);
      assert.equal(acts(state).AMENDED, 1);
      assert.equal(state.guarantee.grn, GRN);
      assert.equal((await corridor.record('TG', mrn)).body.version, 2);
    });

    it('an amendment cannot change the LRN or the route', async () => {
      const otherRoute = structuredClone(amended);
      otherRoute.route = ['TGLFW001', 'TGCKS001', 'BFCKN001', 'BFBOB001'];
      const route = await corridor.act(mrn, 'amend', declarantOf(tin), otherRoute);
      assert.equal(route.status, 400, JSON.stringify(route.body));
      assert.match(route.body.message, /route/);
      const otherLrn = structuredClone(amended);
      otherLrn.lrn = `${amended.lrn}X`.slice(-22);
      const lrn = await corridor.act(mrn, 'amend', declarantOf(tin), otherLrn);
      assert.equal(lrn.status, 400, JSON.stringify(lrn.body));
      assert.equal(acts(await corridor.state(mrn)).AMENDED, 1);
    });

    it('after release, amend and cancel are out of order (409) and the reservation stays', async () => {
      const released = await corridor.act(mrn, 'release', officerAt('TGLFW001'), { seals: ['SL-AM-1'] });
      assert.equal(released.status, 200, JSON.stringify(released.body));
      const reservations = (await corridor.guarantee('TG', GRN, mrn)).reservations;
      const late = structuredClone(amended);
      late.goodsItems[0].valueXof = 2_000_000;
      const amend = await corridor.act(mrn, 'amend', declarantOf(tin), late);
      assert.equal(amend.status, 409, JSON.stringify(amend.body));
      assert.equal(amend.body.error, 'OUT_OF_ORDER');
      assert.match(amend.body.message, /RELEASED/);
      const cancel = await corridor.act(mrn, 'cancel', declarantOf(tin), { reason: 'trop tard' });
      assert.equal(cancel.status, 409, JSON.stringify(cancel.body));
      assert.deepEqual((await corridor.guarantee('TG', GRN, mrn)).reservations, reservations);
      assert.equal((await corridor.record('TG', mrn)).body.state, 'RELEASED');
      const state = await corridor.state(mrn);
      assert.equal(acts(state).AMENDED, 1);
      assert.equal(acts(state).CANCELLED, undefined);
      assert.equal(tally(await corridor.calls('TG', mrn)).amend, 2); // the accepted one and the refused one
    });
  });

  describe('cancel', () => {
    let mrn: string;
    let d: ReturnType<typeof declarationFor>;
    let availableBefore: number;
    before(async () => {
      availableBefore = await corridor.available('TG', GRN);
      d = declarationFor('lome-ouaga', tin);
      mrn = await corridor.accepted(d);
      assert.ok((await corridor.available('TG', GRN)) < availableBefore);
    });

    it('CANCELLED: the reservation is released, the balance is back, the national record is CANCELLED', async () => {
      const answer = await corridor.act(mrn, 'cancel', declarantOf(tin), { reason: 'le client a changé de transporteur' });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.status, 'CANCELLED');
      assert.equal(await corridor.available('TG', GRN), availableBefore);
      const guarantee = await corridor.guarantee('TG', GRN, mrn);
      assert.deepEqual(
        guarantee.reservations.map((r) => r.status),
        ['RELEASED'],
      );
      const record = await corridor.record('TG', mrn);
      assert.equal(record.body.state, 'CANCELLED');
      const state = await corridor.state(mrn);
      assert.equal(state.status, 'CANCELLED');
      assert.equal(state.reason, 'le client a changé de transporteur');
      assert.equal(state.guarantee.state, 'RELEASED');
      assert.equal(acts(state).CANCELLED, 1);
      assert.deepEqual(state.allowedActions, []);
      await stack.client.workflow.getHandle(mrn).result();
    });

    it('cancelling again is refused as closed (409) and changes nothing', async () => {
      const again = await corridor.act(mrn, 'cancel', declarantOf(tin), { reason: 'encore' });
      assert.equal(again.status, 409, JSON.stringify(again.body));
      assert.match(again.body.message, /CANCELLED/);
      assert.equal(tally(await corridor.calls('TG', mrn)).cancel, 1);
      assert.equal(await corridor.available('TG', GRN), availableBefore);
    });

    it('a cancelled movement is still read, and resubmitting it lands on it without a new reservation', async () => {
      const state = await corridor.state(mrn);
      assert.equal(state.status, 'CANCELLED');
      const again = await corridor.lodge(d);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.mrn, mrn);
      assert.equal(again.body.status, 'CANCELLED');
      assert.equal(tally(await corridor.calls('TG', mrn)).registerDeclaration, 1);
      assert.equal(tally(await corridor.calls('TG', mrn)).cancel, 1);
      assert.equal(await corridor.available('TG', GRN), availableBefore);
    });
  });
});
