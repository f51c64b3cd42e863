// The customs procedure as rules: which act is expected next, where, and by whom.
// Pure functions over the state: the workflow's update validators call them, and the API
// calls them to tell a signed-in user which actions they may take now.
import type { Actor } from '../src/auth/actor.ts';
import { countryOf } from '../src/domain/countries.ts';
import type { PlannedRoute } from '../src/domain/types.ts';
import type { Words } from '../src/domain/words.ts';
import type { TransitState } from './model.ts';

export const actionNames = [
  'release',
  'border-arrival',
  'exit',
  'entry',
  'arrival',
  'control-results',
  'resolve-discrepancy',
  'incident',
  'amend',
  'cancel',
  'acknowledge',
  'extend',
  'enquiry-answer',
  'recovery',
  'divert',
] as const;
export type ActionName = (typeof actionNames)[number];

export type ActingRole = 'officer' | 'declarant' | 'supervisor' | 'collector';

export interface ExpectedAction {
  action: ActionName;
  role: ActingRole;
  /** Officers: the offices where the act may be recorded. */
  offices?: string[];
  /** Supervisors and collectors: the country whose supervisors (collectors) may act. */
  country?: string;
}

/**
 * A refusal says why in French first (officers' working language) and in English. STRANGER is
 * for someone who may not even read the movement: its words are those of an unknown MRN, and
 * the API answers it exactly as it answers an MRN that does not exist.
 */
export interface Refusal extends Words {
  code: 'OUT_OF_ORDER' | 'WRONG_OFFICE' | 'WRONG_ROLE' | 'NOT_YOURS' | 'INVALID_INPUT' | 'STRANGER';
}

/**
 * Who records each act, whatever the state: the role column of the procedure's table. Most acts
 * have one role; a diversion (déroutement) is decided by a supervisor of the country where the
 * truck is or by the officer of the office where it stands, whoever meets the closed road first.
 */
export const actionRoles: Record<ActionName, readonly ActingRole[]> = {
  release: ['officer'],
  'border-arrival': ['officer'],
  exit: ['officer'],
  entry: ['officer'],
  arrival: ['officer'],
  'control-results': ['officer'],
  'resolve-discrepancy': ['officer'],
  incident: ['officer'],
  amend: ['declarant'],
  cancel: ['declarant'],
  acknowledge: ['supervisor'],
  extend: ['supervisor'],
  'enquiry-answer': ['officer'],
  recovery: ['collector'],
  divert: ['supervisor', 'officer'],
};

/** Whether this role records this act at some point of the procedure. */
export function recordsAct(action: ActionName, role: string): boolean {
  return (actionRoles[action] as readonly string[]).includes(role);
}

/** The words for a movement the reader may not know of: the same as for an MRN that does not exist. */
export function unknownMovement(mrn: string): { fr: string; en: string } {
  return { fr: `aucun mouvement ${mrn}`, en: `no movement with MRN ${mrn}` };
}

/**
 * Who may read the movement at all: a regional supervisor; its declarant; officers and
 * supervisors of a country on its route. Anyone else is a stranger to it.
 */
export function mayRead(state: Pick<TransitState, 'route' | 'declaration'>, actor: Actor): boolean {
  if (actor.role === 'regional') return true;
  if (actor.role === 'declarant') return actor.tin !== undefined && actor.tin === state.declaration.declarantTin;
  const country = actor.role === 'officer' ? actor.office?.slice(0, 2) : actor.country;
  return state.route.some((office) => office.country === country);
}

type Leg = PlannedRoute['legs'][number];

const EN_ROUTE = ['RELEASED', 'AT_BORDER'] as const;

export function finalOffice(state: Pick<TransitState, 'route'>): string {
  return state.route[state.route.length - 1]!.code;
}

