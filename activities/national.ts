// The activities that call one country's national customs system: one per operation of the
// contract, named like it. A worker registers the set built with that country's client on
// task queue national-TG or national-BF, so the same names serve both countries and the
// workflow picks the country by task queue.
//
// What a workflow gets back:
//   - the answer, checked against the contract (plain JSON);
//   - a business refusal: ApplicationFailure type 'NationalRefusal', non-retryable,
//     details[0] = { code, reason, country, operation };
//   - no usable answer (timeout, transport, 5xx): ApplicationFailure type
//     'NationalUnavailable', retryable — the retry carries the same Idempotency-Key
//     (workflowId:activityId), so if the first attempt was committed it gets the first answer;
//   - a contract disagreement (400, 422, malformed answer): type 'NationalProtocolError',
//     non-retryable.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { ZodError } from 'zod';
import {
  operationNames,
  operations,
  type NationalCountry,
  type OperationDefinition,
  type OperationName,
  type OperationRequest,
  type OperationResponse,
} from '../src/national/contract.ts';
import { NationalProtocolError, NationalRefusal, NationalUnavailable, type NationalSystemClient } from '../src/national/client.ts';
import { createLogger, forMovement, type Logger } from '../src/logging/logger.ts';
import { nationalFailureTypes, refusalOf, type NationalFailureType, type NationalRefusal as Refusal } from '../workflows/failures.ts';

export { nationalFailureTypes, type NationalFailureType };

/** details[0] of a 'NationalRefusal' failure. */
export interface NationalRefusalDetails {
  code: string;
  reason: string;
  country: NationalCountry;
  operation: OperationName;
}

/** The second call of a pair, refused: its system's code and reason, for the workflow to act on. */
export type Refused = { refusal: Refusal };

/** The control results at the office of destination and the discharge they allow, in one activity. */
export interface ControlResultsAndDischargeRequest {
  results: OperationRequest<'recordControlResults'>;
  discharge: OperationRequest<'discharge'>;
}
export interface ControlResultsAndDischargeAnswer {
  recorded: OperationResponse<'recordControlResults'>;
  /** The system's answer to the discharge, or its refusal (the results stand either way). */
  discharged: OperationResponse<'discharge'> | Refused;
}

/** The declaration registered in the departure system and the guarantee reserved there, in one activity. */
export interface RegisterAndReserveRequest {
  register: OperationRequest<'registerDeclaration'>;
  reserve: OperationRequest<'reserveGuarantee'>;
}
export interface RegisterAndReserveAnswer {
  registered: OperationResponse<'registerDeclaration'>;
  /** The reservation, or its refusal (the declaration stays registered: the workflow cancels it). */
  reserved: OperationResponse<'reserveGuarantee'> | Refused;
}

/**
 * One activity per operation: one plain JSON argument, a plain JSON result. And two pairs of
 * calls that always follow each other in the same system: registration then reservation at
 * lodging, control results then discharge at a destination. One activity makes both calls, so
 * the declarant or the officer waits for one task, not two.
 */
export type NationalActivities = { [K in OperationName]: (input: OperationRequest<K>) => Promise<OperationResponse<K>> } & {
  registerAndReserve(input: RegisterAndReserveRequest): Promise<RegisterAndReserveAnswer>;
  recordControlResultsAndDischarge(input: ControlResultsAndDischargeRequest): Promise<ControlResultsAndDischargeAnswer>;
};

/** What an activity reads from its Temporal context; tests may supply their own. */
export interface NationalActivityContext {
  info: { activityId: string; attempt: number; workflowExecution?: { workflowId: string } | undefined };
  cancellationSignal?: AbortSignal;
}

export interface NationalActivitiesOptions {
  /** Default: the running activity's Context. */
  context?: () => NationalActivityContext;
}

/**
 * The key of one logical call: the same for every attempt of an activity, different for
 * every activity of a workflow. (Activity ids restart in a continued-as-new run: a workflow
 * that continues as new should give its national activities explicit activity ids.)
 */
export function idempotencyKeyOf(info: NationalActivityContext['info']): string {
  return info.workflowExecution ? `${info.workflowExecution.workflowId}:${info.activityId}` : `activity:${info.activityId}`;
}

