// Acts recorded in a national system (SYDONIA World at Lomé or Ouagadougou), carried here by
// that country's journal consumer: each is applied once, in the order the procedure needs, by
// the same steps as an act keyed in Corridor, except that it is not written back into the system
// it came from. An act that depends on one not yet seen (the entry into Burkina before Togo's
// exit) waits here; an act already recorded through Corridor counts once, and a different
// version of it is a discrepancy for both countries' supervisors.
import { ActivityFailure, condition, log, setHandler, TimeoutFailure } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { Actor } from '../src/auth/actor.ts';
import { countryNames, countryOf, isCorridorCountry } from '../src/domain/countries.ts';
import type { journalEventOf } from '../src/national/contract.ts';
import { nationalRefusalOr } from './national-answers.ts';
import { words } from '../src/domain/words.ts';
import { sameSeals } from './acts.ts';
import * as m from './messages.ts';
import type { NationalEvent, RegisteredIn } from './model.ts';
import { SYSTEM, type Keyed, type Movement } from './movement.ts';
import { checkAction, type ActionName } from './procedure.ts';
import { departureShare } from './guarantee.ts';
import { eventVouched } from './vouch.ts';

/** The journal's event types that are officers' acts on the road, and the act each one is. */
const actOf: Record<string, ActionName> = {
  RELEASED: 'release',
  BORDER_ARRIVAL: 'border-arrival',
  EXIT_CONFIRMED: 'exit',
  ENTRY_ACCEPTED: 'entry',
  ARRIVED: 'arrival',
  CONTROL_RESULTS: 'control-results',
};

/** The timeline entry each act leaves, to recognise an act already recorded through Corridor. */
const recordedAs: Partial<Record<ActionName, string>> = {
  release: 'RELEASED',
  'border-arrival': 'BORDER_ARRIVAL',
  exit: 'EXIT_CONFIRMED',
  entry: 'ENTRY_ACCEPTED',
  arrival: 'ARRIVED',
  'control-results': 'CONTROL_RESULTS',
};

type Disposition =
  | { kind: 'apply'; action: ActionName; input: Record<string, unknown> }
  | { kind: 'wait' }
  | { kind: 'same' }
  | { kind: 'discrepancy'; recorded: Record<string, unknown> }
  | { kind: 'ignore'; why: string };

/** The journal events each movement applied, so a catch-up never applies one twice (see catchUpFromSystems). */
const appliedOf = new WeakMap<Movement, Set<string>>();

export function registerInterconnection(mv: Movement): void {
  const applied = new Set<string>();
  appliedOf.set(mv, applied);
  const inbox: NationalEvent[] = [];
  if (mv.registeredIn) applied.add(mv.registeredIn.eventId);
  // Movements started before events were vouched for replay their unsigned events as they were
  // applied; every movement started since refuses an event its country's consumer did not sign.
  const vouching = mv.has('vouched-national-events');

  setHandler(m.nationalEventSignal, (event, vouch) => {
    if (vouching && !eventVouched(mv.mrn, event, vouch)) {
      // Left out of the state: a stranger's signal changes nothing, not even the timeline.
      log.warn('national event refused: not vouched for by the consumer of its country', {
        mrn: mv.mrn,
        eventId: event?.id,
        country: event?.country,
        vouchedBy: (vouch as { by?: unknown } | undefined)?.by,
      });
      return;
    }
    // The consumer may deliver an event again after a crash: its id is applied once.
    if (applied.has(event.id) || inbox.some((waiting) => waiting.id === event.id)) return;
    inbox.push(event);
  });

  const ready = (event: NationalEvent) => disposition(mv, event).kind !== 'wait';

  // Applies waiting events one at a time, oldest first among those the procedure can take now.
  void (async () => {
    for (;;) {
      await condition(() => !mv.isTerminal() && inbox.some(ready));
      await mv.lock.run(async () => {
        const index = inbox.findIndex(ready);
        if (index < 0 || mv.isTerminal()) return;
        const event = inbox.splice(index, 1)[0]!;
        // Caught up from its system while it waited here (an alarm read the record first): the act
        // is the movement's already, not a second keying of it. Histories that recorded it as
        // NATIONAL_ACT_CONFIRMED replay as they were.
        if (applied.has(event.id) && mv.has('inbox-skips-caught-up')) return;
        applied.add(event.id);
        await apply(mv, event, listedBeforeForward(mv));
        mv.search.sync(mv.state);
      });
    }
  })();
}

/**
 * Once a national act is in the state, the supervisors' lists show it while it is carried to the
 * other country, which may take hours with the link between the capitals cut. Before this change
 * the lists waited for the forward; histories recorded so replay as they were.
 */
function listedBeforeForward(mv: Movement): () => void {
  return () => {
    if (mv.has('national-status-before-forward')) mv.search.sync(mv.state);
  };
}

