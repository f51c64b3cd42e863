// Idempotency over HTTP: a repeated Idempotency-Key returns the first answer byte for byte
// and changes nothing, refusals included; the same key for another call is 422.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  balance,
  bigGuarantee,
  calls,
  declaration,
  get,
  guaranteed,
  http,
  key,
  movement,
  newMrn,
  post,
  register,
  reserve,
  sandbox,
  smallGuarantee,
  atRisk,
} from './helpers.ts';

const G = bigGuarantee.TG.grn;

describe('a repeated Idempotency-Key', () => {
  test('returns the first answer byte for byte and creates no second record', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    const decl = declaration();
    const body = { mrn, lrn: String(decl.lrn), declarantTin: '1000555555', declaration: decl };
    const k = key('register');
    const first = await post(sb, '/v1/movements', body, k);
    assert.equal(first.status, 201, first.text);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const second = await post(sb, '/v1/movements', body, k);
    assert.equal(second.status, 201);
    assert.equal(second.text, first.text);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');

    assert.equal((await movement(sb, mrn)).events.length, 1);
    const recorded = await calls(sb, `?mrn=${mrn}`);
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]!.replays, 1);
    assert.deepEqual((await get(sb, '/admin/movements')).json.movements.length, 1);
  });

  test('a repeated reservation reserves once', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    await register(sb, mrn);
    const k = key('reserve');
    const first = await reserve(sb, mrn, bigGuarantee.TG, k);
    const before = await balance(sb, G);
    const again = await reserve(sb, mrn, bigGuarantee.TG, k);
    const third = await reserve(sb, mrn, bigGuarantee.TG, k);
    assert.equal(again.text, first.text);
    assert.equal(third.text, first.text);
    assert.deepEqual(await balance(sb, G), before);
    assert.equal(before.reservationCounts.reserved, 1);
  });

  test('a repeated release or claim with the same key is the first answer, not a refusal', async (t) => {
    const sb = await sandbox(t);
    const { mrn } = await guaranteed(sb, [4_000_000]);
    const k = key('release');
    const first = await post(sb, `/v1/guarantees/${G}/reservations/${mrn}/release`, { reason: 'discharged' }, k);
    const again = await post(sb, `/v1/guarantees/${G}/reservations/${mrn}/release`, { reason: 'discharged' }, k);
    assert.equal(first.status, 200);
    assert.equal(again.status, 200);
    assert.equal(again.text, first.text);
    // A new key is a new call: releasing again is refused.
    assert.equal((await post(sb, `/v1/guarantees/${G}/reservations/${mrn}/release`, { reason: 'discharged' })).json.code, 'RESERVATION_CLOSED');
  });

  test('a refusal is replayed as a refusal even once the call would succeed, and changes nothing', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    await register(sb, mrn, declaration([5_000_000], smallGuarantee)); // 1,625,700 at risk: too much
    const k = key('reserve');
    const refused = await reserve(sb, mrn, smallGuarantee, k);
    assert.equal(refused.status, 409);
    assert.equal(refused.json.code, 'GUARANTEE_INSUFFICIENT');
    // The declaration is amended to fit; the same key still answers what it answered.
    assert.equal((await post(sb, `/v1/movements/${mrn}/amend`, { declaration: declaration([100_000], smallGuarantee) })).status, 200);
    const replayed = await reserve(sb, mrn, smallGuarantee, k);
    assert.equal(replayed.status, 409);
    assert.equal(replayed.text, refused.text);
    assert.equal((await balance(sb, smallGuarantee.grn)).reservedXof, 0);
    // A new key is a new call, which now succeeds.
    assert.equal((await reserve(sb, mrn, smallGuarantee)).status, 201);
  });

  test('the same key with a different body or another operation is 422 and changes nothing', async (t) => {
    const sb = await sandbox(t);
    const { mrn } = await guaranteed(sb);
    const k = key('release');
    assert.equal((await post(sb, `/v1/guarantees/${G}/reservations/${mrn}/release`, { reason: 'discharged' }, k)).status, 200);
    const before = await balance(sb, G);

    const otherBody = await post(sb, `/v1/guarantees/${G}/reservations/${mrn}/release`, { reason: 'something else' }, k);
    assert.equal(otherBody.status, 422);
    assert.equal(otherBody.json.code, 'IDEMPOTENCY_KEY_REUSED');
    const otherOperation = await post(sb, `/v1/movements/${mrn}/cancel`, { reason: 'x' }, k);
    assert.equal(otherOperation.status, 422);
    const otherMovement = await post(sb, `/v1/guarantees/${G}/reservations/${newMrn()}/release`, { reason: 'discharged' }, k);
    assert.equal(otherMovement.status, 422, 'path parameters are part of the call');

    assert.deepEqual(await balance(sb, G), before);
    assert.equal((await movement(sb, mrn)).state, 'REGISTERED');
    assert.equal((await calls(sb)).filter((c) => c.idempotencyKey === k).length, 1);
  });

  test('the order of the fields does not make a different body', async (t) => {
    const mrn = newMrn('TG');
    const bf = await sandbox(t, { country: 'BF' });
    await post(bf, `/v1/movements/${mrn}/aar`, {
      departureCountry: 'TG',
      lrn: 'L-1',
      declarantTin: '1000555555',
      declaration: declaration(),
      seals: ['TG-S-1'],
      timeLimit: '2026-12-01T10:00:00Z',
    });
    const k = key('entry');
    const first = await http(bf, 'POST', `/v1/movements/${mrn}/entry`, { office: 'BFCKN001', sealsIntact: true }, k);
    assert.equal(first.status, 200, first.text);
    const reordered = await http(bf, 'POST', `/v1/movements/${mrn}/entry`, { sealsIntact: true, office: 'BFCKN001' }, k);
    assert.equal(reordered.status, 200);
    assert.equal(reordered.text, first.text);
  });
});

