// The console's words. Officers work in French: French is the default, English on request.
// Every key exists in both languages (the type says so), so a missing word fails the build.
// Long because it is two word lists side by side (French, English), not because it holds logic.
import { countryNames, isCorridorCountry } from '../../src/domain/countries.ts';

export type Lang = 'fr' | 'en';

const fr = {
  appName: 'Corridor',
  appTagline: 'Transit Togo – Burkina Faso',
  switchLanguage: 'English',
  signOut: 'Se déconnecter',
  signInTitle: 'Connexion à la console',
  signInIntro: 'Collez un jeton (npm run token) ou choisissez un utilisateur de développement.',
  tokenLabel: 'Jeton',
  signIn: 'Se connecter',
  devUsers: 'Utilisateurs de développement',
  signInFailed: 'Connexion refusée',
  navOverview: "Vue d'ensemble",
  navDesk: 'Mon poste',
  navTransits: 'Transits',
  navIndicators: 'Indicateurs',
  roleOfficer: 'Agent des douanes',
  roleSupervisor: 'Superviseur',
  roleRegional: 'Superviseur régional',
  roleDeclarant: 'Déclarant',
  signedInAs: 'Connecté',
  loading: 'Chargement…',
  refreshedAt: 'Actualisé à',
  inFlight: 'en cours',
  expected: 'Attendus',
  present: 'Présents',
  overdue: 'En retard',
  borderPost: 'Poste frontière',
  trucksAtPost: 'Camions au poste',
  noTrucksAtPost: 'Aucun camion au poste.',
  longestWaits: 'les {n} qui attendent depuis le plus longtemps',
  seeAll: 'voir tous',
  dwellTarget: 'Objectif',
  awaitingExit: 'attend la sortie',
  awaitingEntry: "attend l'entrée",
  waiting: 'Attente',
  openEscalations: 'Escalades ouvertes',
  noEscalations: 'Aucune escalade ouverte.',
  level: 'Niveau',
  level1: 'En retard',
  level2: 'Superviseur du pays',
  level3: 'Enquête ouverte',
  level0: 'Aucune escalade',
  escalation: 'Escalade',
  acknowledgedBy: 'Pris en compte par',
  overdueSince: 'En retard depuis',
  deskTitle: 'Mon poste',
  deskPresent: 'Camions présents',
  deskExpected: 'Camions attendus',
  deskEmptyPresent: 'Aucun camion présent.',
  deskEmptyExpected: 'Aucun camion attendu.',
  nextAction: 'Prochaine étape',
  nothingToDo: 'Rien à enregistrer ici.',
  updating: 'Mise à jour…',
  nextDeadline: 'Prochaine échéance',
  atPostFor: 'Au poste depuis',
  since: 'Depuis',
  deadline: 'Délai',
  vehicle: 'Véhicule',
  mrn: 'MRN',
  status: 'Statut',
  currentOffice: 'Bureau attendu',
  office: 'Bureau',
  route: 'Itinéraire',
  declarant: 'Déclarant',
  principal: 'Principal obligé',
  lodgedAt: 'Déclaré le',
  from: 'De',
  to: 'À',
  all: 'Tous',
  filters: 'Filtres',
  overdueOnly: 'En retard seulement',
  search: 'Rechercher',
  searchPlaceholder: 'MRN ou immatriculation',
  apply: 'Appliquer',
  reset: 'Effacer',
  nextPage: 'Page suivante',
  previousPage: 'Page précédente',
  noTransits: 'Aucun mouvement.',
  transitTitle: 'Mouvement',
  actionsNow: 'Actions possibles',
  noActions: 'Aucune action possible pour vous maintenant.',
  routeProgress: "Progression sur l'itinéraire",
  plannedBy: 'Prévu avant',
  arrivedAt: 'Arrivé',
  leftAt: 'Parti',
  late: 'en retard',
  crossings: 'Passages de frontière',
  noCrossings: 'Pas encore de passage.',
  post: 'Poste',
  arrival: 'Arrivée',
  exit: 'Sortie',
  entry: 'Entrée',
  dwell: 'Temps au poste',
  alert: 'Alerte',
  timeline: 'Historique',
  when: 'Quand',
  what: 'Quoi',
  who: 'Qui',
  where: 'Où',
  details: 'Détails',
  notifications: 'Notifications',
  noNotifications: 'Aucune notification.',
  recipients: 'Destinataires',
  delivery: 'Transmission',
  guarantee: 'Caution',
  amountReserved: 'Montant imputé sur la caution',
  seals: 'Scellés',
  nationalReferences: 'Références nationales',
  goods: 'Marchandises',
  items: 'articles',
  confirm: 'Confirmer',
  cancelForm: 'Fermer',
  sending: 'Envoi…',
  done: 'Enregistré',
  refused: 'Refusé',
  sealsIntact: 'Scellés intacts',
  remarks: 'Observations',
  sealsList: 'Scellés apposés (séparés par des espaces ou des virgules)',
  timeLimitHours: 'Délai de route (heures, facultatif)',
  controlSatisfactory: 'Contrôle satisfaisant',
  result: 'Résultat',
  satisfactory: 'Satisfaisant',
  discrepancies: 'Anomalies',
  discrepanciesList: 'Anomalies constatées (une par ligne)',
  resolution: 'Levée de l’anomalie',
  kind: 'Nature',
  description: 'Description',
  extendHours: 'Prorogation (heures, facultatif)',
  newVehicle: 'Nouveau véhicule (immatriculation)',
  newVehicleNationality: 'Nationalité du véhicule',
  newSeals: 'Nouveaux scellés',
  note: 'Note (facultative)',
  hours: 'Heures',
  reason: 'Motif',
  answer: 'Réponse du principal',
  outcome: 'Issue',
  indicatorsTitle: 'Indicateurs',
  window: 'Période',
  lastDays: 'derniers jours',
  downloadCsv: 'Télécharger (CSV)',
  dwellChart: 'Temps au poste frontière par jour',
  median: 'Médiane',
  p90: '90e centile',
  target: 'Objectif',
  day: 'Jour',
  count: 'Nombre',
  overTarget: "Au-delà de l'objectif",
  borderAlerts: 'Alertes du poste',
  legsChart: 'Durée des étapes et délais',
  allowed: 'Délai accordé (médiane)',
  lateRate: 'Taux de retard',
  officesChart: 'Retards et escalades par bureau',
  arrivals: 'Arrivées',
  lateArrivals: 'Arrivées en retard',
  overdueNow: 'En retard maintenant',
  overdueRate: 'Taux de retard actuel',
  completedChart: 'Mouvements clos par jour',
  discharged: 'Apurés',
  cancelled: 'Annulés',
  rejected: 'Rejetés',
  recovery: 'Recouvrements',
  total: 'Total',
  noData: 'Pas encore de données pour cette période.',
  minutes: 'min',
  hoursShort: 'h',
  seconds: 's',
  days: 'j',
  yes: 'oui',
  no: 'non',
  notFound: 'Page introuvable.',
  errorLoading: 'Impossible de charger',
} as const;