/** `inState`, when given, is called once the act is in the state, before it is carried to the other country. */
async function apply(mv: Movement, event: NationalEvent, inState?: () => void): Promise<void> {
  const outcome = disposition(mv, event);
  const keyed: Keyed = { in: 'national', country: event.country, at: event.at, eventId: event.id };
  switch (outcome.kind) {
    case 'apply': {
      const perform = mv.performers.get(outcome.action)!;
      await perform({ ...outcome.input, actor: actorOf(event) } as never, keyed, inState);
      return;
    }
    case 'same':
      // The same act keyed in Corridor and in the national system: it counts once.
      mv.record('NATIONAL_ACT_CONFIRMED', actorOf(event), event.office ?? undefined, { type: event.type, keyedIn: event.country, eventId: event.id }, event.at);
      return;
    case 'discrepancy': {
      mv.record(
        'NATIONAL_ACT_DISCREPANCY',
        actorOf(event),
        event.office ?? undefined,
        { type: event.type, keyedIn: event.country, eventId: event.id, national: event.data, recorded: outcome.recorded },
        event.at,
      );
      mv.notify(
        'NATIONAL_ACT_DISCREPANCY',
        mv.route.countries.map((country) => `supervisor:${country}`),
        words(
          'NATIONAL_ACT_DISCREPANCY',
          `Transit ${mv.mrn} : l'acte ${event.type} saisi dans le système ${countryOf(event.country, 'fr')} diffère de celui déjà enregistré`,
          `Transit ${mv.mrn}: the act ${event.type} keyed in ${countryOf(event.country, 'en')}'s system differs from the one already recorded`,
        ),
        { eventId: event.id },
      );
      return;
    }
    case 'ignore':
      mv.record(
        'NATIONAL_EVENT_IGNORED',
        SYSTEM,
        event.office ?? undefined,
        { type: event.type, keyedIn: event.country, eventId: event.id, why: outcome.why },
        event.at,
      );
      return;
    case 'wait':
      return;
  }
}

/** The officer who keyed the act, as the national system named them. */
function actorOf(event: NationalEvent): Actor {
  return {
    user: event.officer ?? `${event.country.toLowerCase()}-system`,
    role: 'officer',
    ...(event.office ? { office: event.office } : {}),
    country: event.country,
  };
}

function disposition(mv: Movement, event: NationalEvent): Disposition {
  const { state } = mv;
  let action = actOf[event.type];
  if (!action) return { kind: 'ignore', why: 'not an act on the road' };
  const office = event.office;
  if (!office || !state.route.some((o) => o.code === office)) return { kind: 'ignore', why: `office ${office ?? '?'} is not on the route` };
  // One country's journal carries only its own offices' acts.
  if (mv.countryOf(office) !== event.country) return { kind: 'ignore', why: `office ${office} is not an office of ${event.country}` };
  const data = event.data;
  if (action === 'control-results' && state.status === 'HELD' && data.controlResult === 'SATISFACTORY') action = 'resolve-discrepancy';
  const earlier = state.timeline.find((entry) => entry.what === recordedAs[action!] && entry.office === office);
  if (earlier) return sameAct(action, data, earlier.details ?? {});
  if (checkAction(state, mv.route.legs, mv.route.endsWith, action, actorOf(event))) {
    return mv.isTerminal() ? { kind: 'ignore', why: `movement ${state.status}` } : { kind: 'wait' };
  }
  return { kind: 'apply', action, input: inputOf(action, data) };
}

/** An act that was already recorded: the same one again, or another version of it. */
function sameAct(action: ActionName, national: Record<string, unknown>, recorded: Record<string, unknown>): Disposition {
  const differs =
    action === 'release'
      ? !sameSeals((national.seals as string[] | undefined) ?? [], (recorded.seals as string[] | undefined) ?? [])
      : action === 'control-results'
        ? national.controlResult !== undefined && national.controlResult !== recorded.result
        : national.sealsIntact !== undefined && recorded.sealsIntact !== undefined && national.sealsIntact !== recorded.sealsIntact;
  return differs ? { kind: 'discrepancy', recorded } : { kind: 'same' };
}

/** The act's fields from the event's data, as an officer would have sent them to Corridor. */
function inputOf(action: ActionName, data: Record<string, unknown>): Record<string, unknown> {
  const sealsIntact = typeof data.sealsIntact === 'boolean' ? data.sealsIntact : true;
  switch (action) {
    case 'release':
      return { seals: (data.seals as string[] | undefined) ?? [], controlResult: 'SATISFACTORY' };
    case 'control-results':
      return {
        result: data.controlResult === 'DISCREPANCIES' ? 'DISCREPANCIES' : 'SATISFACTORY',
        sealsIntact,
        discrepancies: (data.discrepancies as string[] | undefined) ?? [],
      };
    case 'resolve-discrepancy':
      return { resolution: 'levée enregistrée dans le système national / resolved in the national system' };
    default:
      return { sealsIntact };
  }
}

/**
 * The first step of a movement whose declaration was lodged in the departure country's own
 * system: registered and guaranteed there already, so nothing is written back.
 */
