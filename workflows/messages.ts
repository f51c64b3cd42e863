// The transit workflow's messages, imported by both the workflow and the API.
// Officers' and declarants' acts are Updates (refused at once, with a reason, when out of
// order); reads are Queries. The update names are the actions of the HTTP API.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, Declaration, PlannedRoute, TransitState, TransitStatus } from './model.ts';

interface Acting {
  actor: Actor;
  /** Hash of the request body, echoed in the answer: the same Idempotency-Key with another body is told apart. */
  requestHash?: string;
}

export interface LodgeInput extends Acting {
  declarationHash: string;
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

export interface ReleaseInput extends Acting {
  seals: string[];
  /** Control result at departure; a release is only given when it is satisfactory. */
  controlResult?: 'SATISFACTORY';
  /** Overrides the route's time limit for the first leg. */
  timeLimitHours?: number;
}
export interface CheckpointInput extends Acting {
  sealsIntact?: boolean;
  remarks?: string;
}
export interface ControlResultsInput extends Acting {
  /** DISCREPANCIES (or seals not intact) holds the movement until an officer resolves it. */
  result: 'SATISFACTORY' | 'DISCREPANCIES';
  sealsIntact: boolean;
  discrepancies: string[];
}
export interface ResolveDiscrepancyInput extends Acting {
  resolution: string;
}
export interface IncidentInput extends Acting {
  kind: 'BREAKDOWN' | 'ACCIDENT' | 'TRANSHIPMENT' | 'OTHER';
  description: string;
  newVehicle?: { registration: string; nationality: string };
  newSeals?: string[];
  extendHours?: number;
}
export interface AmendInput extends Acting {
  declaration: Declaration;
  declarationHash: string;
  route: PlannedRoute;
}
export interface CancelInput extends Acting {
  reason: string;
}
export interface AcknowledgeInput extends Acting {
  note?: string;
}
export interface ExtendInput extends Acting {
  hours: number;
  reason: string;
}
export interface EnquiryAnswerInput extends Acting {
  answer: string;
  /** PROOF_OF_ARRIVAL (discharged elsewhere) and GOODS_FOUND resolve the enquiry; NO_ANSWER_YET does not. */
  outcome: 'PROOF_OF_ARRIVAL' | 'GOODS_FOUND' | 'NOT_RESOLVED';
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
export const entryUpdate = defineUpdate<ActionResult, [CheckpointInput]>('entry');
export const arrivalUpdate = defineUpdate<ActionResult, [CheckpointInput]>('arrival');
export const controlResultsUpdate = defineUpdate<ActionResult, [ControlResultsInput]>('controlResults');
export const resolveDiscrepancyUpdate = defineUpdate<ActionResult, [ResolveDiscrepancyInput]>('resolveDiscrepancy');
export const incidentUpdate = defineUpdate<ActionResult, [IncidentInput]>('incident');
export const amendUpdate = defineUpdate<ActionResult, [AmendInput]>('amend');
export const cancelUpdate = defineUpdate<ActionResult, [CancelInput]>('cancel');
export const acknowledgeUpdate = defineUpdate<ActionResult, [AcknowledgeInput]>('acknowledge');
export const extendUpdate = defineUpdate<ActionResult, [ExtendInput]>('extend');
export const enquiryAnswerUpdate = defineUpdate<ActionResult, [EnquiryAnswerInput]>('enquiryAnswer');

export const stateQuery = defineQuery<TransitState>('state');
