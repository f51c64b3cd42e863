// Each act's input, defined once: the fields an officer, a declarant or a supervisor sends, the
// limits that apply to them, and the checks the workflow makes whoever sends the update. Pure
// TypeScript: the workflow imports it; the API's zod schemas (src/api/routes/actions.ts) are
// checked against these types at compile time, so the two layers cannot drift apart.
import { OFFICE_CODE } from '../src/domain/formats.ts';
import { words, type Words } from '../src/domain/words.ts';
import type { FallbackMark } from './fallback.ts';

export const actLimits = {
  /** A seal identifier as printed on it: letters, digits and dashes. */
  sealPattern: /^[A-Za-z0-9-]{1,40}$/,
  sealsPerAct: 50,
  /** A release may set the first leg's time limit itself, up to a month. */
  timeLimitHoursMax: 720,
  /** A supervisor's extension, at most a month at a time. */
  extensionHoursMax: 720,
  /** An officer's extension on an incident; more takes a supervisor. */
  incidentExtensionHoursMax: 240,
  remarksChars: 1000,
  reasonChars: 1000,
  noteChars: 1000,
  descriptionChars: 2000,
  resolutionChars: 2000,
  discrepancyChars: 500,
  discrepanciesPerAct: 50,
  answerChars: 4000,
} as const;

