// One transit movement, from lodging to discharge: workflow id = MRN.
// Reads like the procedure: lodge → guarantee → release → cross the border → arrive →
// control → discharge. Deadlines and escalation live in ./escalation.ts and ./watch.ts,
// the rules of who may act when in ./procedure.ts.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { NationalActivities } from '../activities/national.ts';
import type { CorridorActivities } from '../activities/corridor.ts';
import type { Actor } from '../src/auth/actor.ts';
import { alarmKey, nextAlarm, LEVEL, type Alarm } from './escalation.ts';
import { Lock } from './lock.ts';
import * as m from './messages.ts';
import type { ActedBy, NotificationRecord, TransitInput, TransitState, TransitStatus } from './model.ts';
import { terminalStatuses } from './model.ts';
import { checkAction, finalOffice, responsibleCountry, type ActionName, type Refusal } from './procedure.ts';
import { SearchAttributeSync } from './search.ts';
import { declarationSummary, initialState, summarise } from './state.ts';

const SYSTEM: ActedBy = { user: 'corridor', role: 'system' };
const HOUR_MS = 3_600_000;

export async function transit(input: TransitInput): Promise<ReturnType<typeof summarise>> {
  const { mrn, route, settings } = input;
  let declaration = input.declaration;
  const state: TransitState = initialState(input);
  const search = new SearchAttributeSync(state);
  const lock = new Lock();
  let lodges = 0;

  const national = (country: string) =>
    proxyActivities<NationalActivities>({
      taskQueue: settings.nationalQueues[country]!,
      startToCloseTimeout: '1 minute',
      // A national system that is down is waited for, not failed: retries go on with backoff
      // until it answers; business refusals are non-retryable and come back at once.
      retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
    });
  const departure = national(route.departureCountry);
  const corridor = proxyActivities<CorridorActivities>({
    taskQueue: settings.corridorQueue,
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });

  // ---- state changes -------------------------------------------------------------------
  const now = () => new Date().toISOString();
  const record = (what: string, by: ActedBy, office?: string, details?: Record<string, unknown>) => {
    state.timeline.push({ at: now(), what, by, ...(office ? { office } : {}), ...(details ? { details } : {}) });
    state.version++;
  };
  const setStatus = (status: TransitStatus) => {
    state.status = status;
    state.version++;
  };
  const officeOf = (code: string) => state.route.find((office) => office.code === code)!;
  const countryOf = (code: string) => officeOf(code).country;
  const legMs = (hours: number) => (hours * HOUR_MS) / settings.timeScale;
  const isTerminal = () => terminalStatuses.includes(state.status);
  const result = (): m.ActionResult => ({
    mrn,
    status: state.status,
    currentOffice: state.currentOffice,
    ...(state.nextDeadline ? { nextDeadline: state.nextDeadline } : {}),
    at: now(),
  });

  // ---- notifications -------------------------------------------------------------------
  // Delivered one after the other, in the order they were raised, so a receiver sees the
  // ladder in order even when one delivery has to be retried.
  let deliveries: Promise<void> = Promise.resolve();
  let pendingDeliveries = 0;
  const notify = (kind: string, to: string[], subject: string, details: Record<string, unknown> = {}) => {
    const notification: NotificationRecord = {
      id: `${mrn}:${kind}:${state.notifications.length + 1}`,
      at: now(),
      kind,
      to,
      subject,
      delivery: 'PENDING',
    };
    state.notifications.push(notification);
    state.escalation.lastNotifiedAt = notification.at;
    record('NOTIFICATION_SENT', SYSTEM, undefined, { id: notification.id, kind, to });
    pendingDeliveries++;
    deliveries = deliveries.then(async () => {
      try {
        const outcome = await corridor.deliverNotification({ id: notification.id, mrn, kind, to, subject, at: notification.at, details });
        notification.delivery = outcome.delivered ? 'DELIVERED' : 'NOT_CONFIGURED';
        if (outcome.delivered) notification.deliveredAt = outcome.at;
      } catch {
        notification.delivery = 'FAILED';
      } finally {
        pendingDeliveries--;
        state.version++;
      }
    });
  };

  // ---- the national systems' answers ---------------------------------------------------
  /** Runs a national call; a business refusal becomes the action's refusal, with the system's reason. */
  const nationalCall = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      const refusal = nationalRefusal(error);
      if (!refusal) throw error;
      throw ApplicationFailure.create({
        type: 'NATIONAL_REFUSAL',
        message: `Le système national a refusé : ${refusal.reason} / The national system refused: ${refusal.reason}`,
        details: [{ code: refusal.code, reason: refusal.reason }],
        nonRetryable: true,
      });
    }
  };

  // ---- handlers (registered before the first await) ------------------------------------
  const refusalFailure = (refusal: Refusal) =>
    ApplicationFailure.create({ type: refusal.code, message: refusal.fr, details: [{ en: refusal.en }], nonRetryable: true });
  const check = (action: ActionName, actor: Actor) => {
    const refusal = checkAction(state, route.legs, route.endsWith, action, actor);
    if (refusal) throw refusalFailure(refusal);
  };

  /**
   * Every act follows the same shape: refuse at once if out of order (validator, nothing is
   * written to history); then, holding the lock, check again (another act may have come
   * first), call the national system, and only then change the state.
   */
  function act<I extends { actor: Actor; requestHash?: string }>(
    update: UpdateDefinition<m.ActionResult, [I]>,
    action: ActionName,
    validateInput: (input: I) => string | undefined,
    perform: (input: I) => Promise<void>,
  ) {
    setHandler(
      update,
      (input) =>
        lock.run(async () => {
          check(action, input.actor);
          await perform(input);
          search.sync(state);
          // Echoed so the API can tell a retried request from another request reusing its key.
          return { ...result(), ...(input.requestHash ? { requestHash: input.requestHash } : {}) };
        }),
      {
        validator: (input) => {
          if (!input?.actor) throw ApplicationFailure.create({ type: 'INVALID_INPUT', message: 'the request carries no actor', nonRetryable: true });
          // Who may act comes first: someone else's movement is refused without telling them about its content.
          check(action, input.actor);
          const problem = validateInput(input);
          if (problem) throw ApplicationFailure.create({ type: 'INVALID_INPUT', message: problem, nonRetryable: true });
        },
      },
    );
  }

  setHandler(m.stateQuery, () => state);

  setHandler(
    m.lodgeUpdate,
    async () => {
      const created = lodges++ === 0;
      await condition(() => state.status !== 'DECLARED');
      return {
        mrn,
        created,
        declarationHash: state.declarationHash,
        status: state.status,
        ...(state.reason ? { reason: state.reason } : {}),
        ...(state.guarantee.amountReservedXof !== undefined ? { amountReservedXof: state.guarantee.amountReservedXof } : {}),
      };
    },
    {
      validator: ({ declarationHash: hash, actor }) => {
        if (actor?.tin !== state.declaration.declarantTin) {
          throw ApplicationFailure.create({ type: 'NOT_YOURS', message: `the MRN ${mrn} belongs to another declarant`, nonRetryable: true });
        }
        if (hash !== state.declarationHash) {
          throw ApplicationFailure.create({
            type: 'LRN_CONFLICT',
            message: `La référence ${state.lrn} a déjà été déclarée avec un autre contenu (MRN ${mrn}) / LRN ${state.lrn} was already lodged with other content (MRN ${mrn})`,
            details: [{ mrn }],
            nonRetryable: true,
          });
        }
      },
    },
  );

  act(
    m.releaseUpdate,
    'release',
    (i) => (!Array.isArray(i.seals) || i.seals.length === 0 ? 'seals: at least one seal is affixed at release' : undefined),
    async ({ actor, seals, controlResult, timeLimitHours }) => {
      const firstLeg = route.legs[0]!;
      const deadline = new Date(Date.now() + legMs(timeLimitHours ?? firstLeg.timeLimitHours ?? 0)).toISOString();
      const office = state.route[0]!.code;
      await nationalCall(() =>
        departure.recordRelease({ mrn, office, seals, timeLimit: deadline, controlResult: controlResult ?? 'SATISFACTORY', at: now() }),
      );
      state.seals = [...seals];
      state.releasedAt = now();
      state.route[0]!.leftAt = state.releasedAt;
      state.legIndex = 0;
      state.currentOffice = firstLeg.to;
      officeOf(firstLeg.to).plannedBy = deadline;
      state.legDeadline = deadline;
      state.nextDeadline = deadline;
      setStatus('RELEASED');
      record('RELEASED', actor, office, { seals, timeLimit: deadline, controlResult: controlResult ?? 'SATISFACTORY' });
      // The anticipated arrival record: every next country's system creates its own record from it.
      await Promise.all(
        route.countries
          .filter((country) => country !== route.departureCountry)
          .map(async (country) => {
            const ack = await nationalRefusalOr(() => national(country).receiveAar({
              mrn,
              departureCountry: route.departureCountry,
              departureReference: state.nationalReferences[route.departureCountry],
              lrn: state.lrn,
              declarantTin: state.declaration.declarantTin,
              declaration,
              seals,
              timeLimit: deadline,
            }));
            if ('refusal' in ack) {
              // The truck has left with its seals: the release stands, and both countries' supervisors
              // are told that the next system refused the record, so they can settle it before the border.
              record('AAR_REFUSED', SYSTEM, undefined, { country, ...ack.refusal });
              notify('AAR_REFUSED', [`supervisor:${country}`, `supervisor:${route.departureCountry}`], `AAR du transit ${mrn} refusé par ${country} / AAR refused by ${country}: ${ack.refusal.reason}`);
              return;
            }
            state.nationalReferences[country] = ack.reference;
            record('AAR_SENT', SYSTEM, undefined, { country, reference: ack.reference });
          }),
      );
    },
  );

  act(m.borderArrivalUpdate, 'border-arrival', () => undefined, async ({ actor, sealsIntact, remarks }) => {
    const office = actor.office!;
    const crossingLeg = route.legs[state.legIndex + 1]!;
    await nationalCall(() => national(countryOf(office)).recordBorderArrival({ mrn, office, at: now() }));
    const at = now();
    const late = arriveAt(crossingLeg.from, at);
    state.crossings.push({
      post: crossingLeg.borderPost ?? crossingLeg.from,
      exitOffice: crossingLeg.from,
      entryOffice: crossingLeg.to,
      arrivalAt: at,
      ...(sealsIntact !== undefined ? { sealsIntact } : {}),
    });
    state.legIndex++;
    state.currentOffice = crossingLeg.from;
    state.legDeadline = undefined;
    state.nextDeadline = new Date(Date.parse(at) + settings.delays.borderDwellTargetMs).toISOString();
    setStatus('AT_BORDER');
    record('BORDER_ARRIVAL', actor, office, { post: crossingLeg.borderPost, late, ...(remarks ? { remarks } : {}) });
    closeEscalationOnArrival(actor, office, late);
  });

  act(
    m.exitUpdate,
    'exit',
    () => undefined,
    async ({ actor, sealsIntact, remarks }) => {
      const office = actor.office!;
      await nationalCall(() => national(countryOf(office)).confirmExit({ mrn, office, sealsIntact: sealsIntact ?? true, at: now() }));
      if (state.status === 'AT_BORDER') {
        const crossing = state.crossings[state.crossings.length - 1]!;
        crossing.exitAt = now();
        officeOf(office).leftAt = crossing.exitAt;
        state.currentOffice = route.legs[state.legIndex]!.to;
        record('EXIT_CONFIRMED', actor, office, { sealsIntact: sealsIntact ?? true, ...(remarks ? { remarks } : {}) });
      } else {
        // The last office is an exit toward a third country: exit confirmed ends the movement here.
        state.exitConfirmedAt = now();
        officeOf(office).leftAt = state.exitConfirmedAt;
        record('EXIT_CONFIRMED', actor, office, { sealsIntact: sealsIntact ?? true, final: true, ...(remarks ? { remarks } : {}) });
        await dischargeAndWriteOff(office);
      }
    },
  );

  act(
    m.entryUpdate,
    'entry',
    (i) => (typeof i.sealsIntact !== 'boolean' ? 'sealsIntact: say whether the seals were found intact at entry' : undefined),
    async ({ actor, sealsIntact, remarks }) => {
      const office = actor.office!;
      await nationalCall(() => national(countryOf(office)).acceptEntry({ mrn, office, sealsIntact: sealsIntact ?? true, at: now() }));
      const at = now();
      const crossing = state.crossings[state.crossings.length - 1]!;
      crossing.entryAt = at;
      crossing.dwellSeconds = Math.round((Date.parse(at) - Date.parse(crossing.arrivalAt)) / 1000);
      crossing.sealsIntact = sealsIntact;
      officeOf(office).arrivedAt = at;
      const nextLeg = route.legs[state.legIndex + 1]!;
      const deadline = new Date(Date.parse(at) + legMs(nextLeg.timeLimitHours ?? 0)).toISOString();
      state.legIndex++;
      state.currentOffice = nextLeg.to;
      officeOf(nextLeg.to).plannedBy = deadline;
      state.legDeadline = deadline;
      state.nextDeadline = deadline;
      setStatus('RELEASED');
      record('ENTRY_ACCEPTED', actor, office, { sealsIntact, dwellSeconds: crossing.dwellSeconds, ...(remarks ? { remarks } : {}) });
      if (crossing.alertAt) record('BORDER_ALERT_CLEARED', SYSTEM, office, { dwellSeconds: crossing.dwellSeconds });
    },
  );

  act(
    m.arrivalUpdate,
    'arrival',
    (i) => (typeof i.sealsIntact !== 'boolean' ? 'sealsIntact: say whether the seals were found intact on arrival' : undefined),
    async ({ actor, sealsIntact, remarks }) => {
      const office = actor.office!;
      await nationalCall(() => national(countryOf(office)).recordArrival({ mrn, office, sealsIntact: sealsIntact ?? true, at: now() }));
      const at = now();
      const late = arriveAt(office, at);
      state.arrival = { at, office, sealsIntact: sealsIntact ?? true, late, ...(remarks ? { remarks } : {}) };
      state.legDeadline = undefined;
      state.controlResultsDueBy = new Date(Date.parse(at) + settings.delays.controlResultsAfterMs).toISOString();
      state.nextDeadline = state.controlResultsDueBy;
      setStatus('ARRIVED');
      record('ARRIVED', actor, office, { sealsIntact, late, ...(remarks ? { remarks } : {}) });
      closeEscalationOnArrival(actor, office, late);
    },
  );

  act(
    m.controlResultsUpdate,
    'control-results',
    (i) =>
      i.result !== 'SATISFACTORY' && i.result !== 'DISCREPANCIES'
        ? 'result: expected SATISFACTORY or DISCREPANCIES'
        : i.result === 'DISCREPANCIES' && (!Array.isArray(i.discrepancies) || i.discrepancies.length === 0)
          ? 'discrepancies: describe at least one discrepancy'
          : undefined,
    async ({ actor, result: outcome, sealsIntact, discrepancies: declared }) => {
      const office = actor.office!;
      const held = outcome === 'DISCREPANCIES' || !sealsIntact;
      const discrepancies = held && declared.length === 0 ? ['scellés non intacts / seals not intact'] : declared;
      await nationalCall(() =>
        national(countryOf(office)).recordControlResults({
          mrn,
          office,
          controlResult: held ? 'DISCREPANCIES' : 'SATISFACTORY',
          sealsIntact,
          discrepancies,
          at: now(),
        }),
      );
      state.controlResults = { at: now(), office, result: held ? 'DISCREPANCIES' : 'SATISFACTORY', sealsIntact, discrepancies, by: actor };
      state.controlResultsDueBy = undefined;
      state.nextDeadline = undefined;
      if (state.escalation.kind === 'CONTROL_RESULTS_MISSING') closeEscalation(actor, office, 'CONTROL_RESULTS_RECORDED');
      record('CONTROL_RESULTS', actor, office, { result: state.controlResults.result, sealsIntact, discrepancies });
      if (held) {
        setStatus('HELD');
        return;
      }
      if (route.endsWith === 'DES') await dischargeAndWriteOff(office);
    },
  );

  act(
    m.resolveDiscrepancyUpdate,
    'resolve-discrepancy',
    (i) => (typeof i.resolution !== 'string' || !i.resolution.trim() ? 'resolution: say how the discrepancy was resolved' : undefined),
    async ({ actor, resolution }) => {
      const office = actor.office!;
      await nationalCall(() =>
        national(countryOf(office)).recordControlResults({
          mrn,
          office,
          controlResult: 'SATISFACTORY',
          sealsIntact: true,
          discrepancies: [],
          at: now(),
        }),
      );
      state.controlResults!.resolvedAt = now();
      state.controlResults!.resolution = resolution;
      setStatus('ARRIVED');
      record('DISCREPANCY_RESOLVED', actor, office, { resolution });
      if (route.endsWith === 'DES') await dischargeAndWriteOff(office);
    },
  );

  act(
    m.incidentUpdate,
    'incident',
    (i) =>
      !i.description?.trim()
        ? 'description: describe the incident'
        : i.kind === 'TRANSHIPMENT' && (!i.newVehicle || !i.newSeals?.length)
          ? 'a transhipment names the new vehicle (newVehicle) and the new seals (newSeals)'
          : i.extendHours !== undefined && !(i.extendHours > 0 && i.extendHours <= 240)
            ? 'extendHours: between 0 and 240 hours'
            : undefined,
    async ({ actor, kind, description, newVehicle, newSeals, extendHours }) => {
      const office = actor.office!;
      if (extendHours && !state.legDeadline && !state.controlResultsDueBy) throw nothingToExtend();
      state.incidents.push({
        at: now(),
        kind,
        description,
        office,
        by: actor,
        ...(newVehicle ? { newVehicle } : {}),
        ...(newSeals ? { newSeals } : {}),
        ...(extendHours ? { extendedByHours: extendHours } : {}),
      });
      if (newVehicle) state.declaration.vehicle = newVehicle.registration;
      if (newSeals?.length) state.seals = [...newSeals];
      record('INCIDENT', actor, office, { kind, description, ...(newVehicle ? { newVehicle } : {}), ...(newSeals ? { newSeals } : {}) });
      if (extendHours) extendDeadline(actor, office, extendHours, `incident: ${description}`);
    },
  );

  act(
    m.amendUpdate,
    'amend',
    (i) =>
      !i.declaration || !i.declarationHash || !i.route
        ? 'declaration: the amended declaration is required'
        : i.declaration.lrn !== state.lrn
          ? `lrn: an amendment keeps the LRN ${state.lrn}`
          : i.declaration.declarant?.tin !== state.declaration.declarantTin
            ? 'declarant.tin: an amendment keeps the declarant'
            : i.route.routeId !== route.routeId
              ? `route: an amendment cannot change the route (${route.routeId})`
              : undefined,
    async ({ actor, declaration: amended, declarationHash: hash }) => {
      const ack = await nationalCall(() => departure.amend({ mrn, declaration: amended }));
      if (ack.reservation) state.guarantee.amountReservedXof = ack.reservation.amountXof;
      declaration = amended;
      state.declarationHash = hash;
      Object.assign(state.declaration, declarationSummary(amended));
      state.guarantee.grn = amended.guarantee.grn;
      record('AMENDED', actor, state.route[0]!.code, { reference: ack.reference });
    },
  );

  act(
    m.cancelUpdate,
    'cancel',
    (i) => (typeof i.reason !== 'string' || !i.reason.trim() ? 'reason: say why the declaration is cancelled' : undefined),
    async ({ actor, reason }) => {
      // The departure system releases the reservation as part of the cancellation.
      await nationalCall(() => departure.cancel({ mrn, reason }));
      if (state.guarantee.state === 'RESERVED') state.guarantee.state = 'RELEASED';
      state.reason = reason;
      state.currentOffice = state.route[0]!.code;
      setStatus('CANCELLED');
      record('CANCELLED', actor, state.route[0]!.code, { reason });
    },
  );

  act(
    m.acknowledgeUpdate,
    'acknowledge',
    () => undefined,
    async ({ actor, note }) => {
      state.escalation.acknowledgedLevel = state.escalation.level;
      state.escalation.acknowledgedBy = actor;
      record('ESCALATION_ACKNOWLEDGED', actor, undefined, { level: state.escalation.level, ...(note ? { note } : {}) });
    },
  );

  act(
    m.extendUpdate,
    'extend',
    (i) =>
      !(typeof i.hours === 'number' && i.hours > 0 && i.hours <= 720)
        ? 'hours: between 0 and 720'
        : typeof i.reason !== 'string' || !i.reason.trim()
          ? 'reason: an extension is always justified'
          : undefined,
    async ({ actor, hours, reason }) => extendDeadline(actor, undefined, hours, reason),
  );

  act(
    m.enquiryAnswerUpdate,
    'enquiry-answer',
    (i) =>
      !['PROOF_OF_ARRIVAL', 'GOODS_FOUND', 'NOT_RESOLVED'].includes(i.outcome)
        ? 'outcome: expected PROOF_OF_ARRIVAL, GOODS_FOUND or NOT_RESOLVED'
        : !i.answer?.trim()
          ? "answer: record the principal's answer"
          : undefined,
    async ({ actor, answer, outcome }) => {
      const office = actor.office!;
      record('ENQUIRY_ANSWER', actor, office, { answer, outcome });
      if (outcome === 'GOODS_FOUND') {
        // The goods are on their way again: a fresh time limit for the leg, and the ladder starts over.
        const leg = route.legs[state.legIndex]!;
        extendDeadline(actor, office, (leg.timeLimitHours ?? 0) , 'goods found during the enquiry', true);
      } else if (outcome === 'PROOF_OF_ARRIVAL') {
        closeEscalation(actor, office, 'ENQUIRY_RESOLVED');
        await dischargeAndWriteOff(office, `preuve alternative / alternative proof: ${answer}`);
      }
    },
  );

  // ---- helpers that several acts share -------------------------------------------------
  /** Marks arrival at an office; returns whether it was after the leg's time limit. */
  function arriveAt(code: string, at: string): boolean {
    const office = officeOf(code);
    office.arrivedAt = at;
    const late = state.legDeadline !== undefined && Date.parse(at) > Date.parse(state.legDeadline);
    if (late) office.late = true;
    return late;
  }

  function closeEscalationOnArrival(actor: Actor, office: string, late: boolean) {
    if (late) record('LATE_ARRIVAL', actor, office, { deadline: officeOf(office).plannedBy });
    if (state.escalation.level > 0) closeEscalation(actor, office, 'ARRIVED');
  }

  function closeEscalation(by: ActedBy, office: string | undefined, because: string) {
    const level = state.escalation.level;
    state.escalation = { level: 0 };
    record('ESCALATION_CLOSED', by, office, { level, because });
  }

  function extendDeadline(actor: Actor, office: string | undefined, hours: number, reason: string, fromNow = false) {
    const extraMs = legMs(hours);
    if (state.status === 'ARRIVED' && state.controlResultsDueBy) {
      state.controlResultsDueBy = new Date(Date.parse(state.controlResultsDueBy) + extraMs).toISOString();
      state.nextDeadline = state.controlResultsDueBy;
    } else if (state.legDeadline) {
      const base = fromNow ? Date.now() : Date.parse(state.legDeadline);
      state.legDeadline = new Date(base + extraMs).toISOString();
      state.nextDeadline = state.legDeadline;
      officeOf(state.currentOffice).plannedBy = state.legDeadline;
    } else {
      throw nothingToExtend();
    }
    record('DEADLINE_EXTENDED', actor, office, { hours, reason, deadline: state.nextDeadline });
    if (state.escalation.level > 0 && state.nextDeadline && Date.parse(state.nextDeadline) > Date.now()) {
      closeEscalation(actor, office, 'EXTENDED');
    }
  }

  function nothingToExtend() {
    return ApplicationFailure.create({
      type: 'OUT_OF_ORDER',
      message: `Aucun délai de route à proroger : le mouvement ${mrn} est au statut ${state.status} / no time limit to extend: movement ${mrn} is ${state.status}`,
      nonRetryable: true,
    });
  }

  /** Discharge at destination, write-off at departure, guarantee released: the movement is over. */
  async function dischargeAndWriteOff(office: string, alternativeProof?: string) {
    const destinationCountry = countryOf(finalOffice(state));
    const discharged = await nationalRefusalOr(() =>
      national(destinationCountry).discharge({ mrn, office: finalOffice(state), ...(alternativeProof ? { alternativeProof } : {}) }),
    );
    if ('refusal' in discharged) {
      record('DISCHARGE_REFUSED', SYSTEM, office, discharged.refusal);
      notify('DISCHARGE_REFUSED', [`supervisor:${destinationCountry}`], `Apurement du transit ${mrn} refusé / discharge refused: ${discharged.refusal.reason}`);
      return;
    }
    record('DISCHARGED_AT_DESTINATION', SYSTEM, office, alternativeProof ? { alternativeProof } : undefined);
    await Promise.all([
      departure.writeOff({ mrn }),
      departure.releaseGuarantee({ mrn, grn: state.guarantee.grn, reason: 'discharged' }),
    ]);
    state.guarantee.state = 'RELEASED';
    state.dischargedAt = now();
    state.currentOffice = finalOffice(state);
    state.nextDeadline = undefined;
    setStatus('DISCHARGED');
    record('WRITTEN_OFF', SYSTEM, state.route[0]!.code);
    record('GUARANTEE_RELEASED', SYSTEM, state.route[0]!.code, { grn: state.guarantee.grn });
  }

  // ---- the watch: deadlines, escalation, border alert ----------------------------------
  async function fire(alarm: Alarm) {
    const at = now();
    const next = state.currentOffice;
    const principal = `principal:${state.declaration.principalTin}`;
    const esc = state.escalation;
    switch (alarm.kind) {
      case 'OVERDUE':
        state.escalation = { level: LEVEL.OVERDUE, kind: 'OVERDUE', overdueSince: state.legDeadline ?? at };
        record('OVERDUE', SYSTEM, next, { level: 1, deadline: state.legDeadline });
        notify('OVERDUE', [`office:${next}`, principal], `Transit ${mrn} en retard à ${next} / overdue at ${next}`);
        break;
      case 'LEVEL_2':
        esc.level = LEVEL.SUPERVISOR;
        record('ESCALATED', SYSTEM, next, { level: 2 });
        notify('ESCALATED_TO_SUPERVISOR', [`supervisor:${responsibleCountry(state)}`], `Transit ${mrn} toujours en retard / still overdue`);
        break;
      case 'ENQUIRY':
        esc.level = LEVEL.ENQUIRY;
        esc.enquiryOpenedAt = at;
        record('ENQUIRY_OPENED', SYSTEM, state.route[0]!.code, { level: 3 });
        notify('ENQUIRY_OPENED', [principal, `guarantor:${state.guarantee.grn}`], `Enquête ouverte sur le transit ${mrn} / enquiry opened`);
        break;
      case 'RECOVERY': {
        const claim = await departure.claimGuarantee({ mrn, grn: state.guarantee.grn, reason: 'no proof of arrival after the enquiry' });
        state.guarantee.state = 'CLAIMED';
        esc.recoveryAt = at;
        state.nextDeadline = undefined;
        state.legDeadline = undefined;
        setStatus('RECOVERY');
        record('RECOVERY', SYSTEM, state.route[0]!.code, { grn: state.guarantee.grn, amountXof: claim.amountXof });
        notify('RECOVERY', [principal, `guarantor:${state.guarantee.grn}`, `supervisor:${route.departureCountry}`], `Recouvrement : caution ${state.guarantee.grn} appelée / guarantee claimed`);
        break;
      }
      case 'REMINDER':
        record('REMINDER', SYSTEM, next, { level: esc.level });
        notify('REMINDER', reminderRecipients(), `Rappel : transit ${mrn}, niveau ${esc.level} / reminder, level ${esc.level}`);
        break;
      case 'BORDER_ALERT': {
        const crossing = state.crossings[state.crossings.length - 1]!;
        crossing.alertAt = at;
        record('BORDER_ALERT', SYSTEM, crossing.exitOffice, { post: crossing.post, targetSeconds: settings.delays.borderDwellTargetMs / 1000 });
        notify(
          'BORDER_ALERT',
          [`supervisor:${countryOf(crossing.exitOffice)}`, `supervisor:${countryOf(crossing.entryOffice)}`, `post:${crossing.post}`],
          `Camion ${state.declaration.vehicle} au poste ${crossing.post} au-delà de l'objectif / truck past the border dwell target`,
        );
        break;
      }
      case 'CONTROL_RESULTS_MISSING':
        state.escalation = { level: LEVEL.SUPERVISOR, kind: 'CONTROL_RESULTS_MISSING', overdueSince: state.controlResultsDueBy ?? at };
        record('CONTROL_RESULTS_MISSING', SYSTEM, finalOffice(state), { level: 2 });
        notify('CONTROL_RESULTS_MISSING', [`supervisor:${countryOf(finalOffice(state))}`], `Transit ${mrn} arrivé sans résultats de contrôle / no control results`);
        break;
    }
    search.sync(state);
  }

  function reminderRecipients(): string[] {
    const esc = state.escalation;
    if (esc.kind === 'CONTROL_RESULTS_MISSING' || esc.level >= LEVEL.SUPERVISOR) return [`supervisor:${responsibleCountry(state)}`];
    return [`office:${state.currentOffice}`, `principal:${state.declaration.principalTin}`];
  }

  async function watch() {
    while (!isTerminal()) {
      const alarm = nextAlarm(state, settings);
      const key = alarmKey(alarm);
      if (!alarm) {
        await condition(() => isTerminal() || alarmKey(nextAlarm(state, settings)) !== key);
        continue;
      }
      const delay = alarm.at - Date.now();
      // Re-arm only when the next watched moment itself changes, not on every act.
      if (delay > 0 && (await condition(() => isTerminal() || alarmKey(nextAlarm(state, settings)) !== key, delay))) continue;
      await lock.run(async () => {
        if (!isTerminal() && alarmKey(nextAlarm(state, settings)) === key) await fire(alarm);
      });
    }
  }

  // ---- the procedure -------------------------------------------------------------------
  await lock.run(async () => {
    try {
      const registered = await departure.registerDeclaration({
        mrn,
        lrn: state.lrn,
        declarantTin: state.declaration.declarantTin,
        declaration,
      });
      state.nationalReferences[route.departureCountry] = registered.reference;
      record('REGISTERED', SYSTEM, state.route[0]!.code, { country: route.departureCountry, reference: registered.reference });
      try {
        const reservation = await departure.reserveGuarantee({
          mrn,
          grn: declaration.guarantee.grn,
          accessCode: declaration.guarantee.accessCode,
        });
        state.guarantee = { grn: declaration.guarantee.grn, amountReservedXof: reservation.amountXof, state: 'RESERVED' };
        record('GUARANTEE_RESERVED', SYSTEM, state.route[0]!.code, { grn: declaration.guarantee.grn, amountXof: reservation.amountXof });
        setStatus('ACCEPTED');
        record('ACCEPTED', SYSTEM, state.route[0]!.code);
      } catch (error) {
        const refusal = nationalRefusal(error);
        if (!refusal) throw error;
        // Nothing stays behind: the departure system's record is closed with the reason.
        await departure.cancel({ mrn, reason: `guarantee refused: ${refusal.reason}` });
        reject(refusal);
      }
    } catch (error) {
      const refusal = nationalRefusal(error);
      if (!refusal) throw error;
      reject(refusal);
    }
    search.sync(state);
  });

  function reject(refusal: { code: string; reason: string }) {
    if (state.status === 'REJECTED') return;
    state.reason = `${refusal.code}: ${refusal.reason}`;
    state.guarantee.state = 'NONE';
    setStatus('REJECTED');
    record('REJECTED', SYSTEM, state.route[0]!.code, { code: refusal.code, reason: refusal.reason });
  }

  if (!isTerminal()) await watch();
  await condition(() => pendingDeliveries === 0 && allHandlersFinished());
  return summarise(state);
}

/** Runs a national call; a refusal comes back as a value instead of an exception. */
async function nationalRefusalOr<T>(call: () => Promise<T>): Promise<T | { refusal: { code: string; reason: string } }> {
  try {
    return await call();
  } catch (error) {
    const refusal = nationalRefusal(error);
    if (!refusal) throw error;
    return { refusal };
  }
}

/** A national system's refusal (or a call it could not understand), as the activity reported it; undefined for anything else. */
function nationalRefusal(error: unknown): { code: string; reason: string } | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && (cause.type === 'NationalRefusal' || cause.type === 'NationalProtocolError')) {
    const details = (cause.details?.[0] ?? {}) as { code?: string; reason?: string };
    return { code: details.code ?? 'REFUSED', reason: details.reason ?? cause.message };
  }
  return undefined;
}

