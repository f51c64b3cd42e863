// Diversion (déroutement): after release, a road closed, the consignee's request or a security
// convoy sends the movement to another office of destination or exit. The route is planned again
// from where the truck is, with the reference data the API sends along; the new leg gets its own
// time limit; a country the truck will no longer enter gets its AAR withdrawn (and gives back its
// share of the guarantee), a country it now will gets one; every system still on the route is
// told of the new route. Decided by a supervisor of the country where the truck is, or by the
// officer of the office where it stands (./procedure.ts).
import { countryOf, type CountryCode } from '../src/domain/countries.ts';
import { planDiversion, type DiversionPlanResult, type RoadNetwork } from '../src/domain/route-plan.ts';
import { words, type Words } from '../src/domain/words.ts';
import { checkActBody } from './acts.ts';
import { sendAar } from './departure.ts';
import { recordShare } from './guarantee.ts';
import * as m from './messages.ts';
import { refusalFailure, SYSTEM, type Movement } from './movement.ts';
import { nationalRefusalOr } from './national-answers.ts';
import { closeEscalation } from './watch.ts';

type Plan = Extract<DiversionPlanResult, { ok: true }>;

interface Diversion {
  plan: Plan;
  /** How many legs of the present route stay as they are (those already travelled, and a crossing under way). */
  kept: number;
}

/**
 * The new road, or why there is none. On the road, the truck is replanned from the office it
 * last left (its leg ahead is replaced); at the border post, from the far side of the post (the
 * crossing under way stays, and the entry sets the new leg's time limit).
 */
function divertPlan(mv: Movement, office: string, network: RoadNetwork): Diversion | { refusal: Words } {
  const { state, route } = mv;
  if (office === mv.finalOffice()) {
    return {
      refusal: words(
        'INVALID_INPUT',
        `office : le mouvement ${mv.mrn} va déjà au bureau ${office}`,
        `office: movement ${mv.mrn} already goes to office ${office}`,
      ),
    };
  }
  const atBorder = state.status === 'AT_BORDER';
  const kept = atBorder ? state.legIndex + 1 : state.legIndex;
  const passed = route.offices.slice(0, kept + 1).map((o) => o.code);
  const plan = planDiversion(passed, office, network);
  if (!plan.ok) return { refusal: words('INVALID_INPUT', plan.fr, plan.en) };
  const ends = plan.offices[plan.offices.length - 1]!;
  if (ends.country === route.departureCountry) {
    // The movement ends where the next country's system discharges it: a transit cannot end in the country it left.
    return {
      refusal: words(
        'INVALID_INPUT',
        `office : le bureau ${office} est un bureau ${countryOf(ends.country, 'fr')}, pays de départ ; un transit se termine dans un autre pays`,
        `office: ${office} is in ${countryOf(ends.country, 'en')}, the country of departure; a transit ends in another country`,
      ),
    };
  }
  return { plan, kept };
}

