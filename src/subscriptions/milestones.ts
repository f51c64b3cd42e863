// The milestones of a movement the trade may subscribe to: timeline codes (workflows/, the
// `state` query's timeline[].what), with the words the console gives them (console/src/i18n.ts
// eventWords; the console's module is built for the browser, so the few the trade receives are
// repeated here). The API accepts DISCHARGED for DISCHARGED_AT_DESTINATION, as the issue names it.
import type { Words } from '../domain/words.ts';

export const milestoneWords = {
  LODGED: { fr: 'Déclaration déposée', en: 'Declaration lodged' },
  ACCEPTED: { fr: 'Déclaration acceptée', en: 'Declaration accepted' },
  REJECTED: { fr: 'Déclaration rejetée', en: 'Declaration rejected' },
  CANCELLED: { fr: 'Déclaration annulée', en: 'Declaration cancelled' },
  RELEASED: { fr: 'Départ en transit autorisé', en: 'Released for transit' },
  BORDER_ARRIVAL: { fr: 'Arrivée au poste frontière', en: 'Arrival at the border post' },
  EXIT_CONFIRMED: { fr: 'Sortie confirmée', en: 'Exit confirmed' },
  ENTRY_ACCEPTED: { fr: 'Entrée acceptée', en: 'Entry accepted' },
  ARRIVED: { fr: 'Arrivée à destination', en: 'Arrival at destination' },
  DISCHARGED_AT_DESTINATION: { fr: 'Apurement à destination', en: 'Discharged at destination' },
  GUARANTEE_RELEASED: { fr: 'Mainlevée de la caution', en: 'Guarantee released' },
  OVERDUE: { fr: 'Délai de route dépassé', en: 'Time limit passed' },
  INCIDENT: { fr: "Incident en route (procès-verbal d'incident)", en: 'Incident on the road' },
} as const satisfies Record<string, { fr: string; en: string }>;

export type Milestone = keyof typeof milestoneWords;
export const milestones = Object.keys(milestoneWords) as [Milestone, ...Milestone[]];

const aliases: Record<string, Milestone> = { DISCHARGED: 'DISCHARGED_AT_DESTINATION' };
export const acceptedEventNames = [...milestones, ...Object.keys(aliases)] as [string, ...string[]];

export function milestoneOf(name: string): Milestone {
  return aliases[name] ?? (name as Milestone);
}

export function isMilestone(what: string): what is Milestone {
  return Object.hasOwn(milestoneWords, what);
}

export function wordsOf(milestone: Milestone): Words {
  return { code: milestone, ...milestoneWords[milestone] };
}