export function createNationalActivities(
  client: NationalSystemClient,
  logger: Logger = createLogger(`national-${client.country}`),
  options: NationalActivitiesOptions = {},
): NationalActivities {
  const context = options.context ?? (() => Context.current());
  /** One call of the contract under `idempotencyKey` (every attempt of the same call sends the same). */
  const call = async (name: OperationName, input: unknown, idempotencyKey: string): Promise<unknown> => {
    const op = operations[name] as OperationDefinition;
    const { info, cancellationSignal } = context();
    const subject = (input ?? {}) as { mrn?: string; grn?: string };
    const log = subject.mrn ? forMovement(logger, subject.mrn) : logger.child({ grn: subject.grn });
    const fields = { country: client.country, operation: name, idempotencyKey, attempt: info.attempt };
    const started = Date.now();
    try {
      const method = client[name] as (request: unknown, options: { idempotencyKey?: string; signal?: AbortSignal }) => Promise<unknown>;
      const answer = await method(input, {
        ...(op.mutating ? { idempotencyKey } : {}),
        ...(cancellationSignal ? { signal: cancellationSignal } : {}),
      });
      // The answer goes into workflow history: check it against the contract first.
      const checked = op.response.parse(answer);
      const state = (checked as { state?: string; movement?: { state?: string } }).state ?? (checked as { movement?: { state?: string } }).movement?.state;
      log.info({ ...fields, ms: Date.now() - started, ...(state ? { state } : {}) }, `${name}: done`);
      return checked;
    } catch (error) {
      throw toFailure(error, client.country, name, log, { ...fields, ms: Date.now() - started });
    }
  };
  const activities = {} as Record<string, (input: never) => Promise<unknown>>;
  for (const name of operationNames) {
    activities[name] = (input: unknown) => call(name, input, idempotencyKeyOf(context().info));
  }
  /**
   * Two calls in one activity. Each keeps its own key across attempts, so a retry after the first
   * was made gets its first answer back and goes on to the second. A refusal of the first fails
   * the activity as any refusal does; a refusal of the second (or an answer the system could not
   * understand) comes back as a value, for the workflow to act on as when it was an activity of
   * its own (workflows/national-answers.ts).
   */
  const pair = async <A extends OperationName, B extends OperationName>(
    first: [A, unknown, string],
    second: [B, unknown, string],
  ): Promise<[OperationResponse<A>, OperationResponse<B> | Refused]> => {
    const key = idempotencyKeyOf(context().info);
    const one = (await call(first[0], first[1], `${key}:${first[2]}`)) as OperationResponse<A>;
    try {
      return [one, (await call(second[0], second[1], `${key}:${second[2]}`)) as OperationResponse<B>];
    } catch (failure) {
      const refusal = failure instanceof ApplicationFailure ? refusalOf(failure) : undefined;
      if (!refusal) throw failure;
      return [one, { refusal }];
    }
  };
  activities.registerAndReserve = async ({ register, reserve }: RegisterAndReserveRequest) => {
    const [registered, reserved] = await pair(['registerDeclaration', register, 'register'], ['reserveGuarantee', reserve, 'reserve']);
    return { registered, reserved };
  };
  activities.recordControlResultsAndDischarge = async ({ results, discharge }: ControlResultsAndDischargeRequest) => {
    const [recorded, discharged] = await pair(['recordControlResults', results, 'results'], ['discharge', discharge, 'discharge']);
    return { recorded, discharged };
  };
  return activities as unknown as NationalActivities;
}

function toFailure(error: unknown, country: NationalCountry, operation: OperationName, log: Logger, fields: Record<string, unknown>): unknown {
  if (error instanceof NationalRefusal) {
    log.info({ ...fields, code: error.code, reason: error.reason }, `${operation}: refused by the national system`);
    const details: NationalRefusalDetails = { code: error.code, reason: error.reason, country, operation };
    // The system's reason may quote declared values, balances, a GRN or a TIN: it travels in the
    // details (a payload, encrypted with a key ring), never in the message, which Temporal stores
    // in clear unless failures are encoded.
    return ApplicationFailure.create({
      type: nationalFailureTypes.refusal,
      message: `${operation}: refused by the ${country} system (${error.code})`,
      nonRetryable: true,
      details: [details],
    });
  }
  if (error instanceof NationalUnavailable) {
    log.warn({ ...fields, status: error.status, err: error.message }, `${operation}: national system unavailable, will retry`);
    return ApplicationFailure.create({
      type: nationalFailureTypes.unavailable,
      message: error.message,
      nonRetryable: false,
      details: [{ country, operation, status: error.status ?? null }],
    });
  }
  if (error instanceof NationalProtocolError || error instanceof ZodError) {
    log.error({ ...fields, err: error.message }, `${operation}: the national system and Corridor disagree on the contract`);
    return ApplicationFailure.create({
      type: nationalFailureTypes.protocol,
      message: error.message,
      nonRetryable: true,
      details: [{ country, operation, status: error instanceof NationalProtocolError ? (error.status ?? null) : null }],
    });
  }
  // Cancellation and anything unforeseen go through untouched (Temporal retries the latter).
  log.warn({ ...fields, err: error instanceof Error ? error.message : String(error) }, `${operation}: failed`);
  return error;
}
