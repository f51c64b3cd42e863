// On the road: the procès-verbal d'incident drawn up by an officer of the country where the
// truck is (breakdown, accident, seals broken, transhipment to another vehicle under new seals,
// partial loss), sent to the departure country's system and to each system ahead of the truck;
// it may extend the leg's time limit up to the per-leg cap (more takes a supervisor).
import { words, type Words } from '../src/domain/words.ts';
import { checkActBody, type IncidentBody } from './acts.ts';
import * as m from './messages.ts';
import { refusalFailure, SYSTEM, type Movement } from './movement.ts';
import { nationalRefusalOr } from './national-answers.ts';
import { extendDeadline, nothingToExtend } from './watch.ts';

export function registerRoadActs(mv: Movement): void {
  const { state } = mv;
  const checkIncident = (body: IncidentBody) => checkActBody.incident(body) ?? pastTheCap(mv, body.extendHours);

  mv.act(m.incidentUpdate, 'incident', checkIncident, async (report) => {
    const { actor, kind, description, place, observations, newVehicle, newTrailer, newSeals, extendHours } = report;
    const office = actor.office!;
    if (extendHours && !state.legDeadline && !state.controlResultsDueBy) throw nothingToExtend(mv);
    // Checked again under the lock: another incident may have used the leg's hours meanwhile.
    const capped = pastTheCap(mv, extendHours);
    if (capped) throw refusalFailure(capped);
    const at = mv.now();
    state.incidents.push({
      at,
      kind,
      description,
      office,
      by: actor,
      ...(place ? { place } : {}),
      ...(observations ? { observations } : {}),
      ...(newVehicle ? { newVehicle } : {}),
      ...(newTrailer ? { newTrailer } : {}),
      ...(newSeals ? { newSeals } : {}),
      ...(extendHours ? { extendedByHours: extendHours } : {}),
      ...(mv.settings.incidentExtensionCapHours !== undefined ? { legIndex: state.legIndex } : {}),
    });
    if (newVehicle) state.declaration.vehicle = newVehicle.registration;
    if (newTrailer) state.declaration.trailer = newTrailer.registration;
    if (newSeals?.length) state.seals = [...newSeals];
    mv.record('INCIDENT', actor, office, {
      kind,
      description,
      ...(place ? { place } : {}),
      ...(observations ? { observations } : {}),
      ...(newVehicle ? { newVehicle } : {}),
      ...(newTrailer ? { newTrailer } : {}),
      ...(newSeals ? { newSeals } : {}),
    });
    if (extendHours) extendDeadline(mv, actor, office, extendHours, `incident: ${description}`);
    // Movements started before incidents travelled keep them inside Corridor, as they were recorded.
    if (mv.has('incident-reports')) await sendIncidentReport(mv, office, at, report);
  });
}

/**
 * Tells the departure country's system and each system ahead of the truck: a transhipment
 * changes the vehicle and seals their officers will check. Informative, like the border
 * notices: a refusal is kept in the timeline for the reconciliation; the incident stands.
 */
async function sendIncidentReport(mv: Movement, office: string, recordedAt: string, report: IncidentBody): Promise<void> {
  const from = mv.state.route.findIndex((o) => o.code === mv.state.currentOffice);
  const countries = [...new Set([mv.route.departureCountry, ...mv.state.route.slice(Math.max(0, from)).map((o) => o.country)])];
  for (const country of countries) {
    const ack = await nationalRefusalOr(() =>
      mv.national(country).receiveIncident({
        mrn: mv.mrn,
        country: mv.countryOf(office) as 'TG' | 'BF',
        office,
        kind: report.kind,
        place: report.place ?? null,
        description: report.description,
        observations: report.observations ?? null,
        newVehicle: report.newVehicle ?? null,
        newTrailer: report.newTrailer ?? null,
        newSeals: report.newSeals ?? [],
        extendHours: report.extendHours ?? null,
        recordedAt,
      }),
    );
    if ('refusal' in ack) mv.record('INCIDENT_REFUSED', SYSTEM, office, { country, ...ack.refusal });
    else mv.record('INCIDENT_SENT', SYSTEM, office, { country, kind: report.kind });
  }
}

/** The hours officers' incidents already added to the leg the truck is on. */
export function incidentHoursOnLeg(mv: Movement): number {
  const { state } = mv;
  return state.incidents.filter((incident) => incident.legIndex === state.legIndex).reduce((sum, incident) => sum + (incident.extendedByHours ?? 0), 0);
}

/**
 * An incident's extension past the leg's cap: refused with what is left, so the officer knows
 * to ask a supervisor. Movements started before the cap have none (settings without it).
 */
function pastTheCap(mv: Movement, extendHours: number | undefined): Words | undefined {
  const cap = mv.settings.incidentExtensionCapHours;
  if (cap === undefined || !extendHours) return undefined;
  const used = incidentHoursOnLeg(mv);
  if (used + extendHours <= cap) return undefined;
  const left = Math.max(0, cap - used);
  return words(
    'OUT_OF_ORDER',
    `Prorogation refusée : les incidents ne peuvent prolonger le délai de route de ce tronçon que de ${cap} h au total (déjà ${used} h, reste ${left} h) ; au-delà, demandez une prorogation au superviseur.`,
    `Extension refused: incidents may extend this leg's time limit by at most ${cap} h in all (${used} h already, ${left} h left); beyond that, ask a supervisor for an extension.`,
  );
}
