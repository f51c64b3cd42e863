// Corridor's side of the Temporal client: lodge a movement (update-with-start), read its state
// (query), record an act (update, the request's idempotency key as update id), list movements
// (visibility). The API calls only this; so could any other edge.
// About 340 lines: lodging, acts, reads and lists are the four calls every edge makes, and
// their refusals share one translation into TransitRefusal.
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { SearchAttributePair, UpdateDefinition } from '@temporalio/common';
import type { Config } from '../config/env.ts';
import { bilingual } from '../domain/words.ts';
import type { Actor } from '../auth/actor.ts';
import type { Declaration, PlannedRoute } from '../domain/types.ts';
import * as m from '../../workflows/messages.ts';
import type { NationalEvent, RegisteredIn, TransitInput, TransitState, TransitStatus } from '../../workflows/model.ts';
import type { Vouch } from '../../workflows/vouch.ts';
import { declarationContentHash } from '../domain/declaration-hash.ts';
import * as sa from '../../workflows/search-attributes.ts';
import type { transit } from '../../workflows/transit.ts';
import type { journalFeed } from '../../workflows/journal-feed.ts';
import type { CountryCode } from '../domain/countries.ts';
import { queryState } from '../temporal/state-query.ts';
import { workflowBacklog } from '../temporal/task-queue.ts';
import { LifecycleBaseline } from '../temporal/lifecycle-baseline.ts';
import { countExecutions, listPage, quote, transitFields, type ExecutionInfo, type TransitFields } from '../temporal/visibility.ts';
import { apiSigner, countrySigner } from '../auth/act-keys.ts';
import type { ActSigner } from '../auth/act-signature.ts';
import { journalFeedId } from '../interconnection/journal-status.ts';

/** A refusal from the workflow or Temporal, with what the API needs to answer: its code and its words. */
export class TransitRefusal extends Error {
  readonly fr: string;
  readonly en: string;

  constructor(
    readonly code: string,
    said: { fr: string; en: string },
    readonly details: Record<string, unknown> = {},
  ) {
    super(bilingual(said));
    this.fr = said.fr;
    this.en = said.en;
    this.name = 'TransitRefusal';
  }
}

export class TransitNotFound extends Error {
  override name = 'TransitNotFound';

  constructor(readonly mrn: string) {
    super(`no movement with MRN ${mrn}`);
  }
}

export interface LodgeOutcome {
  /** 201: this submission created the movement; 200: it already existed with the same content; 202: still registering. */
  outcome: 'created' | 'existing' | 'processing';
  mrn: string;
  status: TransitStatus;
  reason?: string;
  amountReservedXof?: number;
}

export interface ActOutcome {
  /** False when the workflow had not answered within the wait: the act is accepted and still running. */
  completed: boolean;
  result?: m.ActionResult;
}

export interface ListFilters {
  status?: string;
  office?: string;
  currentOffice?: string;
  departureOffice?: string;
  destinationOffice?: string;
  declarant?: string;
  vehicle?: string;
  overdue?: boolean;
  borderAlert?: boolean;
  minLevel?: number;
  level?: number;
  /** Only movements whose current office is one of these (escalations by country). */
  currentOffices?: string[];
  running?: boolean;
  /** Offices the reader may see (their country's); undefined: all. */
  scopeOffices?: string[];
  /** Declarants see only their own movements. */
  scopeDeclarant?: string;
}

/** A movement as a list shows it: its search attributes and its times, without the run and the route. */
export type TransitSummary = Omit<TransitFields, 'runId' | 'routeOffices'>;

const WORKFLOW_TYPE = 'transit';
const ANSWER_WAIT_MS = 15_000;

export interface TransitClientOptions {
  /** Set for a country's journal consumer: the country whose key vouches for the events it delivers. */
  consumerOf?: CountryCode;
}

/**
 * How long one attempt of a national activity may take: at most two calls one after the other
 * (registration and reservation, control results and discharge), each given up after the national
 * timeout, and room for the worker's own queue. Past it Temporal counts the attempt lost (its
 * worker killed mid-call, its task lost on the way to the worker) and tries again: 30 s with the
 * default 10 s timeout, where a fixed minute held a forward back a minute.
 */
