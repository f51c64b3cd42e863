// Diversion (déroutement): after release, the movement goes to another office of destination or
// exit. Through the API (acts vouched as in production), a real Temporal server and both
// national sandboxes: the route planned again from where the truck is, a new time limit for the
// new leg, each system told, and the movement discharged where it now ends.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Actor } from '../../src/auth/actor.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, acts, declarationFor, officerAt, uniqueTin } from './helpers.ts';

const HOUR = 3_600_000;
const supervisorOf = (country: string): Actor => ({ user: `sup-${country.toLowerCase()}`, role: 'supervisor', country });

describe('diversion', () => {
  let stack: Stack;
  let corridor: Corridor;
  const tin = uniqueTin();
  before(async () => {
    stack = await startStack();
    corridor = new Corridor(stack);
  });
  after(() => stack.stop());

  it('Ouagadougou → Bobo-Dioulasso after entering Burkina: new leg, new time limit, both systems told, discharged at Bobo-Dioulasso, shares back', async () => {
    const d = declarationFor('lome-ouaga', tin);
    const grn = d.declaration.guarantee.grn;
    const availableTg = await corridor.available('TG', grn);
    const availableBf = await corridor.available('BF', grn);
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 4); // release, border arrival, exit, entry at Cinkansé
    const entered = await corridor.state(mrn);
    assert.equal(entered.currentOffice, 'BFOUA001');
    const oldDeadline = Date.parse(entered.legDeadline!);

    const before = Date.now();
    const answer = await corridor.act(mrn, 'divert', officerAt('BFCKN001'), {
      office: 'BFBOB001',
      reason: 'route nationale 1 coupée à Ouagadougou ; le destinataire reçoit à Bobo-Dioulasso',
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'RELEASED');
    assert.equal(answer.body.currentOffice, 'BFBOB001');

    const state = await corridor.state(mrn);
    assert.deepEqual(
      state.route.map((o) => o.code),
      ['TGLFW001', 'TGCKS001', 'BFCKN001', 'BFBOB001'],
    );
    assert.equal(state.routeId, 'lome-bobo');
    assert.deepEqual(state.legs[state.legIndex], { from: 'BFCKN001', to: 'BFBOB001', kind: 'road', timeLimitHours: 72 });
    // The new leg's time limit: Cinkansé → Bobo-Dioulasso, 72 h from the diversion (the old one was 48 h to Ouagadougou).
    const newDeadline = Date.parse(state.legDeadline!);
    assert.ok(newDeadline >= before + 72 * HOUR && newDeadline <= Date.now() + 72 * HOUR, state.legDeadline);
    assert.ok(newDeadline > oldDeadline);
    assert.equal(state.nextDeadline, state.legDeadline);
    assert.equal(state.route[3]!.plannedBy, state.legDeadline);
    const diverted = state.timeline.find((e) => e.what === 'DIVERTED')!;
    assert.equal(diverted.office, 'BFCKN001');
    assert.deepEqual([diverted.details?.from, diverted.details?.to], ['BFOUA001', 'BFBOB001']);
    assert.deepEqual(
      state.timeline
        .filter((e) => e.what === 'DIVERSION_SENT')
        .map((e) => e.details?.country)
        .sort(),
      ['BF', 'TG'],
    );
    const atBobo = await corridor.api.call<{ allowedActions: string[] }>('GET', `/transits/${mrn}`, officerAt('BFBOB001'));
    assert.equal(atBobo.status, 200, 'the new office of destination reads the movement');
    assert.ok(atBobo.body.allowedActions.includes('arrival'), JSON.stringify(atBobo.body.allowedActions));

    // Both systems hold the new route; neither changed state for it.
    for (const country of ['TG', 'BF'] as const) {
      const record = await corridor.record(country, mrn);
      assert.ok(
        record.body.events.some((e) => e.operation === 'divert'),
        `${country} recorded the diversion`,
      );
      assert.deepEqual((record.body as unknown as { declaration: { route: string[] } }).declaration.route, ['TGLFW001', 'TGCKS001', 'BFCKN001', 'BFBOB001']);
    }
    assert.equal((await corridor.record('BF', mrn)).body.state, 'ENTERED');

    // Ouagadougou is no longer on the route: its officer can no longer record the arrival.
    const atOuaga = await corridor.act(mrn, 'arrival', officerAt('BFOUA001'), { sealsIntact: true });
    assert.equal(atOuaga.status, 403, JSON.stringify(atOuaga.body));
    assert.equal(atOuaga.body.error, 'WRONG_OFFICE');
    const arrival = await corridor.act(mrn, 'arrival', officerAt('BFBOB001'), { sealsIntact: true });
    assert.equal(arrival.status, 200, JSON.stringify(arrival.body));
    const control = await corridor.act(mrn, 'control-results', officerAt('BFBOB001'), { result: 'SATISFACTORY', sealsIntact: true });
    assert.equal(control.status, 200, JSON.stringify(control.body));
    assert.equal(control.body.status, 'DISCHARGED');

    const done = await corridor.state(mrn);
    assert.equal(done.status, 'DISCHARGED');
    assert.equal(done.arrival?.office, 'BFBOB001');
    assert.equal(done.arrival?.late, false);
    assert.equal(acts(done).DIVERTED, 1);
    assert.equal((await corridor.record('BF', mrn)).body.state, 'DISCHARGED');
    assert.equal((await corridor.record('TG', mrn)).body.state, 'WRITTEN_OFF');
    assert.ok(
      done.guarantee.shares?.every((share) => share.state === 'RELEASED'),
      JSON.stringify(done.guarantee.shares),
    );
    assert.equal(await corridor.available('TG', grn), availableTg);
    assert.equal(await corridor.available('BF', grn), availableBf);
  });

  it("at the border post, after the exit from Togo: the crossing stays, and the entry sets the new leg's time limit", async () => {
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 3); // release, border arrival, exit at Cinkassé
    // Exit confirmed: the truck stands on Burkina's side of the post, so Cinkansé diverts it, not Cinkassé.
    const fromTogo = await corridor.act(mrn, 'divert', officerAt('TGCKS001'), { office: 'BFBOB001', reason: 'convoi sécurisé vers Bobo-Dioulasso' });
    assert.equal(fromTogo.status, 403, JSON.stringify(fromTogo.body));
    const answer = await corridor.act(mrn, 'divert', officerAt('BFCKN001'), { office: 'BFBOB001', reason: 'convoi sécurisé vers Bobo-Dioulasso' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'AT_BORDER');
    const atPost = await corridor.state(mrn);
    assert.equal(atPost.currentOffice, 'BFCKN001', 'the entry is still awaited at Cinkansé');
    assert.equal(atPost.legDeadline, undefined, 'no road time limit while at the post');
    const before = Date.now();
    const entry = await corridor.act(mrn, 'entry', officerAt('BFCKN001'), { sealsIntact: true });
    assert.equal(entry.status, 200, JSON.stringify(entry.body));
    assert.equal(entry.body.currentOffice, 'BFBOB001');
    const entered = await corridor.state(mrn);
    const deadline = Date.parse(entered.legDeadline!);
    assert.ok(deadline >= before + 71 * HOUR && deadline <= Date.now() + 72 * HOUR, entered.legDeadline);
  });

  it('no route joins the current office to the new one: 400 with the reason, in French first, and nothing changes', async () => {
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 4);
    const before = await corridor.state(mrn);

    const back = await corridor.act(mrn, 'divert', supervisorOf('BF'), { office: 'TGLFW001', reason: 'retour au port demandé' });
    assert.equal(back.status, 400, JSON.stringify(back.body));
    assert.match(back.body.fr, /aucun itinéraire ne relie le bureau BFCKN001 au bureau TGLFW001/);
    assert.match(back.body.en, /no route joins office BFCKN001 to office TGLFW001/);
    assert.match(JSON.stringify(back.body.errors), /office/);

    const unknown = await corridor.act(mrn, 'divert', supervisorOf('BF'), { office: 'BFZZZ001', reason: 'x' });
    assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
    assert.match(unknown.body.fr, /BFZZZ001 n'est pas un bureau de douane connu/);
    const same = await corridor.act(mrn, 'divert', supervisorOf('BF'), { office: 'BFOUA001', reason: 'x' });
    assert.equal(same.status, 400, JSON.stringify(same.body));
    const noReason = await corridor.act(mrn, 'divert', supervisorOf('BF'), { office: 'BFBOB001', reason: ' ' });
    assert.equal(noReason.status, 400, JSON.stringify(noReason.body));

    const after = await corridor.state(mrn);
    assert.deepEqual(
      after.route.map((o) => o.code),
      before.route.map((o) => o.code),
    );
    assert.equal(after.legDeadline, before.legDeadline);
    assert.equal(acts(after).DIVERTED ?? 0, 0);
  });

  it('wrong actor: 403 for an officer where the truck is not, a supervisor of the other country, the declarant; a supervisor of Burkina may', async () => {
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.accepted(d);
    const body = { office: 'BFKAN001', reason: 'convoi sécurisé vers Kantchari' };
    // Before release, nobody diverts: amend the declaration instead.
    const early = await corridor.act(mrn, 'divert', supervisorOf('TG'), body);
    assert.equal(early.status, 409, JSON.stringify(early.body));
    await corridor.drive(mrn, d.plan, 0, 4);

    const lome = await corridor.act(mrn, 'divert', officerAt('TGLFW001'), body);
    assert.equal(lome.status, 403, JSON.stringify(lome.body));
    assert.equal(lome.body.error, 'WRONG_OFFICE');
    const togo = await corridor.act(mrn, 'divert', supervisorOf('TG'), body);
    assert.equal(togo.status, 403, JSON.stringify(togo.body));
    assert.match(togo.body.fr, /superviseurs du Burkina Faso/);
    const declarant = await corridor.act(mrn, 'divert', { user: 'decl', role: 'declarant', tin }, body);
    assert.equal(declarant.status, 403, JSON.stringify(declarant.body));
    assert.equal((await corridor.state(mrn)).route.at(-1)!.code, 'BFOUA001');

    const burkina = await corridor.act(mrn, 'divert', supervisorOf('BF'), body);
    assert.equal(burkina.status, 200, JSON.stringify(burkina.body));
    const state = await corridor.state(mrn);
    assert.equal(state.route.at(-1)!.code, 'BFKAN001');
    assert.equal(state.endsWith, 'EXT');
    assert.equal(state.routeId, 'lome-kantchari');
  });
});