describe('registering the same movement again', () => {
  test('with the same content (another key) answers 200 with the same record; other content is MOVEMENT_EXISTS', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    const decl = declaration();
    const first = await register(sb, mrn, decl);
    const same = await register(sb, mrn, decl);
    assert.equal(first.status, 201);
    assert.equal(same.status, 200);
    assert.equal(same.json.reference, first.json.reference);
    const other = await register(sb, mrn, declaration([1]));
    assert.equal(other.status, 409);
    assert.equal(other.json.code, 'MOVEMENT_EXISTS');
    assert.equal((await get(sb, '/admin/movements')).json.movements.length, 1);
  });
});

describe('malformed calls', () => {
  test('a mutating call without Idempotency-Key is 400 and does nothing', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    const decl = declaration();
    const answer = await http(sb, 'POST', '/v1/movements', { mrn, lrn: 'L', declarantTin: 'T', declaration: decl });
    assert.equal(answer.status, 400);
    assert.equal(answer.json.code, 'REQUEST_INVALID');
    assert.deepEqual(answer.json.errors, [{ in: 'headers', path: '/idempotency-key', message: 'expected an Idempotency-Key header' }]);
    assert.equal((await get(sb, `/v1/movements/${mrn}`)).status, 404);
  });

  test('a bad body is 400 with every field at fault and its path', async (t) => {
    const sb = await sandbox(t);
    const decl = declaration();
    (decl.goodsItems[0] as { valueXof: unknown }).valueXof = 12.5;
    (decl.guarantee as { grn: unknown }).grn = 'nope';
    const answer = await post(sb, '/v1/movements', { mrn: 'SHORT', lrn: 'L', declarantTin: 'T', declaration: decl });
    assert.equal(answer.status, 400);
    const paths = answer.json.errors.map((e: { path: string }) => e.path).sort();
    assert.deepEqual(paths, ['/declaration/goodsItems/0/valueXof', '/declaration/guarantee/grn', '/mrn']);
    assert.ok(answer.json.errors.every((e: { in: string }) => e.in === 'body'));
    assert.equal((await calls(sb)).length, 0, 'a malformed call is not a call the system accepted');
  });

  test("unknown routes answer in the contract's error shape", async (t) => {
    const sb = await sandbox(t);
    const answer = await get(sb, '/v1/nothing-here');
    assert.equal(answer.status, 404);
    assert.equal(answer.json.code, 'ROUTE_UNKNOWN');
  });
});

describe("the system's record of every call it accepted", () => {
  test('lists the calls of a movement in order, with outcome and answer', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    await register(sb, mrn);
    await reserve(sb, mrn, { grn: G, accessCode: '0000' });
    await reserve(sb, mrn);
    const list = await calls(sb, `?mrn=${mrn}`);
    assert.deepEqual(
      list.map((c) => [c.operation, c.status, c.outcome]),
      [
        ['registerDeclaration', 201, 'done'],
        ['reserveGuarantee', 404, 'GUARANTEE_UNKNOWN'],
        ['reserveGuarantee', 201, 'done'],
      ],
    );
    assert.equal((list[2]!.answer as { amountXof: number }).amountXof, atRisk('TG', [12_000_000, 3_500_000]));
    assert.equal((await calls(sb, `?operation=reserveGuarantee&mrn=${mrn}`)).length, 2);
  });
});
