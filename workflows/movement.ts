// What every stage of the procedure works on: the movement's state and timeline, the national
// systems' activities, the notifications, the lock that lets one act run at a time, and the one
// shape every act's handler takes. The stage modules (departure, border post, destination,
// road, supervision, watch) register their handlers over one Movement.
import { ApplicationFailure, currentUpdateInfo, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Duration, UpdateDefinition } from '@temporalio/common';
import type { NationalActivities } from '../activities/national.ts';
import type { OperationRequest } from '../src/national/contract.ts';
import type { CorridorActivities } from '../activities/corridor.ts';
import type { Actor } from '../src/auth/actor.ts';
import { bilingual, type Words } from '../src/domain/words.ts';
import { Lock } from './lock.ts';
import type { ActionResult } from './messages.ts';
import type { ActedBy, Declaration, NotificationRecord, TransitInput, TransitState, TransitStatus } from './model.ts';
import { terminalStatuses } from './model.ts';
import { checkAction, type ActionName, type Refusal } from './procedure.ts';
import { SearchAttributeSync } from './search.ts';
import { initialState } from './state.ts';
import { runsChange, type LifecycleChange } from './versions.ts';
import { nationalCall } from './national-answers.ts';
import { actVouchRefusal } from './vouch.ts';
import { type FallbackMark, FallbackWrites, fallbackProblem, type operationOf, type FallbackAction } from './fallback.ts';

export const SYSTEM: ActedBy = { user: 'corridor', role: 'system' };
const HOUR_MS = 3_600_000;

/**
 * Where an act was keyed: in Corridor (the API or the console), or in a country's national
 * system, whose journal carried it here. An act keyed in a national system is not written back
 * into it, and its time is the national system's: deadlines and dwell times run from `at`.
 */
export type Keyed =
  | { in: 'corridor' }
  | { in: 'national'; country: string; at: string; eventId: string }
  /** A fallback act (procédure de secours): recorded in Corridor while its country's system was down, written there when it is back. */
  | { in: 'fallback'; action: FallbackAction; country: string; at: string; paperNumber: string; officer: string };
export const IN_CORRIDOR: Keyed = { in: 'corridor' };

/**
 * What an act does once the procedure accepts it, whoever keyed it and wherever. `answered`,
 * called once the act is in the officer's own system and in the state, lets the officer go while
 * the act is carried to the other country (the AAR, the exit and entry notices): that is the
 * interconnection's work, not the officer's. The lock is held until the forwarding is done, so
 * the next act still finds it there. Acts from a national journal have nobody waiting: there it
 * only lists the act (search attributes) before the forward, for movements on baseline 2.
 */
export type Perform<I> = (input: I, keyed: Keyed, answered?: () => void) => Promise<void>;

// Movements recorded before officers were answered ahead of the forwarding, and before the two
// pairs of national calls (registration and reservation, control results and discharge) each
// became one activity, replay as they were recorded.
const LEAN_OFFICER_ACTS: LifecycleChange = 'lean-officer-acts';

export class Movement {
  readonly mrn: string;
  readonly route: TransitInput['route'];
  readonly settings: TransitInput['settings'];
  /** Set when the departure country's own system registered the declaration (not Corridor). */
  readonly registeredIn: TransitInput['registeredIn'];
  readonly state: TransitState;
  /** The declaration as lodged or last amended (the state keeps only its summary). */
  declaration: Declaration;
  readonly lock = new Lock();
  readonly search: SearchAttributeSync;
  /** The departure country's national system. */
  readonly departure: NationalActivities;
  readonly corridor: CorridorActivities;
  private readonly nationalSystems = new Map<string, NationalActivities>();
  /** Each act's effect, so an act carried from a national system's journal runs the same steps. */
  readonly performers = new Map<ActionName, Perform<never>>();
  /**
   * One guarantee, one share per country, released leg by leg and recovered by the country
   * where the goods were last known (./guarantee.ts). Decided once, as the movement starts:
   * movements started before it keep the one reservation at departure to the end.
   */
  readonly shares: boolean;
  // Delivered one after the other, in the order they were raised, so a receiver sees the
  // ladder in order even when one delivery has to be retried.
  private deliveries: Promise<void> = Promise.resolve();
  private pendingDeliveries = 0;
  /** Fallback acts waiting for their national system (./fallback.ts). */
  readonly fallback: FallbackWrites;
  /** The lifecycle baseline it started on (./versions.ts). */
  readonly baseline: number | undefined;

