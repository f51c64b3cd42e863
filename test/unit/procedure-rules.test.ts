// The procedure's rules as a table: at this point of this route, may this actor record this act,
// and if not, which refusal. Pure functions (workflows/procedure.ts), so milliseconds, no server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Actor } from '../../src/auth/actor.ts';
import type { Escalation, TransitState } from '../../workflows/model.ts';
import {
  actionNames,
  recordsAct,
  checkAction,
  expectedActions,
  mayRead,
  responsibleCountry,
  unknownMovement,
  type ActionName,
  type Refusal,
} from '../../workflows/procedure.ts';
import { declarant, HOUR, iso, movement, officer, plan, regional, supervisor, T0, type RouteId, type Stage } from './transit-states.ts';

const OWN = plan('lome-ouaga').declaration.declarant.tin;
const OWN_BF = plan('ouaga-lome').declaration.declarant.tin;
const OTHER_TIN = '1000999999';

/** Escalations a movement may carry on top of its stage. */
const escalations = {
  overdue: { level: 1, kind: 'OVERDUE', overdueSince: iso(T0 + 72 * HOUR), lastNotifiedAt: iso(T0 + 72 * HOUR) },
  supervisor: { level: 2, kind: 'OVERDUE', overdueSince: iso(T0 + 72 * HOUR), lastNotifiedAt: iso(T0 + 96 * HOUR) },
  enquiry: {
    level: 3,
    kind: 'OVERDUE',
    overdueSince: iso(T0 + 72 * HOUR),
    lastNotifiedAt: iso(T0 + 240 * HOUR),
    enquiryOpenedAt: iso(T0 + 240 * HOUR),
  },
  'control-results-missing': { level: 2, kind: 'CONTROL_RESULTS_MISSING', overdueSince: iso(T0 + 112 * HOUR), lastNotifiedAt: iso(T0 + 112 * HOUR) },
} satisfies Record<string, Escalation>;
/** The enquiry gave nothing: the recovery is proposed to the collectors of the country where the goods were last known. */
type EscalationName = keyof typeof escalations | 'recovery-proposed';
const collector = (country: string): Actor => ({ user: `receveur-${country.toLowerCase()}`, role: 'collector', country });

type Expected = 'allowed' | Refusal['code'];
type Row = [route: RouteId, stage: Stage, escalation: EscalationName | undefined, action: ActionName, actor: Actor, expected: Expected];

function at(route: RouteId, stage: Stage, escalation?: EscalationName): TransitState {
  const state = movement(route, stage);
  if (escalation === 'recovery-proposed') {
    state.escalation = { ...structuredClone(escalations.enquiry), recoveryAt: iso(T0 + 480 * HOUR) };
    state.recovery = { country: responsibleCountry(state), state: 'PROPOSED', proposedAt: iso(T0 + 480 * HOUR), amountXof: 1_000_000, penaltyXof: 100_000 };
  } else if (escalation) state.escalation = structuredClone(escalations[escalation]);
  return state;
}

function check(state: TransitState, action: ActionName, actor: Actor): Refusal | undefined {
  return checkAction(state, state.legs, state.endsWith, action, actor);
}

const LO = 'lome-ouaga';
const LF = 'lome-faramana';
const OL = 'ouaga-lome';
const ok = 'allowed';