export type Key = keyof typeof fr;

const en: Record<Key, string> = {
  appName: 'Corridor',
  appTagline: 'Togo – Burkina Faso transit',
  switchLanguage: 'Français',
  signOut: 'Sign out',
  signInTitle: 'Sign in to the console',
  signInIntro: 'Paste a token (npm run token) or pick a development user.',
  tokenLabel: 'Token',
  signIn: 'Sign in',
  devUsers: 'Development users',
  signInFailed: 'Sign-in refused',
  navOverview: 'Overview',
  navDesk: 'My desk',
  navTransits: 'Transits',
  navIndicators: 'Indicators',
  roleOfficer: 'Customs officer',
  roleSupervisor: 'Supervisor',
  roleRegional: 'Regional supervisor',
  roleDeclarant: 'Declarant',
  signedInAs: 'Signed in',
  loading: 'Loading…',
  refreshedAt: 'Refreshed at',
  inFlight: 'in flight',
  expected: 'Expected',
  present: 'Present',
  overdue: 'Overdue',
  borderPost: 'Border post',
  trucksAtPost: 'Trucks at the post',
  noTrucksAtPost: 'No truck at the post.',
  longestWaits: 'the {n} waiting longest',
  seeAll: 'see all',
  dwellTarget: 'Target',
  awaitingExit: 'awaiting exit',
  awaitingEntry: 'awaiting entry',
  waiting: 'Waiting',
  openEscalations: 'Open escalations',
  noEscalations: 'No open escalation.',
  level: 'Level',
  level1: 'Overdue',
  level2: 'Country supervisor',
  level3: 'Enquiry opened',
  level0: 'No escalation',
  escalation: 'Escalation',
  acknowledgedBy: 'Acknowledged by',
  overdueSince: 'Overdue since',
  deskTitle: 'My desk',
  deskPresent: 'Trucks present',
  deskExpected: 'Trucks expected',
  deskEmptyPresent: 'No truck present.',
  deskEmptyExpected: 'No truck expected.',
  nextAction: 'Next step',
  nothingToDo: 'Nothing to record here.',
  updating: 'Updating…',
  nextDeadline: 'Next deadline',
  atPostFor: 'At the post for',
  since: 'Since',
  deadline: 'Time limit',
  vehicle: 'Vehicle',
  mrn: 'MRN',
  status: 'Status',
  currentOffice: 'Expected at',
  office: 'Office',
  route: 'Route',
  declarant: 'Declarant',
  principal: 'Principal',
  lodgedAt: 'Lodged',
  from: 'From',
  to: 'To',
  all: 'All',
  filters: 'Filters',
  overdueOnly: 'Overdue only',
  search: 'Search',
  searchPlaceholder: 'MRN or registration',
  apply: 'Apply',
  reset: 'Clear',
  nextPage: 'Next page',
  previousPage: 'Previous page',
  noTransits: 'No movement.',
  transitTitle: 'Movement',
  actionsNow: 'Possible actions',
  noActions: 'Nothing you can record now.',
  routeProgress: 'Progress along the route',
  plannedBy: 'Due by',
  arrivedAt: 'Arrived',
  leftAt: 'Left',
  late: 'late',
  crossings: 'Border crossings',
  noCrossings: 'No crossing yet.',
  post: 'Post',
  arrival: 'Arrival',
  exit: 'Exit',
  entry: 'Entry',
  dwell: 'Time at the post',
  alert: 'Alert',
  timeline: 'Timeline',
  when: 'When',
  what: 'What',
  who: 'Who',
  where: 'Where',
  details: 'Details',
  notifications: 'Notifications',
  noNotifications: 'No notification.',
  recipients: 'Recipients',
  delivery: 'Delivery',
  guarantee: 'Guarantee',
  amountReserved: 'Amount charged to the guarantee',
  seals: 'Seals',
  nationalReferences: 'National references',
  goods: 'Goods',
  items: 'items',
  confirm: 'Confirm',
  cancelForm: 'Close',
  sending: 'Sending…',
  done: 'Recorded',
  refused: 'Refused',
  sealsIntact: 'Seals intact',
  remarks: 'Remarks',
  sealsList: 'Seals affixed (separated by spaces or commas)',
  timeLimitHours: 'Time limit (hours, optional)',
  controlSatisfactory: 'Control satisfactory',
  result: 'Result',
  satisfactory: 'Satisfactory',
  discrepancies: 'Discrepancies',
  discrepanciesList: 'Discrepancies found (one per line)',
  resolution: 'Resolution',
  kind: 'Kind',
  description: 'Description',
  extendHours: 'Extension (hours, optional)',
  newVehicle: 'New vehicle (registration)',
  newVehicleNationality: 'Vehicle nationality',
  newSeals: 'New seals',
  note: 'Note (optional)',
  hours: 'Hours',
  reason: 'Reason',
  answer: "Principal's answer",
  outcome: 'Outcome',
  indicatorsTitle: 'Indicators',
  window: 'Period',
  lastDays: 'last days',
  downloadCsv: 'Download (CSV)',
  dwellChart: 'Border dwell time per day',
  median: 'Median',
  p90: '90th percentile',
  target: 'Target',
  day: 'Day',
  count: 'Count',
  overTarget: 'Over target',
  borderAlerts: 'Border alerts',
  legsChart: 'Leg times and time limits',
  allowed: 'Time allowed (median)',
  lateRate: 'Late rate',
  officesChart: 'Overdue and escalations per office',
  arrivals: 'Arrivals',
  lateArrivals: 'Late arrivals',
  overdueNow: 'Overdue now',
  overdueRate: 'Current overdue rate',
  completedChart: 'Movements closed per day',
  discharged: 'Discharged',
  cancelled: 'Cancelled',
  rejected: 'Rejected',
  recovery: 'Recoveries',
  total: 'Total',
  noData: 'No data yet for this period.',
  minutes: 'min',
  hoursShort: 'h',
  seconds: 's',
  days: 'd',
  yes: 'yes',
  no: 'no',
  notFound: 'Page not found.',
  errorLoading: 'Could not load',
};