export function registerDiversionAct(mv: Movement): void {
  const { mrn, state, route } = mv;

  mv.act(
    m.divertUpdate,
    'divert',
    (input) => {
      const problem = checkActBody.divert(input);
      if (problem) return problem;
      if (!input.network?.offices || !input.network.legs) {
        return words('INVALID_INPUT', 'network : les données de référence manquent', 'network: the reference data is missing');
      }
      const planned = divertPlan(mv, input.office, input.network);
      return 'refusal' in planned ? planned.refusal : undefined;
    },
    async ({ actor, office: newOffice, reason, network }) => {
      const planned = divertPlan(mv, newOffice, network);
      // Another act may have come between the validator and the lock: refused as the validator would.
      if ('refusal' in planned) throw refusalFailure(planned.refusal);
      const { plan, kept } = planned;
      const where = actor.office ?? mv.state.currentOffice;
      const from = mv.finalOffice();
      const before = [...route.countries];
      const legs = [...route.legs.slice(0, kept), ...plan.legs];
      const codes = plan.offices.map((o) => o.code);
      const firstNew = plan.legs[0]!;
      const onRoad = state.status === 'RELEASED';
      const deadline = onRoad ? new Date(Date.now() + mv.legMs(firstNew.timeLimitHours ?? 0)).toISOString() : undefined;

      // The route the movement follows from now on, in the plan every stage reads and in the state.
      Object.assign(route, {
        routeId: plan.routeId,
        offices: plan.offices,
        legs,
        countries: plan.countries,
        destinationOffice: plan.offices[plan.offices.length - 1]!,
        endsWith: plan.endsWith,
      });
      mv.declaration = { ...mv.declaration, route: codes };
      state.routeId = plan.routeId;
      state.legs = legs.map((leg) => ({ ...leg }));
      state.endsWith = plan.endsWith;
      state.route = [
        ...state.route.slice(0, kept + 1),
        ...plan.offices.slice(kept + 1).map((o) => ({ code: o.code, name: o.name, country: o.country, roles: [...o.roles] })),
      ];
      if (deadline) {
        state.currentOffice = firstNew.to;
        mv.officeOf(firstNew.to).plannedBy = deadline;
        state.legDeadline = deadline;
        state.nextDeadline = deadline;
      }
      mv.record('DIVERTED', actor, where, { from, to: newOffice, reason, routeId: plan.routeId, route: codes, ...(deadline ? { timeLimit: deadline } : {}) });

      if (state.escalation.level > 0 && deadline) closeEscalation(mv, actor, where, 'DIVERTED');
      // Every call this act makes is new to the workflow: behind the marker, as the rule for new commands asks.
      if (!mv.has('diversion')) return;
      await tellSystems(mv, { before, codes, newOffice, reason, deadline });
      mv.notify(
        'DIVERTED',
        [...route.countries.map((c) => `supervisor:${c}`), `office:${newOffice}`, `principal:${state.declaration.principalTin}`],
        words(
          'DIVERTED',
          `Transit ${mrn} dérouté : nouveau bureau de destination ${newOffice} (au lieu de ${from}) ; motif : ${reason}`,
          `Transit ${mrn} diverted: new office of destination ${newOffice} (instead of ${from}); reason: ${reason}`,
        ),
      );
    },
  );
}

/**
 * Each system learns the new road: an AAR withdrawn from a country the truck no longer enters,
 * an AAR sent to a country it now enters, and the diversion itself to every other system on the
 * route (the departure system and the next one). A refusal is kept in the timeline for the
 * reconciliation: the truck is already on its new road.
 */
async function tellSystems(
  mv: Movement,
  d: { before: CountryCode[]; codes: string[]; newOffice: string; reason: string; deadline: string | undefined },
): Promise<void> {
  const { mrn, state, route } = mv;
  const after: readonly string[] = route.countries;
  const leaving = d.before.filter((c) => !after.includes(c) && c !== route.departureCountry);
  const entering = after.filter((c) => !(d.before as readonly string[]).includes(c));
  const staying = after.filter((c) => !entering.includes(c));
  const at = mv.now();
  await Promise.all([
    ...leaving.map(async (country) => {
      const ack = await nationalRefusalOr(() =>
        mv.national(country).withdrawAar({ mrn, reason: `déroutement vers ${d.newOffice} / diverted to ${d.newOffice}: ${d.reason}` }),
      );
      if ('refusal' in ack) {
        mv.record('AAR_WITHDRAWAL_REFUSED', SYSTEM, undefined, { country, ...ack.refusal });
        return;
      }
      mv.record('AAR_WITHDRAWN', SYSTEM, undefined, { country, office: d.newOffice });
      if (ack.guaranteeShare) recordShare(mv, country, ack.guaranteeShare);
    }),
    ...staying.map(async (country) => {
      const ack = await nationalRefusalOr(() =>
        mv.national(country).divert({ mrn, office: d.newOffice, route: d.codes, reason: d.reason, timeLimit: d.deadline ?? null, at }),
      );
      if ('refusal' in ack) {
        mv.record('DIVERSION_REFUSED', SYSTEM, undefined, { country, ...ack.refusal });
        mv.notify(
          'DIVERSION_REFUSED',
          [`supervisor:${country}`],
          words(
            'DIVERSION_REFUSED',
            `Le système ${countryOf(country as CountryCode, 'fr')} a refusé le déroutement du transit ${mrn} : ${ack.refusal.reason}`,
            `${countryOf(country as CountryCode, 'en')}'s system refused the diversion of transit ${mrn}: ${ack.refusal.reason}`,
          ),
        );
        return;
      }
      mv.record('DIVERSION_SENT', SYSTEM, undefined, { country, office: d.newOffice });
    }),
  ]);
  if (entering.length > 0) await sendAar(mv, state.seals, d.deadline ?? state.legDeadline ?? at, {}, entering);
}
