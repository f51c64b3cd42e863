// The fallback procedure (procédure de secours): while a country's national system cannot be
// reached, an officer at an office of that country records the act in Corridor as a fallback
// act, with the number of the paper document drawn up for it. The act takes effect at once with
// the paper's time; Corridor writes it into the national system once, when that system answers
// again, in the order the acts were recorded, and the movement is flagged while any act waits.
// If the officer also keyed the act in the system meanwhile, the system's own record stands and
// the two count as one. Pure workflow code: the API decides when the fallback is allowed (only
// while Corridor cannot read that country's journal) and checks the paper number first.
import { condition, log, proxyActivities } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { NationalActivities } from '../activities/national.ts';
import { countryOf } from '../src/domain/countries.ts';
import { words, type Words } from '../src/domain/words.ts';
import type { ActedBy, FallbackActState } from './model.ts';
import { nationalRefusalOr } from './national-answers.ts';
import type { ActionName } from './procedure.ts';

/**
 * What an officer sends with an act to mark it as a fallback act: the number of the paper
 * document (document de secours) and the time written on it.
 */
export interface FallbackMark {
  paperNumber: string;
  /** ISO 8601; the API fills in its own time when the officer gives none. */
  recordedAt?: string | undefined;
}

/** What a fallback act is written into the national system with, so its record says where the act came from. */
export interface FallbackNote {
  paperNumber: string;
  recordedAt: string;
  officer: string;
}

/**
 * The acts an officer may record as fallback acts: the border post and the arrival at
 * destination, which keep trucks moving. Control results and the final exit discharge the
 * movement, which needs the destination system itself: they wait for it.
 */
export const fallbackActions = ['border-arrival', 'exit', 'entry', 'arrival'] as const satisfies readonly ActionName[];
export type FallbackAction = (typeof fallbackActions)[number];

/**
 * The paper document's number: the office that drew it up, `DS` (document de secours), the year
 * and the serial printed on the form, e.g. `BFCKN001-DS-2025-000123`.
 */
export const PAPER_NUMBER = /^([A-Z]{2}[A-Z0-9]{6})-DS-(\d{4})-(\d{6})$/;
export const PAPER_NUMBER_EXAMPLE = 'BFCKN001-DS-2025-000123';

/** How long before now a paper's time may be: an outage of a week is already for supervisors. */
export const FALLBACK_MAX_AGE_MS = 7 * 24 * 3_600_000;
/** Clocks at the border post and Corridor's may differ a little; a paper from the future does not. */
export const FALLBACK_MAX_AHEAD_MS = 5 * 60_000;

const invalid = (field: string, fr: string, en: string): Words => words('INVALID_INPUT', `${field} : ${fr}`, `${field}: ${en}`);

/**
 * What is wrong with a fallback mark for an act by an officer of `office`, checked by the API and
 * again by the workflow; undefined when it is acceptable.
 */
export function fallbackProblem(action: string, mark: Partial<FallbackMark> | undefined, office: string | undefined, now: number): Words | undefined {
  if (!(fallbackActions as readonly string[]).includes(action)) {
    return words(
      'FALLBACK_NOT_FOR_THIS_ACT',
      `l'acte ${action} ne se saisit pas en procédure de secours : seuls ${fallbackActions.join(', ')} le peuvent ; les résultats du contrôle et l'apurement attendent le système national`,
      `the act ${action} cannot be recorded as a fallback act: only ${fallbackActions.join(', ')} can; control results and discharge wait for the national system`,
    );
  }
  const paper = mark?.paperNumber;
  if (typeof paper !== 'string' || paper.trim() === '') {
    return invalid(
      'fallback.paperNumber',
      `le numéro du document de secours est obligatoire, par exemple ${PAPER_NUMBER_EXAMPLE}`,
      `the fallback paper document's number is required, e.g. ${PAPER_NUMBER_EXAMPLE}`,
    );
  }
  const parts = PAPER_NUMBER.exec(paper);
  if (!parts) {
    return invalid(
      'fallback.paperNumber',
      `attendu bureau-DS-année-numéro à 6 chiffres, par exemple ${PAPER_NUMBER_EXAMPLE}`,
      `expected office-DS-year-6-digit serial, e.g. ${PAPER_NUMBER_EXAMPLE}`,
    );
  }
  if (office && parts[1] !== office) {
    return invalid(
      'fallback.paperNumber',
      `le document ${paper} a été établi au bureau ${parts[1]}, pas au vôtre (${office})`,
      `document ${paper} was drawn up at office ${parts[1]}, not at yours (${office})`,
    );
  }
  if (mark?.recordedAt !== undefined) {
    const at = typeof mark.recordedAt === 'string' ? Date.parse(mark.recordedAt) : Number.NaN;
    if (Number.isNaN(at)) return invalid('fallback.recordedAt', 'attendu une date ISO 8601', 'expected an ISO 8601 time');
    if (at - now > FALLBACK_MAX_AHEAD_MS) return invalid('fallback.recordedAt', "l'heure du document est dans le futur", "the paper's time is in the future");
    if (now - at > FALLBACK_MAX_AGE_MS) {
      return invalid(
        'fallback.recordedAt',
        'le document a plus de 7 jours : voyez votre superviseur',
        'the paper is more than 7 days old: see your supervisor',
      );
    }
  }
  return undefined;
}

/** The operation each fallback act is written into its national system with (as the contract names it). */
export const operationOf = {
  'border-arrival': 'recordBorderArrival',
  exit: 'confirmExit',
  entry: 'acceptEntry',
  arrival: 'recordArrival',
} as const satisfies Record<FallbackAction, keyof NationalActivities>;

