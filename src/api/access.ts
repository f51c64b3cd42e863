// Who may read which movement. Acting is decided by the workflow (procedure.ts); reading here.
import type { Actor } from '../auth/actor.ts';
import type { ReferenceData } from '../domain/types.ts';
import type { TransitState } from '../../workflows/model.ts';
import type { ListFilters } from '../client/transits.ts';
import { countryOf as countryName } from '../domain/countries.ts';
import { forbidden } from './errors.ts';

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

export function assertCanRead(actor: Actor, state: TransitState): void {
  if (actor.role === 'regional') return;
  if (actor.role === 'declarant') {
    if (state.declaration.declarantTin === actor.tin) return;
    throw forbidden({ fr: `le mouvement ${state.mrn} appartient à un autre déclarant`, en: `movement ${state.mrn} belongs to another declarant` });
  }
  const country = countryOf(actor);
  if (state.route.some((office) => office.country === country)) return;
  throw forbidden({
    fr: `le mouvement ${state.mrn} ne concerne pas les services ${countryName(country, 'fr')}`,
    en: `movement ${state.mrn} does not concern ${countryName(country, 'en')}`,
  });
}
