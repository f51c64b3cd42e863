// Issue 18 item 6, the role matrix: generated from the procedure's rule table (expectedActions),
// every role × office or country × act × state is tried against checkAction, which the workflow's
// update validators and the API's refusals use; nothing is allowed that the table does not allow,
// nothing the table allows is refused. A sample goes through the real API too, and the README's
// table is the one the code gives.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { matrixActors, matrixFigures, README, readmeWithProcedureTable, roleMatrix, stateAt } from '../../scripts/procedure-table.ts';
import { actionNames, actionRoles, checkAction, expectedActions, mayRead, type ActingRole, type ActionName } from '../../workflows/procedure.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, uniqueTin, type Lodgeable } from '../lifecycle/helpers.ts';

const who = (a: { role: string; office?: string | undefined; country?: string | undefined; tin?: string | undefined }) =>
  `${a.role} ${a.office ?? a.country ?? a.tin ?? ''}`;

describe('the role matrix, pure', () => {
  const cases = roleMatrix();

  it('every role × office/country × act × state: allowed exactly when the table allows', () => {
    const figures = matrixFigures(cases);
    process.stdout.write(`# role matrix: ${figures.cases} cases, ${figures.allowed} allowed, ${figures.refused} refused\n`);
    const wrong = cases.filter((c) => (c.refusal === undefined) !== c.allowedByTable);
    assert.deepEqual(
      wrong.slice(0, 5).map((c) => `${c.route} ${c.stage}/${c.escalation} ${c.action} by ${who(c.actor)}: table ${c.allowedByTable}, code ${c.refusal?.code}`),
      [],
    );
    // The matrix covers every act, role, office and country, and both answers.
    assert.ok(figures.allowed > 0 && figures.refused > 0);
    for (const action of actionNames)
      assert.ok(
        cases.some((c) => c.action === action && !c.refusal),
        `${action} is allowed somewhere`,
      );
    assert.ok(figures.cases >= 20_000, `${figures.cases} cases`);
  });

  it('each refusal says why in both languages, and a stranger is answered as an unknown MRN', () => {
    for (const c of cases) {
      if (!c.refusal) continue;
      assert.ok(c.refusal.fr.trim() && c.refusal.en.trim(), `${c.action} by ${who(c.actor)}`);
      assert.equal(c.refusal.code === 'STRANGER', !mayRead(c.state, c.actor), `${c.action} by ${who(c.actor)} at ${c.stage}: ${c.refusal.code}`);
      // Only those who may record this act at some point hear the movement's status.
      if (c.refusal.code === 'OUT_OF_ORDER') assert.ok(actionRoles[c.action].includes(c.actor.role as ActingRole), `${c.action} by ${who(c.actor)}`);
    }
  });

  it("the role column (actionRoles, checked before the order) is the table's role for every act in every state", () => {
    for (const c of cases) {
      for (const e of expectedActions(c.state, c.state.legs, c.state.endsWith))
        assert.ok(actionRoles[e.action].includes(e.role), `${e.action} by ${e.role} at ${c.stage}`);
    }
  });

  it('the README shows the table the code gives (npx tsx scripts/procedure-table.ts rewrites it)', () => {
    const readme = readFileSync(README, 'utf8');
    assert.equal(readme, readmeWithProcedureTable(readme));
  });
});

describe('the role matrix, a sample through the API', () => {
  let stack: Stack;
  let corridor: Corridor;
  let lodged: Lodgeable;
  let mrn: string;
  before(async () => {
    stack = await startStack();
    corridor = new Corridor(stack);
    lodged = declarationFor('lome-ouaga', uniqueTin());
    mrn = await corridor.accepted(lodged);
  });
  after(() => stack.stop());

  /** Well-formed bodies, so that any refusal is the procedure's, not the input's. */
  const bodies = (): Record<ActionName, unknown> => ({
    release: { seals: ['S-1'] },
    'border-arrival': { sealsIntact: true },
    exit: { sealsIntact: true },
    entry: { sealsIntact: true },
    arrival: { sealsIntact: true },
    'control-results': { result: 'SATISFACTORY', sealsIntact: true },
    'resolve-discrepancy': { resolution: 'recomptés' },
    incident: { kind: 'BREAKDOWN', description: 'panne moteur' },
    amend: lodged.json,
    cancel: { reason: 'vente annulée' },
    acknowledge: {},
    extend: { hours: 24, reason: 'route coupée' },
    'enquiry-answer': { answer: 'arrivée prouvée', outcome: 'PROOF_OF_ARRIVAL' },
    recovery: { decision: 'confirm', reason: 'enquête sans résultat' },
    divert: { office: 'BFBOB001', reason: 'route coupée' },
  });
  const statusOf = { STRANGER: 404, WRONG_OFFICE: 403, WRONG_ROLE: 403, NOT_YOURS: 403, OUT_OF_ORDER: 409, INVALID_INPUT: 400 } as const;

  it('at ACCEPTED, every actor × act the table refuses is refused by the API with the same answer, and the one it allows goes through', async () => {
    const state = stateAt('lome-ouaga', 'accepted', 'none');
    state.declaration = { ...state.declaration, declarantTin: lodged.tin };
    const body = bodies();
    let refused = 0;
    for (const actor of matrixActors(lodged.tin)) {
      for (const action of actionNames) {
        const refusal = checkAction(state, state.legs, state.endsWith, action, actor);
        if (!refusal) continue;
        const answer =
          action === 'amend'
            ? await corridor.api.call<Record<string, any>>('POST', `/transits/${mrn}/amend`, actor, body.amend)
            : await corridor.act(mrn, action, actor, body[action]);
        assert.equal(answer.status, statusOf[refusal.code], `${action} by ${who(actor)}: ${refusal.code} ${JSON.stringify(answer.body)}`);
        refused++;
      }
    }
    process.stdout.write(`# role matrix through the API at ACCEPTED: ${refused} refusals matched\n`);
    assert.ok(refused > 150, `${refused}`);
    const view = await corridor.state(mrn);
    assert.equal(view.status, 'ACCEPTED', 'no refused act moved it');
    const release = await corridor.act(mrn, 'release', matrixActors(lodged.tin).find((a) => a.office === 'TGLFW001')!, body.release);
    assert.equal(release.status, 200, JSON.stringify(release.body));
  });
});