interface Waiting {
  act: FallbackActState;
  write: () => Promise<object>;
}

/** What the writer needs of the movement; the Movement class provides it. */
export interface FallbackHost {
  readonly mrn: string;
  readonly state: { fallbackActs?: FallbackActState[]; version: number };
  record(what: string, by: ActedBy, office?: string, details?: Record<string, unknown>, at?: string): void;
  notify(kind: string, to: string[], message: Words, details?: Record<string, unknown>): void;
  now(): string;
  syncSearch(): void;
  nationalQueue(country: string): string;
  /** How long one attempt of a national call may take before Temporal retries it. */
  nationalAttempt(): Duration;
}

/**
 * The fallback acts of one movement waiting for their national system, written one at a time in
 * the order they were recorded. Each write is one activity: its Idempotency-Key
 * (workflowId:activityId) is the same on every retry and after a worker restart, so the system
 * records it once.
 */
export class FallbackWrites {
  private readonly queue: Waiting[] = [];
  private started = false;
  private readonly systems = new Map<string, NationalActivities>();

  constructor(private readonly mv: FallbackHost) {}

  /** Whether an act of this movement still waits for `country`'s system: anything else written there waits behind it. */
  waitingFor(country: string): boolean {
    return this.queue.some((w) => w.act.country === country);
  }

  /** Whether every fallback act has been written (or settled otherwise). */
  settled(): boolean {
    return this.queue.length === 0;
  }

  /** Holds a write into `country`'s system until the fallback acts before it are written there. */
  async behind(country: string): Promise<void> {
    if (this.waitingFor(country)) await condition(() => !this.waitingFor(country));
  }

  /** Adds an act recorded as a fallback act; it is written when its system answers. */
  add(act: FallbackActState, write: (system: NationalActivities) => Promise<object>): void {
    this.mv.state.fallbackActs ??= [];
    this.mv.state.fallbackActs.push(act);
    this.mv.state.version++;
    this.queue.push({ act, write: () => write(this.system(act.country)) });
    if (!this.started) {
      this.started = true;
      void this.run();
    }
  }

  /**
   * A system that is down is tried again every 10 s at most (not every 5 minutes as for the
   * other calls), so the acts land soon after it is back; there are only a few such acts.
   */
  private system(country: string): NationalActivities {
    let system = this.systems.get(country);
    if (!system) {
      system = proxyActivities<NationalActivities>({
        taskQueue: this.mv.nationalQueue(country),
        startToCloseTimeout: this.mv.nationalAttempt(),
        retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' },
      });
      this.systems.set(country, system);
    }
    return system;
  }

  private async run(): Promise<void> {
    for (;;) {
      await condition(() => this.queue.length > 0);
      const next = this.queue[0]!;
      await this.writeOne(next);
      this.queue.shift();
      this.mv.state.version++;
      this.mv.syncSearch();
    }
  }

  private async writeOne({ act, write }: Waiting): Promise<void> {
    const { mv } = this;
    const written = await nationalRefusalOr(write);
    const details = { country: act.country, act: act.act, paperNumber: act.paperNumber };
    if (!('refusal' in written)) {
      settle(act, 'WRITTEN', mv.now());
      mv.record('FALLBACK_ACT_WRITTEN', SYSTEM_ACTOR, act.office, details);
      return;
    }
    // Refused: most often because the officer keyed the same act in the system in the meantime. Its record says.
    const record = await nationalRefusalOr(() => this.system(act.country).getMovement({ mrn: mv.mrn }));
    const keyedThere = !('refusal' in record) && record.events.some((e) => e.operation === operationOf[act.act] && e.office === act.office);
    if (keyedThere) {
      settle(act, 'ALREADY_IN_SYSTEM', mv.now());
      mv.record('FALLBACK_ACT_ALREADY_IN_SYSTEM', SYSTEM_ACTOR, act.office, details);
      return;
    }
    settle(act, 'REFUSED', mv.now(), written.refusal.reason);
    mv.record('FALLBACK_ACT_REFUSED', SYSTEM_ACTOR, act.office, { ...details, ...written.refusal });
    log.warn('fallback act refused by its national system', { mrn: mv.mrn, ...details, code: written.refusal.code });
    mv.notify(
      'FALLBACK_ACT_REFUSED',
      [`supervisor:${act.country}`],
      words(
        'FALLBACK_ACT_REFUSED',
        `Transit ${mv.mrn} : le système ${countryOf(act.country, 'fr')} a refusé l'acte de secours ${act.act} (document ${act.paperNumber}) : ${written.refusal.reason}`,
        `Transit ${mv.mrn}: ${countryOf(act.country, 'en')}'s system refused the fallback act ${act.act} (document ${act.paperNumber}): ${written.refusal.reason}`,
      ),
      details,
    );
  }
}

const SYSTEM_ACTOR: ActedBy = { user: 'corridor', role: 'system' };

function settle(act: FallbackActState, state: FallbackActState['state'], at: string, reason?: string): void {
  act.state = state;
  act.settledAt = at;
  if (reason) act.reason = reason;
}

/** The countries whose systems a movement's fallback acts still wait for (the movement's flag). */
export function waitingForSystems(acts: readonly FallbackActState[] | undefined): string[] {
  return [...new Set((acts ?? []).filter((a) => a.state === 'WAITING').map((a) => a.country))].sort();
}