  constructor(input: TransitInput) {
    this.mrn = input.mrn;
    this.route = input.route;
    this.settings = input.settings;
    this.registeredIn = input.registeredIn;
    this.declaration = input.declaration;
    this.state = initialState(input);
    this.baseline = input.baseline;
    this.shares = this.has('guarantee-shares');
    this.search = new SearchAttributeSync(this.state);
    this.departure = this.national(input.route.departureCountry);
    this.fallback = new FallbackWrites({
      mrn: this.mrn,
      state: this.state,
      record: (...args) => this.record(...args),
      notify: (...args) => this.notify(...args),
      now: () => this.now(),
      syncSearch: () => this.search.sync(this.state),
      nationalQueue: (country) => this.settings.nationalQueues[country]!,
      nationalAttempt: () => this.nationalAttempt(),
    });
    this.corridor = proxyActivities<CorridorActivities>({
      taskQueue: input.settings.corridorQueue,
      startToCloseTimeout: '1 minute',
      retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes' },
    });
  }

  /** How long one attempt of a national call may take before Temporal retries it (TransitSettings). */
  nationalAttempt(): Duration {
    const seconds = this.settings.nationalAttemptSeconds;
    return seconds ? `${seconds} seconds` : '1 minute';
  }

  /** One country's national system, called on that country's own task queue. */
  national(country: string): NationalActivities {
    let activities = this.nationalSystems.get(country);
    if (!activities) {
      activities = proxyActivities<NationalActivities>({
        taskQueue: this.settings.nationalQueues[country]!,
        startToCloseTimeout: this.nationalAttempt(),
        // A national system that is down is waited for, not failed: retries go on with backoff
        // until it answers; business refusals are non-retryable and come back at once.
        retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
      });
      this.nationalSystems.set(country, activities);
    }
    return activities;
  }

  /** One country's national system for a call that gives up after `patience` (retries included) instead of waiting for it. */
  nationalWithin(country: string, patience: Duration): NationalActivities {
    return proxyActivities<NationalActivities>({
      taskQueue: this.settings.nationalQueues[country]!,
      startToCloseTimeout: this.nationalAttempt(),
      scheduleToCloseTimeout: patience,
      retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
    });
  }

  // ---- state changes -------------------------------------------------------------------

  now(): string {
    return new Date().toISOString();
  }

  record(what: string, by: ActedBy, office?: string, details?: Record<string, unknown>, at?: string): void {
    this.state.timeline.push({ at: at ?? this.now(), what, by, ...(office ? { office } : {}), ...(details ? { details } : {}) });
    this.state.version++;
  }

  /** Records an act in the timeline, saying where it was keyed and when, for an act from a national system. */
  recordAct(keyed: Keyed, what: string, by: ActedBy, office?: string, details?: Record<string, unknown>): void {
    if (keyed.in === 'corridor') this.record(what, by, office, details);
    else if (keyed.in === 'fallback') this.record(what, by, office, { ...details, fallback: true, paperNumber: keyed.paperNumber }, keyed.at);
    else this.record(what, by, office, { ...details, keyedIn: keyed.country, eventId: keyed.eventId }, keyed.at);
  }

  /**
   * What a forward says of the act it carries, for an act keyed in a national system: the
   * forwarding latency (recorded there → held by the other system) is read from it.
   */
  forwardOf(keyed: Keyed, type: string): Record<string, unknown> {
    return keyed.in === 'national' ? { forwardOf: { type, keyedIn: keyed.country, recordedAt: keyed.at } } : {};
  }

  /** When the act happened: the national system's time of recording, or now for an act keyed in Corridor. */
  actedAt(keyed: Keyed): string {
    return keyed.in === 'corridor' ? this.now() : keyed.at;
  }

  /**
   * Writes an act into the national system of `country`, unless it was keyed there: an act is
   * never written back into the system it came from.
   */
  async writeInto<T>(keyed: Keyed, country: string, call: () => Promise<T>): Promise<T | undefined> {
    if (keyed.in === 'national' && keyed.country === country) return undefined;
    // Written after the fallback acts that still wait for this system, in the order of the procedure.
    await this.fallback.behind(country);
    return nationalCall(call);
  }

  /**
   * Writes an officer's act on the road into the system of its office's country, like writeInto;
   * a fallback act is instead queued, with its paper number and time, until that system answers.
   */
  async writeAct<K extends (typeof operationOf)[FallbackAction]>(keyed: Keyed, office: string, operation: K, request: OperationRequest<K>): Promise<void> {
    const country = this.countryOf(office);
    if (keyed.in === 'fallback' && keyed.country === country) {
      const fallback = { paperNumber: keyed.paperNumber, recordedAt: keyed.at, officer: keyed.officer };
      const call = { ...request, at: keyed.at, fallback };
      this.fallback.add(
        {
          act: keyed.action,
          type: fallbackTypes[keyed.action],
          office,
          country,
          paperNumber: keyed.paperNumber,
          recordedAt: keyed.at,
          officer: keyed.officer,
          state: 'WAITING',
        },
        (system) => (system[operation] as (input: typeof call) => Promise<object>)(call),
      );
      return;
    }
    await this.writeInto(keyed, country, () => (this.national(country)[operation] as (input: OperationRequest<K>) => Promise<unknown>)(request));
  }