export function nationalAttemptSeconds(nationalTimeoutMs: number): number {
  return Math.ceil((3 * nationalTimeoutMs) / 1000);
}

export class TransitClient {
  // Loaded on first use: a consumer never signs acts, the API never signs national events.
  private signers: { api?: ActSigner; consumer?: ActSigner } = {};
  private lifecycle: LifecycleBaseline | undefined;

  constructor(
    private readonly client: Client,
    private readonly config: Config,
    private readonly namespace: string,
    private readonly options: TransitClientOptions = {},
  ) {}

  private apiSigner(): ActSigner {
    this.signers.api ??= apiSigner(this.config);
    return this.signers.api;
  }

  /** The consumer's own country signs whatever its journal holds: an event naming another country is then refused by the movement. */
  private consumerSigner(): ActSigner {
    const country = this.options.consumerOf;
    if (!country) throw new Error("this Temporal client is no country's journal consumer: it cannot vouch for national events");
    this.signers.consumer ??= countrySigner(this.config, country);
    return this.signers.consumer;
  }

  /** Lodges a validated declaration. The same MRN always lands on the same workflow (USE_EXISTING). */
  async lodge(args: {
    mrn: string;
    declaration: Declaration;
    declarationHash: string;
    route: PlannedRoute;
    actor: Actor;
    requestId?: string;
  }): Promise<LodgeOutcome> {
    const { mrn, declaration, declarationHash, route, actor } = args;
    const input: TransitInput = { mrn, declaration, declarationHash, route, lodgedBy: actor, settings: this.settings(), ...(await this.baseline()) };
    // The same declaration lodged first in the departure country's own system is known by its hash with the access code masked.
    const maskedHash = declarationContentHash(maskedAccessCode(declaration));
    const start = new WithStartWorkflowOperation<typeof transit>(WORKFLOW_TYPE, {
      workflowId: mrn,
      taskQueue: this.config.taskQueues.transits,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A closed movement is never started again under its MRN: a resubmission reads it instead.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: initialSearchAttributes(declaration, route),
    });
    try {
      // One call that waits for the answer: starting the update and then polling for its
      // result costs the server a second request per act.
      const answer = await withinWait(
        this.client.workflow.executeUpdateWithStart(m.lodgeUpdate, {
          args: [{ declarationHash, maskedHash, actor }],
          updateId: args.requestId ?? randomUUID(),
          startWorkflowOperation: start,
        }),
      );
      if (!answer) return { outcome: 'processing', mrn, status: 'DECLARED' };
      // A reused key brings back the first answer: if it was about other content, this is the same LRN with other content.
      if (answer.declarationHash && answer.declarationHash !== declarationHash && answer.declarationHash !== maskedHash) {
        throw lrnConflict(declaration.lrn, mrn);
      }
      return {
        outcome: answer.created ? 'created' : 'existing',
        mrn,
        status: answer.status,
        ...(answer.reason ? { reason: answer.reason } : {}),
        ...(answer.amountReservedXof !== undefined ? { amountReservedXof: answer.amountReservedXof } : {}),
      };
    } catch (error) {
      if (error instanceof TransitRefusal) throw error;
      if (error instanceof WorkflowExecutionAlreadyStartedError || isAlreadyStarted(error)) {
        return this.closedMovement(mrn, [declarationHash, maskedHash]);
      }
      throw toRefusal(error);
    }
  }

  private async closedMovement(mrn: string, hashes: string[]): Promise<LodgeOutcome> {
    const state = await this.state(mrn);
    if (!hashes.includes(state.declarationHash)) throw lrnConflict(state.lrn, mrn);
    return { outcome: 'existing', mrn, status: state.status, ...(state.reason ? { reason: state.reason } : {}) };
  }

