// A submission sent twice is one movement; an act sent twice with the same Idempotency-Key is
// one act — counted where it matters: workflows in Temporal's visibility, records and calls in
// the national systems, acts in the timeline.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, acts, declarantOf, declarationFor, eventually, officerAt, tally, uniqueTin } from './helpers.ts';

describe('idempotency through the API', () => {
  let stack: Stack;
  let corridor: Corridor;
  before(async () => {
    stack = await startStack();
    corridor = new Corridor(stack);
  });
  after(() => stack.stop());

  async function movementsOf(tin: string): Promise<string[]> {
    const page = await corridor.list(declarantOf(tin), { pageSize: 50 });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    return page.body.items.map((item) => item.mrn as string);
  }

  it('the same submission twice: 201 then 200, the same MRN, one workflow, one national record', async () => {
    const tin = uniqueTin();
    const d = declarationFor('lome-ouaga', tin);
    const first = await corridor.lodge(d);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.status, 'ACCEPTED');
    const second = await corridor.lodge(d);
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(second.body.mrn, first.body.mrn);
    assert.equal(second.body.status, 'ACCEPTED');
    assert.equal(second.body.amountReservedXof, first.body.amountReservedXof);
    // Key order and spacing do not make other content.
    const reordered = Object.fromEntries(Object.entries(d.json).reverse());
    const third = await corridor.api.call<{ mrn: string }>('POST', '/transits', declarantOf(tin), { ...reordered, lrn: ` ${d.json.lrn} ` });
    assert.equal(third.status, 200, JSON.stringify(third.body));
    assert.equal(third.body.mrn, first.body.mrn);

    const mrn = first.body.mrn;
    assert.deepEqual(
      await eventually(
        () => movementsOf(tin),
        (l) => l.length > 0,
        'the movement is listed',
      ),
      [mrn],
    );
    const count = await stack.client.workflow.count(`WorkflowId = '${mrn}'`);
    assert.equal(count.count, 1);
    assert.deepEqual(tally(await corridor.calls('TG', mrn)), { registerDeclaration: 1, reserveGuarantee: 1 });
    const guarantee = await corridor.guarantee('TG', d.declaration.guarantee.grn, mrn);
    assert.deepEqual(
      guarantee.reservations.map((r) => r.status),
      ['RESERVED'],
    );
    const state = await corridor.state(mrn);
    assert.deepEqual(acts(state), { LODGED: 1, REGISTERED: 1, GUARANTEE_RESERVED: 1, ACCEPTED: 1 });
  });

  it('the same submission sent twice at once: one 201, one 200, one movement', async () => {
    const tin = uniqueTin();
    const d = declarationFor('lome-bobo', tin);
    const answers = await Promise.all([corridor.lodge(d), corridor.lodge(d)]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 201], JSON.stringify(answers.map((a) => a.body)));
    assert.equal(answers[0]!.body.mrn, answers[1]!.body.mrn);
    const mrn = answers[0]!.body.mrn;
    assert.deepEqual(tally(await corridor.calls('TG', mrn)), { registerDeclaration: 1, reserveGuarantee: 1 });
    assert.deepEqual(
      await eventually(
        () => movementsOf(tin),
        (l) => l.length > 0,
        'the movement is listed',
      ),
      [mrn],
    );
  });

  it('the same LRN with other content: 409 naming the existing MRN, nothing else changes', async () => {
    const tin = uniqueTin();
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.accepted(d);
    const other = structuredClone(d.json);
    other.goodsItems[0].valueXof += 1;
    const answer = await corridor.api.call<Record<string, any>>('POST', '/transits', declarantOf(tin), other);
    assert.equal(answer.status, 409, JSON.stringify(answer.body));
    assert.equal(answer.body.error, 'LRN_CONFLICT');
    assert.equal(answer.body.mrn, mrn);
    assert.match(answer.body.message, new RegExp(mrn));
    assert.match(answer.body.message, new RegExp(d.json.lrn));
    assert.deepEqual(tally(await corridor.calls('TG', mrn)), { registerDeclaration: 1, reserveGuarantee: 1 });
    assert.equal(
      (await corridor.state(mrn)).declaration.valueXof,
      d.declaration.goodsItems.reduce((s, i) => s + i.valueXof, 0),
    );
  });

  it('the same LRN with other content under a reused Idempotency-Key is still a conflict, not the first answer', async () => {
    const tin = uniqueTin();
    const d = declarationFor('lome-ouaga', tin);
    const key = randomUUID();
    const first = await corridor.lodge(d, { 'idempotency-key': key });
    assert.equal(first.status, 201);
    const other = structuredClone(d.json);
    other.goodsItems[0].valueXof += 1;
    const answer = await corridor.api.call<Record<string, any>>('POST', '/transits', declarantOf(tin), other, { 'idempotency-key': key });
    assert.equal(answer.status, 409, `another declaration under a reused key answered ${answer.status} ${JSON.stringify(answer.body)}`);
  });

  describe('acts', () => {
    let mrn: string;
    let tin: string;
    const release = { seals: ['SL-IDEM-1', 'SL-IDEM-2'], controlResult: 'SATISFACTORY' };
    before(async () => {
      tin = uniqueTin();
      mrn = await corridor.accepted(declarationFor('lome-ouaga', tin));
    });

    it('the same act twice with the same Idempotency-Key: equal answers, one act, one call to each system', async () => {
      const key = randomUUID();
      const first = await corridor.act(mrn, 'release', officerAt('TGLFW001'), release, key);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.status, 'RELEASED');
      const second = await corridor.act(mrn, 'release', officerAt('TGLFW001'), release, key);
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.deepEqual(second.body, first.body);
      const state = await corridor.forwarded(mrn, 'AAR_SENT');
      assert.equal(acts(state).RELEASED, 1);
      assert.equal(acts(state).AAR_SENT, 1);
      assert.equal(tally(await corridor.calls('TG', mrn)).recordRelease, 1);
      assert.deepEqual(tally(await corridor.calls('BF', mrn)), { receiveAar: 1 });
    });

    it('another key for an act already recorded: 409 out of order naming the next step, still one act', async () => {
      const again = await corridor.act(mrn, 'release', officerAt('TGLFW001'), release, randomUUID());
      assert.equal(again.status, 409, JSON.stringify(again.body));
      assert.equal(again.body.error, 'OUT_OF_ORDER');
      assert.match(again.body.message, /TGCKS001/);
      const state = await corridor.state(mrn);
      assert.equal(acts(state).RELEASED, 1);
      assert.equal(tally(await corridor.calls('TG', mrn)).recordRelease, 1);
    });

    it('a reused Idempotency-Key with another body is refused, not answered with the first act', async () => {
      const key = randomUUID();
      const first = await corridor.act(mrn, 'incident', officerAt('TGCKS001'), { kind: 'BREAKDOWN', description: 'pneu crevé' }, key);
      assert.equal(first.status, 200);
      const other = await corridor.act(mrn, 'incident', officerAt('TGCKS001'), { kind: 'ACCIDENT', description: 'accrochage au poste' }, key);
      assert.ok(other.status === 409 || other.status === 422, `another incident under a reused key answered ${other.status} ${JSON.stringify(other.body)}`);
    });
  });

  describe('acts sent at the same moment', () => {
    it('the same act sent at once under two keys: one 200, one 409, one act, one call', async () => {
      const d = declarationFor('lome-ouaga', uniqueTin());
      const mrn = await corridor.accepted(d);
      await corridor.drive(mrn, d.plan, 0, 1);
      const arrival = () => corridor.act(mrn, 'border-arrival', officerAt('TGCKS001'), { sealsIntact: true }, randomUUID());
      const answers = await Promise.all([arrival(), arrival(), arrival()]);
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409, 409], JSON.stringify(answers.map((a) => a.body)));
      for (const refused of answers.filter((a) => a.status === 409)) assert.equal(refused.body.error, 'OUT_OF_ORDER', JSON.stringify(refused.body));
      const state = await corridor.state(mrn);
      assert.equal(state.status, 'AT_BORDER');
      assert.equal(acts(state).BORDER_ARRIVAL, 1);
      assert.equal(state.crossings.length, 1);
      assert.equal(tally(await corridor.calls('TG', mrn)).recordBorderArrival, 1);
    });

    it('officers of both countries record the arrival at the post while the release is finishing: one arrival, one crossing', async () => {
      const d = declarationFor('lome-ouaga', uniqueTin());
      const mrn = await corridor.accepted(d);
      // Burkina's system answers slowly: the release holds the movement's lock while its AAR is on the way.
      await corridor.setFaults('BF', { latencyMs: 3_000 });
      let answers: Array<{ status: number; body: Record<string, any> }>;
      try {
        const release = corridor.act(mrn, 'release', officerAt('TGLFW001'), { seals: ['SL-RACE-1'] });
        await eventually(
          () => corridor.state(mrn),
          (s) => s.status === 'RELEASED',
          'released, AAR on its way',
        );
        const both = Promise.all([
          corridor.act(mrn, 'border-arrival', officerAt('TGCKS001'), { sealsIntact: true }),
          corridor.act(mrn, 'border-arrival', officerAt('BFCKN001'), { sealsIntact: true }),
        ]);
        assert.equal((await release).status, 200);
        answers = await both;
      } finally {
        await corridor.setFaults('BF', {});
      }
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409], JSON.stringify(answers.map((a) => a.body)));
      const state = await corridor.state(mrn);
      assert.equal(state.crossings.length, 1, JSON.stringify(state.crossings));
      assert.equal(acts(state).BORDER_ARRIVAL, 1);
      assert.equal(state.legIndex, 1);
      const recorded = (tally(await corridor.calls('TG', mrn)).recordBorderArrival ?? 0) + (tally(await corridor.calls('BF', mrn)).recordBorderArrival ?? 0);
      assert.equal(recorded, 1);
    });
  });

  it('the last act retried with its key after the movement closed gets the same answer', async () => {
    const d = declarationFor('lome-ouaga', uniqueTin());
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 5);
    const key = randomUUID();
    const body = { result: 'SATISFACTORY', sealsIntact: true, discrepancies: [] };
    const first = await corridor.act(mrn, 'control-results', officerAt('BFOUA001'), body, key);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.status, 'DISCHARGED');
    await stack.client.workflow.getHandle(mrn).result();
    const retried = await corridor.act(mrn, 'control-results', officerAt('BFOUA001'), body, key);
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.deepEqual(retried.body, first.body);
    const state = await corridor.state(mrn);
    // Each entry once; a share of the guarantee is released once per country (Togo's at entry, Burkina's at discharge).
    for (const [what, n] of Object.entries(acts(state))) assert.equal(n, what === 'GUARANTEE_SHARE_RELEASED' ? 2 : 1, `${what} ${n} times in the timeline`);
    assert.deepEqual(
      state.timeline.filter((e) => e.what === 'GUARANTEE_SHARE_RELEASED').map((e) => e.details?.country),
      ['TG', 'BF'],
    );
    assert.deepEqual(
      Object.values(tally(await corridor.calls('BF', mrn))).filter((n) => n !== 1),
      [],
    );
    assert.deepEqual(
      Object.values(tally(await corridor.calls('TG', mrn))).filter((n) => n !== 1),
      [],
    );
  });
});
