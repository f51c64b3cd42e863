// On the road: incidents recorded by an officer of the country where the truck is (breakdown,
// accident, transhipment to another vehicle under new seals), which may extend the leg's time
// limit up to the per-leg cap (more takes a supervisor's extension).
import { words, type Words } from '../src/domain/words.ts';
import { checkActBody, type IncidentBody } from './acts.ts';
import * as m from './messages.ts';
import { refusalFailure, type Movement } from './movement.ts';
import { extendDeadline, nothingToExtend } from './watch.ts';

export function registerRoadActs(mv: Movement): void {
  const { state } = mv;
  const checkIncident = (body: IncidentBody) => checkActBody.incident(body) ?? pastTheCap(mv, body.extendHours);

  mv.act(m.incidentUpdate, 'incident', checkIncident, async ({ actor, kind, description, newVehicle, newSeals, extendHours }) => {
    const office = actor.office!;
    if (extendHours && !state.legDeadline && !state.controlResultsDueBy) throw nothingToExtend(mv);
    // Checked again under the lock: another incident may have used the leg's hours meanwhile.
    const capped = pastTheCap(mv, extendHours);
    if (capped) throw refusalFailure(capped);
    state.incidents.push({
      at: mv.now(),
      kind,
      description,
      office,
      by: actor,
      ...(newVehicle ? { newVehicle } : {}),
      ...(newSeals ? { newSeals } : {}),
      ...(extendHours ? { extendedByHours: extendHours } : {}),
      ...(mv.settings.incidentExtensionCapHours !== undefined ? { legIndex: state.legIndex } : {}),
    });
    if (newVehicle) state.declaration.vehicle = newVehicle.registration;
    if (newSeals?.length) state.seals = [...newSeals];
    mv.record('INCIDENT', actor, office, { kind, description, ...(newVehicle ? { newVehicle } : {}), ...(newSeals ? { newSeals } : {}) });
    if (extendHours) extendDeadline(mv, actor, office, extendHours, `incident: ${description}`);
  });
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