  /**
   * The baseline a new movement starts on (workflows/versions.ts): the configured one, lowered to
   * what the transits workers polling run (src/temporal/lifecycle-baseline.ts); none at 0.
   */
  private async baseline(): Promise<Pick<TransitInput, 'baseline'>> {
    this.lifecycle ??= new LifecycleBaseline(this.client, this.namespace, this.config.taskQueues.transits, this.config.lifecycleBaseline);
    const baseline = await this.lifecycle.forNewMovement();
    return baseline > 0 ? { baseline } : {};
  }

  /** What every movement started from here needs to know of the deployment: queues, delays, time scale. */
  private settings(): TransitInput['settings'] {
    return {
      nationalQueues: { ...this.config.taskQueues.national },
      corridorQueue: this.config.taskQueues.transits,
      delays: { ...this.config.delays },
      timeScale: this.config.timeScale,
      recoveryPenaltyPercent: this.config.recoveryPenaltyPercent,
      incidentExtensionCapHours: this.config.incidentExtensionCapHours,
      nationalAttemptSeconds: nationalAttemptSeconds(this.config.national.timeoutMs),
    };
  }

  /**
   * A declaration registered in the departure country's own system starts its movement here,
   * with the registration event as its first signal: the same MRN always lands on the same
   * workflow, and a closed movement is never started again. Returns false when it was closed.
   */
  async startFromNationalRegistration(args: {
    event: NationalEvent;
    declaration: Declaration;
    route: PlannedRoute;
    registeredIn: RegisteredIn;
  }): Promise<boolean> {
    const { event, declaration, route, registeredIn } = args;
    const lodgedBy: Actor = { user: event.officer ?? 'declarant', role: 'declarant', tin: declaration.declarant.tin };
    const input: TransitInput = {
      mrn: event.mrn,
      declaration,
      declarationHash: declarationContentHash(declaration),
      route,
      lodgedBy,
      settings: this.settings(),
      registeredIn,
      ...(await this.baseline()),
    };
    try {
      await this.client.workflow.signalWithStart<typeof transit, [NationalEvent, Vouch?]>(WORKFLOW_TYPE, {
        workflowId: event.mrn,
        taskQueue: this.config.taskQueues.transits,
        args: [input],
        signal: m.nationalEventSignal,
        signalArgs: [event, this.consumerSigner().vouchEvent(event)],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: initialSearchAttributes(declaration, route),
      });
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError || isAlreadyStarted(error)) return false;
      throw error;
    }
  }

  /** Starts the journal feed of a country unless it runs already (one per deployment: its id carries the queue prefix). */
  async ensureJournalFeed(country: CountryCode): Promise<void> {
    await this.client.workflow.start<typeof journalFeed>('journalFeed', {
      workflowId: journalFeedId(this.config.taskQueues.transits, country),
      taskQueue: this.config.taskQueues.transits,
      args: [{ country, queue: this.config.taskQueues.national[country], cursor: 0 }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  }

  /**
   * Carries an act from a national system's journal to its movement, vouched for with this
   * consumer's country key; false when no running movement has this MRN.
   */
  async deliverNationalEvent(event: NationalEvent): Promise<boolean> {
    try {
      await this.client.workflow.getHandle(event.mrn).signal(m.nationalEventSignal, event, this.consumerSigner().vouchEvent(event));
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  /**
   * Workflow tasks waiting on the transits queue, as the server counts them (approximate, from
   * DescribeTaskQueue's statistics); undefined when the server cannot say (an older server, a
   * refusal), so a caller pacing itself on it goes on unpaced.
   */
  async waitingWorkflowTasks(): Promise<number | undefined> {
    try {
      // A slow server is not waited for longer than this: the consumer then carries on unpaced.
      return (await workflowBacklog(this.client, this.namespace, this.config.taskQueues.transits, 5_000)).waiting;
    } catch {
      return undefined;
    }
  }

  /**
   * How many events the movement's history holds, from the server's own record of it (no worker,
   * no replay): it grows with every change of the movement's state.
   */
  async historyLength(mrn: string): Promise<number> {
    return (await this.client.workflow.getHandle(mrn).describe()).historyLength;
  }

  /** Whether a movement exists under this MRN (lodging checks last year's MRN in January). */
  async exists(mrn: string): Promise<boolean> {
    try {
      await this.client.workflow.getHandle(mrn).describe();
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  async state(mrn: string): Promise<TransitState> {
    try {
      return await queryState(this.client, mrn);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new TransitNotFound(mrn);
      throw error;
    }
  }

  /**
   * Records an act. The idempotency key is the update id: the server answers a retried click with
   * the first answer. The API vouches for the act (actor, body, movement, update id): without that,
   * the movement refuses it.
   */
  async act<I extends object>(mrn: string, update: UpdateDefinition<m.ActionResult, [I]>, input: I, idempotencyKey: string): Promise<ActOutcome> {
    const handle: WorkflowHandle = this.client.workflow.getHandle(mrn);
    try {
      const vouch = this.apiSigner().vouchAct({ mrn, update: update.name, updateId: idempotencyKey, input });
      const result = await withinWait(handle.executeUpdate(update, { args: [{ ...input, vouch }], updateId: idempotencyKey }));
      const sent = (input as { requestHash?: string }).requestHash;
      if (result && sent && result.requestHash && result.requestHash !== sent) throw keyReused();
      return result ? { completed: true, result } : { completed: false };
    } catch (error) {
      // The server answers "not found" for an update to a completed workflow too: tell the two apart.
      if (error instanceof WorkflowNotFoundError && !(await this.exists(mrn))) throw new TransitNotFound(mrn);
      if (error instanceof WorkflowNotFoundError || isClosed(error)) {
        const state = await this.state(mrn);
        throw new TransitRefusal(
          'OUT_OF_ORDER',
          { fr: `Le mouvement ${mrn} est clos (statut ${state.status})`, en: `Movement ${mrn} is closed (${state.status})` },
          { status: state.status },
        );
      }
      if (error instanceof TransitRefusal) throw error;
      throw toRefusal(error);
    }
  }

  async list(filters: ListFilters, pageSize: number, pageToken?: string): Promise<{ items: TransitSummary[]; nextPageToken?: string }> {
    const page = await listPage(this.client, this.namespace, visibilityQuery(filters), pageSize, pageToken ? Buffer.from(pageToken, 'base64url') : undefined);
    const items = page.executions.map(toSummary);
    const next = page.nextPageToken ? Buffer.from(page.nextPageToken).toString('base64url') : undefined;
    return { items, ...(next ? { nextPageToken: next } : {}) };
  }

  /** Open escalations per current office and level, over every running overdue movement. */
  async overdueCounts(): Promise<{ office: string; level: number; count: number }[]> {
    const counts = new Map<string, number>();
    let pageToken: string | undefined;
    do {
      const page = await this.list({ overdue: true, running: true }, 1000, pageToken);
      for (const item of page.items) {
        const key = `${item.currentOffice ?? '?'}|${item.escalationLevel}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
    return [...counts]
      .map(([key, count]) => {
        const [office, level] = key.split('|') as [string, string];
        return { office, level: Number(level), count };
      })
      .sort((a, b) => a.office.localeCompare(b.office) || a.level - b.level);
  }

  async count(filters: ListFilters): Promise<number> {
    return countExecutions(this.client, this.namespace, visibilityQuery(filters));
  }
}

function initialSearchAttributes(declaration: Declaration, route: PlannedRoute): SearchAttributePair[] {
  return [
    { key: sa.TransitStatus, value: 'DECLARED' },
    { key: sa.DepartureOffice, value: route.departureOffice.code },
    { key: sa.DestinationOffice, value: route.destinationOffice.code },
    { key: sa.CurrentOffice, value: route.departureOffice.code },
    { key: sa.DeclarantId, value: declaration.declarant.tin },
    { key: sa.VehicleRegistration, value: declaration.transport.registration },
    { key: sa.RouteOffices, value: route.offices.map((office) => office.code) },
    { key: sa.Overdue, value: false },
    { key: sa.BorderAlert, value: false },
    { key: sa.EscalationLevel, value: 0 },
  ];
}

/** Visibility query from filters; every value is quoted, so no filter can change the query's shape. */
export function visibilityQuery(filters: ListFilters): string {
  const clauses = [`WorkflowType = ${quote(WORKFLOW_TYPE)}`];
  const eq = (field: string, value: string | undefined) => value !== undefined && clauses.push(`${field} = ${quote(value)}`);
  eq('TransitStatus', filters.status);
  eq('RouteOffices', filters.office);
  eq('CurrentOffice', filters.currentOffice);
  eq('DepartureOffice', filters.departureOffice);
  eq('DestinationOffice', filters.destinationOffice);
  eq('DeclarantId', filters.declarant);
  eq('VehicleRegistration', filters.vehicle);
  eq('DeclarantId', filters.scopeDeclarant);
  if (filters.overdue !== undefined) clauses.push(`Overdue = ${filters.overdue ? 'true' : 'false'}`);
  if (filters.borderAlert !== undefined) clauses.push(`BorderAlert = ${filters.borderAlert ? 'true' : 'false'}`);
  if (filters.minLevel !== undefined) clauses.push(`EscalationLevel >= ${Math.trunc(filters.minLevel)}`);
  if (filters.level !== undefined) clauses.push(`EscalationLevel = ${Math.trunc(filters.level)}`);
  if (filters.currentOffices) clauses.push(`CurrentOffice IN (${filters.currentOffices.map(quote).join(', ')})`);
  if (filters.running) clauses.push(`ExecutionStatus = 'Running'`);
  if (filters.scopeOffices) clauses.push(`RouteOffices IN (${filters.scopeOffices.map(quote).join(', ')})`);
  return clauses.join(' AND ');
}

function toSummary(execution: ExecutionInfo): TransitSummary {
  const { runId: _runId, routeOffices: _routeOffices, ...summary } = transitFields(execution);
  return summary;
}

/** The answer if it comes within the wait; otherwise undefined (the act goes on, the caller gets 202). */
async function withinWait<T>(promise: Promise<T>): Promise<T | undefined> {
  // A late failure after the wait has nobody to report to; it must not crash the process.
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ANSWER_WAIT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function lrnConflict(lrn: string, mrn: string): TransitRefusal {
  return new TransitRefusal(
    'LRN_CONFLICT',
    { fr: `La référence ${lrn} a déjà été déclarée avec un autre contenu (MRN ${mrn})`, en: `LRN ${lrn} was already lodged with other content (MRN ${mrn})` },
    { mrn },
  );
}

/** The same Idempotency-Key was used before for another request: the first answer stands, this one is refused. */
function keyReused(): TransitRefusal {
  return new TransitRefusal('IDEMPOTENCY_KEY_REUSED', {
    fr: "Cette clé d'idempotence a déjà servi pour une autre requête",
    en: 'This Idempotency-Key was already used for another request',
  });
}

/** Turns a refused update into a TransitRefusal carrying the workflow's code and reason. */
function toRefusal(error: unknown): unknown {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const failure = error.cause;
    const { fr, en, ...details } = (failure.details?.[0] ?? {}) as { fr?: unknown; en?: unknown } & Record<string, unknown>;
    // The workflow's refusals carry their words; a failure raised without them reads the same in both.
    const said = typeof fr === 'string' && typeof en === 'string' ? { fr, en } : { fr: failure.message, en: failure.message };
    return new TransitRefusal(failure.type ?? 'REFUSED', said, details);
  }
  return error;
}

function grpcCode(error: unknown): number | undefined {
  const e = error as { code?: number; cause?: { code?: number } };
  return e?.code ?? e?.cause?.code;
}

function isAlreadyStarted(error: unknown): boolean {
  return grpcCode(error) === 6 /* ALREADY_EXISTS */;
}

function isClosed(error: unknown): boolean {
  return grpcCode(error) === 5 /* NOT_FOUND */ && /completed|closed|already/i.test(String((error as Error)?.message));
}

/** The declaration as a national system keeps it: the guarantee's access code is a secret it never gives back. */
export function maskedAccessCode(declaration: Declaration): Declaration {
  return { ...declaration, guarantee: { ...declaration.guarantee, accessCode: '****' } };
}