// prettier-ignore
const rows: Row[] = [
  // Lodged, not yet registered: nothing can be recorded yet.
  [LO, 'declared', undefined, 'release', officer('TGLFW001'), 'OUT_OF_ORDER'],
  [LO, 'declared', undefined, 'amend', declarant(OWN), 'OUT_OF_ORDER'],
  [LO, 'declared', undefined, 'cancel', declarant(OWN), 'OUT_OF_ORDER'],

  // Accepted: release at the office of departure by an officer; amend and cancel by the declarant who lodged.
  [LO, 'accepted', undefined, 'release', officer('TGLFW001'), ok],
  [LO, 'accepted', undefined, 'release', officer('TGCKS001'), 'WRONG_OFFICE'],
  [LO, 'accepted', undefined, 'release', officer('BFOUA001'), 'WRONG_OFFICE'],
  [LO, 'accepted', undefined, 'release', declarant(OWN), 'WRONG_ROLE'],
  [LO, 'accepted', undefined, 'release', supervisor('TG'), 'WRONG_ROLE'],
  [LO, 'accepted', undefined, 'amend', declarant(OWN), ok],
  [LO, 'accepted', undefined, 'amend', declarant(OTHER_TIN), 'STRANGER'],
  [LO, 'accepted', undefined, 'amend', { user: 'no-tin', role: 'declarant' }, 'STRANGER'],
  [LO, 'accepted', undefined, 'amend', officer('TGLFW001'), 'WRONG_ROLE'],
  [LO, 'accepted', undefined, 'cancel', declarant(OWN), ok],
  [LO, 'accepted', undefined, 'cancel', declarant(OTHER_TIN), 'STRANGER'],
  [LO, 'accepted', undefined, 'cancel', supervisor('TG'), 'WRONG_ROLE'],
  [LO, 'accepted', undefined, 'border-arrival', officer('TGCKS001'), 'OUT_OF_ORDER'],
  [LO, 'accepted', undefined, 'incident', officer('TGLFW001'), 'OUT_OF_ORDER'],
  [LO, 'accepted', undefined, 'extend', supervisor('TG'), 'OUT_OF_ORDER'],
  [LO, 'accepted', undefined, 'acknowledge', supervisor('TG'), 'OUT_OF_ORDER'],
  [LO, 'accepted', undefined, 'enquiry-answer', officer('TGLFW001'), 'OUT_OF_ORDER'],

  // Released, on the road to the border post: arrival at the post on either side of the crossing.
  [LO, 'released', undefined, 'release', officer('TGLFW001'), 'OUT_OF_ORDER'],
  [LO, 'released', undefined, 'amend', declarant(OWN), 'OUT_OF_ORDER'],
  [LO, 'released', undefined, 'cancel', declarant(OWN), 'OUT_OF_ORDER'],
  [LO, 'released', undefined, 'border-arrival', officer('TGCKS001'), ok],
  [LO, 'released', undefined, 'border-arrival', officer('BFCKN001'), ok],
  [LO, 'released', undefined, 'border-arrival', officer('TGLFW001'), 'WRONG_OFFICE'],
  [LO, 'released', undefined, 'border-arrival', officer('BFOUA001'), 'WRONG_OFFICE'],
  [LO, 'released', undefined, 'border-arrival', supervisor('TG'), 'WRONG_ROLE'],
  [LO, 'released', undefined, 'exit', officer('TGCKS001'), 'OUT_OF_ORDER'],
  [LO, 'released', undefined, 'entry', officer('BFCKN001'), 'OUT_OF_ORDER'],
  [LO, 'released', undefined, 'arrival', officer('BFOUA001'), 'OUT_OF_ORDER'],
  [LO, 'released', undefined, 'incident', officer('TGLFW001'), ok],
  [LO, 'released', undefined, 'incident', officer('TGCKS001'), ok],
  // Issue 16: the truck is still in Togo, so its incident report is Togo's; an office of Burkina on the route may not draw it up.
  [LO, 'released', undefined, 'incident', officer('BFOUA001'), 'WRONG_OFFICE'],
  [LO, 'released', undefined, 'incident', officer('BFBOB001'), 'WRONG_OFFICE'],
  [LO, 'released', undefined, 'incident', declarant(OWN), 'WRONG_ROLE'],
  [LO, 'released', undefined, 'extend', supervisor('TG'), ok], // before the deadline passes, too
  [LO, 'released', undefined, 'extend', supervisor('BF'), 'WRONG_OFFICE'],
  [LO, 'released', undefined, 'extend', officer('TGCKS001'), 'WRONG_ROLE'],
  [LO, 'released', undefined, 'acknowledge', supervisor('TG'), 'OUT_OF_ORDER'],
  [LO, 'released', undefined, 'enquiry-answer', officer('TGLFW001'), 'OUT_OF_ORDER'],

  // At the border post: exit at the post of the country left, then entry at the post of the country entered.
  [LO, 'at-border', undefined, 'exit', officer('TGCKS001'), ok],
  [LO, 'at-border', undefined, 'exit', officer('BFCKN001'), 'WRONG_OFFICE'],
  [LO, 'at-border', undefined, 'entry', officer('BFCKN001'), 'OUT_OF_ORDER'],
  [LO, 'at-border', undefined, 'border-arrival', officer('TGCKS001'), 'OUT_OF_ORDER'],
  [LO, 'at-border', undefined, 'incident', officer('TGCKS001'), ok],
  [LO, 'at-border', undefined, 'extend', supervisor('TG'), 'OUT_OF_ORDER'],
  [LO, 'exited', undefined, 'entry', officer('BFCKN001'), ok],
  [LO, 'exited', undefined, 'entry', officer('TGCKS001'), 'WRONG_OFFICE'],
  [LO, 'exited', undefined, 'exit', officer('TGCKS001'), 'OUT_OF_ORDER'],
  [LO, 'exited', undefined, 'incident', officer('BFCKN001'), ok],
  [LO, 'exited', undefined, 'incident', officer('BFOUA001'), 'WRONG_OFFICE'], // at the post, the far side's office only
  [LO, 'entered', undefined, 'incident', officer('BFOUA001'), ok],
  [LO, 'entered', undefined, 'incident', officer('TGCKS001'), 'WRONG_OFFICE'], // in Burkina now: no longer Togo's act

  // Entered, on the road to the destination: arrival there only.
  [LO, 'entered', undefined, 'arrival', officer('BFOUA001'), ok],
  [LO, 'entered', undefined, 'arrival', officer('BFCKN001'), 'WRONG_OFFICE'],
  [LO, 'entered', undefined, 'arrival', officer('TGLFW001'), 'WRONG_OFFICE'],
  [LO, 'entered', undefined, 'border-arrival', officer('BFCKN001'), 'OUT_OF_ORDER'],
  [LO, 'entered', undefined, 'control-results', officer('BFOUA001'), 'OUT_OF_ORDER'],
  [LO, 'entered', undefined, 'extend', supervisor('BF'), ok],
  [LO, 'entered', undefined, 'extend', supervisor('TG'), 'WRONG_OFFICE'],

  // Arrived: control results at destination, then (discrepancy) resolution there.
  [LO, 'arrived', undefined, 'control-results', officer('BFOUA001'), ok],
  [LO, 'arrived', undefined, 'control-results', officer('TGLFW001'), 'WRONG_OFFICE'],
  [LO, 'arrived', undefined, 'control-results', declarant(OWN), 'WRONG_ROLE'],
  [LO, 'arrived', undefined, 'arrival', officer('BFOUA001'), 'OUT_OF_ORDER'],
  [LO, 'arrived', undefined, 'resolve-discrepancy', officer('BFOUA001'), 'OUT_OF_ORDER'],
  [LO, 'arrived', undefined, 'exit', officer('BFOUA001'), 'OUT_OF_ORDER'], // a DES route ends without an exit
  [LO, 'arrived', undefined, 'incident', officer('BFOUA001'), 'OUT_OF_ORDER'], // no longer en route
  [LO, 'arrived', undefined, 'extend', supervisor('BF'), ok],
  [LO, 'controlled', undefined, 'exit', officer('BFOUA001'), 'OUT_OF_ORDER'],
  [LO, 'controlled', undefined, 'control-results', officer('BFOUA001'), 'OUT_OF_ORDER'],
  [LO, 'held', undefined, 'resolve-discrepancy', officer('BFOUA001'), ok],
  [LO, 'held', undefined, 'resolve-discrepancy', officer('BFCKN001'), 'WRONG_OFFICE'],
  [LO, 'held', undefined, 'resolve-discrepancy', supervisor('BF'), 'WRONG_ROLE'],
  [LO, 'held', undefined, 'control-results', officer('BFOUA001'), 'OUT_OF_ORDER'],
  [LO, 'held', undefined, 'extend', supervisor('BF'), 'OUT_OF_ORDER'],

  // Escalated: acknowledge and extend by a supervisor of the country whose officers wait for the truck.
  [LO, 'released', 'overdue', 'acknowledge', supervisor('TG'), ok],
  [LO, 'released', 'overdue', 'acknowledge', supervisor('BF'), 'WRONG_OFFICE'],
  [LO, 'released', 'overdue', 'acknowledge', regional, 'WRONG_ROLE'],
  [LO, 'released', 'overdue', 'acknowledge', officer('TGCKS001'), 'WRONG_ROLE'],
  [LO, 'released', 'overdue', 'extend', supervisor('TG'), ok],
  [LO, 'released', 'overdue', 'enquiry-answer', officer('TGLFW001'), 'OUT_OF_ORDER'],
  [LO, 'released', 'supervisor', 'acknowledge', supervisor('TG'), ok],
  [LO, 'released', 'enquiry', 'enquiry-answer', officer('TGLFW001'), ok],
  [LO, 'released', 'enquiry', 'enquiry-answer', officer('TGCKS001'), 'WRONG_OFFICE'],
  [LO, 'released', 'enquiry', 'enquiry-answer', declarant(OWN), 'WRONG_ROLE'],
  [LO, 'released', 'enquiry', 'enquiry-answer', supervisor('TG'), 'WRONG_ROLE'],
  [LO, 'released', 'enquiry', 'acknowledge', supervisor('TG'), ok],
  [LO, 'released', 'enquiry', 'border-arrival', officer('TGCKS001'), ok], // the truck may still turn up
  [LO, 'entered', 'supervisor', 'acknowledge', supervisor('BF'), ok],
  [LO, 'entered', 'supervisor', 'acknowledge', supervisor('TG'), 'WRONG_OFFICE'],
  [LO, 'arrived', 'control-results-missing', 'acknowledge', supervisor('BF'), ok],
  [LO, 'arrived', 'control-results-missing', 'control-results', officer('BFOUA001'), ok],

  // Lomé → Faramana ends at an office of exit toward Mali: exit there after the control results.
  [LF, 'released', undefined, 'border-arrival', officer('TGCKS001'), ok],
  [LF, 'exited', undefined, 'entry', officer('BFCKN001'), ok],
  [LF, 'entered', undefined, 'arrival', officer('BFFAR001'), ok],
  [LF, 'entered', undefined, 'arrival', officer('BFOUA001'), 'WRONG_OFFICE'],
  [LF, 'arrived', undefined, 'control-results', officer('BFFAR001'), ok],
  [LF, 'arrived', undefined, 'exit', officer('BFFAR001'), 'OUT_OF_ORDER'],
  [LF, 'controlled', undefined, 'exit', officer('BFFAR001'), ok],
  [LF, 'controlled', undefined, 'exit', officer('BFCKN001'), 'WRONG_OFFICE'],
  [LF, 'controlled', undefined, 'exit', declarant(OWN), 'WRONG_ROLE'],
  [LF, 'controlled', undefined, 'control-results', officer('BFFAR001'), 'OUT_OF_ORDER'],
  [LF, 'held', undefined, 'resolve-discrepancy', officer('BFFAR001'), ok],
  [LF, 'held', undefined, 'exit', officer('BFFAR001'), 'OUT_OF_ORDER'],

  // Ouagadougou → Lomé: the same procedure from Burkina, the border post crossed the other way.
  [OL, 'accepted', undefined, 'release', officer('BFOUA001'), ok],
  [OL, 'accepted', undefined, 'release', officer('TGLFW001'), 'WRONG_OFFICE'],
  [OL, 'accepted', undefined, 'amend', declarant(OWN_BF), ok],
  [OL, 'accepted', undefined, 'cancel', declarant(OTHER_TIN), 'STRANGER'],
  [OL, 'released', undefined, 'border-arrival', officer('BFCKN001'), ok],
  [OL, 'released', undefined, 'border-arrival', officer('TGCKS001'), ok],
  [OL, 'released', undefined, 'extend', supervisor('BF'), ok],
  [OL, 'released', undefined, 'extend', supervisor('TG'), 'WRONG_OFFICE'],
  [OL, 'at-border', undefined, 'exit', officer('BFCKN001'), ok],
  [OL, 'at-border', undefined, 'exit', officer('TGCKS001'), 'WRONG_OFFICE'],
  [OL, 'exited', undefined, 'entry', officer('TGCKS001'), ok],
  [OL, 'exited', undefined, 'entry', officer('BFCKN001'), 'WRONG_OFFICE'],
  [OL, 'entered', undefined, 'arrival', officer('TGLFW001'), ok],
  [OL, 'entered', undefined, 'extend', supervisor('TG'), ok],
  [OL, 'arrived', undefined, 'control-results', officer('TGLFW001'), ok],
  [OL, 'held', undefined, 'resolve-discrepancy', officer('TGLFW001'), ok],
  [OL, 'released', 'enquiry', 'enquiry-answer', officer('BFOUA001'), ok],
  [OL, 'released', 'enquiry', 'enquiry-answer', officer('TGLFW001'), 'WRONG_OFFICE'],
  [OL, 'released', 'overdue', 'acknowledge', supervisor('BF'), ok],
  [OL, 'entered', 'overdue', 'acknowledge', supervisor('TG'), ok],
  // The recovery: proposed at the end of the ladder, decided by a collector of the country where the goods were last known.
  [LO, 'released', 'recovery-proposed', 'recovery', collector('TG'), ok],
  [LO, 'released', 'recovery-proposed', 'recovery', collector('BF'), 'WRONG_OFFICE'],
  [LO, 'released', 'recovery-proposed', 'recovery', supervisor('TG'), 'WRONG_ROLE'],
  [LO, 'released', 'recovery-proposed', 'recovery', officer('TGLFW001'), 'WRONG_ROLE'],
  [LO, 'released', 'recovery-proposed', 'recovery', collector('ML'), 'STRANGER'],
  [LO, 'released', 'enquiry', 'recovery', collector('TG'), 'OUT_OF_ORDER'],
  [LO, 'entered', 'recovery-proposed', 'recovery', collector('BF'), ok],
  [LO, 'entered', 'recovery-proposed', 'recovery', collector('TG'), 'WRONG_OFFICE'],
  // A diversion: a supervisor of the country where the truck is, or the officer of the office where it stands.
  [LO, 'entered', undefined, 'divert', supervisor('BF'), ok],
  [LO, 'entered', undefined, 'divert', officer('BFCKN001'), ok],
  [LO, 'entered', undefined, 'divert', officer('BFOUA001'), ok],
  [LO, 'entered', undefined, 'divert', supervisor('TG'), 'WRONG_OFFICE'],
  [LO, 'entered', undefined, 'divert', officer('TGLFW001'), 'WRONG_OFFICE'],
  [LO, 'entered', undefined, 'divert', declarant(OWN), 'WRONG_ROLE'],
  [LO, 'entered', undefined, 'divert', collector('BF'), 'WRONG_ROLE'],
  [LO, 'released', undefined, 'divert', supervisor('TG'), ok],
  [LO, 'released', undefined, 'divert', officer('TGLFW001'), ok],
  [LO, 'released', undefined, 'divert', officer('BFCKN001'), 'WRONG_OFFICE'],
  [LO, 'at-border', undefined, 'divert', officer('TGCKS001'), ok],
  [LO, 'at-border', undefined, 'divert', officer('BFCKN001'), 'WRONG_OFFICE'],
  [LO, 'exited', undefined, 'divert', officer('BFCKN001'), ok],
  [LO, 'exited', undefined, 'divert', officer('TGCKS001'), 'WRONG_OFFICE'],
  [LO, 'accepted', undefined, 'divert', supervisor('TG'), 'OUT_OF_ORDER'],
  [LO, 'arrived', undefined, 'divert', officer('BFOUA001'), 'OUT_OF_ORDER'],
];

