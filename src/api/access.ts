// Who may read which movement (the rule is workflows/procedure.ts mayRead, which acting uses too).
import type { Actor } from '../auth/actor.ts';
import type { ReferenceData } from '../domain/types.ts';
import type { TransitState } from '../../workflows/model.ts';
import type { ListFilters } from '../client/transits.ts';
import { mayRead, unknownMovement } from '../../workflows/procedure.ts';
import { notFound } from './errors.ts';

/** The country an actor answers for: a supervisor's own, an officer's office's. */
export function countryOf(actor: Actor): string | undefined {
  return actor.role === 'officer' ? actor.office?.slice(0, 2) : actor.country;
}

export function officesOfCountry(reference: ReferenceData, country: string): string[] {
  return Object.values(reference.offices)
    .filter((office) => office.country === country)
    .map((office) => office.code);
}

/** Restricts a list to what the actor may see. */
export function scopeFor(actor: Actor, reference: ReferenceData): Pick<ListFilters, 'scopeOffices' | 'scopeDeclarant'> {
  switch (actor.role) {
    case 'regional':
      return {};
    case 'declarant':
      return { scopeDeclarant: actor.tin ?? '' };
    default:
      return { scopeOffices: officesOfCountry(reference, countryOf(actor) ?? '') };
  }
}

/**
 * Someone who may not read a movement is answered as if it did not exist (issue 18): a 403
 * would confirm the MRN to a stranger trying numbers. The rule is the workflow's (mayRead), so
 * reading and acting agree on who is a stranger.
 */
export function assertCanRead(actor: Actor, state: TransitState): void {
  if (!mayRead(state, actor)) throw notFound(unknownMovement(state.mrn));
}