/** Two lists of seals name the same seals, in whatever order they were keyed. */
export function sameSeals(a: readonly string[], b: readonly string[]): boolean {
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

/**
 * The seals an officer read on the truck against those the movement carries now (after a
 * transhipment, the new ones): any difference is a seal discrepancy, and the act is refused
 * with both lists so the officer can check the truck again or draw up an incident report.
 */
export function sealDiscrepancy(carried: readonly string[], read: readonly string[] | undefined): Words | undefined {
  if (!read || sameSeals(carried, read)) return undefined;
  return words(
    'SEAL_DISCREPANCY',
    `Scellés non conformes : relevés ${read.join(', ')}, attendus ${carried.join(', ')}. Vérifiez le camion ou dressez un procès-verbal d'incident.`,
    `Seal discrepancy: read ${read.join(', ')}, expected ${carried.join(', ')}. Check the truck again or draw up an incident report.`,
  );
}

export const controlResultValues = ['SATISFACTORY', 'DISCREPANCIES'] as const;
export type ControlResultValue = (typeof controlResultValues)[number];
/** Panne, accident, scellés rompus, transbordement, perte partielle, autre. */
export const incidentKinds = ['BREAKDOWN', 'ACCIDENT', 'SEALS_BROKEN', 'TRANSHIPMENT', 'PARTIAL_LOSS', 'OTHER'] as const;
export type IncidentKind = (typeof incidentKinds)[number];
export const enquiryOutcomes = ['PROOF_OF_ARRIVAL', 'GOODS_FOUND', 'NOT_RESOLVED'] as const;
export type EnquiryOutcome = (typeof enquiryOutcomes)[number];

export interface ReleaseBody {
  seals: string[];
  /** A release is only given on a satisfactory control at departure. */
  controlResult?: 'SATISFACTORY' | undefined;
  /** Overrides the route's time limit for the first leg. */
  timeLimitHours?: number | undefined;
}
/** Border arrival and exit: the seal check is optional there. */
export interface CheckpointBody {
  sealsIntact?: boolean | undefined;
  remarks?: string | undefined;
  /** Recorded under the fallback procedure while the office's national system is down (./fallback.ts). */
  fallback?: FallbackMark | undefined;
}
/** Entry and arrival: the officer says whether the seals were found intact. */
export interface SealCheckBody {
  sealsIntact: boolean;
  remarks?: string | undefined;
  /** The seals the officer read on the truck: compared with the seals the movement carries now (after a transhipment, the new ones). */
  seals?: string[] | undefined;
  /** Recorded under the fallback procedure while the office's national system is down (./fallback.ts). */
  fallback?: FallbackMark | undefined;
}
export interface ControlResultsBody {
  /** DISCREPANCIES (or seals not intact) holds the movement until an officer resolves it. */
  result: ControlResultValue;
  sealsIntact: boolean;
  discrepancies: string[];
}
export interface ResolveDiscrepancyBody {
  resolution: string;
}
/** The procès-verbal d'incident: what happened, where, and what the officer saw. */
export interface IncidentBody {
  kind: IncidentKind;
  description: string;
  place?: string | undefined;
  observations?: string | undefined;
  newVehicle?: { registration: string; nationality: string } | undefined;
  newTrailer?: { registration: string } | undefined;
  newSeals?: string[] | undefined;
  extendHours?: number | undefined;
}
export interface CancelBody {
  reason: string;
}
export interface AcknowledgeBody {
  note?: string | undefined;
}
export interface ExtendBody {
  hours: number;
  reason: string;
}
export const recoveryDecisions = ['confirm', 'waive'] as const;
export type RecoveryDecision = (typeof recoveryDecisions)[number];
export interface RecoveryBody {
  decision: RecoveryDecision;
  reason: string;
}
/** A diversion (déroutement): the new office of destination or exit, and why the road changed. */
export interface DivertBody {
  office: string;
  reason: string;
}
export interface EnquiryAnswerBody {
  answer: string;
  outcome: EnquiryOutcome;
}

/** The body of every act sent as JSON fields (the amendment's body is a whole declaration). */
export interface ActBodies {
  release: ReleaseBody;
  'border-arrival': CheckpointBody;
  exit: CheckpointBody;
  entry: SealCheckBody;
  arrival: SealCheckBody;
  'control-results': ControlResultsBody;
  'resolve-discrepancy': ResolveDiscrepancyBody;
  incident: IncidentBody;
  cancel: CancelBody;
  acknowledge: AcknowledgeBody;
  extend: ExtendBody;
  'enquiry-answer': EnquiryAnswerBody;
  recovery: RecoveryBody;
  divert: DivertBody;
}

const blank = (text: unknown) => typeof text !== 'string' || !text.trim();
const invalid = (field: string, fr: string, en: string): Words => words('INVALID_INPUT', `${field} : ${fr}`, `${field}: ${en}`);
const sealsIntactMissing = (where: { fr: string; en: string }) =>
  invalid('sealsIntact', `indiquez si les scellés étaient intacts ${where.fr}`, `say whether the seals were found intact ${where.en}`);

/**
 * What the workflow checks again on every act, whoever sends the update (the API checks more,
 * with its schemas). Undefined when the body is acceptable; otherwise the problem in words.
 */
export const checkActBody: { [A in keyof ActBodies]: (body: ActBodies[A]) => Words | undefined } = {
  release: (b) =>
    !Array.isArray(b.seals) || b.seals.length === 0
      ? invalid('seals', 'au moins un scellé est apposé au départ', 'at least one seal is affixed at release')
      : undefined,
  'border-arrival': () => undefined,
  exit: () => undefined,
  entry: (b) => (typeof b.sealsIntact !== 'boolean' ? sealsIntactMissing({ fr: "à l'entrée", en: 'at entry' }) : undefined),
  arrival: (b) => (typeof b.sealsIntact !== 'boolean' ? sealsIntactMissing({ fr: "à l'arrivée", en: 'on arrival' }) : undefined),
  'control-results': (b) =>
    !(controlResultValues as readonly string[]).includes(b.result)
      ? invalid('result', 'attendu SATISFACTORY ou DISCREPANCIES', 'expected SATISFACTORY or DISCREPANCIES')
      : b.result === 'DISCREPANCIES' && (!Array.isArray(b.discrepancies) || b.discrepancies.length === 0)
        ? invalid('discrepancies', 'décrivez au moins une anomalie', 'describe at least one discrepancy')
        : undefined,
  'resolve-discrepancy': (b) =>
    blank(b.resolution) ? invalid('resolution', "dites comment l'anomalie a été levée", 'say how the discrepancy was resolved') : undefined,
  incident: (b) =>
    blank(b.description)
      ? invalid('description', "décrivez l'incident", 'describe the incident')
      : b.kind === 'TRANSHIPMENT' && (!b.newVehicle || !b.newSeals?.length)
        ? invalid(
            'newVehicle',
            'un transbordement indique le nouveau véhicule et les nouveaux scellés',
            'a transhipment names the new vehicle (newVehicle) and the new seals (newSeals)',
          )
        : b.extendHours !== undefined && !(b.extendHours > 0 && b.extendHours <= actLimits.incidentExtensionHoursMax)
          ? invalid('extendHours', `entre 0 et ${actLimits.incidentExtensionHoursMax} heures`, `between 0 and ${actLimits.incidentExtensionHoursMax} hours`)
          : undefined,
  cancel: (b) => (blank(b.reason) ? invalid('reason', 'dites pourquoi la déclaration est annulée', 'say why the declaration is cancelled') : undefined),
  acknowledge: () => undefined,
  extend: (b) =>
    !(typeof b.hours === 'number' && b.hours > 0 && b.hours <= actLimits.extensionHoursMax)
      ? invalid('hours', `entre 0 et ${actLimits.extensionHoursMax} heures`, `between 0 and ${actLimits.extensionHoursMax} hours`)
      : blank(b.reason)
        ? invalid('reason', 'une prorogation est toujours motivée', 'an extension is always justified')
        : undefined,
  recovery: (b) =>
    !(recoveryDecisions as readonly string[]).includes(b.decision)
      ? invalid('decision', 'attendu confirm ou waive', 'expected confirm or waive')
      : blank(b.reason)
        ? invalid('reason', 'une décision de recouvrement est toujours motivée', 'a recovery decision always gives its reason')
        : undefined,
  divert: (b) =>
    typeof b.office !== 'string' || !OFFICE_CODE.test(b.office)
      ? invalid(
          'office',
          'attendu le code du nouveau bureau de destination ou de sortie, tel que BFBOB001',
          'expected the code of the new office of destination or exit, such as BFBOB001',
        )
      : blank(b.reason)
        ? invalid('reason', 'un déroutement est toujours motivé', 'a diversion always gives its reason')
        : undefined,
  'enquiry-answer': (b) =>
    !(enquiryOutcomes as readonly string[]).includes(b.outcome)
      ? invalid('outcome', 'attendu PROOF_OF_ARRIVAL, GOODS_FOUND ou NOT_RESOLVED', 'expected PROOF_OF_ARRIVAL, GOODS_FOUND or NOT_RESOLVED')
      : blank(b.answer)
        ? invalid('answer', 'consignez la réponse du principal obligé', "record the principal's answer")
        : undefined,
};
