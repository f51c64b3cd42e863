// The procedure's rule table (workflows/procedure.ts expectedActions) as the README shows it, and
// the role matrix the security tests try: every role × office or country × act × state.
// `npx tsx scripts/procedure-table.ts` rewrites the README's table; test/security/role-matrix.test.ts
// fails when it falls behind, as test/unit/readme.test.ts does for the configuration table.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Actor } from '../src/auth/actor.ts';
import { loadReferenceData } from '../src/domain/reference-data.ts';
import type { Escalation, TransitState } from '../workflows/model.ts';
import { actionNames, checkAction, expectedActions, type ActionName, type ExpectedAction, type Refusal } from '../workflows/procedure.ts';
import { HOUR, T0, iso, movement, type RouteId, type Stage } from '../test/unit/transit-states.ts';

export const README = fileURLToPath(new URL('../README.md', import.meta.url));
const START = '<!-- procedure-table:start -->';
const END = '<!-- procedure-table:end -->';

export const routes: RouteId[] = ['lome-ouaga', 'lome-faramana', 'ouaga-lome'];
export const stages: Stage[] = [
  'declared',
  'accepted',
  'released',
  'at-border',
  'exited',
  'entered',
  'arrived',
  'controlled',
  'held',
  'discharged',
  'cancelled',
  'rejected',
  'recovery',
];

/** The escalations a movement may carry on top of its stage: none, overdue (level 1), enquiry open (level 3). */
export const escalations: Record<'none' | 'overdue' | 'enquiry' | 'recovery', Escalation | undefined> = {
  none: undefined,
  overdue: { level: 1, kind: 'OVERDUE', overdueSince: iso(T0 + 72 * HOUR), lastNotifiedAt: iso(T0 + 72 * HOUR) },
  enquiry: { level: 3, kind: 'OVERDUE', overdueSince: iso(T0 + 72 * HOUR), lastNotifiedAt: iso(T0 + 240 * HOUR), enquiryOpenedAt: iso(T0 + 240 * HOUR) },
  // The enquiry gave nothing: the recovery is proposed to the collectors of the country where the goods were last known.
  recovery: {
    level: 3,
    kind: 'OVERDUE',
    overdueSince: iso(T0 + 72 * HOUR),
    lastNotifiedAt: iso(T0 + 240 * HOUR),
    enquiryOpenedAt: iso(T0 + 240 * HOUR),
    recoveryAt: iso(T0 + 480 * HOUR),
  },
};

export function stateAt(route: RouteId, stage: Stage, escalation: keyof typeof escalations): TransitState {
  const state = movement(route, stage);
  const e = escalations[escalation];
  if (e) state.escalation = structuredClone(e);
  if (escalation === 'recovery') {
    state.recovery = { country: state.departureCountry, state: 'PROPOSED', proposedAt: iso(T0 + 480 * HOUR), amountXof: 1_000_000, penaltyXof: 100_000 };
  }
  return state;
}

/** Everyone who could ask: an officer at every office of the reference data and one off it, supervisors of both countries and of Mali, the declarant, another declarant, a regional supervisor. */
export function matrixActors(declarantTin: string): Actor[] {
  const offices = Object.keys(loadReferenceData().offices).sort();
  return [
    ...[...offices, 'MLBKO001'].map((office): Actor => ({ user: `off-${office}`, role: 'officer', office, country: office.slice(0, 2) })),
    ...['TG', 'BF', 'ML'].map((country): Actor => ({ user: `sup-${country}`, role: 'supervisor', country })),
    ...['TG', 'BF', 'ML'].map((country): Actor => ({ user: `col-${country}`, role: 'collector', country })),
    { user: 'decl-own', role: 'declarant', tin: declarantTin },
    { user: 'decl-other', role: 'declarant', tin: '1000999999' },
    { user: 'reg-1', role: 'regional' },
  ];
}