export function acceptRegistered(mv: Movement, registeredIn: RegisteredIn): void {
  const { state, route } = mv;
  const office = mv.departureOffice();
  const keyed: Keyed = { in: 'national', country: registeredIn.country, at: registeredIn.at, eventId: registeredIn.eventId };
  const by: Actor = { user: registeredIn.officer ?? 'declarant', role: 'declarant', tin: state.declaration.declarantTin };
  if (registeredIn.reference) state.nationalReferences[route.departureCountry] = registeredIn.reference;
  mv.recordAct(keyed, 'REGISTERED', by, office, { country: route.departureCountry, reference: registeredIn.reference });
  if (registeredIn.guarantee) {
    state.guarantee = { grn: registeredIn.guarantee.grn, amountReservedXof: registeredIn.guarantee.amountXof, state: 'RESERVED' };
    departureShare(mv, registeredIn.guarantee.amountXof);
    mv.recordAct(keyed, 'GUARANTEE_RESERVED', SYSTEM, office, { grn: registeredIn.guarantee.grn, amountXof: registeredIn.guarantee.amountXof });
  }
  mv.setStatus('ACCEPTED');
  mv.recordAct(keyed, 'ACCEPTED', SYSTEM, office);
}

/**
 * Before the ladder climbs (overdue, enquiry): asks each system still ahead of the truck for its
 * record of the movement. An act an officer keyed there that never reached Corridor (the journal
 * event lost, or keyed while the link was down) is applied now, with that system's time, as if
 * the journal had carried it; the same event arriving later through the journal counts once.
 * True when the movement caught up, so the ladder is looked at again before anything escalates.
 */
export async function catchUpFromSystems(mv: Movement, patience?: Duration): Promise<boolean> {
  const applied = appliedOf.get(mv) ?? new Set<string>();
  let caughtUp = false;
  for (const country of countriesAhead(mv)) {
    const system = patience ? mv.nationalWithin(country, patience) : mv.national(country);
    const record = await nationalRefusalOr(() => system.getMovement({ mrn: mv.mrn })).catch((error: unknown) => {
      // With patience, a system that did not answer in time is passed over, as one holding nothing.
      if (patience && error instanceof ActivityFailure && error.cause instanceof TimeoutFailure) return undefined;
      // So is one that answered only errors until the patience ran out (a 503 each time: the last
      // one comes back, not a timeout): the alarm must still go off. Such a failure used to end
      // the movement's workflow itself; histories that did replay so.
      if (patience && error instanceof ActivityFailure && mv.has('catch-up-passes-over-failures')) {
        log.warn('catch-up: a national system gave no record within the patience; passed over', { mrn: mv.mrn, country, error: error.message });
        return undefined;
      }
      throw error;
    });
    if (!record || 'refusal' in record) continue; // that system holds no record (no AAR yet): nothing to catch up from
    const missed = record.events
      .filter((step) => step.source === 'officer')
      .map((step) => eventOf(mv.mrn, country, step))
      .filter((event) => event.type in actOf && !applied.has(event.id));
    for (const event of missed) {
      if (mv.isTerminal() || disposition(mv, event).kind !== 'apply') continue;
      applied.add(event.id);
      await apply(mv, event, listedBeforeForward(mv));
      const system = isCorridorCountry(country) ? countryNames[country].system : { fr: country, en: country };
      mv.record(
        'CAUGHT_UP',
        SYSTEM,
        event.office ?? undefined,
        { country, type: event.type, eventId: event.id, fr: `rattrapé depuis ${system.fr}`, en: `caught up from ${system.en}` },
        event.at,
      );
      caughtUp = true;
    }
  }
  if (caughtUp) mv.search.sync(mv.state);
  return caughtUp;
}

/** The countries whose systems may hold the next acts: the current office's, then each one after it on the route. */
function countriesAhead(mv: Movement): string[] {
  const from = Math.max(
    0,
    mv.state.route.findIndex((office) => office.code === mv.state.currentOffice),
  );
  return [...new Set(mv.state.route.slice(from).map((office) => office.country))];
}

/** The journal event type of each operation that records an act on the road (the contract's journalEventOf, checked at compile time). */
const eventTypeOf = {
  recordRelease: 'RELEASED',
  recordBorderArrival: 'BORDER_ARRIVAL',
  confirmExit: 'EXIT_CONFIRMED',
  acceptEntry: 'ENTRY_ACCEPTED',
  recordArrival: 'ARRIVED',
  recordControlResults: 'CONTROL_RESULTS',
} as const satisfies Partial<typeof journalEventOf>;

type RecordStep = {
  operation: string;
  at: string;
  recordedAt: string;
  office: string | null;
  officer: string | null;
  sequence: number;
  source: string;
  data: Record<string, unknown>;
};

/** One step of a system's record as the journal event it was published as (same id: `TG-000000000123`). */
function eventOf(mrn: string, country: string, step: RecordStep): NationalEvent {
  return {
    id: `${country}-${String(step.sequence).padStart(12, '0')}`,
    sequence: step.sequence,
    country,
    type: (eventTypeOf as Record<string, string>)[step.operation] ?? step.operation,
    mrn,
    office: step.office,
    officer: step.officer,
    at: step.recordedAt,
    source: 'officer',
    data: step.data,
  };
}