/** The acts the procedure expects now, whoever may record them. */
export function expectedActions(state: TransitState, legs: readonly Leg[], endsWith: 'DES' | 'EXT'): ExpectedAction[] {
  const expected: ExpectedAction[] = [];
  const officer = (action: ActionName, ...offices: string[]) => expected.push({ action, role: 'officer', offices });
  switch (state.status) {
    case 'ACCEPTED':
      officer('release', state.route[0]!.code);
      expected.push({ action: 'amend', role: 'declarant' }, { action: 'cancel', role: 'declarant' });
      break;
    case 'RELEASED': {
      const leg = legs[state.legIndex]!;
      const next = legs[state.legIndex + 1];
      if (!next) officer('arrival', leg.to);
      else if (next.kind === 'crossing') officer('border-arrival', next.from, next.to);
      break;
    }
    case 'AT_BORDER': {
      const leg = legs[state.legIndex]!;
      const crossing = state.crossings[state.crossings.length - 1];
      if (!crossing?.exitAt) officer('exit', leg.from);
      else officer('entry', leg.to);
      break;
    }
    case 'ARRIVED':
      if (!state.controlResults) officer('control-results', finalOffice(state));
      else if (endsWith === 'EXT' && !state.exitConfirmedAt) officer('exit', finalOffice(state));
      break;
    case 'HELD':
      officer('resolve-discrepancy', finalOffice(state));
      break;
    default:
      break;
  }
  if ((EN_ROUTE as readonly string[]).includes(state.status)) {
    officer('incident', ...incidentOffices(state, legs));
    // A road closed ahead: the truck is diverted where it stands — either end of its road leg; at
    // the post, the side it is on (the exit office until the exit is confirmed, the entry office after).
    const leg = legs[state.legIndex];
    if (leg) {
      expected.push({ action: 'divert', role: 'supervisor', country: responsibleCountry(state) });
      const atPost = state.status === 'AT_BORDER' ? state.crossings[state.crossings.length - 1] : undefined;
      officer('divert', ...(atPost ? [atPost.exitAt ? leg.to : leg.from] : [...new Set([leg.from, leg.to])]));
    }
  }
  if (state.escalation.level > 0 && !['DISCHARGED', 'RECOVERY', 'CANCELLED', 'REJECTED'].includes(state.status)) {
    const country = responsibleCountry(state);
    expected.push({ action: 'acknowledge', role: 'supervisor', country }, { action: 'extend', role: 'supervisor', country });
    if (state.escalation.enquiryOpenedAt) officer('enquiry-answer', state.route[0]!.code);
    // The ladder proposed the recovery: a collector of the country where the goods were last known decides it.
    if (state.recovery?.state === 'PROPOSED') expected.push({ action: 'recovery', role: 'collector', country: state.recovery.country });
  } else if (state.status === 'RELEASED' || state.status === 'ARRIVED') {
    // A supervisor may extend a deadline before it passes, too (a road closed, a convoy held).
    expected.push({ action: 'extend', role: 'supervisor', country: responsibleCountry(state) });
  }
  return expected;
}

/**
 * Where an incident may be recorded: by an officer of the country where the truck is (the
 * current leg's country), or at the office at either end of the leg (at the border post, the
 * other side's office too). The procès-verbal is that country's act; another country's officer
 * cannot see the truck and may not write it.
 */
export function incidentOffices(state: Pick<TransitState, 'route' | 'legIndex'>, legs: readonly Leg[]): string[] {
  const leg = legs[state.legIndex];
  if (!leg) return state.route.map((office) => office.code);
  const country = state.route.find((office) => office.code === leg.from)?.country;
  return state.route.filter((office) => office.country === country || office.code === leg.from || office.code === leg.to).map((office) => office.code);
}

/** The country whose officers are waiting for the truck, so whose supervisors answer for it. */
export function responsibleCountry(state: TransitState): string {
  return state.route.find((office) => office.code === state.currentOffice)?.country ?? state.departureCountry;
}

const words: Record<ActionName, { fr: string; en: string }> = {
  release: { fr: "l'autorisation de départ en transit", en: 'the release for transit' },
  'border-arrival': { fr: "l'arrivée au poste frontière", en: 'the arrival at the border post' },
  exit: { fr: 'la sortie', en: 'the exit' },
  entry: { fr: "l'entrée", en: 'the entry' },
  arrival: { fr: "l'arrivée", en: 'the arrival' },
  'control-results': { fr: 'les résultats du contrôle', en: 'the control results' },
  'resolve-discrepancy': { fr: "la levée de l'anomalie", en: 'the resolution of the discrepancy' },
  incident: { fr: "le procès-verbal d'incident", en: 'the incident report' },
  amend: { fr: 'la rectification', en: 'the amendment' },
  cancel: { fr: "l'annulation", en: 'the cancellation' },
  acknowledge: { fr: "la prise en compte de l'alerte", en: 'the acknowledgement' },
  extend: { fr: 'la prorogation du délai', en: 'the extension of the time limit' },
  'enquiry-answer': { fr: "la réponse à l'enquête", en: 'the answer to the enquiry' },
  recovery: { fr: 'la décision de recouvrement', en: 'the recovery decision' },
  divert: { fr: 'le déroutement (changement de bureau de destination)', en: 'the diversion (change of office of destination)' },
};

/**
 * Undefined when the actor may record the act now; otherwise the reason why not. Who asks is
 * checked before what the procedure expects (issue 18): a stranger gets the words of an unknown
 * MRN, an officer off the route or someone in the wrong role learns nothing of the movement's
 * state; only those with a part in it hear its status and next step. The set of acts allowed is
 * the same as when the order came first: each of these checks is implied by an allowed act.
 */
