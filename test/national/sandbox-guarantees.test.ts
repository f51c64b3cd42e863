// Guarantees over HTTP: the amount at risk, and reserve / release / claim keeping every
// balance exact to the franc; refusals reserve nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  atRisk,
  balance,
  bigGuarantee,
  declaration,
  expiredGuarantee,
  get,
  guaranteed,
  movement,
  newMrn,
  post,
  principalGuarantee,
  register,
  reserve,
  sandbox,
  smallGuarantee,
} from './helpers.ts';

const G = bigGuarantee.TG.grn;

describe('amount at risk', () => {
  test("the sandbox reserves its own country's amount at risk, from its own tariff", async (t) => {
    const tg = await sandbox(t, { country: 'TG' });
    const { reservation } = await guaranteed(tg, [1_000_001]);
    // Rice (HS 1006, 10 % duty): DD 100,001 + RS 10,001 + PCS 8,001 + PC 5,001 = 123,004; VAT 18 % of 1,123,005 = 202,141 (rounded up).
    assert.equal(reservation.amountXof, 325_145);
    assert.equal(reservation.amountXof, atRisk('TG', [1_000_001]));
    assert.equal(reservation.reservation.ratePercent, 32.51);
    assert.equal(reservation.reservation.declaredValueXof, 1_000_001);

    const bf = await sandbox(t, { country: 'BF' });
    const mrn = newMrn('BF');
    assert.equal((await register(bf, mrn, declaration([1_000_001], bigGuarantee.BF))).status, 201);
    const answer = await reserve(bf, mrn, bigGuarantee.BF);
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.json.amountXof, atRisk('BF', [1_000_001]));
  });
});