  setStatus(status: TransitStatus): void {
    this.state.status = status;
    this.state.version++;
  }

  officeOf(code: string) {
    return this.state.route.find((office) => office.code === code)!;
  }

  countryOf(code: string): string {
    return this.officeOf(code).country;
  }

  /** The office where the movement ends: destination, or the exit toward a third country. */
  finalOffice(): string {
    return this.state.route[this.state.route.length - 1]!.code;
  }

  departureOffice(): string {
    return this.state.route[0]!.code;
  }

  /** A leg's time limit in workflow milliseconds (the time scale shortens it for demonstrations). */
  legMs(hours: number): number {
    return (hours * HOUR_MS) / this.settings.timeScale;
  }

  isTerminal(): boolean {
    return terminalStatuses.includes(this.state.status);
  }

  /** Marks arrival at an office; returns whether it was after the leg's time limit. */
  arriveAt(code: string, at: string): boolean {
    const office = this.officeOf(code);
    office.arrivedAt = at;
    const late = this.state.legDeadline !== undefined && Date.parse(at) > Date.parse(this.state.legDeadline);
    if (late) office.late = true;
    return late;
  }

  result(): ActionResult {
    return {
      mrn: this.mrn,
      status: this.state.status,
      currentOffice: this.state.currentOffice,
      ...(this.state.nextDeadline ? { nextDeadline: this.state.nextDeadline } : {}),
      at: this.now(),
    };
  }

  // ---- notifications -------------------------------------------------------------------

  notify(kind: string, to: string[], message: Words, details: Record<string, unknown> = {}): void {
    const subject = bilingual(message);
    const notification: NotificationRecord = {
      id: `${this.mrn}:${kind}:${this.state.notifications.length + 1}`,
      at: this.now(),
      kind,
      to,
      subject,
      message,
      delivery: 'PENDING',
    };
    this.state.notifications.push(notification);
    this.state.escalation.lastNotifiedAt = notification.at;
    this.record('NOTIFICATION_SENT', SYSTEM, undefined, { id: notification.id, kind, to });
    this.pendingDeliveries++;
    this.deliveries = this.deliveries.then(async () => {
      try {
        const outcome = await this.corridor.deliverNotification({ id: notification.id, mrn: this.mrn, kind, to, subject, at: notification.at, details });
        notification.delivery = outcome.delivered ? 'DELIVERED' : 'NOT_CONFIGURED';
        if (outcome.delivered) notification.deliveredAt = outcome.at;
      } catch {
        notification.delivery = 'FAILED';
      } finally {
        this.pendingDeliveries--;
        this.state.version++;
      }
    });
  }

  deliveriesDone(): boolean {
    return this.pendingDeliveries === 0;
  }

  // ---- acts ----------------------------------------------------------------------------

  private fallbackKeyed(action: FallbackAction, actor: Actor, mark: FallbackMark): Keyed {
    const office = actor.office!;
    return { in: 'fallback', action, country: this.countryOf(office), at: mark.recordedAt ?? this.now(), paperNumber: mark.paperNumber, officer: actor.user };
  }

  /** Why an act marked as a fallback act cannot be one; undefined when it is not marked, or may be. */
  private fallbackRefusal(action: ActionName, input: { actor: Actor }): Words | undefined {
    const mark = (input as { fallback?: FallbackMark }).fallback;
    if (mark === undefined) return undefined;
    const problem = fallbackProblem(action, mark, input.actor.office, Date.now());
    if (problem) return problem;
    // The paper's time comes after the act before it: a border dwell or a leg is never negative.
    const previous = this.state.timeline.filter((e) => e.by.role === 'officer').at(-1);
    if (mark.recordedAt !== undefined && previous && Date.parse(mark.recordedAt) < Date.parse(previous.at)) {
      return {
        code: 'INVALID_INPUT',
        fr: `fallback.recordedAt : l'heure du document (${mark.recordedAt}) précède le dernier acte du mouvement (${previous.what}, ${previous.at})`,
        en: `fallback.recordedAt: the paper's time (${mark.recordedAt}) is before the movement's last act (${previous.what}, ${previous.at})`,
      };
    }
    if (action === 'exit' && this.state.status !== 'AT_BORDER') {
      // The exit toward Mali or Niger discharges the movement: that needs the system itself.
      return {
        code: 'FALLBACK_NOT_FOR_THIS_ACT',
        fr: 'la sortie finale apure le mouvement : elle attend le système national, elle ne se saisit pas en procédure de secours',
        en: 'the final exit discharges the movement: it waits for the national system and cannot be recorded as a fallback act',
      };
    }
    return undefined;
  }

