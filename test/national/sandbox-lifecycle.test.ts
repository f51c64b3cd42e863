// The sandbox's records follow the corridor: the departure country's record from registration
// to write-off, the next country's record from the AAR to discharge, and every step out of
// order refused with MOVEMENT_STATE.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Sandbox } from '../../src/national/sandbox/server.ts';
import { bigGuarantee, declaration, get, guaranteed, movement, newMrn, post, register, sandbox } from './helpers.ts';

const timeLimit = '2026-12-01T10:00:00.000Z';

async function step(sb: Sandbox, mrn: string, route: string, body: Record<string, unknown>, expectedState: string) {
  const answer = await post(sb, `/v1/movements/${mrn}/${route}`, body);
  assert.equal(answer.status, 200, `${route}: ${answer.text}`);
  assert.equal(answer.json.state, expectedState, route);
  return answer.json;
}

async function aar(sb: Sandbox, mrn: string, extra: Record<string, unknown> = {}) {
  return post(sb, `/v1/movements/${mrn}/aar`, {
    departureCountry: mrn.slice(2, 4),
    departureReference: `${mrn.slice(2, 4)}-2026-000001`,
    lrn: 'LRN-1',
    declarantTin: '1000555555',
    declaration: declaration(),
    seals: ['TG-S-0001', 'TG-S-0002'],
    timeLimit,
    ...extra,
  });
}

describe("the departure country's record", () => {
  test('REGISTERED → GUARANTEED → RELEASED → AT_BORDER → EXITED → WRITTEN_OFF, with its history', async (t) => {
    const sb = await sandbox(t, { country: 'TG' });
    const mrn = newMrn('TG');
    const registered = await register(sb, mrn);
    assert.equal(registered.status, 201);
    assert.match(registered.json.reference, /^TG-\d{4}-\d{6}$/);
    assert.deepEqual({ ...registered.json, reference: undefined }, { mrn, reference: undefined, country: 'TG', role: 'DEPARTURE', state: 'REGISTERED' });
    assert.equal((await post(sb, `/v1/guarantees/${bigGuarantee.TG.grn}/reservations`, { mrn, accessCode: '1234' })).json.movement.state, 'GUARANTEED');
    await step(
      sb,
      mrn,
      'release-for-transit',
      { office: 'TGLFW001', seals: ['TG-S-0001', 'TG-S-0002'], timeLimit, controlResult: 'SATISFACTORY', at: '2026-11-27T08:00:00+00:00' },
      'RELEASED',
    );
    await step(sb, mrn, 'border-arrival', { office: 'TGCKS001' }, 'AT_BORDER');
    await step(sb, mrn, 'exit', { office: 'TGCKS001', sealsIntact: true }, 'EXITED');
    await step(sb, mrn, 'write-off', {}, 'WRITTEN_OFF');

    const m = await movement(sb, mrn);
    assert.equal(m.reference, registered.json.reference);
    assert.deepEqual(
      m.events.map((e) => [e.operation, e.state, e.office]),
      [
        ['registerDeclaration', 'REGISTERED', null],
        ['reserveGuarantee', 'GUARANTEED', null],
        ['recordRelease', 'RELEASED', 'TGLFW001'],
        ['recordBorderArrival', 'AT_BORDER', 'TGCKS001'],
        ['confirmExit', 'EXITED', 'TGCKS001'],
        ['writeOff', 'WRITTEN_OFF', null],
      ],
    );
    assert.equal(m.events[2]!.at, '2026-11-27T08:00:00.000Z', "the officer's time of the release is kept");
    assert.deepEqual((m as unknown as { seals: string[] }).seals, ['TG-S-0001', 'TG-S-0002']);
    assert.equal((m as unknown as { timeLimit: string }).timeLimit, timeLimit);
    assert.equal(m.declaration.guarantee.accessCode, '****', 'the access code is never given back');
    assert.equal(m.declaration.transport.registration, 'TG-4521-AB', 'the rest of the declaration is kept as sent');
  });

  test('each registration gets the next national reference', async (t) => {
    const sb = await sandbox(t);
    const refs = [];
    for (let i = 0; i < 3; i++) refs.push((await register(sb, newMrn())).json.reference as string);
    const numbers = refs.map((r) => Number(r.slice(-6)));
    assert.deepEqual(numbers, [numbers[0], numbers[0]! + 1, numbers[0]! + 2]);
  });

  test('steps out of order are refused with MOVEMENT_STATE and a reason', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    await register(sb, mrn);
    const release = { office: 'TGLFW001', seals: ['S1'], timeLimit, controlResult: 'SATISFACTORY' };
    const cases: Array<[string, Record<string, unknown>]> = [
      ['release-for-transit', release], // no guarantee yet
      ['exit', { office: 'TGCKS001', sealsIntact: true }],
      ['write-off', {}],
      ['entry', { office: 'TGCKS001', sealsIntact: true }], // entry is for a record received by AAR
      ['discharge', { office: 'TGLFW001' }],
    ];
    for (const [route, body] of cases) {
      const answer = await post(sb, `/v1/movements/${mrn}/${route}`, body);
      assert.equal(answer.status, 409, `${route}: ${answer.text}`);
      assert.equal(answer.json.code, 'MOVEMENT_STATE', route);
      assert.match(answer.json.reason, /REGISTERED/);
    }
    assert.equal((await movement(sb, mrn)).events.length, 1, 'refusals leave no trace in the record');

    // Once released, it can no longer be amended or cancelled.
    const { mrn: released } = await guaranteed(sb);
    await step(sb, released, 'release-for-transit', release, 'RELEASED');
    for (const [route, body] of [
      ['cancel', { reason: 'too late' }],
      ['amend', { declaration: declaration() }],
    ] as const) {
      const answer = await post(sb, `/v1/movements/${released}/${route}`, body);
      assert.equal(answer.json.code, 'MOVEMENT_STATE', route);
    }
  });

  test('an office of another country is refused: each country records its own steps', async (t) => {
    const sb = await sandbox(t);
    const { mrn } = await guaranteed(sb);
    const answer = await post(sb, `/v1/movements/${mrn}/release-for-transit`, {
      office: 'BFOUA001',
      seals: ['S1'],
      timeLimit,
      controlResult: 'SATISFACTORY',
    });
    assert.equal(answer.status, 409);
    assert.equal(answer.json.code, 'OFFICE_NOT_NATIONAL');
    assert.equal((await movement(sb, mrn)).state, 'GUARANTEED');
  });

  test('a declaration registers in its country of departure only', async (t) => {
    const sb = await sandbox(t, { country: 'TG' });
    const answer = await register(sb, newMrn('BF'));
    assert.equal(answer.status, 409);
    assert.equal(answer.json.code, 'MRN_COUNTRY_MISMATCH');
  });

  test('an unknown movement is 404 MOVEMENT_UNKNOWN, for reads and steps alike', async (t) => {
    const sb = await sandbox(t);
    const mrn = newMrn();
    const read = await get(sb, `/v1/movements/${mrn}`);
    assert.equal(read.status, 404);
    assert.equal(read.json.code, 'MOVEMENT_UNKNOWN');
    const write = await post(sb, `/v1/movements/${mrn}/write-off`, {});
    assert.equal(write.status, 404);
    assert.equal(write.json.code, 'MOVEMENT_UNKNOWN');
  });
});

