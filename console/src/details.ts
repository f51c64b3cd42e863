// A timeline entry's details as a person reads them, in the page's language: « Scellés intacts :
// oui », « Délai de route : 28/11/2026 14:00:00 », « Montant imputé sur la caution : 1 234 567 F CFA ».
// The keys are those the workflow records (workflows/transit.ts, `record(...)`); ids are left out.
// A key this list does not know yet still shows, plainly, rather than vanish.
import { countryNames, isCorridorCountry } from '../../src/domain/countries.ts';
import { amount, dateTime, duration } from './format.ts';
import { countryName, incidentWords, levelKey, notificationWords, outcomeWords, resultWords, say, translate, word, type Lang } from './i18n.ts';

export interface Detail {
  key: string;
  /** Absent when the value reads by itself (« Sortie vers un pays tiers »). */
  label?: string;
  text: string;
}

type Both = { fr: string; en: string };

/** The label of each key; some read differently for one kind of entry. */
const labels: Record<string, Both> = {
  lrn: { fr: 'LRN', en: 'LRN' },
  country: { fr: 'Pays', en: 'Country' },
  reference: { fr: 'Référence nationale', en: 'National reference' },
  grn: { fr: 'GRN', en: 'GRN' },
  amountXof: { fr: 'Montant imputé sur la caution', en: 'Amount charged to the guarantee' },
  seals: { fr: 'Scellés', en: 'Seals' },
  newSeals: { fr: 'Nouveaux scellés', en: 'New seals' },
  timeLimit: { fr: 'Délai de route', en: 'Time limit' },
  deadline: { fr: 'Délai de route', en: 'Time limit' },
  controlResult: { fr: 'Contrôle', en: 'Control' },
  result: { fr: 'Résultat du contrôle', en: 'Control result' },
  post: { fr: 'Poste', en: 'Post' },
  sealsIntact: { fr: 'Scellés intacts', en: 'Seals intact' },
  remarks: { fr: 'Observations', en: 'Remarks' },
  dwellSeconds: { fr: 'Temps au poste', en: 'Time at the post' },
  targetSeconds: { fr: 'Objectif', en: 'Target' },
  discrepancies: { fr: 'Anomalies', en: 'Discrepancies' },
  resolution: { fr: 'Levée de l’anomalie', en: 'Resolution' },
  kind: { fr: 'Nature', en: 'Kind' },
  description: { fr: 'Description', en: 'Description' },
  newVehicle: { fr: 'Nouveau véhicule', en: 'New vehicle' },
  newTrailer: { fr: 'Nouvelle remorque', en: 'New trailer' },
  place: { fr: 'Lieu', en: 'Place' },
  observations: { fr: 'Constatations', en: 'What the officer saw' },
  reason: { fr: 'Motif', en: 'Reason' },
  code: { fr: 'Code du refus', en: 'Refusal code' },
  level: { fr: 'Niveau', en: 'Level' },
  note: { fr: 'Note', en: 'Note' },
  answer: { fr: 'Réponse', en: 'Answer' },
  outcome: { fr: 'Issue', en: 'Outcome' },
  because: { fr: 'Close par', en: 'Closed by' },
  hours: { fr: 'Prorogation', en: 'Extension' },
  alternativeProof: { fr: 'Preuve alternative', en: 'Alternative proof' },
  to: { fr: 'Destinataires', en: 'Recipients' },
  keyedIn: { fr: 'Saisi dans', en: 'Keyed in' },
  type: { fr: 'Acte', en: 'Act' },
  why: { fr: 'Pourquoi', en: 'Why' },
  officer: { fr: 'Agent', en: 'Officer' },
  national: { fr: 'Version du système national', en: "The national system's version" },
  recorded: { fr: 'Version déjà enregistrée', en: 'Version already recorded' },
};

const labelsFor: Record<string, Record<string, Both>> = {
  DEADLINE_EXTENDED: { deadline: { fr: 'Nouveau délai', en: 'New time limit' } },
  RECOVERY: { amountXof: { fr: 'Montant de la mise en jeu', en: 'Amount claimed' } },
  NOTIFICATION_SENT: { kind: { fr: 'Objet', en: 'Subject' } },
  ESCALATION_CLOSED: { level: { fr: 'Niveau atteint', en: 'Level reached' } },
  CAUGHT_UP: { country: { fr: 'Rattrapé depuis', en: 'Caught up from' } },
  INCIDENT_SENT: { country: { fr: 'Transmis à', en: 'Sent to' } },
};

/** Why an escalation closed (ESCALATION_CLOSED `because`). */
const becauseWords: Record<string, Both> = {
  ARRIVED: { fr: 'arrivée enregistrée', en: 'arrival recorded' },
  EXTENDED: { fr: 'délai prorogé', en: 'time limit extended' },
  ENQUIRY_RESOLVED: { fr: 'enquête résolue', en: 'enquiry resolved' },
  CONTROL_RESULTS_RECORDED: { fr: 'résultats du contrôle enregistrés', en: 'control results recorded' },
};

/** Keys that are ids or are said by another key: not shown. */
const hidden = new Set(['id', 'fr', 'en', 'message', 'eventId']);

const yesNo = (value: boolean, lang: Lang) => translate(lang, value ? 'yes' : 'no');
const list = (value: unknown) => (Array.isArray(value) ? value.map(String).join(', ') : String(value));