  /** Whether this movement runs a change made to the lifecycle while movements were on the road. */
  has(change: LifecycleChange): boolean {
    return runsChange(this.baseline, change);
  }

  /**
   * Officers answered before the forwarding, paired national calls: for movements from this version
   * on. Asked first as a movement lodged through Corridor starts; a movement that began before
   * takes them from its first act after the upgrade, and replays find the marker where it was
   * recorded.
   */
  leanActs(): boolean {
    return this.has(LEAN_OFFICER_ACTS);
  }

  /** Refuses an act now if the procedure does not expect it from this actor. */
  check(action: ActionName, actor: Actor): void {
    const refusal = checkAction(this.state, this.route.legs, this.route.endsWith, action, actor);
    if (refusal) throw refusalFailure(refusal);
  }

  /**
   * Every act follows the same shape: refuse at once if nobody entitled vouched for it, or if
   * out of order (validator, nothing is written to history); then, holding the lock, check again
   * (another act may have come first), call the national system, and only then change the state.
   */
  act<I extends { actor: Actor; requestHash?: string | undefined }>(
    update: UpdateDefinition<ActionResult, [I]>,
    action: ActionName,
    checkInput: (input: I) => Words | undefined,
    perform: Perform<I>,
  ): void {
    this.performers.set(action, perform as Perform<never>);
    setHandler(
      update,
      (input) =>
        new Promise<ActionResult>((resolve, reject) => {
          let settled = false;
          const answer = () => {
            if (settled) return;
            settled = true;
            this.search.sync(this.state);
            // Echoed so the API can tell a retried request from another request reusing its key.
            resolve({ ...this.result(), ...(input.requestHash ? { requestHash: input.requestHash } : {}) });
          };
          const answerBeforeForwarding = () => {
            if (this.leanActs()) answer();
          };
          this.lock
            .run(async () => {
              this.check(action, input.actor);
              const mark = (input as { fallback?: FallbackMark }).fallback;
              // Only movements whose acts carry a fallback mark take the new path; every other act runs as it was recorded.
              const keyed = mark && this.has('fallback-acts') ? this.fallbackKeyed(action as FallbackAction, input.actor, mark) : IN_CORRIDOR;
              await perform(input, keyed, answerBeforeForwarding);
              if (settled) this.search.sync(this.state);
              else answer();
            })
            .catch((error: unknown) => {
              if (!settled) {
                settled = true;
                reject(error);
                return;
              }
              // The officer was answered and the forwarding failed otherwise than by a refusal (those
              // are recorded where they happen): left unhandled, it fails the workflow task, which
              // Temporal retries and shows, rather than a forward lost without a word.
              throw error;
            });
        }),
      {
        validator: (input) => {
          // Before anything else: whoever holds a Temporal client could send any actor here.
          // Validators do not run on replay, so histories recorded before vouching replay as they were.
          const info = currentUpdateInfo();
          const unvouched = actVouchRefusal({
            mrn: this.mrn,
            update: info?.name ?? update.name,
            updateId: info?.id ?? '',
            input: (input ?? {}) as unknown as Record<string, unknown>,
            now: Date.now(),
          });
          if (unvouched) throw refusalFailure(unvouched);
          if (!input?.actor) {
            throw refusalFailure({ code: 'INVALID_INPUT', fr: 'la requête ne nomme pas qui agit', en: 'the request carries no actor' });
          }
          // Who may act comes first: someone else's movement is refused without telling them about its content.
          this.check(action, input.actor);
          const problem = checkInput(input) ?? this.fallbackRefusal(action, input);
          if (problem) throw refusalFailure(problem);
        },
      },
    );
  }
}

/** The timeline entry each fallback act leaves. */
const fallbackTypes: Record<FallbackAction, string> = {
  'border-arrival': 'BORDER_ARRIVAL',
  exit: 'EXIT_CONFIRMED',
  entry: 'ENTRY_ACCEPTED',
  arrival: 'ARRIVED',
};

/** A refusal as the update's failure: the code as its type, the words in its details. */
export function refusalFailure(refusal: Refusal | Words, extra: Record<string, unknown> = {}): ApplicationFailure {
  return ApplicationFailure.create({
    type: refusal.code,
    message: bilingual(refusal),
    details: [{ ...extra, code: refusal.code, fr: refusal.fr, en: refusal.en }],
    nonRetryable: true,
  });
}