const dictionaries: Record<Lang, Record<Key, string>> = { fr, en };

export const colonOf = (lang: Lang) => (lang === 'fr' ? ' : ' : ': ');

export function translate(lang: Lang, key: Key): string {
  return dictionaries[lang][key];
}

/** Each code of a list (statuses, acts, events…) in French and English. */
type CodeWords = Record<string, { fr: string; en: string }>;

/**
 * The movement's public statuses (workflows/model.ts `transitStatuses`). RELEASED is « En route »
 * throughout: it means on the road under transit, before the border post and after entry into the
 * next country alike (docs/glossary.md); the act that starts it is « Autoriser le départ en transit ».
 */
export const statusWords: CodeWords = {
  DECLARED: { fr: 'Déclaré', en: 'Declared' },
  ACCEPTED: { fr: 'Accepté, attend l’autorisation de départ', en: 'Accepted, awaiting release for transit' },
  REJECTED: { fr: 'Rejeté', en: 'Rejected' },
  RELEASED: { fr: 'En route', en: 'On the road' },
  AT_BORDER: { fr: 'Au poste frontière', en: 'At the border post' },
  ARRIVED: { fr: 'Arrivé', en: 'Arrived' },
  HELD: { fr: 'Retenu (anomalie)', en: 'Held (discrepancy)' },
  DISCHARGED: { fr: 'Apuré', en: 'Discharged' },
  CANCELLED: { fr: 'Annulé', en: 'Cancelled' },
  RECOVERY: { fr: 'Recouvrement', en: 'Recovery' },
};