describe("the next country's record, created from the AAR", () => {
  test('AAR_RECEIVED → AT_BORDER → ENTERED → ARRIVED → HELD → CONTROLLED → DISCHARGED', async (t) => {
    const sb = await sandbox(t, { country: 'BF' });
    const mrn = newMrn('TG');
    const received = await aar(sb, mrn);
    assert.equal(received.status, 201, received.text);
    assert.match(received.json.reference, /^BF-\d{4}-\d{6}$/);
    assert.equal(received.json.role, 'ARRIVAL');
    assert.equal(received.json.state, 'AAR_RECEIVED');

    // Discharge before arrival is refused.
    const early = await post(sb, `/v1/movements/${mrn}/discharge`, { office: 'BFOUA001' });
    assert.equal(early.status, 409);
    assert.equal(early.json.code, 'MOVEMENT_STATE');

    await step(sb, mrn, 'border-arrival', { office: 'BFCKN001' }, 'AT_BORDER');
    await step(sb, mrn, 'entry', { office: 'BFCKN001', sealsIntact: true }, 'ENTERED');
    await step(sb, mrn, 'arrival', { office: 'BFOUA001', sealsIntact: true }, 'ARRIVED');
    await step(
      sb,
      mrn,
      'control-results',
      { office: 'BFOUA001', controlResult: 'DISCREPANCIES', sealsIntact: false, discrepancies: ['scellé TG-S-0002 rompu'] },
      'HELD',
    );
    const held = await post(sb, `/v1/movements/${mrn}/discharge`, { office: 'BFOUA001' });
    assert.equal(held.json.code, 'MOVEMENT_STATE', 'discrepancies hold the movement');
    await step(sb, mrn, 'control-results', { office: 'BFOUA001', controlResult: 'SATISFACTORY', sealsIntact: true }, 'CONTROLLED');
    await step(sb, mrn, 'discharge', { office: 'BFOUA001' }, 'DISCHARGED');

    const m = await movement(sb, mrn);
    assert.equal((m as unknown as { departureReference: string }).departureReference, 'TG-2026-000001');
    assert.deepEqual(
      m.events.map((e) => e.state),
      ['AAR_RECEIVED', 'AT_BORDER', 'ENTERED', 'ARRIVED', 'HELD', 'CONTROLLED', 'DISCHARGED'],
    );
    assert.deepEqual(m.events[4]!.data.discrepancies, ['scellé TG-S-0002 rompu']);
    assert.deepEqual(m.events[5]!.data.discrepancies, [], 'discrepancies default to none');
  });

  test('a route ending at an exit office (to Mali or Niger): controlled, exit confirmed, then discharged', async (t) => {
    const sb = await sandbox(t, { country: 'BF' });
    const mrn = newMrn('TG');
    await aar(sb, mrn);
    await step(sb, mrn, 'entry', { office: 'BFCKN001', sealsIntact: true }, 'ENTERED');
    await step(sb, mrn, 'arrival', { office: 'BFFAR001', sealsIntact: true }, 'ARRIVED');
    const exitBeforeControl = await post(sb, `/v1/movements/${mrn}/exit`, { office: 'BFFAR001', sealsIntact: true });
    assert.equal(exitBeforeControl.json.code, 'MOVEMENT_STATE');
    await step(sb, mrn, 'control-results', { office: 'BFFAR001', controlResult: 'SATISFACTORY', sealsIntact: true }, 'CONTROLLED');
    await step(sb, mrn, 'exit', { office: 'BFFAR001', sealsIntact: true }, 'EXITED');
    await step(sb, mrn, 'discharge', { office: 'BFFAR001' }, 'DISCHARGED');
  });

  test('an alternative proof of arrival (enquiry) discharges without arrival', async (t) => {
    const sb = await sandbox(t, { country: 'BF' });
    const mrn = newMrn('TG');
    await aar(sb, mrn);
    await step(sb, mrn, 'discharge', { alternativeProof: 'copie visée par le bureau de Ouagadougou / stamped copy from Ouagadougou' }, 'DISCHARGED');
    const again = await post(sb, `/v1/movements/${mrn}/discharge`, { alternativeProof: 'again' });
    assert.equal(again.json.code, 'MOVEMENT_STATE', 'a discharged movement stays discharged');
  });

  test('an AAR goes to another country than the departure, and is received once', async (t) => {
    const sb = await sandbox(t, { country: 'BF' });
    const own = await aar(sb, newMrn('BF'));
    assert.equal(own.json.code, 'MRN_COUNTRY_MISMATCH');
    const mrn = newMrn('TG');
    assert.equal((await aar(sb, mrn, { departureCountry: 'BF' })).json.code, 'MRN_COUNTRY_MISMATCH');
    const decl = declaration();
    const first = await aar(sb, mrn, { declaration: decl });
    assert.equal(first.status, 201);
    const same = await aar(sb, mrn, { declaration: decl });
    assert.equal(same.status, 200, 'the same AAR again lands on the same record');
    assert.equal(same.json.reference, first.json.reference);
    const different = await aar(sb, mrn, { declaration: decl, seals: ['OTHER'] });
    assert.equal(different.status, 409);
    assert.equal(different.json.code, 'MOVEMENT_EXISTS');
  });

  test('a departure step is refused on a record received by AAR', async (t) => {
    const sb = await sandbox(t, { country: 'BF' });
    const mrn = newMrn('TG');
    await aar(sb, mrn);
    for (const route of ['write-off', 'cancel']) {
      const answer = await post(sb, `/v1/movements/${mrn}/${route}`, route === 'cancel' ? { reason: 'x' } : {});
      assert.equal(answer.json.code, 'MOVEMENT_STATE', route);
    }
    const reserve = await post(sb, `/v1/guarantees/${bigGuarantee.BF.grn}/reservations`, { mrn, accessCode: '4321' });
    assert.equal(reserve.json.code, 'MOVEMENT_STATE');
  });
});