const who = (actor: Actor) => `${actor.role} ${actor.office ?? actor.country ?? actor.tin ?? ''}`.trim();

describe('checkAction: who may record which act, where and when', () => {
  for (const [route, stage, escalation, action, actor, expected] of rows) {
    test(`${route} ${stage}${escalation ? ` (${escalation})` : ''}: ${action} by ${who(actor)} → ${expected}`, () => {
      const refusal = check(at(route, stage, escalation), action, actor);
      assert.equal(refusal?.code ?? 'allowed', expected, refusal ? `${refusal.code}: ${refusal.en}` : 'allowed');
      if (refusal) {
        assert.ok(refusal.fr.trim().length > 0, 'a refusal says why in French');
        assert.ok(refusal.en.trim().length > 0, 'a refusal says why in English');
      }
    });
  }

  test('the table covers every action, each allowed somewhere and refused somewhere', () => {
    for (const action of actionNames) {
      const outcomes = new Set(rows.filter((row) => row[3] === action).map((row) => row[5]));
      assert.ok(outcomes.has('allowed'), `${action} is never allowed in the table`);
      assert.ok(
        [...outcomes].some((o) => o !== 'allowed'),
        `${action} is never refused in the table`,
      );
    }
    const codes = new Set(rows.map((row) => row[5]));
    for (const code of ['OUT_OF_ORDER', 'WRONG_OFFICE', 'WRONG_ROLE', 'STRANGER'] as const) assert.ok(codes.has(code), code);
  });

  for (const stage of ['discharged', 'cancelled', 'rejected', 'recovery'] as const) {
    test(`a ${stage} movement takes no act from anyone`, () => {
      const state = at(LO, stage);
      assert.deepEqual(expectedActions(state, state.legs, state.endsWith), []);
      for (const action of actionNames) {
        for (const actor of [officer('TGLFW001'), officer('BFOUA001'), declarant(OWN), supervisor('TG'), supervisor('BF')]) {
          // The role comes before the order: the right role hears the movement is closed, any other only that the act is not theirs.
          assert.equal(check(state, action, actor)?.code, recordsAct(action, actor.role) ? 'OUT_OF_ORDER' : 'WRONG_ROLE', `${action} by ${who(actor)}`);
        }
      }
    });
  }
});