/** Who a notification went to (`office:…`, `supervisor:TG`, `principal:…`, `guarantor:…`, `post:…`). */
export function recipient(address: string, lang: Lang, officeNames: Record<string, string> = {}): string {
  const at = address.indexOf(':');
  const [kind, who] = at < 0 ? [address, ''] : [address.slice(0, at), address.slice(at + 1)];
  const fr = lang === 'fr';
  switch (kind) {
    case 'office':
      return `${fr ? 'bureau' : 'office'} ${officeNames[who] ? `${officeNames[who]} (${who})` : who}`;
    case 'supervisor':
      return fr ? `superviseurs ${countryName(who, 'fr', true)}` : `supervisors of ${countryName(who, 'en')}`;
    case 'principal':
      return `${fr ? 'principal obligé' : 'principal'} ${who}`;
    case 'guarantor':
      return `${fr ? 'garant de la caution' : 'guarantor of'} ${who}`;
    case 'post':
      return `${fr ? 'poste' : 'post'} ${who}`;
    default:
      return address;
  }
}

function value(what: string, key: string, raw: unknown, lang: Lang, officeNames: Record<string, string>): string | undefined {
  switch (key) {
    case 'sealsIntact':
      return yesNo(Boolean(raw), lang);
    case 'keyedIn':
      // Where the act was keyed: the officer's own national system, not Corridor.
      return typeof raw === 'string' && isCorridorCountry(raw) ? countryNames[raw].system[lang] : String(raw);
    case 'national':
    case 'recorded':
      return raw && typeof raw === 'object' && Array.isArray((raw as { seals?: unknown }).seals)
        ? list((raw as { seals: unknown[] }).seals)
        : JSON.stringify(raw);
    case 'timeLimit':
    case 'deadline':
      return typeof raw === 'string' ? dateTime(raw, lang) : undefined;
    case 'dwellSeconds':
    case 'targetSeconds':
      return typeof raw === 'number' ? duration(raw, lang) : undefined;
    case 'amountXof':
      return typeof raw === 'number' ? amount(raw, lang) : undefined;
    case 'hours':
      return typeof raw === 'number' ? `${new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB').format(raw)} h` : undefined;
    case 'country':
      // Caught up from, or sent to, a national system: named as officers know it (SYDONIA Burkina).
      if ((what === 'CAUGHT_UP' || what === 'INCIDENT_SENT') && isCorridorCountry(raw)) return countryNames[raw].system[lang];
      return countryName(String(raw), lang);
    case 'controlResult':
    case 'result':
      return word(resultWords, String(raw), lang);
    case 'level': {
      const n = Number(raw);
      return n > 0 ? `${n} (${translate(lang, levelKey[n] ?? 'level3').toLowerCase()})` : String(raw);
    }
    case 'kind':
      return word(what === 'INCIDENT' ? incidentWords : notificationWords, String(raw), lang);
    case 'outcome':
      return word(outcomeWords, String(raw), lang);
    case 'because':
      return becauseWords[String(raw)]?.[lang] ?? String(raw);
    case 'to':
      return Array.isArray(raw) ? raw.map((address) => recipient(String(address), lang, officeNames)).join(', ') : String(raw);
    case 'newVehicle': {
      const vehicle = raw as { registration?: string; nationality?: string } | null;
      if (!vehicle || typeof vehicle !== 'object') return String(raw);
      return `${vehicle.registration ?? '?'}${vehicle.nationality ? ` (${countryName(vehicle.nationality, lang)})` : ''}`;
    }
    case 'newTrailer': {
      const trailer = raw as { registration?: string } | null;
      return trailer && typeof trailer === 'object' ? (trailer.registration ?? '?') : String(raw);
    }
    case 'seals':
    case 'newSeals':
    case 'discrepancies':
      return Array.isArray(raw) && raw.length === 0 ? undefined : list(raw);
    default:
      return plain(raw, lang);
  }
}

/** A value no rule above words: text as it is, a list joined, words in the reader's language. */
function plain(raw: unknown, lang: Lang): string {
  if (raw === null || raw === undefined) return '—';
  if (typeof raw === 'boolean') return yesNo(raw, lang);
  if (Array.isArray(raw)) return raw.map((item) => plain(item, lang)).join(', ');
  if (typeof raw === 'object') {
    const said = say(raw as Record<string, string>, lang);
    if (said) return said;
    return Object.entries(raw)
      .map(([key, inner]) => `${key} ${plain(inner, lang)}`)
      .join(', ');
  }
  return String(raw);
}

/** The details of one timeline entry (`what` is its code), in the reader's language. */
export function describeDetails(what: string, details: Record<string, unknown> | undefined, lang: Lang, officeNames: Record<string, string> = {}): Detail[] {
  if (!details) return [];
  const out: Detail[] = [];
  // A refusal recorded with its words in both languages (older records): one sentence, the reader's.
  const said = say(details as Record<string, string>, lang);
  if (said && (typeof details.fr === 'string' || typeof details.en === 'string')) out.push({ key: 'message', text: said });
  for (const [key, raw] of Object.entries(details)) {
    if (hidden.has(key) || raw === undefined) continue;
    if (key === 'final') {
      if (raw === true) out.push({ key, text: lang === 'fr' ? 'Sortie vers un pays tiers : fin du transit' : 'Exit to a third country: end of the transit' });
      continue;
    }
    if (key === 'late') {
      out.push({
        key,
        text: raw
          ? lang === 'fr'
            ? 'Arrivé après le délai de route'
            : 'Arrived after the time limit'
          : lang === 'fr'
            ? 'Dans le délai de route'
            : 'Within the time limit',
      });
      continue;
    }
    const text = value(what, key, raw, lang, officeNames);
    if (text === undefined) continue;
    const label = labelsFor[what]?.[key] ?? labels[key];
    out.push({ key, label: label ? label[lang] : key, text });
  }
  return out;
}