export const actionWords: CodeWords = {
  release: { fr: 'Autoriser le départ en transit', en: 'Release for transit' },
  'border-arrival': { fr: "Enregistrer l'arrivée au poste", en: 'Record arrival at the post' },
  exit: { fr: 'Confirmer la sortie', en: 'Confirm exit' },
  entry: { fr: "Accepter l'entrée", en: 'Accept entry' },
  arrival: { fr: "Enregistrer l'arrivée", en: 'Record arrival' },
  'control-results': { fr: 'Saisir les résultats du contrôle', en: 'Record control results' },
  'resolve-discrepancy': { fr: "Lever l'anomalie", en: 'Resolve the discrepancy' },
  incident: { fr: 'Signaler un incident', en: 'Report an incident' },
  acknowledge: { fr: "Prendre en compte l'alerte", en: 'Acknowledge the alert' },
  extend: { fr: 'Proroger le délai', en: 'Extend the time limit' },
  'enquiry-answer': { fr: "Enregistrer la réponse à l'enquête", en: 'Record the enquiry answer' },
  cancel: { fr: 'Annuler la déclaration', en: 'Cancel the declaration' },
  amend: { fr: 'Rectifier la déclaration', en: 'Amend the declaration' },
};

export const eventWords: CodeWords = {
  LODGED: { fr: 'Déclaration déposée', en: 'Declaration lodged' },
  REGISTERED: { fr: 'Enregistrée par le système national', en: 'Registered by the national system' },
  GUARANTEE_RESERVED: { fr: 'Montant imputé sur la caution', en: 'Amount charged to the guarantee' },
  ACCEPTED: { fr: 'Déclaration acceptée', en: 'Declaration accepted' },
  REJECTED: { fr: 'Déclaration rejetée', en: 'Declaration rejected' },
  AMENDED: { fr: 'Déclaration rectifiée', en: 'Declaration amended' },
  CANCELLED: { fr: 'Déclaration annulée', en: 'Declaration cancelled' },
  RELEASED: { fr: 'Départ en transit autorisé', en: 'Released for transit' },
  AAR_SENT: { fr: "Avis anticipé d'arrivée transmis", en: 'Anticipated arrival record sent' },
  BORDER_ARRIVAL: { fr: 'Arrivée au poste frontière', en: 'Arrival at the border post' },
  EXIT_CONFIRMED: { fr: 'Sortie confirmée', en: 'Exit confirmed' },
  ENTRY_ACCEPTED: { fr: 'Entrée acceptée', en: 'Entry accepted' },
  ARRIVED: { fr: 'Arrivée à destination', en: 'Arrival at destination' },
  LATE_ARRIVAL: { fr: 'Arrivée après le délai', en: 'Arrival after the time limit' },
  CONTROL_RESULTS: { fr: 'Résultats du contrôle', en: 'Control results' },
  DISCREPANCY_RESOLVED: { fr: 'Anomalie levée', en: 'Discrepancy resolved' },
  INCIDENT: { fr: 'Incident en route', en: 'Incident en route' },
  DISCHARGED_AT_DESTINATION: { fr: 'Apurement à destination', en: 'Discharged at destination' },
  WRITTEN_OFF: { fr: 'Clôture au bureau de départ', en: 'Written off at the office of departure' },
  GUARANTEE_RELEASED: { fr: 'Mainlevée de la caution', en: 'Guarantee released' },
  OVERDUE: { fr: 'Délai dépassé (niveau 1)', en: 'Time limit passed (level 1)' },
  ESCALATED: { fr: 'Escalade au superviseur (niveau 2)', en: 'Escalated to the supervisor (level 2)' },
  ENQUIRY_OPENED: { fr: 'Enquête ouverte (niveau 3)', en: 'Enquiry opened (level 3)' },
  ENQUIRY_ANSWER: { fr: "Réponse à l'enquête", en: 'Enquiry answer' },
  RECOVERY: { fr: 'Recouvrement : mise en jeu de la caution', en: 'Recovery: guarantee claimed' },
  REMINDER: { fr: 'Rappel', en: 'Reminder' },
  ESCALATION_ACKNOWLEDGED: { fr: 'Alerte prise en compte', en: 'Alert acknowledged' },
  ESCALATION_CLOSED: { fr: 'Escalade close', en: 'Escalation closed' },
  DEADLINE_EXTENDED: { fr: 'Délai prorogé', en: 'Time limit extended' },
  BORDER_ALERT: { fr: "Alerte : au poste au-delà de l'objectif", en: 'Alert: at the post past the target' },
  BORDER_ALERT_CLEARED: { fr: 'Alerte du poste levée', en: 'Border alert cleared' },
  CONTROL_RESULTS_MISSING: { fr: 'Résultats du contrôle manquants', en: 'Control results missing' },
  NOTIFICATION_SENT: { fr: 'Notification émise', en: 'Notification issued' },
  AAR_REFUSED: { fr: "Avis anticipé d'arrivée refusé par le pays suivant", en: 'Anticipated arrival record refused by the next country' },
  DISCHARGE_REFUSED: { fr: 'Apurement refusé par le système national', en: 'Discharge refused by the national system' },
  NATIONAL_ACT_CONFIRMED: {
    fr: 'Même acte saisi aussi dans le système national : compté une fois',
    en: 'Same act also keyed in the national system: counted once',
  },
  NATIONAL_ACT_DISCREPANCY: { fr: 'Acte saisi deux fois avec des données différentes', en: 'Act keyed twice with different data' },
  NATIONAL_EVENT_IGNORED: { fr: 'Acte du système national non appliqué', en: 'National system act not applied' },
};