describe('reserve, release and claim keep the balance exact', () => {
  test('each step moves exactly the reserved amount, and the movement follows', async (t) => {
    const sb = await sandbox(t);
    const before = await balance(sb, G);
    assert.equal(before.referenceAmountXof, 500_000_000_000);
    assert.equal(before.availableXof, 500_000_000_000);

    const a = await guaranteed(sb, [10_000_000]); // 3,251,400 at risk
    const b = await guaranteed(sb, [3_333_333]);
    const bAmount = atRisk('TG', [3_333_333]);
    assert.equal(a.reservation.amountXof, 3_251_400);
    assert.equal(b.reservation.amountXof, bAmount);
    assert.equal(a.reservation.movement.state, 'GUARANTEED');
    let now = await balance(sb, G);
    assert.equal(now.reservedXof, atRisk('TG', [10_000_000]) + bAmount);
    assert.equal(now.claimedXof, 0);
    assert.equal(now.availableXof, 500_000_000_000 - atRisk('TG', [10_000_000]) - bAmount);
    assert.deepEqual(now.reservationCounts, { reserved: 2, released: 0, claimed: 0 });

    const released = await post(sb, `/v1/guarantees/${G}/reservations/${a.mrn}/release`, { reason: 'discharged' });
    assert.equal(released.status, 200, released.text);
    assert.equal(released.json.amountXof, 3_251_400);
    assert.equal(released.json.reservation.status, 'RELEASED');
    assert.equal(released.json.guarantee.reservedXof, bAmount);
    // Released before release for transit: the movement has no guarantee any more.
    assert.equal(released.json.movement.state, 'REGISTERED');

    const claimed = await post(sb, `/v1/guarantees/${G}/reservations/${b.mrn}/claim`, { reason: 'no proof of arrival after the enquiry' });
    assert.equal(claimed.status, 200, claimed.text);
    assert.equal(claimed.json.reservation.status, 'CLAIMED');
    now = await balance(sb, G);
    assert.equal(now.reservedXof, 0);
    assert.equal(now.claimedXof, bAmount);
    assert.equal(now.availableXof, 500_000_000_000 - bAmount);
    assert.deepEqual(now.reservationCounts, { reserved: 0, released: 1, claimed: 1 });
    assert.deepEqual(now.reservations, [], 'no reservation is open');

    const ofB = (await get(sb, `/v1/guarantees/${G}?mrn=${b.mrn}`)).json;
    assert.equal(ofB.reservations.length, 1);
    assert.equal(ofB.reservations[0].status, 'CLAIMED');
    assert.equal((await movement(sb, b.mrn)).guarantee?.status, 'CLAIMED');
  });

  test('after many reservations, releases and claims the balance equals the sum of the reservations', async (t) => {
    const sb = await sandbox(t);
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    let open = 0;
    let claimed = 0;
    for (let i = 0; i < 40; i++) {
      const values = [1 + (next() % 50_000_000), 1 + (next() % 7_777_777)];
      const { mrn, reservation } = await guaranteed(sb, values);
      assert.equal(reservation.amountXof, atRisk('TG', values));
      const fate = next() % 3;
      if (fate === 0) {
        assert.equal((await post(sb, `/v1/guarantees/${G}/reservations/${mrn}/release`, {})).status, 200);
      } else if (fate === 1) {
        assert.equal((await post(sb, `/v1/guarantees/${G}/reservations/${mrn}/claim`, { reason: 'recovery' })).status, 200);
        claimed += reservation.amountXof;
      } else {
        open += reservation.amountXof;
      }
    }
    const now = await balance(sb, G);
    assert.equal(now.reservedXof, open);
    assert.equal(now.claimedXof, claimed);
    assert.equal(now.availableXof, now.referenceAmountXof - open - claimed);
    assert.equal(
      now.reservations.reduce((sum, r) => sum + r.amountXof, 0),
      open,
    );
    assert.ok(Number.isInteger(now.availableXof));
  });

  test('releasing or claiming twice is refused and changes nothing', async (t) => {
    const sb = await sandbox(t);
    const { mrn } = await guaranteed(sb, [2_000_000]);
    assert.equal((await post(sb, `/v1/guarantees/${G}/reservations/${mrn}/release`, {})).status, 200);
    const after = await balance(sb, G);

    const again = await post(sb, `/v1/guarantees/${G}/reservations/${mrn}/release`, {});
    assert.equal(again.status, 409);
    assert.equal(again.json.code, 'RESERVATION_CLOSED');
    const claim = await post(sb, `/v1/guarantees/${G}/reservations/${mrn}/claim`, { reason: 'recovery' });
    assert.equal(claim.status, 409);
    assert.equal(claim.json.code, 'RESERVATION_CLOSED');
    assert.deepEqual(await balance(sb, G), after);

    const c = await guaranteed(sb, [2_000_000]);
    assert.equal((await post(sb, `/v1/guarantees/${G}/reservations/${c.mrn}/claim`, { reason: 'recovery' })).status, 200);
    const twice = await post(sb, `/v1/guarantees/${G}/reservations/${c.mrn}/claim`, { reason: 'recovery' });
    assert.equal(twice.json.code, 'RESERVATION_CLOSED');
    assert.match(twice.json.reason, /already claimed/);
  });

  test('a movement that never reserved on the guarantee has no reservation to release', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    await register(sb, mrn);
    const answer = await post(sb, `/v1/guarantees/${G}/reservations/${mrn}/release`, {});
    assert.equal(answer.status, 404);
    assert.equal(answer.json.code, 'RESERVATION_UNKNOWN');
  });
});