export function checkAction(state: TransitState, legs: readonly Leg[], endsWith: 'DES' | 'EXT', action: ActionName, actor: Actor): Refusal | undefined {
  const what = words[action];
  if (!mayRead(state, actor)) return { code: 'STRANGER', ...unknownMovement(state.mrn) };
  if (actor.role === 'officer' && !state.route.some((office) => office.code === actor.office)) {
    return {
      code: 'WRONG_OFFICE',
      fr: `Le bureau ${actor.office ?? '?'} n'est pas sur l'itinéraire du mouvement ${state.mrn}.`,
      en: `Office ${actor.office ?? '?'} is not on the route of movement ${state.mrn}.`,
    };
  }
  if (!recordsAct(action, actor.role)) {
    const roles = actionRoles[action];
    return {
      code: 'WRONG_ROLE',
      fr: `Seul un ${roles.map(frRole).join(' ou un ')} peut enregistrer ${what.fr} (vous êtes ${frRole(actor.role)}).`,
      en: `${capitalise(what.en)} is recorded by a ${roles.join(' or a ')}, not by a ${actor.role}.`,
    };
  }
  const candidates = expectedActions(state, legs, endsWith).filter((e) => e.action === action);
  if (candidates.length === 0) {
    return {
      code: 'OUT_OF_ORDER',
      fr: `Impossible d'enregistrer ${what.fr} maintenant : le mouvement ${state.mrn} est au statut ${state.status}${nextHint(state, legs, endsWith, 'fr')}.`,
      en: `${capitalise(what.en)} is not possible now: movement ${state.mrn} is ${state.status}${nextHint(state, legs, endsWith, 'en')}.`,
    };
  }
  const roleMatches = candidates.filter((e) => e.role === actor.role);
  if (roleMatches.length === 0) {
    const role = candidates[0]!.role;
    return {
      code: 'WRONG_ROLE',
      fr: `Seul un ${frRole(role)} peut enregistrer ${what.fr} (vous êtes ${frRole(actor.role)}).`,
      en: `${capitalise(what.en)} is recorded by a ${role}, not by a ${actor.role}.`,
    };
  }
  for (const expected of roleMatches) {
    if (expected.role === 'declarant') {
      if (actor.tin === state.declaration.declarantTin) return undefined;
      return {
        code: 'NOT_YOURS',
        fr: `Le mouvement ${state.mrn} a été déclaré par un autre déclarant.`,
        en: `Movement ${state.mrn} was lodged by another declarant.`,
      };
    }
    if (expected.role === 'supervisor' || expected.role === 'collector') {
      if (actor.country === expected.country) return undefined;
      const who = expected.role === 'supervisor' ? { fr: 'superviseurs', en: 'supervisors' } : { fr: 'receveurs', en: 'collectors' };
      return {
        code: 'WRONG_OFFICE',
        fr: `Seuls les ${who.fr} ${countryOf(expected.country, 'fr')} peuvent enregistrer ${what.fr}, pas ceux ${countryOf(actor.country, 'fr')}.`,
        en: `${capitalise(what.en)} is for ${who.en} of ${countryOf(expected.country, 'en')}, not of ${countryOf(actor.country, 'en')}.`,
      };
    }
    if (actor.office && expected.offices?.includes(actor.office)) return undefined;
  }
  const offices = roleMatches.flatMap((e) => e.offices ?? []);
  if (action === 'incident') {
    const where = countryOf(state.route.find((office) => office.code === offices[0])?.country, 'fr');
    const whereEn = countryOf(state.route.find((office) => office.code === offices[0])?.country, 'en');
    return {
      code: 'WRONG_OFFICE',
      fr: `Le procès-verbal d'incident est dressé par un agent du pays où se trouve le camion, ici un agent ${where} (bureau ${offices.join(' ou ')}), pas au bureau ${actor.office ?? '?'}.`,
      en: `The incident report is drawn up by an officer of the country where the truck is, here an officer of ${whereEn} (office ${offices.join(' or ')}), not at ${actor.office ?? '?'}.`,
    };
  }
  return {
    code: 'WRONG_OFFICE',
    fr: `On enregistre ${what.fr} au bureau ${offices.join(' ou ')}, pas au bureau ${actor.office ?? '?'}.`,
    en: `${capitalise(what.en)} is recorded at office ${offices.join(' or ')}, not at ${actor.office ?? '?'}.`,
  };
}

function nextHint(state: TransitState, legs: readonly Leg[], endsWith: 'DES' | 'EXT', lang: 'fr' | 'en'): string {
  const next = expectedActions(state, legs, endsWith).find((e) => e.role === 'officer' && e.action !== 'incident');
  if (!next) return '';
  const where = next.offices?.join(lang === 'fr' ? ' ou ' : ' or ') ?? '';
  return lang === 'fr' ? ` ; prochaine étape : ${words[next.action].fr} à ${where}` : `; next step: ${words[next.action].en} at ${where}`;
}

function frRole(role: string): string {
  return (
    (
      {
        officer: 'agent des douanes',
        declarant: 'déclarant',
        supervisor: 'superviseur',
        regional: 'superviseur régional',
        collector: 'receveur des douanes',
      } as Record<string, string>
    )[role] ?? role
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
