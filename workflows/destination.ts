// The office of destination (or the exit office toward a third country): arrival with the seal
// check, control results that discharge the movement or hold it on discrepancies, and the end
// of the movement: discharge at destination, write-off at departure, guarantee released.
import { countryOf } from '../src/domain/countries.ts';
import { words } from '../src/domain/words.ts';
import { checkActBody } from './acts.ts';
import * as m from './messages.ts';
import { SYSTEM, type Keyed, type Movement } from './movement.ts';
import type { ControlResultsAndDischargeAnswer } from '../activities/national.ts';
import { nationalCall, nationalRefusalOr } from './national-answers.ts';
import { recordShare, shareOf } from './guarantee.ts';
import { closeEscalation, closeEscalationOnArrival } from './watch.ts';

export function registerDestinationActs(mv: Movement): void {
  const { mrn, state, route, settings } = mv;

  mv.act(m.arrivalUpdate, 'arrival', checkActBody.arrival, async ({ actor, sealsIntact, remarks }, keyed) => {
    const office = actor.office!;
    await mv.writeAct(keyed, office, 'recordArrival', { mrn, office, sealsIntact: sealsIntact ?? true, at: mv.now() });
    const at = mv.actedAt(keyed);
    const late = mv.arriveAt(office, at);
    state.arrival = { at, office, sealsIntact: sealsIntact ?? true, late, ...(remarks ? { remarks } : {}) };
    state.legDeadline = undefined;
    state.controlResultsDueBy = new Date(Date.parse(at) + settings.delays.controlResultsAfterMs).toISOString();
    state.nextDeadline = state.controlResultsDueBy;
    mv.setStatus('ARRIVED');
    mv.recordAct(keyed, 'ARRIVED', actor, office, { sealsIntact, late, ...(remarks ? { remarks } : {}) });
    closeEscalationOnArrival(mv, actor, office, late);
  });

  mv.act(
    m.controlResultsUpdate,
    'control-results',
    checkActBody['control-results'],
    async ({ actor, result: outcome, sealsIntact, discrepancies: declared }, keyed) => {
      const office = actor.office!;
      const held = outcome === 'DISCREPANCIES' || !sealsIntact;
      const discrepancies = held && declared.length === 0 ? ['scellés non intacts / seals not intact'] : declared;
      const results = () => ({
        mrn,
        office,
        controlResult: held ? ('DISCREPANCIES' as const) : ('SATISFACTORY' as const),
        sealsIntact,
        discrepancies,
        at: mv.now(),
      });
      const country = mv.countryOf(office);
      // Satisfactory results keyed here at a destination discharge at once in the same system: one
      // activity makes both calls, after any fallback act still waiting for either country.
      const paired = keyed.in === 'corridor' && !held && route.endsWith === 'DES' && mv.finalOffice() === office && mv.leanActs();
      let discharged: Discharged | undefined;
      if (paired) {
        await mv.fallback.behind(country);
        await mv.fallback.behind(route.departureCountry);
        const both = await nationalCall(() => mv.national(country).recordControlResultsAndDischarge({ results: results(), discharge: { mrn, office } }));
        discharged = both.discharged;
      } else {
        await mv.writeInto(keyed, country, () => mv.national(country).recordControlResults(results()));
      }
      state.controlResults = { at: mv.actedAt(keyed), office, result: held ? 'DISCREPANCIES' : 'SATISFACTORY', sealsIntact, discrepancies, by: actor };
      state.controlResultsDueBy = undefined;
      state.nextDeadline = undefined;
      if (state.escalation.kind === 'CONTROL_RESULTS_MISSING') closeEscalation(mv, actor, office, 'CONTROL_RESULTS_RECORDED');
      mv.recordAct(keyed, 'CONTROL_RESULTS', actor, office, { result: state.controlResults.result, sealsIntact, discrepancies });
      if (held) {
        mv.setStatus('HELD');
        return;
      }
      // A route toward Mali or Niger ends with the exit confirmed after the control results.
      if (route.endsWith === 'DES') await dischargeAndWriteOff(mv, office, { keyed, ...(discharged ? { discharged } : {}) });
    },
  );

  mv.act(m.resolveDiscrepancyUpdate, 'resolve-discrepancy', checkActBody['resolve-discrepancy'], async ({ actor, resolution }, keyed) => {
    const office = actor.office!;
    await mv.writeInto(keyed, mv.countryOf(office), () =>
      mv.national(mv.countryOf(office)).recordControlResults({
        mrn,
        office,
        controlResult: 'SATISFACTORY',
        sealsIntact: true,
        discrepancies: [],
        at: mv.now(),
      }),
    );
    state.controlResults!.resolvedAt = mv.actedAt(keyed);
    state.controlResults!.resolution = resolution;
    mv.setStatus('ARRIVED');
    mv.recordAct(keyed, 'DISCREPANCY_RESOLVED', actor, office, { resolution });
    if (route.endsWith === 'DES') await dischargeAndWriteOff(mv, office, { keyed });
  });
}