describe('a refused reservation reserves nothing', () => {
  test('above the available balance: GUARANTEE_INSUFFICIENT, balance and movement untouched', async (t) => {
    const sb = await sandbox(t);
    // 1,000,000 XOF guarantee; rice worth 3,100,000 puts 1,007,934 at risk in Togo.
    const mrn = newMrn();
    await register(sb, mrn, declaration([3_100_000], smallGuarantee));
    const before = await balance(sb, smallGuarantee.grn);
    const answer = await reserve(sb, mrn, smallGuarantee);
    assert.equal(answer.status, 409);
    assert.equal(answer.json.code, 'GUARANTEE_INSUFFICIENT');
    assert.match(answer.json.reason, /1,007,934 XOF/);
    assert.match(answer.json.reason, /1,000,000 XOF available/);
    assert.deepEqual(await balance(sb, smallGuarantee.grn), before);
    const m = await movement(sb, mrn);
    assert.equal(m.state, 'REGISTERED');
    assert.equal(m.guarantee, null);
  });

  test('exactly the available balance fits; one franc more does not', async (t) => {
    const sb = await sandbox(t);
    const first = await guaranteed(sb, [2_000_000], smallGuarantee);
    const left = 1_000_000 - first.reservation.amountXof;
    // The largest customs value whose amount at risk still fits what is left, found with the tariff itself.
    let low = 0;
    let high = 10 * left;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (atRisk('TG', [mid]) <= left) low = mid;
      else high = mid - 1;
    }
    assert.ok(atRisk('TG', [low + 1]) > left);
    const tooMuch = newMrn();
    await register(sb, tooMuch, declaration([low + 1], smallGuarantee));
    assert.equal((await reserve(sb, tooMuch, smallGuarantee)).json.code, 'GUARANTEE_INSUFFICIENT');
    const fits = await guaranteed(sb, [low], smallGuarantee);
    assert.equal(fits.reservation.amountXof, atRisk('TG', [low]));
    assert.equal(fits.reservation.guarantee.availableXof, left - atRisk('TG', [low]));
  });

  test("unknown guarantee, wrong access code, expired guarantee, another principal's guarantee", async (t) => {
    const sb = await sandbox(t);
    const cases: Array<[{ grn: string; accessCode: string }, number, string]> = [
      [{ grn: '26TG0000000009999', accessCode: '1234' }, 404, 'GUARANTEE_UNKNOWN'],
      [{ grn: G, accessCode: '9999' }, 404, 'GUARANTEE_UNKNOWN'],
      [expiredGuarantee, 409, 'GUARANTEE_EXPIRED'],
      [principalGuarantee, 409, 'GUARANTEE_PRINCIPAL_MISMATCH'],
    ];
    const before = (await get(sb, '/admin/guarantees')).json;
    for (const [guarantee, status, code] of cases) {
      const mrn = newMrn();
      await register(sb, mrn, declaration([1_000_000], guarantee));
      const answer = await reserve(sb, mrn, guarantee);
      assert.equal(answer.status, status, `${code}: ${answer.text}`);
      assert.equal(answer.json.code, code);
      assert.ok(answer.json.reason.length > 10, 'a reason a person can read');
      assert.equal((await movement(sb, mrn)).state, 'REGISTERED');
    }
    assert.deepEqual((await get(sb, '/admin/guarantees')).json, before, 'no balance moved');
  });

  test('the wrong access code is refused even on an expired guarantee (it says nothing about the guarantee)', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    await register(sb, mrn);
    const answer = await reserve(sb, mrn, { grn: expiredGuarantee.grn, accessCode: '0000' });
    assert.equal(answer.json.code, 'GUARANTEE_UNKNOWN');
  });

  test('a wrong access code answers exactly as an unknown guarantee: the same code, status and words', async (t) => {
    const sb = await sandbox(t);
    const wrong = newMrn();
    await register(sb, wrong);
    const unknown = newMrn();
    await register(sb, unknown);
    const a = await reserve(sb, wrong, { grn: G, accessCode: '9999' });
    const b = await reserve(sb, unknown, { grn: '26TG0000000009999', accessCode: '9999' });
    assert.deepEqual([a.status, a.json.code], [b.status, b.json.code]);
    assert.equal(a.json.reason.replace(G, '<GRN>'), b.json.reason.replace('26TG0000000009999', '<GRN>'));
  });

  test('five wrong access codes within 15 minutes lock the guarantee, even against the right code; other guarantees are untouched', async (t) => {
    const sb = await sandbox(t);
    for (let i = 0; i < 5; i++) {
      const mrn = newMrn();
      await register(sb, mrn);
      assert.equal((await reserve(sb, mrn, { grn: G, accessCode: `000${i}` })).json.code, 'GUARANTEE_UNKNOWN');
    }
    const before = await balance(sb, G);
    const mrn = newMrn();
    await register(sb, mrn);
    const locked = await reserve(sb, mrn, bigGuarantee.TG);
    assert.equal(locked.status, 409, locked.text);
    assert.equal(locked.json.code, 'GUARANTEE_LOCKED');
    assert.match(locked.json.reason, /locked after 5 wrong access codes/);
    assert.deepEqual(await balance(sb, G), before);
    assert.equal((await movement(sb, mrn)).state, 'REGISTERED');
    // Another guarantee of the same system still serves.
    const other = newMrn();
    await register(sb, other, declaration([1_000_000], smallGuarantee));
    assert.equal((await reserve(sb, other, smallGuarantee)).status, 201);
  });

  test("a principal's own guarantee serves that principal", async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    await register(sb, mrn, declaration([1_000_000], principalGuarantee, principalGuarantee.principalTin));
    const answer = await reserve(sb, mrn, principalGuarantee);
    assert.equal(answer.status, 201, answer.text);
  });

  test('a movement must be registered, and reserves only once', async (t) => {
    const sb = await sandbox(t);
    const unknown = await reserve(sb, newMrn());
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.code, 'MOVEMENT_UNKNOWN');
    const { mrn, reservation } = await guaranteed(sb);
    // Asked again on the same guarantee (e.g. after the declarant lodged directly), the open
    // reservation is the answer: nothing is reserved twice.
    const again = await reserve(sb, mrn);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.json.reservation, reservation.reservation);
    // On another guarantee it is a second reservation, which a guaranteed movement cannot take.
    const elsewhere = await reserve(sb, mrn, smallGuarantee);
    assert.equal(elsewhere.status, 409);
    assert.equal(elsewhere.json.code, 'MOVEMENT_STATE');
    assert.equal((await balance(sb, G)).reservationCounts.reserved, 1);
  });
});