/** What the table allows, read straight from the expected acts: the oracle the matrix holds checkAction to. */
export function tableAllows(expected: readonly ExpectedAction[], state: TransitState, action: ActionName, actor: Actor): boolean {
  return expected.some(
    (e) =>
      e.action === action &&
      e.role === actor.role &&
      (e.role === 'officer'
        ? actor.office !== undefined && (e.offices ?? []).includes(actor.office)
        : e.role === 'supervisor' || e.role === 'collector'
          ? actor.country === e.country
          : actor.tin !== undefined && actor.tin === state.declaration.declarantTin),
  );
}

export interface MatrixCase {
  route: RouteId;
  stage: Stage;
  escalation: keyof typeof escalations;
  state: TransitState;
  action: ActionName;
  actor: Actor;
  allowedByTable: boolean;
  refusal: Refusal | undefined;
}

/** Every role × office/country × act × state (route, stage, escalation), with the table's answer and checkAction's. */
export function roleMatrix(): MatrixCase[] {
  const cases: MatrixCase[] = [];
  for (const route of routes) {
    for (const stage of stages) {
      for (const escalation of Object.keys(escalations) as Array<keyof typeof escalations>) {
        const state = stateAt(route, stage, escalation);
        const expected = expectedActions(state, state.legs, state.endsWith);
        for (const actor of matrixActors(state.declaration.declarantTin)) {
          for (const action of actionNames) {
            cases.push({
              route,
              stage,
              escalation,
              state,
              action,
              actor,
              allowedByTable: tableAllows(expected, state, action, actor),
              refusal: checkAction(state, state.legs, state.endsWith, action, actor),
            });
          }
        }
      }
    }
  }
  return cases;
}

export function matrixFigures(cases: readonly MatrixCase[] = roleMatrix()): { cases: number; allowed: number; refused: number } {
  const allowed = cases.filter((c) => !c.refusal).length;
  return { cases: cases.length, allowed, refused: cases.length - allowed };
}

const who = (e: ExpectedAction) =>
  e.role === 'officer'
    ? `officer at ${(e.offices ?? []).join(' or ')}`
    : e.role === 'supervisor'
      ? `supervisor of ${e.country}`
      : e.role === 'collector'
        ? `collector of ${e.country}`
        : 'its declarant';

/** The README's table: for each route and point of the procedure, the acts expected and who records them. */
export function procedureTable(): string {
  const lines: string[] = [];
  const f = matrixFigures();
  for (const route of routes) {
    lines.push('', `**${route}**`, '', '| point of the procedure | status | escalation | act: who may record it |', '|---|---|---|---|');
    for (const stage of stages) {
      for (const escalation of Object.keys(escalations) as Array<keyof typeof escalations>) {
        const state = stateAt(route, stage, escalation);
        const expected = expectedActions(state, state.legs, state.endsWith);
        // Escalated rows only where the escalation changes what may be done.
        if (escalation !== 'none') {
          const plain = expectedActions(stateAt(route, stage, 'none'), state.legs, state.endsWith);
          if (JSON.stringify(plain) === JSON.stringify(expected)) continue;
        }
        const acts = expected.map((e) => `\`${e.action}\`: ${who(e)}`).join('; ') || 'none';
        lines.push(`| ${stage} | ${state.status} | ${escalation === 'none' ? '' : escalation} | ${acts} |`);
      }
    }
  }
  return [
    `Generated from \`workflows/procedure.ts\` (\`npx tsx scripts/procedure-table.ts\`); \`test/security/role-matrix.test.ts\` tries every`,
    `role × office or country × act × state against it: ${f.cases.toLocaleString('en-US')} cases, ${f.allowed.toLocaleString('en-US')} allowed, ${f.refused.toLocaleString('en-US')} refused.`,
    'Anyone not named in a cell is refused: first a stranger to the movement (answered as an unknown MRN),',
    'then an officer off the route, then the wrong role, and only then an act out of order.',
    ...lines,
  ].join('\n');
}

/** The README with its procedure table replaced by the current one. */
export function readmeWithProcedureTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${procedureTable()}\n${readme.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(README, readmeWithProcedureTable(readFileSync(README, 'utf8')));
  process.stdout.write('README.md procedure table rewritten\n');
}