/** The destination system's answer to the discharge, or its refusal. */
type Discharged = ControlResultsAndDischargeAnswer['discharged'];

/**
 * Discharge at destination, write-off at departure, guarantee released: the movement is over.
 * `discharged`: the destination's answer, when the discharge was already made with the control results.
 */
export async function dischargeAndWriteOff(
  mv: Movement,
  office: string,
  by: { keyed?: Keyed; alternativeProof?: string; discharged?: Discharged } = {},
): Promise<void> {
  const { alternativeProof } = by;
  const { mrn, state } = mv;
  const finalOffice = mv.finalOffice();
  const destinationCountry = mv.countryOf(finalOffice);
  let discharged = by.discharged;
  if (!discharged) {
    // The system discharges a record that holds every act before: fallback acts still waiting are written first.
    await mv.fallback.behind(destinationCountry);
    await mv.fallback.behind(mv.route.departureCountry);
    discharged = await nationalRefusalOr(() =>
      mv.national(destinationCountry).discharge({ mrn, office: finalOffice, ...(alternativeProof ? { alternativeProof } : {}) }),
    );
  }
  if ('refusal' in discharged) {
    mv.record('DISCHARGE_REFUSED', SYSTEM, office, { ...discharged.refusal });
    mv.notify(
      'DISCHARGE_REFUSED',
      [`supervisor:${destinationCountry}`],
      words(
        'DISCHARGE_REFUSED',
        `Le système ${countryOf(destinationCountry, 'fr')} a refusé l'apurement du transit ${mrn} : ${discharged.refusal.reason}`,
        `${countryOf(destinationCountry, 'en')}'s system refused the discharge of transit ${mrn}: ${discharged.refusal.reason}`,
      ),
    );
    return;
  }
  mv.record('DISCHARGED_AT_DESTINATION', SYSTEM, office, alternativeProof ? { alternativeProof } : undefined);
  if (mv.shares) {
    // The destination's share came back with the discharge; the departure's with the entry notice.
    if (discharged.guaranteeShare) recordShare(mv, destinationCountry, discharged.guaranteeShare, office);
    const departure = shareOf(mv, mv.route.departureCountry);
    const departureLeft = departure?.state === 'RESERVED' ? departure : undefined;
    if (departureLeft) {
      // The entry notice did not write off the departure leg (refused, or a route without a crossing): done now.
      const [, released] = await Promise.all([
        mv.departure.writeOff({ mrn }),
        mv.departure.releaseGuarantee({ mrn, grn: state.guarantee.grn, reason: 'discharged' }),
      ]);
      mv.record('WRITTEN_OFF', SYSTEM, mv.departureOffice(), by.keyed ? mv.forwardOf(by.keyed, 'DISCHARGED') : undefined);
      recordShare(mv, mv.route.departureCountry, { grn: state.guarantee.grn, status: 'RELEASED', amountXof: released.amountXof, code: null, reason: null });
    }
  } else {
    await Promise.all([mv.departure.writeOff({ mrn }), mv.departure.releaseGuarantee({ mrn, grn: state.guarantee.grn, reason: 'discharged' })]);
  }
  state.guarantee.state = 'RELEASED';
  state.dischargedAt = mv.now();
  state.currentOffice = finalOffice;
  state.nextDeadline = undefined;
  mv.setStatus('DISCHARGED');
  if (!mv.shares) mv.record('WRITTEN_OFF', SYSTEM, mv.departureOffice(), by.keyed ? mv.forwardOf(by.keyed, 'DISCHARGED') : undefined);
  mv.record('GUARANTEE_RELEASED', SYSTEM, mv.departureOffice(), { grn: state.guarantee.grn });
}
