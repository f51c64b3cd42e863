// The transit workflow's messages, imported by both the workflow and the API.
// Officers' and declarants' acts are Updates (refused at once, with a reason, when out of
// order); reads are Queries. The update names are the actions of the HTTP API; each act's
// fields are defined once, in ./acts.ts.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AcknowledgeBody,
  CancelBody,
  CheckpointBody,
  DivertBody,
  ControlResultsBody,
  EnquiryAnswerBody,
  RecoveryBody,
  ExtendBody,
  IncidentBody,
  ReleaseBody,
  ResolveDiscrepancyBody,
  SealCheckBody,
} from './acts.ts';
import type { Actor, Declaration, NationalEvent, PlannedRoute, TransitState, TransitStatus } from './model.ts';
import type { Vouch } from './vouch.ts';
import type { RoadNetwork } from '../src/domain/route-plan.ts';

interface Acting {
  actor: Actor;
  /** Corridor's API signature of this act (./vouch.ts): an act nobody entitled vouched for is refused. */
  vouch?: Vouch | undefined;
  /** Hash of the request body, echoed in the answer: the same Idempotency-Key with another body is told apart. */
  requestHash?: string | undefined;
}

export interface LodgeInput extends Acting {
  declarationHash: string;
  /** The same declaration's hash with the access code masked, as a national system keeps it. */
  maskedHash?: string | undefined;
}
export interface LodgeResult {
  mrn: string;
  /** True for the submission that created the movement, false for a repeat of it. */
  created: boolean;
  /** The content this answer is about: a reused key with other content is told apart. */
  declarationHash?: string;
  status: TransitStatus;
  reason?: string;
  amountReservedXof?: number;
}

export interface ReleaseInput extends Acting, ReleaseBody {}
export interface CheckpointInput extends Acting, CheckpointBody {}
export interface SealCheckInput extends Acting, SealCheckBody {}
export interface ControlResultsInput extends Acting, ControlResultsBody {}
export interface ResolveDiscrepancyInput extends Acting, ResolveDiscrepancyBody {}
export interface IncidentInput extends Acting, IncidentBody {}
export interface AmendInput extends Acting {
  declaration: Declaration;
  declarationHash: string;
  route: PlannedRoute;
}
export interface CancelInput extends Acting, CancelBody {}
export interface AcknowledgeInput extends Acting, AcknowledgeBody {}
export interface ExtendInput extends Acting, ExtendBody {}
export interface EnquiryAnswerInput extends Acting, EnquiryAnswerBody {}
export interface RecoveryInput extends Acting, RecoveryBody {}
export interface DivertInput extends Acting, DivertBody {
  /** The reference data's offices and legs, as the API holds them: the workflow plans the new road from where the truck is. */
  network: RoadNetwork;
}

/** What every officer or declarant action answers: enough to show the next step, not the whole file. */
export interface ActionResult {
  mrn: string;
  status: TransitStatus;
  currentOffice: string;
  nextDeadline?: string;
  at: string;
  requestHash?: string;
}

export const lodgeUpdate = defineUpdate<LodgeResult, [LodgeInput]>('lodge');
export const releaseUpdate = defineUpdate<ActionResult, [ReleaseInput]>('release');
export const borderArrivalUpdate = defineUpdate<ActionResult, [CheckpointInput]>('borderArrival');
export const exitUpdate = defineUpdate<ActionResult, [CheckpointInput]>('exit');
export const entryUpdate = defineUpdate<ActionResult, [SealCheckInput]>('entry');
export const arrivalUpdate = defineUpdate<ActionResult, [SealCheckInput]>('arrival');
export const controlResultsUpdate = defineUpdate<ActionResult, [ControlResultsInput]>('controlResults');
export const resolveDiscrepancyUpdate = defineUpdate<ActionResult, [ResolveDiscrepancyInput]>('resolveDiscrepancy');
export const incidentUpdate = defineUpdate<ActionResult, [IncidentInput]>('incident');
export const amendUpdate = defineUpdate<ActionResult, [AmendInput]>('amend');
export const cancelUpdate = defineUpdate<ActionResult, [CancelInput]>('cancel');
export const acknowledgeUpdate = defineUpdate<ActionResult, [AcknowledgeInput]>('acknowledge');
export const extendUpdate = defineUpdate<ActionResult, [ExtendInput]>('extend');
export const enquiryAnswerUpdate = defineUpdate<ActionResult, [EnquiryAnswerInput]>('enquiryAnswer');
export const recoveryUpdate = defineUpdate<ActionResult, [RecoveryInput]>('recovery');
export const divertUpdate = defineUpdate<ActionResult, [DivertInput]>('divert');

export const stateQuery = defineQuery<TransitState>('state');

/**
 * An act recorded in a national system, from its journal. A signal rather than an update: the
 * server stores it durably without waiting for the workflow worker, so a country's journal is
 * drained even while the workflow worker is down, and one history event is written instead of
 * two; the movement applies each event id once. The second argument is the country consumer's
 * signature of the event (./vouch.ts); histories recorded before it carry none.
 */
export const nationalEventSignal = defineSignal<[NationalEvent, Vouch?]>('nationalEvent');