describe('cancel and amend keep the guarantee right', () => {
  test('cancelling a guaranteed declaration releases its reservation in the same step', async (t) => {
    const sb = await sandbox(t);
    const { mrn } = await guaranteed(sb, [10_000_000]);
    const answer = await post(sb, `/v1/movements/${mrn}/cancel`, { reason: 'le client a renoncé / the client gave up' });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json.state, 'CANCELLED');
    const now = await balance(sb, G);
    assert.equal(now.reservedXof, 0);
    assert.equal(now.reservationCounts.released, 1);
  });

  test('an amendment recomputes the amount at risk; one that no longer fits is refused and changes nothing', async (t) => {
    const sb = await sandbox(t);
    const { mrn } = await guaranteed(sb, [1_000_000], smallGuarantee);
    const lower = await post(sb, `/v1/movements/${mrn}/amend`, { declaration: declaration([500_000], smallGuarantee) });
    assert.equal(lower.status, 200, lower.text);
    assert.equal(lower.json.state, 'GUARANTEED');
    let now = await balance(sb, smallGuarantee.grn);
    assert.equal(now.reservedXof, atRisk('TG', [500_000]));
    assert.equal(now.reservationCounts.reserved, 1);

    const tooHigh = await post(sb, `/v1/movements/${mrn}/amend`, { declaration: declaration([4_000_000], smallGuarantee) });
    assert.equal(tooHigh.status, 409);
    assert.equal(tooHigh.json.code, 'GUARANTEE_INSUFFICIENT');
    now = await balance(sb, smallGuarantee.grn);
    assert.equal(now.reservedXof, atRisk('TG', [500_000]), 'the old reservation still stands');
    const m = await movement(sb, mrn);
    assert.equal(m.version, 2, 'the refused amendment is not recorded');
    assert.equal(m.declaration.goodsItems[0].valueXof, 500_000);

    // Moving to another guarantee: released on the old, reserved on the new.
    const moved = await post(sb, `/v1/movements/${mrn}/amend`, { declaration: declaration([3_000_000], bigGuarantee.TG) });
    assert.equal(moved.status, 200, moved.text);
    assert.equal((await balance(sb, smallGuarantee.grn)).reservedXof, 0);
    assert.equal((await balance(sb, G)).reservedXof, atRisk('TG', [3_000_000]));
  });
});
