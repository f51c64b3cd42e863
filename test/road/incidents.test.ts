// Incidents on the road are the act of the country where the truck is: an officer of the other
// country is refused with the reason; officers' incidents extend one leg's time limit up to the
// cap (72 h by default), and past it only a supervisor's extension moves the deadline.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, officerAt, uniqueTin } from '../lifecycle/helpers.ts';

const HOUR = 3_600_000;

describe('incidents on the road', () => {
  let stack: Stack;
  let corridor: Corridor;
  const tin = uniqueTin();
  before(async () => {
    stack = await startStack();
    corridor = new Corridor(stack);
  });
  after(() => stack.stop());

  it('an incident reported by an officer of the other country is refused (403) with the reason; the same officer may once the truck is in Burkina', async () => {
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 1); // released at Lomé, on the road to Cinkassé (Togo)

    const refused = await corridor.act(mrn, 'incident', officerAt('BFOUA001'), { kind: 'BREAKDOWN', description: 'panne signalée par téléphone' });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.match(refused.body.message, /pays où se trouve le camion/);
    assert.match(refused.body.message, /country where the truck is/);
    assert.match(refused.body.message, /TGLFW001 ou TGCKS001/);
    const view = await corridor.api.call<{ allowedActions: string[] }>('GET', `/transits/${mrn}`, officerAt('BFOUA001'));
    assert.ok(!view.body.allowedActions.includes('incident'), JSON.stringify(view.body.allowedActions));
    assert.equal((await corridor.state(mrn)).incidents.length, 0);

    // An officer of Togo anywhere on the Togolese leg records it.
    const accepted = await corridor.act(mrn, 'incident', officerAt('TGLFW001'), { kind: 'BREAKDOWN', description: 'panne de freins à Atakpamé' });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));

    // Once in Burkina, it is Burkina's officers' act, and no longer Togo's.
    await corridor.drive(mrn, d.plan, 1, 4); // border arrival, exit, entry at Cinkansé
    const togo = await corridor.act(mrn, 'incident', officerAt('TGLFW001'), { kind: 'ACCIDENT', description: 'accrochage à Pô' });
    assert.equal(togo.status, 403, JSON.stringify(togo.body));
    const burkina = await corridor.act(mrn, 'incident', officerAt('BFOUA001'), { kind: 'ACCIDENT', description: 'accrochage à Pô, constat dressé' });
    assert.equal(burkina.status, 200, JSON.stringify(burkina.body));
    const state = await corridor.state(mrn);
    assert.deepEqual(
      state.incidents.map((i) => i.office),
      ['TGLFW001', 'BFOUA001'],
    );
  });

  it("officers' incidents extend a leg by 72 h at most; past the cap the incident is refused, a supervisor's extension is accepted", async () => {
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 1);
    const start = Date.parse((await corridor.state(mrn)).legDeadline!);

    const first = await corridor.act(mrn, 'incident', officerAt('TGLFW001'), { kind: 'BREAKDOWN', description: 'panne moteur à Sokodé', extendHours: 48 });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const second = await corridor.act(mrn, 'incident', officerAt('TGCKS001'), { kind: 'BREAKDOWN', description: 'pièce attendue de Lomé', extendHours: 24 });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(Date.parse(second.body.nextDeadline), start + 72 * HOUR);

    const past = await corridor.act(mrn, 'incident', officerAt('TGCKS001'), { kind: 'BREAKDOWN', description: 'pièce toujours attendue', extendHours: 1 });
    assert.equal(past.status, 409, JSON.stringify(past.body));
    assert.match(past.body.message, /72 h/);
    assert.match(past.body.message, /superviseur/);
    assert.match(past.body.message, /supervisor/);
    let state = await corridor.state(mrn);
    assert.equal(state.incidents.length, 2);
    assert.equal(Date.parse(state.legDeadline!), start + 72 * HOUR);
    // An incident without an extension is still recorded past the cap.
    const plain = await corridor.act(mrn, 'incident', officerAt('TGCKS001'), { kind: 'OTHER', description: 'escorte demandée' });
    assert.equal(plain.status, 200, JSON.stringify(plain.body));

    const supervisor = await corridor.act(
      mrn,
      'extend',
      { user: 'superviseur-tg', role: 'supervisor', country: 'TG' },
      { hours: 24, reason: 'pièce bloquée à la douane' },
    );
    assert.equal(supervisor.status, 200, JSON.stringify(supervisor.body));
    state = await corridor.state(mrn);
    assert.equal(Date.parse(state.legDeadline!), start + 96 * HOUR);

    // The cap counts per leg: in Burkina the officers have 72 h again.
    await corridor.drive(mrn, d.plan, 1, 4);
    const next = await corridor.act(mrn, 'incident', officerAt('BFOUA001'), { kind: 'BREAKDOWN', description: 'panne à Koupéla', extendHours: 72 });
    assert.equal(next.status, 200, JSON.stringify(next.body));
  });
});
