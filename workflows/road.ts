// On the road: incidents recorded by an officer on the route (breakdown, accident, transhipment
// to another vehicle under new seals), which may extend the leg's time limit.
import { checkActBody } from './acts.ts';
import * as m from './messages.ts';
import type { Movement } from './movement.ts';
import { extendDeadline, nothingToExtend } from './watch.ts';

export function registerRoadActs(mv: Movement): void {
  const { state } = mv;

  mv.act(m.incidentUpdate, 'incident', checkActBody.incident, async ({ actor, kind, description, newVehicle, newSeals, extendHours }) => {
    const office = actor.office!;
    if (extendHours && !state.legDeadline && !state.controlResultsDueBy) throw nothingToExtend(mv);
    state.incidents.push({
      at: mv.now(),
      kind,
      description,
      office,
      by: actor,
      ...(newVehicle ? { newVehicle } : {}),
      ...(newSeals ? { newSeals } : {}),
      ...(extendHours ? { extendedByHours: extendHours } : {}),
    });
    if (newVehicle) state.declaration.vehicle = newVehicle.registration;
    if (newSeals?.length) state.seals = [...newSeals];
    mv.record('INCIDENT', actor, office, { kind, description, ...(newVehicle ? { newVehicle } : {}), ...(newSeals ? { newSeals } : {}) });
    if (extendHours) extendDeadline(mv, actor, office, extendHours, `incident: ${description}`);
  });
}