describe('expectedActions: what the procedure waits for', () => {
  const summary = (state: TransitState) =>
    expectedActions(state, state.legs, state.endsWith).map((e) => `${e.action}:${e.role}@${e.offices?.join('|') ?? e.country ?? ''}`);

  test('lome-ouaga, step by step', () => {
    // Incidents: the offices of the country where the truck is, and the office at either end of its leg.
    const inTogo = 'TGLFW001|TGCKS001';
    const atThePost = 'TGLFW001|TGCKS001|BFCKN001';
    const inBurkina = 'BFCKN001|BFOUA001';
    assert.deepEqual(summary(at(LO, 'accepted')), ['release:officer@TGLFW001', 'amend:declarant@', 'cancel:declarant@']);
    const divert = (country: string, offices: string) => [`divert:supervisor@${country}`, `divert:officer@${offices}`];
    assert.deepEqual(summary(at(LO, 'released')), [
      'border-arrival:officer@TGCKS001|BFCKN001',
      `incident:officer@${inTogo}`,
      ...divert('TG', 'TGLFW001|TGCKS001'),
      'extend:supervisor@TG',
    ]);
    // At the post the truck is diverted by the side it stands on: Cinkassé until the exit, Cinkansé after.
    assert.deepEqual(summary(at(LO, 'at-border')), ['exit:officer@TGCKS001', `incident:officer@${atThePost}`, ...divert('TG', 'TGCKS001')]);
    assert.deepEqual(summary(at(LO, 'exited')), ['entry:officer@BFCKN001', `incident:officer@${atThePost}`, ...divert('BF', 'BFCKN001')]);
    assert.deepEqual(summary(at(LO, 'entered')), [
      'arrival:officer@BFOUA001',
      `incident:officer@${inBurkina}`,
      ...divert('BF', 'BFCKN001|BFOUA001'),
      'extend:supervisor@BF',
    ]);
    assert.deepEqual(summary(at(LO, 'arrived')), ['control-results:officer@BFOUA001', 'extend:supervisor@BF']);
    assert.deepEqual(summary(at(LO, 'held')), ['resolve-discrepancy:officer@BFOUA001']);
    assert.deepEqual(summary(at(LO, 'released', 'enquiry')), [
      'border-arrival:officer@TGCKS001|BFCKN001',
      `incident:officer@${inTogo}`,
      ...divert('TG', 'TGLFW001|TGCKS001'),
      'acknowledge:supervisor@TG',
      'extend:supervisor@TG',
      'enquiry-answer:officer@TGLFW001',
    ]);
  });

  test('lome-faramana: exit at the office of exit once the control results are in', () => {
    assert.deepEqual(summary(at(LF, 'arrived')), ['control-results:officer@BFFAR001', 'extend:supervisor@BF']);
    assert.deepEqual(summary(at(LF, 'controlled')), ['exit:officer@BFFAR001', 'extend:supervisor@BF']);
    const confirmed = at(LF, 'controlled');
    confirmed.exitConfirmedAt = iso(T0 + 103 * HOUR);
    assert.deepEqual(summary(confirmed), ['extend:supervisor@BF']);
  });

  test('the responsible country follows the office that waits for the truck', () => {
    const cases: [RouteId, Stage, string][] = [
      [LO, 'accepted', 'TG'],
      [LO, 'released', 'TG'],
      [LO, 'at-border', 'TG'],
      [LO, 'exited', 'BF'],
      [LO, 'entered', 'BF'],
      [LO, 'arrived', 'BF'],
      [OL, 'accepted', 'BF'],
      [OL, 'released', 'BF'],
      [OL, 'exited', 'TG'],
      [OL, 'entered', 'TG'],
      [LF, 'arrived', 'BF'],
    ];
    for (const [route, stage, country] of cases) assert.equal(responsibleCountry(at(route, stage)), country, `${route} ${stage}`);
    const unknown = at(LO, 'released');
    unknown.currentOffice = 'XX000000';
    assert.equal(responsibleCountry(unknown), 'TG', 'an office off the route falls back on the country of departure');
  });
});