export const deliveryWords: CodeWords = {
  PENDING: { fr: 'En cours de transmission', en: 'Being delivered' },
  DELIVERED: { fr: 'Transmise', en: 'Delivered' },
  NOT_CONFIGURED: { fr: 'Aucun destinataire configuré (gardée ici)', en: 'No receiver configured (kept here)' },
  FAILED: { fr: 'Échec de la transmission', en: 'Delivery failed' },
};

export const guaranteeWords: CodeWords = {
  PENDING: { fr: 'imputation en cours', en: 'being charged' },
  RESERVED: { fr: 'montant imputé', en: 'amount charged' },
  RELEASED: { fr: 'mainlevée de la caution', en: 'guarantee released' },
  CLAIMED: { fr: 'mise en jeu de la caution (recouvrement)', en: 'guarantee claimed (recovery)' },
  NONE: { fr: 'aucune', en: 'none' },
};

/** Notification kinds: the timeline's words, and the one kind the timeline words otherwise. */
export const notificationWords: CodeWords = {
  ...eventWords,
  ESCALATED_TO_SUPERVISOR: { fr: 'Escalade au superviseur du pays', en: 'Escalated to the country supervisor' },
};

/** Control results (the release's `controlResult`, the destination's `result`). */
export const resultWords: CodeWords = {
  SATISFACTORY: { fr: 'Satisfaisant', en: 'Satisfactory' },
  DISCREPANCIES: { fr: 'Anomalies constatées', en: 'Discrepancies found' },
};

