// A transhipment in Togo (breakdown, goods moved to another truck under new seals) reaches both
// systems: Togo's record and Burkina's (made from the AAR) take the new truck and seals, the
// border post's desk shows the new truck, and at Cinkansé the entry with the new seals is
// accepted while the old seals are refused as a seal discrepancy.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sealsFor } from '../../src/simulation/lifecycle.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, eventually, officerAt, uniqueTin } from '../lifecycle/helpers.ts';

type NationalRecord = {
  seals: string[];
  declaration: { transport: { registration: string; trailer?: { registration: string } } };
  events: { operation: string; data: Record<string, unknown> }[];
};
type Desk = { present: { mrn: string; vehicle: string; seals?: string[] }[]; expected: { mrn: string; vehicle: string }[]; expectedTotal: number };

describe('a transhipment reaches both systems', () => {
  let stack: Stack;
  let corridor: Corridor;
  const tin = uniqueTin();
  before(async () => {
    stack = await startStack();
    corridor = new Corridor(stack);
  });
  after(() => stack.stop());

  it('recorded at Cinkassé: both records take the new truck and seals, the desk shows them, the entry checks against them', async () => {
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 1); // released at Lomé with sealsFor(mrn)
    const oldSeals = sealsFor(mrn);
    const expectedAtPost = await eventually(
      () => corridor.api.call<Desk>('GET', '/desk', officerAt('TGCKS001')),
      (a) => a.status === 200 && a.body.expected.some((row) => row.mrn === mrn),
      'the released truck expected at Cinkassé',
    );
    // This stack's only movement: the desk counts it among the trucks expected.
    assert.equal(expectedAtPost.body.expectedTotal, 1);
    const newSeals = ['TR-1001', 'TR-1002'];
    const newVehicle = { registration: 'TG 7001 QA', nationality: 'TG' };

    const answer = await corridor.act(mrn, 'incident', officerAt('TGCKS001'), {
      kind: 'TRANSHIPMENT',
      place: 'Sokodé, PK 340',
      description: 'essieu cassé, marchandises transbordées sous escorte douanière',
      observations: 'scellés d’origine intacts avant ouverture; 2 conteneurs rechargés',
      newVehicle,
      newTrailer: { registration: 'TG 7002 QB' },
      newSeals,
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const state = await corridor.state(mrn);
    assert.deepEqual(
      state.timeline.filter((e) => e.what === 'INCIDENT_SENT').map((e) => e.details?.country),
      ['TG', 'BF'],
    );
    assert.equal(state.incidents[0]!.place, 'Sokodé, PK 340');
    assert.equal(state.declaration.trailer, 'TG 7002 QB');

    for (const country of ['TG', 'BF'] as const) {
      const record = (await corridor.record(country, mrn)).body as unknown as NationalRecord;
      assert.deepEqual(record.seals, newSeals, `${country} holds the new seals`);
      assert.equal(record.declaration.transport.registration, newVehicle.registration, `${country} holds the new truck`);
      assert.equal(record.declaration.transport.trailer?.registration, 'TG 7002 QB');
      const incident = record.events.find((e) => e.operation === 'receiveIncident');
      assert.ok(incident, `${country} recorded the incident report`);
      assert.equal(incident.data.kind, 'TRANSHIPMENT');
      assert.equal(incident.data.office, 'TGCKS001');
      assert.equal(incident.data.observations, 'scellés d’origine intacts avant ouverture; 2 conteneurs rechargés');
    }
    // Published in Burkina's journal as INCIDENT.
    const journal = await fetch(`${stack.sandboxes.BF.url}/v1/events?after=0&limit=1000`, { headers: stack.sandboxes.BF.headers });
    const events = ((await journal.json()) as { events: { type: string; mrn: string }[] }).events;
    assert.ok(events.some((e) => e.type === 'INCIDENT' && e.mrn === mrn));

    await corridor.drive(mrn, d.plan, 1, 3); // border arrival and exit at Cinkassé
    const desk = await eventually(
      () => corridor.api.call<Desk>('GET', '/desk', officerAt('BFCKN001')),
      (a) => a.status === 200 && a.body.present.some((row) => row.mrn === mrn),
      'the truck on the desk of Cinkansé',
    );
    const row = desk.body.present.find((r) => r.mrn === mrn)!;
    assert.equal(row.vehicle, newVehicle.registration);
    assert.deepEqual(row.seals, newSeals);

    const old = await corridor.act(mrn, 'entry', officerAt('BFCKN001'), { sealsIntact: true, seals: oldSeals });
    assert.equal(old.status, 409, JSON.stringify(old.body));
    assert.equal(old.body.error, 'SEAL_DISCREPANCY', JSON.stringify(old.body));
    assert.match(old.body.message, /Scellés non conformes/);
    assert.equal((await corridor.state(mrn)).status, 'AT_BORDER');

    const entry = await corridor.act(mrn, 'entry', officerAt('BFCKN001'), { sealsIntact: true, seals: [...newSeals].reverse() });
    assert.equal(entry.status, 200, JSON.stringify(entry.body));
    await corridor.drive(mrn, d.plan, 4);
    assert.equal((await corridor.state(mrn)).status, 'DISCHARGED');
  });
});
