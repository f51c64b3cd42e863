// A diversion reaches the national systems through two calls of the contract: `divert` tells a
// system still on the route of the new route and time limit; `withdrawAar` closes the record of a
// country the truck will no longer enter and gives back its share of the guarantee. Both are
// Corridor's only, and the same call again changes nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Sandbox } from '../../src/national/sandbox/server.ts';
import { bigGuarantee, balance, declaration, journal, movement, newMrn, post, postAs, sandbox, userToken } from './helpers.ts';

const timeLimit = '2026-12-01T10:00:00.000Z';
const G = bigGuarantee.TG.grn;

/** A record received by AAR in Burkina, its share reserved on the Togo guarantee (caution unique). */
async function aarWithShare(sb: Sandbox, mrn: string) {
  const answer = await post(sb, `/v1/movements/${mrn}/aar`, {
    departureCountry: 'TG',
    departureReference: 'TG-2026-000001',
    lrn: 'LRN-1',
    declarantTin: '1000555555',
    declaration: declaration(),
    seals: ['TG-S-0001'],
    timeLimit,
    guarantee: { grn: G },
  });
  assert.equal(answer.status, 201, answer.text);
  return answer.json as { state: string; guaranteeShare?: { status: string; amountXof: number } };
}

const eventsOf = async (sb: Sandbox, mrn: string, type: string) => (await journal(sb, '?limit=1000')).events.filter((e) => e.mrn === mrn && e.type === type);

describe('withdrawAar', () => {
  test("the truck will not enter: AAR_RECEIVED → CANCELLED, the country's share given back to the franc, once", async (t) => {
    const bf = await sandbox(t, { country: 'BF' });
    const mrn = newMrn('TG');
    const before = (await balance(bf, G)).availableXof;
    const received = await aarWithShare(bf, mrn);
    assert.equal(received.guaranteeShare?.status, 'RESERVED');
    const share = received.guaranteeShare!.amountXof;
    assert.ok(share > 0);
    assert.equal((await balance(bf, G)).availableXof, before - share);

    const withdrawn = await post(bf, `/v1/movements/${mrn}/aar-withdrawal`, { reason: 'déroutement vers Lomé / diverted' });
    assert.equal(withdrawn.status, 200, withdrawn.text);
    assert.equal(withdrawn.json.state, 'CANCELLED');
    assert.deepEqual([withdrawn.json.guaranteeShare.status, withdrawn.json.guaranteeShare.amountXof], ['RELEASED', share]);
    assert.equal((await balance(bf, G)).availableXof, before);

    // Asked again under another key (a second diversion's retry): answered as it is, nothing released twice.
    const again = await post(bf, `/v1/movements/${mrn}/aar-withdrawal`, { reason: 'encore / again' });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.state, 'CANCELLED');
    assert.equal(again.json.guaranteeShare, undefined);
    assert.equal((await balance(bf, G)).availableXof, before);
    assert.equal((await eventsOf(bf, mrn, 'AAR_WITHDRAWN')).length, 1);
  });

  test('the goods entered already: refused (MOVEMENT_STATE); an officer cannot key it (USER_NOT_PERMITTED)', async (t) => {
    const bf = await sandbox(t, { country: 'BF' });
    const mrn = newMrn('TG');
    await aarWithShare(bf, mrn);
    const officer = await userToken({ sub: 'agent-ckn', role: 'officer', office: 'BFCKN001' });
    const keyed = await postAs(bf, officer, `/v1/movements/${mrn}/aar-withdrawal`, { reason: 'x' });
    assert.equal(keyed.status, 403, keyed.text);
    assert.equal(keyed.json.code, 'USER_NOT_PERMITTED');
    assert.equal((await post(bf, `/v1/movements/${mrn}/entry`, { office: 'BFCKN001', sealsIntact: true })).status, 200);
    const late = await post(bf, `/v1/movements/${mrn}/aar-withdrawal`, { reason: 'x' });
    assert.equal(late.status, 409, late.text);
    assert.equal(late.json.code, 'MOVEMENT_STATE');
    assert.equal((await movement(bf, mrn)).state, 'ENTERED');
  });
});

describe('divert', () => {
  test('the record takes the new route and time limit, keeps its state, and publishes DIVERTED once', async (t) => {
    const bf = await sandbox(t, { country: 'BF' });
    const mrn = newMrn('TG');
    await aarWithShare(bf, mrn);
    assert.equal((await post(bf, `/v1/movements/${mrn}/entry`, { office: 'BFCKN001', sealsIntact: true })).status, 200);
    const route = ['TGLFW001', 'TGCKS001', 'BFCKN001', 'BFBOB001'];
    const body = { office: 'BFBOB001', route, reason: 'route coupée / road closed', timeLimit: '2026-12-03T10:00:00.000Z' };
    const diverted = await post(bf, `/v1/movements/${mrn}/diversion`, body);
    assert.equal(diverted.status, 200, diverted.text);
    assert.equal(diverted.json.state, 'ENTERED');
    const record = await movement(bf, mrn);
    assert.deepEqual(record.declaration.route, route);
    assert.equal((record as unknown as { timeLimit: string }).timeLimit, '2026-12-03T10:00:00.000Z');
    assert.equal(record.guarantee?.status, 'RESERVED', 'the share stays while the goods are here');

    const again = await post(bf, `/v1/movements/${mrn}/diversion`, body);
    assert.equal(again.status, 200, again.text);
    const events = await eventsOf(bf, mrn, 'DIVERTED');
    assert.equal(events.length, 1);
    assert.deepEqual([events[0]!.data.office, events[0]!.data.route], ['BFBOB001', route]);

    // A movement this system never received is unknown here.
    const unknown = await post(bf, `/v1/movements/${newMrn('TG')}/diversion`, body);
    assert.equal(unknown.status, 404, unknown.text);
  });
});