/** Kinds of incident on the road (procès-verbal d'incident). */
export const incidentWords: CodeWords = {
  BREAKDOWN: { fr: 'Panne', en: 'Breakdown' },
  ACCIDENT: { fr: 'Accident', en: 'Accident' },
  TRANSHIPMENT: { fr: 'Transbordement', en: 'Transhipment' },
  OTHER: { fr: 'Autre', en: 'Other' },
};

/** Outcomes of the principal's answer to an enquiry. */
export const outcomeWords: CodeWords = {
  NOT_RESOLVED: { fr: 'Non résolue', en: 'Not resolved' },
  PROOF_OF_ARRIVAL: { fr: "Preuve d'arrivée", en: 'Proof of arrival' },
  GOODS_FOUND: { fr: 'Marchandises retrouvées', en: 'Goods found' },
};

/** A country's national system: « SYDONIA Togo », "ASYCUDA Burkina"; the code for any other. */
export function systemName(code: string, lang: Lang): string {
  return isCorridorCountry(code) ? countryNames[code].system[lang] : code;
}

/**
 * A country's name (src/domain/countries.ts): « Togo », or with `of`, « du Togo » for a French
 * sentence. A country outside the corridor (a vehicle's nationality) shows its code.
 */
export function countryName(code: string, lang: Lang, of = false): string {
  if (!isCorridorCountry(code)) return lang === 'fr' && of ? `de ${code}` : code;
  const names = countryNames[code];
  return lang === 'fr' && of ? names.of : names[lang];
}

export const roleKey: Record<string, Key> = {
  officer: 'roleOfficer',
  supervisor: 'roleSupervisor',
  regional: 'roleRegional',
  declarant: 'roleDeclarant',
};

export const levelKey: Record<number, Key> = { 0: 'level0', 1: 'level1', 2: 'level2', 3: 'level3' };

/** A code in the reader's language; an unknown code shows as it is. */
export function word(words: CodeWords, code: string, lang: Lang): string {
  return words[code]?.[lang] ?? code;
}

/**
 * Words people read, as the API sends them. The one shape is `{code, fr, en}` (src/domain/words.ts):
 * refusals and act answers carry `fr` and `en` beside `message`; a notification carries
 * `message: {code, fr, en}`. What was recorded before it has only `message` (an error, an answer)
 * or a notification's `subject`: that shows whole, as it was written.
 */
export interface Said {
  fr?: string | undefined;
  en?: string | undefined;
  message?: string | undefined;
}

/** The reader's language when the words carry it; otherwise the message as it was written. */
export function say(words: Said | undefined, lang: Lang): string {
  if (!words) return '';
  return words[lang] || words.message || words.fr || words.en || '';
}

/** What an act left the movement as: its status in words; when the API answered before the status was known (202), its own words. */
export function answered(answer: Said & { status: string }, lang: Lang): string {
  return statusWords[answer.status]?.[lang] ?? (say(answer, lang) || answer.status);
}
