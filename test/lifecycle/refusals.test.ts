// Every refusal of the lifecycle, through the HTTP API on the real server and sandboxes: a bad
// declaration is one 400 naming every error; a refused guarantee is REJECTED with the reason
// and leaves nothing reserved; an act out of order, at the wrong office, by the wrong role or
// by another declarant is refused with the reason and changes nothing; unknown movements,
// missing tokens, oversized and malformed bodies get their own answers, never a 500.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { signToken } from '../../src/auth/tokens.ts';
import type { Actor } from '../../src/auth/actor.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarantOf, declarationFor, officerAt, tally, uniqueTin, type TransitView } from './helpers.ts';

describe('refusals through the API', () => {
  let stack: Stack;
  let corridor: Corridor;
  const tin = uniqueTin();
  before(async () => {
    stack = await startStack();
    corridor = new Corridor(stack);
  });
  after(() => stack.stop());

  /** Raw HTTP, for what ApiClient would not send (no token, broken JSON, huge bodies). */
  async function raw(method: string, path: string, init: { token?: string; authorization?: string; body?: string; contentType?: string } = {}) {
    const headers: Record<string, string> = {};
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.authorization) headers.authorization = init.authorization;
    if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
    const response = await fetch(`${stack.api}${path}`, { method, headers, ...(init.body !== undefined ? { body: init.body } : {}) });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
  }

  /** The movement as it stood: the timeline, the sandbox's record and its calls. */
  async function snapshot(mrn: string) {
    const state = await corridor.state(mrn);
    const record = await corridor.record('TG', mrn);
    return { status: state.status, timeline: state.timeline.map((e) => e.what), national: record.body.state, calls: (await corridor.calls('TG', mrn)).length };
  }

  it('a declaration with five errors gets one 400 naming all five, with their paths and reasons', async () => {
    const { json } = declarationFor('lome-ouaga', tin);
    json.lrn = 'LRN WITH SPACES/AND/SLASHES';
    json.principal.address.country = 'XX';
    json.goodsItems[0].hsCode = '10063';
    json.goodsItems[1].netMassKg = json.goodsItems[1].grossMassKg + 1;
    json.containers[0] = 'MSCU7124037'; // check digit 6, not 7
    const answer = await raw('POST', '/transits', { token: await stack.declarant(tin), body: JSON.stringify(json) });
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.equal(answer.body.error, 'INVALID_REQUEST');
    const errors = answer.body.errors as Array<{ path: string; message: string }>;
    const byPath = new Map(errors.map((e) => [e.path, e.message]));
    assert.deepEqual(
      [...byPath.keys()].sort(),
      ['containers[0]', 'goodsItems[0].hsCode', 'goodsItems[1].netMassKg', 'lrn', 'principal.address.country'],
      JSON.stringify(errors),
    );
    assert.equal(errors.length, 5);
    assert.match(byPath.get('lrn')!, /LRN/);
    assert.match(byPath.get('principal.address.country')!, /XX|ISO 3166/);
    assert.match(byPath.get('goodsItems[0].hsCode')!, /6-digit/);
    assert.match(byPath.get('goodsItems[1].netMassKg')!, /gross/);
    assert.match(byPath.get('containers[0]')!, /check digit/i);
    assert.match(answer.body.message, /5 error/);
  });

  describe('a refused guarantee: 422 REJECTED with the reason, nothing left reserved', () => {
    const cases: Array<[string, { grn: string; accessCode: string }, RegExp]> = [
      ['insufficient (1,000,000 XOF for far more at risk)', { grn: '26TG0000000000002', accessCode: '2345' }, /GUARANTEE_INSUFFICIENT.*exceeds/],
      ['unknown', { grn: '26TG0000000000099', accessCode: '1234' }, /GUARANTEE_UNKNOWN/],
      ['expired', { grn: '26TG0000000000003', accessCode: '3456' }, /GUARANTEE_EXPIRED.*expired/],
      ['wrong access code (answered as an unknown guarantee)', { grn: '26TG0000000000002', accessCode: '9999' }, /GUARANTEE_UNKNOWN/],
      ['held for another principal', { grn: '26TG0000000000004', accessCode: '4567' }, /GUARANTEE_PRINCIPAL_MISMATCH/],
    ];
    for (const [what, guarantee, reason] of cases) {
      it(what, async () => {
        const known = guarantee.grn !== '26TG0000000000099';
        const before = known ? await corridor.guarantee('TG', guarantee.grn) : undefined;
        const d = declarationFor('lome-ouaga', tin, (json) => (json.guarantee = guarantee));
        const answer = await corridor.lodge(d);
        assert.equal(answer.status, 422, JSON.stringify(answer.body));
        assert.equal(answer.body.status, 'REJECTED');
        assert.equal(answer.body.error, 'DECLARATION_REJECTED');
        assert.match(answer.body.reason ?? '', reason);
        assert.equal(answer.body.amountReservedXof, undefined);
        const mrn = answer.body.mrn;

        // Nothing reserved: the balance is unchanged and no reservation of this MRN is open.
        if (before) {
          const after = await corridor.guarantee('TG', guarantee.grn, mrn);
          assert.equal(after.availableXof, before.availableXof);
          assert.equal(after.reservedXof, before.reservedXof);
          assert.deepEqual(
            after.reservations.filter((r) => r.status === 'RESERVED'),
            [],
          );
        }
        // The departure system's record is closed with the reason, not left open.
        const record = await corridor.record('TG', mrn);
        assert.equal(record.status, 200);
        assert.equal(record.body.state, 'CANCELLED');
        assert.equal(record.body.guarantee?.status ?? 'NONE', 'NONE');

        const state = await corridor.state(mrn);
        assert.equal(state.status, 'REJECTED');
        assert.match(state.reason ?? '', reason);
        assert.equal(state.guarantee.state, 'NONE');
        assert.deepEqual(
          state.timeline.map((e) => e.what),
          ['LODGED', 'REGISTERED', 'REJECTED'],
        );
        assert.deepEqual(state.allowedActions, []);

        // The same declaration again is the same rejected movement, not a second attempt.
        const again = await corridor.lodge(d);
        assert.equal(again.status, 422);
        assert.equal(again.body.mrn, mrn);
        assert.deepEqual(tally(await corridor.calls('TG', mrn)), { registerDeclaration: 1, reserveGuarantee: 1, cancel: 1 });
      });
    }
  });

  describe('acts refused by the procedure change nothing', () => {
    let mrn: string;
    let lodged: ReturnType<typeof declarationFor>;
    let other: string;
    let untouched: Awaited<ReturnType<typeof snapshot>>;
    before(async () => {
      lodged = declarationFor('lome-ouaga', tin);
      mrn = await corridor.accepted(lodged);
      other = uniqueTin();
      untouched = await snapshot(mrn);
    });

    it('out of order: 409 with a reason naming the next step and where', async () => {
      const border = await corridor.act(mrn, 'border-arrival', officerAt('TGCKS001'), { sealsIntact: true });
      assert.equal(border.status, 409, JSON.stringify(border.body));
      assert.equal(border.body.error, 'OUT_OF_ORDER');
      assert.match(border.body.message, /ACCEPTED/);
      assert.match(border.body.message, /prochaine étape : l'autorisation de départ en transit à TGLFW001/);
      const arrival = await corridor.act(mrn, 'arrival', officerAt('BFOUA001'), { sealsIntact: true });
      assert.equal(arrival.status, 409);
      assert.match(arrival.body.message, /TGLFW001/);
      const resolve = await corridor.act(mrn, 'resolve-discrepancy', officerAt('BFOUA001'), { resolution: 'rien à résoudre' });
      assert.equal(resolve.status, 409);
    });

    it('wrong office: 403 naming the office where the act is recorded', async () => {
      const answer = await corridor.act(mrn, 'release', officerAt('TGCKS001'), { seals: ['S-1'] });
      assert.equal(answer.status, 403, JSON.stringify(answer.body));
      assert.equal(answer.body.error, 'WRONG_OFFICE');
      assert.match(answer.body.message, /TGLFW001/);
      assert.match(answer.body.message, /TGCKS001/);
      const burkina = await corridor.act(mrn, 'release', officerAt('BFOUA001'), { seals: ['S-1'] });
      assert.equal(burkina.status, 403);
    });

    it('wrong role: a declarant cannot release, an officer or a supervisor cannot cancel', async () => {
      const release = await corridor.act(mrn, 'release', declarantOf(tin), { seals: ['S-1'] });
      assert.equal(release.status, 403, JSON.stringify(release.body));
      assert.equal(release.body.error, 'WRONG_ROLE');
      const cancel = await corridor.act(mrn, 'cancel', officerAt('TGLFW001'), { reason: 'pas à moi' });
      assert.equal(cancel.status, 403, JSON.stringify(cancel.body));
      assert.equal(cancel.body.error, 'WRONG_ROLE');
      const supervisor: Actor = { user: 'sup', role: 'supervisor', country: 'TG' };
      assert.equal((await corridor.act(mrn, 'cancel', supervisor, { reason: 'x' })).status, 403);
      assert.equal((await corridor.act(mrn, 'release', { user: 'regional', role: 'regional' }, { seals: ['S-1'] })).status, 403);
      const amend = await corridor.api.call('POST', `/transits/${mrn}/amend`, officerAt('TGLFW001'), lodged.json);
      assert.equal(amend.status, 403);
    });

    it("another declarant can neither read, cancel nor amend the movement, nor lodge in someone else's name; each answer is the unknown MRN's", async () => {
      // Issue 18: a stranger gets exactly what an MRN that does not exist gets, so trying numbers tells nothing.
      const unknown = '26TG00000000000000';
      const same = (answer: { status: number; body: unknown }, of: { status: number; body: unknown }, at: string) =>
        assert.deepEqual(
          { status: answer.status, body: JSON.stringify(answer.body).replaceAll(mrn, 'MRN') },
          { status: of.status, body: JSON.stringify(of.body).replaceAll(unknown, 'MRN') },
          at,
        );
      const read = await corridor.api.call<Record<string, any>>('GET', `/transits/${mrn}`, declarantOf(other));
      assert.equal(read.status, 404, JSON.stringify(read.body));
      assert.doesNotMatch(JSON.stringify(read.body), /timeline/);
      same(read, await corridor.api.call('GET', `/transits/${unknown}`, declarantOf(other)), 'read');
      const cancel = await corridor.act(mrn, 'cancel', declarantOf(other), { reason: 'pas à moi' });
      assert.equal(cancel.status, 404, JSON.stringify(cancel.body));
      assert.equal(cancel.body.error, 'NOT_FOUND');
      same(cancel, await corridor.act(unknown, 'cancel', declarantOf(other), { reason: 'pas à moi' }), 'cancel');
      const amend = await corridor.api.call<Record<string, any>>('POST', `/transits/${mrn}/amend`, declarantOf(other), lodged.json);
      assert.equal(amend.status, 404, JSON.stringify(amend.body));
      assert.equal(amend.body.error, 'NOT_FOUND');
      same(amend, await corridor.api.call('POST', `/transits/${unknown}/amend`, declarantOf(other), lodged.json), 'amend');
      // The TIN of the declaration must be the signed-in declarant's.
      const mine = declarationFor('lome-ouaga', tin);
      const lodge = await corridor.api.call<Record<string, any>>('POST', '/transits', declarantOf(other), mine.json);
      assert.equal(lodge.status, 403, JSON.stringify(lodge.body));
      // Officers lodge nothing.
      assert.equal((await corridor.api.call('POST', '/transits', officerAt('TGLFW001'), mine.json)).status, 403);
    });

    it('wrong types and shapes in action bodies: 400 with the field, never a 500', async () => {
      const officer = officerAt('TGLFW001');
      const cases: Array<[string, string, unknown, string | undefined]> = [
        ['release', 'seals as text', { seals: 'S-1' }, 'seals'],
        ['release', 'seals as numbers', { seals: [1, 2] }, 'seals[0]'],
        ['release', 'no seal', { seals: [] }, 'seals'],
        ['release', 'time limit as text', { seals: ['S-1'], timeLimitHours: '72' }, 'timeLimitHours'],
        ['release', 'negative time limit', { seals: ['S-1'], timeLimitHours: -1 }, 'timeLimitHours'],
        ['release', 'unsatisfactory release', { seals: ['S-1'], controlResult: 'DISCREPANCIES' }, 'controlResult'],
        ['release', 'null body', null, undefined],
        ['release', 'a list as body', [{ seals: ['S-1'] }], undefined],
        ['release', 'a number as body', 42, undefined],
        ['entry', 'sealsIntact as text', { sealsIntact: 'yes' }, 'sealsIntact'],
        ['control-results', 'unknown result', { result: 'BOF', sealsIntact: true }, 'result'],
        ['control-results', 'discrepancies without any', { result: 'DISCREPANCIES', sealsIntact: true, discrepancies: [] }, 'discrepancies'],
        ['incident', 'unknown kind and hours as text', { kind: 'FIRE', description: 'x', extendHours: '5' }, 'kind'],
        ['incident', 'transhipment without vehicle', { kind: 'TRANSHIPMENT', description: 'x' }, 'newVehicle'],
        ['incident', 'extension of 10,000 hours', { kind: 'BREAKDOWN', description: 'x', extendHours: 10_000 }, 'extendHours'],
        ['cancel', 'reason as a number', { reason: 5 }, 'reason'],
        ['cancel', 'empty reason', { reason: '   ' }, 'reason'],
        ['resolve-discrepancy', 'resolution as an object', { resolution: { text: 'ok' } }, 'resolution'],
      ];
      for (const [action, what, body, path] of cases) {
        const actor = action === 'cancel' ? declarantOf(tin) : officer;
        const answer = await corridor.act(mrn, action, actor, body);
        assert.equal(answer.status, 400, `${action} with ${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.error, 'INVALID_REQUEST');
        if (path)
          assert.ok(
            (answer.body.errors as Array<{ path: string }>).some((e) => e.path === path),
            `${action} with ${what}: ${JSON.stringify(answer.body.errors)}`,
          );
      }
      // The amendment is a whole declaration: every error of it, like a new one.
      const amend = await corridor.api.call<Record<string, any>>('POST', `/transits/${mrn}/amend`, declarantOf(tin), { lrn: 5, route: 'TGLFW001' });
      assert.equal(amend.status, 400);
      assert.ok((amend.body.errors as unknown[]).length >= 2, JSON.stringify(amend.body));
      // An Idempotency-Key that is not one.
      const key = await corridor.act(mrn, 'release', officer, { seals: ['S-1'] }, 'not a key/with spaces');
      assert.equal(key.status, 400);
    });

    it("another declarant's amendment is refused as for an unknown MRN, without learning the movement's LRN", async () => {
      const theirs = declarationFor('lome-ouaga', other);
      const amend = await corridor.api.call<Record<string, any>>('POST', `/transits/${mrn}/amend`, declarantOf(other), theirs.json);
      assert.equal(amend.status, 404, JSON.stringify(amend.body));
      assert.equal(amend.body.error, 'NOT_FOUND');
      assert.doesNotMatch(JSON.stringify(amend.body), new RegExp(lodged.json.lrn));
    });

    it('malformed JSON is a 400 and a body over 1 MiB a 413, on lodging and on acts', async () => {
      const declarant = await stack.declarant(tin);
      const officer = await stack.officer('TGLFW001');
      const broken = await raw('POST', '/transits', { token: declarant, body: '{"lrn": "A", "route": [' });
      assert.equal(broken.status, 400, JSON.stringify(broken.body));
      const brokenAct = await raw('POST', `/transits/${mrn}/release`, { token: officer, body: '{"seals": ["S-1"' });
      assert.equal(brokenAct.status, 400);
      const { json } = declarationFor('lome-ouaga', tin);
      const huge = JSON.stringify({ ...json, goodsItems: Array.from({ length: 4000 }, () => ({ ...json.goodsItems[0], description: 'x'.repeat(300) })) });
      assert.ok(huge.length > 1024 * 1024);
      const big = await raw('POST', '/transits', { token: declarant, body: huge });
      assert.equal(big.status, 413, JSON.stringify(big.body));
      assert.equal(big.body.error, 'PAYLOAD_TOO_LARGE');
      const bigAct = await raw('POST', `/transits/${mrn}/release`, {
        token: officer,
        body: JSON.stringify({ seals: ['S-1'], remarks: 'x'.repeat(1_100_000) }),
      });
      assert.equal(bigAct.status, 413);
    });

    it('after every refusal above, the movement, its record and its calls are exactly as they were', async () => {
      assert.deepEqual(await snapshot(mrn), untouched);
      assert.equal(untouched.status, 'ACCEPTED');
      assert.deepEqual(untouched.timeline, ['LODGED', 'REGISTERED', 'GUARANTEE_RESERVED', 'ACCEPTED']);
    });
  });

  it('an unknown MRN is a 404 for reading and for acting; a malformed one a 400', async () => {
    const unknown = '26TG00000000000000';
    const read = await corridor.api.call<Record<string, any>>('GET', `/transits/${unknown}`, { user: 'regional', role: 'regional' });
    assert.equal(read.status, 404);
    assert.match(read.body.message, new RegExp(unknown));
    const act = await corridor.act(unknown, 'release', officerAt('TGLFW001'), { seals: ['S-1'] });
    assert.equal(act.status, 404, JSON.stringify(act.body));
    assert.equal((await corridor.act(unknown, 'cancel', declarantOf(tin), { reason: 'x' })).status, 404);
    const malformed = await corridor.api.call('GET', '/transits/26tg-not-an-mrn', { user: 'regional', role: 'regional' });
    assert.equal(malformed.status, 400);
  });

  it('no token, a malformed or forged or expired token: 401 everywhere', async () => {
    const mrn = '26TG00000000000000';
    const forged = await signToken('another-secret-of-sixteen-chars-at-least', { user: 'x', role: 'regional' });
    const expired = await new SignJWT({ role: 'regional' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer('corridor')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(stack.config.tokenSecret));
    const noOffice = await new SignJWT({ role: 'officer' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer('corridor')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(stack.config.tokenSecret));
    const authorizations: Array<string | undefined> = [
      undefined,
      'Bearer',
      'Bearer not.a.jwt',
      `Basic ${forged}`,
      `Bearer ${forged}`,
      `Bearer ${expired}`,
      `Bearer ${noOffice}`,
    ];
    for (const authorization of authorizations) {
      const requests = [
        raw('GET', `/transits/${mrn}`, authorization ? { authorization } : {}),
        raw('GET', '/transits', authorization ? { authorization } : {}),
        raw('POST', '/transits', { ...(authorization ? { authorization } : {}), body: '{}' }),
        raw('POST', `/transits/${mrn}/release`, { ...(authorization ? { authorization } : {}), body: '{"seals":["S-1"]}' }),
      ];
      for (const answer of await Promise.all(requests)) {
        assert.equal(answer.status, 401, `${authorization ?? 'no Authorization'}: ${answer.status} ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.error, 'UNAUTHENTICATED');
      }
    }
  });

  it("a next country's system refusing the AAR is never a 500 nor silent: the movement says so", async () => {
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.accepted(d);
    // Burkina already holds a record of this MRN with other content: it will refuse the AAR.
    const conflicting = await fetch(`${stack.sandboxes.BF.url}/v1/movements/${mrn}/aar`, {
      method: 'POST',
      headers: { ...stack.sandboxes.BF.headers, 'content-type': 'application/json', 'idempotency-key': `conflict-${mrn}` },
      body: JSON.stringify({
        mrn,
        departureCountry: 'TG',
        lrn: 'AUTRE',
        declarantTin: d.tin,
        declaration: d.declaration,
        seals: ['X-1'],
        timeLimit: new Date().toISOString(),
      }),
    });
    assert.equal(conflicting.status, 201);
    const release = await corridor.act(mrn, 'release', officerAt('TGLFW001'), { seals: ['S-1'] });
    assert.notEqual(release.status, 500, JSON.stringify(release.body));
    // Released, the AAR follows the answer: its refusal is in the timeline a moment later.
    const state = release.status === 200 ? await corridor.forwarded(mrn, 'AAR_REFUSED') : await corridor.state(mrn);
    if (state.status === 'RELEASED') {
      assert.ok(
        state.timeline.some((e) => /AAR/.test(e.what) && e.what !== 'AAR_SENT'),
        `released without AAR and without a word: ${state.timeline.map((e) => e.what)}`,
      );
    } else {
      assert.equal(release.status, 409);
      assert.match(release.body.message, /MOVEMENT_EXISTS|already/);
    }
  });

  it('a closed movement refuses acts with 409, not 404 or 500', async () => {
    const answer = await corridor.lodge(declarationFor('lome-ouaga', tin, (json) => (json.guarantee = { grn: '26TG0000000000003', accessCode: '3456' })));
    assert.equal(answer.status, 422);
    const mrn = answer.body.mrn;
    const view: TransitView = await corridor.state(mrn);
    assert.equal(view.status, 'REJECTED');
    await stack.client.workflow.getHandle(mrn).result(); // closed, not merely refusing
    const release = await corridor.act(mrn, 'release', officerAt('TGLFW001'), { seals: ['S-1'] });
    assert.equal(release.status, 409, JSON.stringify(release.body));
    assert.match(release.body.message, /REJECTED/);
  });
});