describe('refusals to strangers', () => {
  const stages: Stage[] = ['accepted', 'released', 'at-border', 'exited', 'entered', 'arrived', 'controlled', 'held'];
  const strangers: Actor[] = [declarant(OTHER_TIN), officer('BFKAN001'), officer('BFBOB001'), supervisor('ML'), regional];
  const refusals = () =>
    ([LO, LF, OL] as const).flatMap((route) =>
      stages.flatMap((stage) =>
        (['none', 'enquiry'] as const).flatMap((esc) => {
          const state = at(route, stage, esc === 'none' ? undefined : esc);
          return actionNames.flatMap((action) => strangers.map((actor) => ({ state, action, actor, refusal: check(state, action, actor) })));
        }),
      ),
    );

  test('someone with no part in the movement is refused every act at every stage', () => {
    for (const { state, action, actor, refusal } of refusals()) {
      assert.ok(refusal, `${action} by ${who(actor)} allowed at ${state.routeId} ${state.status}`);
      assert.ok(refusal.fr.trim() && refusal.en.trim());
    }
  });

  test('NOT_YOURS and WRONG_OFFICE refusals do not tell a stranger the movement status', () => {
    for (const { state, action, actor, refusal } of refusals()) {
      if (refusal?.code !== 'NOT_YOURS' && refusal?.code !== 'WRONG_OFFICE') continue;
      for (const text of [refusal.fr, refusal.en]) {
        assert.ok(!text.includes(state.status), `${action} by ${who(actor)} at ${state.status}: ${text}`);
      }
    }
  });

  // Issue 18: who asks is checked before the order of the procedure, so a stranger asking for an
  // act that is not expected now learns neither the movement's status nor its next office.
  test('no refusal to a stranger names the movement status', () => {
    const all = refusals();
    const leaks = all.filter(({ state, refusal }) => refusal && (refusal.fr.includes(state.status) || refusal.en.includes(state.status)));
    assert.deepEqual(
      leaks.slice(0, 3).map(({ state, action, actor, refusal }) => `${action} by ${who(actor)} at ${state.status}: ${refusal!.code} ${refusal!.en}`),
      [],
    );
    // Nor the next office: no refusal to a stranger names an office of the route other than the stranger's own.
    for (const { state, action, actor, refusal } of all) {
      for (const office of state.route.map((o) => o.code).filter((code) => code !== actor.office)) {
        assert.ok(
          !refusal!.fr.includes(office) && !refusal!.en.includes(office),
          `${action} by ${who(actor)} at ${state.status} names ${office}: ${refusal!.en}`,
        );
      }
    }
    // The test is not empty: before issue 18, OUT_OF_ORDER reached these strangers with the status in it.
    assert.ok(all.length > 1000, `${all.length} refusals checked`);
  });

  test('a stranger who may not read the movement hears the words of an unknown MRN, nothing else', () => {
    for (const { state, action, actor, refusal } of refusals()) {
      if (!mayRead(state, actor)) {
        assert.equal(refusal?.code, 'STRANGER', `${action} by ${who(actor)} at ${state.status}`);
        assert.deepEqual({ fr: refusal.fr, en: refusal.en }, unknownMovement(state.mrn));
      } else assert.notEqual(refusal?.code, 'OUT_OF_ORDER', `${action} by ${who(actor)}: a reader with no part in this act learns no order`);
    }
  });
});
