// Control results with discrepancies hold the movement until an officer resolves them; incidents
// en route change what officers check (transhipment: new vehicle and seals, searchable by the
// new plate) and may extend the time limit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, acts, declarationFor, eventually, officerAt, uniqueTin } from './helpers.ts';

const HOUR = 3_600_000;

describe('discrepancies and incidents', () => {
  let stack: Stack;
  let corridor: Corridor;
  const tin = uniqueTin();
  const regional = { user: 'regional', role: 'regional' } as const;
  before(async () => {
    stack = await startStack();
    corridor = new Corridor(stack);
  });
  after(() => stack.stop());

  it('DISCREPANCIES: HELD until resolved, then DISCHARGED; both systems and the guarantee follow', async () => {
    const d = declarationFor('lome-ouaga', tin);
    const available = await corridor.available('TG', d.declaration.guarantee.grn);
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 5); // release … arrival
    const held = await corridor.act(mrn, 'control-results', officerAt('BFOUA001'), {
      result: 'DISCREPANCIES',
      sealsIntact: true,
      discrepancies: ['12 sacs de riz manquants sur 360'],
    });
    assert.equal(held.status, 200, JSON.stringify(held.body));
    assert.equal(held.body.status, 'HELD');
    let state = await corridor.state(mrn);
    assert.equal(state.status, 'HELD');
    assert.deepEqual(state.controlResults?.discrepancies, ['12 sacs de riz manquants sur 360']);
    assert.equal(state.guarantee.state, 'RESERVED');
    assert.equal((await corridor.record('BF', mrn)).body.state, 'HELD');
    // Togo wrote off its leg when Burkina accepted the entry; Burkina still holds its share while the goods are held.
    assert.equal((await corridor.record('TG', mrn)).body.state, 'WRITTEN_OFF');
    const officerView = await corridor.api.call<{ allowedActions: string[] }>('GET', `/transits/${mrn}`, officerAt('BFOUA001'));
    assert.deepEqual(officerView.body.allowedActions, ['resolve-discrepancy']);
    const listed = await eventually(
      () => corridor.list(regional, { declarant: tin, status: 'HELD' }),
      (a) => a.body.items.some((i) => i.mrn === mrn),
      'the held movement is listed as HELD',
    );
    assert.equal(listed.status, 200);

    // Held: nothing but the resolution moves it on.
    const again = await corridor.act(mrn, 'control-results', officerAt('BFOUA001'), { result: 'SATISFACTORY', sealsIntact: true });
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.match(again.body.message, /HELD/);
    const wrongOffice = await corridor.act(mrn, 'resolve-discrepancy', officerAt('BFCKN001'), { resolution: 'x' });
    assert.equal(wrongOffice.status, 403);

    const resolved = await corridor.act(mrn, 'resolve-discrepancy', officerAt('BFOUA001'), {
      resolution: 'sacs retrouvés dans le second conteneur, recomptés : 360',
    });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    assert.equal(resolved.body.status, 'DISCHARGED');
    state = await corridor.state(mrn);
    assert.equal(state.status, 'DISCHARGED');
    assert.equal(state.controlResults?.resolution, 'sacs retrouvés dans le second conteneur, recomptés : 360');
    assert.equal(acts(state).CONTROL_RESULTS, 1);
    assert.equal(acts(state).DISCREPANCY_RESOLVED, 1);
    assert.equal((await corridor.record('BF', mrn)).body.state, 'DISCHARGED');
    assert.equal((await corridor.record('TG', mrn)).body.state, 'WRITTEN_OFF');
    assert.equal(await corridor.available('TG', d.declaration.guarantee.grn), available);
  });

  it('seals found broken hold the movement even when the goods are right; toward Mali, the exit follows the resolution', async () => {
    const d = declarationFor('lome-faramana', tin);
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 5);
    const held = await corridor.act(mrn, 'control-results', officerAt('BFFAR001'), { result: 'SATISFACTORY', sealsIntact: false });
    assert.equal(held.status, 200, JSON.stringify(held.body));
    assert.equal(held.body.status, 'HELD');
    const state = await corridor.state(mrn);
    assert.equal(state.controlResults?.result, 'DISCREPANCIES');
    const resolved = await corridor.act(mrn, 'resolve-discrepancy', officerAt('BFFAR001'), { resolution: 'scellé remplacé après inspection' });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    assert.equal(resolved.body.status, 'ARRIVED');
    const exit = await corridor.act(mrn, 'exit', officerAt('BFFAR001'), { sealsIntact: true });
    assert.equal(exit.status, 200, JSON.stringify(exit.body));
    assert.equal(exit.body.status, 'DISCHARGED');
    assert.equal((await corridor.record('BF', mrn)).body.state, 'DISCHARGED');
  });

  it('a transhipment changes the vehicle and the seals in the state and the VehicleRegistration search attribute', async () => {
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 1); // released, on the road to Cinkassé
    const oldVehicle = d.declaration.transport.registration;
    const newVehicle = `TG ${(randomBytes(2).readUInt16BE() % 9000) + 1000} QA`;
    await eventually(
      () => corridor.list(regional, { declarant: tin, vehicle: oldVehicle }),
      (a) => a.body.items.some((i) => i.mrn === mrn),
      'listed under the declared vehicle',
    );

    const answer = await corridor.act(mrn, 'incident', officerAt('TGCKS001'), {
      kind: 'TRANSHIPMENT',
      description: 'essieu cassé à Sokodé, marchandises transbordées sous escorte',
      newVehicle: { registration: newVehicle, nationality: 'TG' },
      newSeals: ['SL-TR-1', 'SL-TR-2', 'SL-TR-3'],
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'RELEASED');
    const state = await corridor.state(mrn);
    assert.equal(state.declaration.vehicle, newVehicle);
    assert.deepEqual(state.seals, ['SL-TR-1', 'SL-TR-2', 'SL-TR-3']);
    assert.equal(state.incidents.length, 1);
    assert.deepEqual(state.incidents[0]!.newVehicle, { registration: newVehicle, nationality: 'TG' });
    assert.equal(state.incidents[0]!.office, 'TGCKS001');
    const incident = state.timeline.find((e) => e.what === 'INCIDENT')!;
    assert.equal(incident.by.role, 'officer');

    const byNew = await eventually(
      () => corridor.list(regional, { vehicle: newVehicle }),
      (a) => a.body.items.some((i) => i.mrn === mrn),
      'listed under the new vehicle',
    );
    assert.equal(byNew.body.items.find((i) => i.mrn === mrn)!.vehicle, newVehicle);
    const byOld = await eventually(
      () => corridor.list(regional, { declarant: tin, vehicle: oldVehicle }),
      (a) => !a.body.items.some((i) => i.mrn === mrn),
      'no longer listed under the old vehicle',
    );
    assert.equal(byOld.status, 200);
    // The journey goes on with the new seals.
    const rest = await corridor.drive(mrn, d.plan, 1);
    assert.equal(rest.length, 5);
    assert.equal((await corridor.state(mrn)).status, 'DISCHARGED');
  });

  it('an incident with extendHours moves the deadline of the leg by that many hours', async () => {
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 1);
    const before = await corridor.state(mrn);
    assert.ok(before.nextDeadline);
    const answer = await corridor.act(mrn, 'incident', officerAt('TGCKS001'), {
      kind: 'BREAKDOWN',
      description: 'panne de boîte de vitesses à Kara',
      extendHours: 12,
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const moved = Date.parse(before.nextDeadline!) + 12 * HOUR;
    assert.equal(Date.parse(answer.body.nextDeadline), moved);
    const state = await corridor.state(mrn);
    assert.equal(Date.parse(state.nextDeadline!), moved);
    assert.equal(Date.parse(state.legDeadline!), moved);
    assert.equal(Date.parse(state.route.find((o) => o.code === 'TGCKS001')!.plannedBy!), moved);
    assert.equal(state.incidents[0]!.extendedByHours, 12);
    const extended = state.timeline.find((e) => e.what === 'DEADLINE_EXTENDED')!;
    assert.equal(extended.details?.hours, 12);
    assert.equal(Date.parse(String(extended.details?.deadline)), moved);
    // Supervisors see the new deadline in the list too (NextDeadline search attribute).
    await eventually(
      () => corridor.list(regional, { declarant: tin, status: 'RELEASED' }),
      (a) => a.body.items.some((i) => i.mrn === mrn && Date.parse(i.nextDeadline) === moved),
      'the list shows the moved deadline',
    );
  });

  it('an incident with extendHours at the border post either moves a deadline or is refused; never an extension that extends nothing', async () => {
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 2); // at the border post
    const before = await corridor.state(mrn);
    assert.equal(before.status, 'AT_BORDER');
    const answer = await corridor.act(mrn, 'incident', officerAt('TGCKS001'), { kind: 'BREAKDOWN', description: 'panne au parking du PCJ', extendHours: 5 });
    const after = await corridor.state(mrn);
    const extended = after.timeline.filter((e) => e.what === 'DEADLINE_EXTENDED');
    if (answer.status === 200) {
      assert.equal(extended.length, 1);
      assert.notEqual(extended[0]!.details?.deadline, before.nextDeadline, 'DEADLINE_EXTENDED recorded with the deadline unchanged');
    } else {
      assert.equal(answer.status, 409, JSON.stringify(answer.body));
      assert.equal(extended.length, 0);
    }
  });
});
