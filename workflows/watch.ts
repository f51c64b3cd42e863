// The watch over a movement: one durable timer on the next watched moment (./escalation.ts says
// which), and what happens when it comes: the overdue ladder (next office and principal, then
// the country's supervisor, then the enquiry, then recovery on the guarantee), reminders of an
// unacknowledged level, the border alert, and control results missing after arrival. Also the
// changes of deadline that acts make: an extension, an arrival that stops the ladder.
import { type ApplicationFailure, condition } from '@temporalio/workflow';
import type { Actor } from '../src/auth/actor.ts';
import { words } from '../src/domain/words.ts';
import { alarmKey, LEVEL, nextAlarm, type Alarm } from './escalation.ts';
import type { ActedBy } from './model.ts';
import { refusalFailure, SYSTEM, type Movement } from './movement.ts';
import { responsibleCountry } from './procedure.ts';
import { proposeRecovery } from './guarantee.ts';
import { catchUpFromSystems } from './interconnection.ts';

/** How long an alarm waits for a system's record before it fires anyway, on movements started before it was a setting. */
const CATCH_UP_PATIENCE = '2 minutes';

/** Runs until the movement ends, arming one timer at a time and re-arming only when the next moment changes. */
export async function watch(mv: Movement): Promise<void> {
  const { state, settings } = mv;
  const nextKey = () => alarmKey(nextAlarm(state, settings));
  while (!mv.isTerminal()) {
    const alarm = nextAlarm(state, settings);
    const key = alarmKey(alarm);
    if (!alarm) {
      await condition(() => mv.isTerminal() || nextKey() !== key);
      continue;
    }
    const delay = alarm.at - Date.now();
    // Re-arm only when the next watched moment itself changes, not on every act.
    if (delay > 0 && (await condition(() => mv.isTerminal() || nextKey() !== key, delay))) continue;
    await mv.lock.run(async () => {
      if (!mv.isTerminal() && nextKey() === key) await fire(mv, alarm);
    });
  }
}

async function fire(mv: Movement, alarm: Alarm): Promise<void> {
  const { mrn, state, settings } = mv;
  const at = mv.now();
  const next = state.currentOffice;
  const principal = `principal:${state.declaration.principalTin}`;
  const esc = state.escalation;
  const patience = settings.delays.catchUpPatienceMs ?? CATCH_UP_PATIENCE;
  // Only a movement no system has seen escalates: the next systems are asked first, before the
  // overdue and again before the enquiry. Movements started before it climb as they did. A system
  // that does not answer within the patience is passed over: waited for without end, a system
  // down at the deadline held the ladder, and every act of the movement (the fallback acts keyed
  // in Corridor during that very outage included) waited behind the alarm; histories from then
  // replay so.
  if ((alarm.kind === 'OVERDUE' || alarm.kind === 'ENQUIRY') && mv.has('enquiry-asks-systems')) {
    if (await catchUpFromSystems(mv, mv.has('ladder-catch-up-patience') ? patience : undefined)) return;
  }
  // The control results' delay runs from the arrival as the destination's system recorded it:
  // an arrival heard late (the link down) finds the delay already past, while the same system
  // may hold control results recorded in time that are still on their way. That system is asked
  // first; one that does not answer within a while does not hold the alarm back any longer.
  if (alarm.kind === 'CONTROL_RESULTS_MISSING' && mv.has('control-results-ask-systems') && (await catchUpFromSystems(mv, patience))) return;
  switch (alarm.kind) {
    case 'OVERDUE':
      state.escalation = { level: LEVEL.OVERDUE, kind: 'OVERDUE', overdueSince: state.legDeadline ?? at };
      mv.record('OVERDUE', SYSTEM, next, { level: 1, deadline: state.legDeadline });
      mv.notify('OVERDUE', [`office:${next}`, principal], words('OVERDUE', `Transit ${mrn} en retard à ${next}`, `Transit ${mrn} overdue at ${next}`));
      break;
    case 'LEVEL_2':
      esc.level = LEVEL.SUPERVISOR;
      mv.record('ESCALATED', SYSTEM, next, { level: 2 });
      mv.notify(
        'ESCALATED_TO_SUPERVISOR',
        [`supervisor:${responsibleCountry(state)}`],
        words('ESCALATED_TO_SUPERVISOR', `Transit ${mrn} toujours en retard à ${next}`, `Transit ${mrn} still overdue at ${next}`),
      );
      break;
    case 'ENQUIRY':
      esc.level = LEVEL.ENQUIRY;
      esc.enquiryOpenedAt = at;
      mv.record('ENQUIRY_OPENED', SYSTEM, mv.departureOffice(), { level: 3 });
      mv.notify(
        'ENQUIRY_OPENED',
        [principal, `guarantor:${state.guarantee.grn}`],
        words('ENQUIRY_OPENED', `Enquête ouverte sur le transit ${mrn}`, `Enquiry opened on transit ${mrn}`),
      );
      break;
    case 'RECOVERY': {
      if (mv.shares) {
        proposeRecovery(mv);
        break;
      }
      const claim = await mv.departure.claimGuarantee({ mrn, grn: state.guarantee.grn, reason: 'no proof of arrival after the enquiry' });
      state.guarantee.state = 'CLAIMED';
      esc.recoveryAt = at;
      state.nextDeadline = undefined;
      state.legDeadline = undefined;
      mv.setStatus('RECOVERY');
      mv.record('RECOVERY', SYSTEM, mv.departureOffice(), { grn: state.guarantee.grn, amountXof: claim.amountXof });
      mv.notify(
        'RECOVERY',
        [principal, `guarantor:${state.guarantee.grn}`, `supervisor:${mv.route.departureCountry}`],
        words(
          'RECOVERY',
          `Recouvrement du transit ${mrn} : mise en jeu de la caution ${state.guarantee.grn}`,
          `Recovery of transit ${mrn}: guarantee ${state.guarantee.grn} claimed`,
        ),
      );
      break;
    }
    case 'REMINDER':
      mv.record('REMINDER', SYSTEM, next, { level: esc.level });
      mv.notify(
        'REMINDER',
        reminderRecipients(mv),
        words('REMINDER', `Rappel : transit ${mrn}, niveau ${esc.level}`, `Reminder: transit ${mrn}, level ${esc.level}`),
      );
      break;
    case 'BORDER_ALERT': {
      const crossing = state.crossings[state.crossings.length - 1]!;
      crossing.alertAt = at;
      mv.record('BORDER_ALERT', SYSTEM, crossing.exitOffice, { post: crossing.post, targetSeconds: settings.delays.borderDwellTargetMs / 1000 });
      mv.notify(
        'BORDER_ALERT',
        [`supervisor:${mv.countryOf(crossing.exitOffice)}`, `supervisor:${mv.countryOf(crossing.entryOffice)}`, `post:${crossing.post}`],
        words(
          'BORDER_ALERT',
          `Camion ${state.declaration.vehicle} au poste ${crossing.post} au-delà de l'objectif de séjour`,
          `Truck ${state.declaration.vehicle} at post ${crossing.post} past the border dwell target`,
        ),
      );
      break;
    }
    case 'CONTROL_RESULTS_MISSING':
      state.escalation = { level: LEVEL.SUPERVISOR, kind: 'CONTROL_RESULTS_MISSING', overdueSince: state.controlResultsDueBy ?? at };
      mv.record('CONTROL_RESULTS_MISSING', SYSTEM, mv.finalOffice(), { level: 2 });
      mv.notify(
        'CONTROL_RESULTS_MISSING',
        [`supervisor:${mv.countryOf(mv.finalOffice())}`],
        words('CONTROL_RESULTS_MISSING', `Transit ${mrn} arrivé sans résultats de contrôle`, `Transit ${mrn} arrived without control results`),
      );
      break;
  }
  mv.search.sync(state);
}

function reminderRecipients(mv: Movement): string[] {
  const { state } = mv;
  const esc = state.escalation;
  if (esc.kind === 'CONTROL_RESULTS_MISSING' || esc.level >= LEVEL.SUPERVISOR) return [`supervisor:${responsibleCountry(state)}`];
  return [`office:${state.currentOffice}`, `principal:${state.declaration.principalTin}`];
}

export function closeEscalation(mv: Movement, by: ActedBy, office: string | undefined, because: string): void {
  const level = mv.state.escalation.level;
  mv.state.escalation = { level: 0 };
  mv.record('ESCALATION_CLOSED', by, office, { level, because });
}

/** An arrival at any time before recovery stops the ladder; a late one is flagged. */
export function closeEscalationOnArrival(mv: Movement, actor: Actor, office: string, late: boolean): void {
  if (late) mv.record('LATE_ARRIVAL', actor, office, { deadline: mv.officeOf(office).plannedBy });
  if (mv.state.escalation.level > 0) closeEscalation(mv, actor, office, 'ARRIVED');
}

/** Moves the deadline that runs now (the leg's time limit, or control results due) by `hours`. */
export function extendDeadline(mv: Movement, actor: Actor, office: string | undefined, hours: number, reason: string, fromNow = false): void {
  const { state } = mv;
  const extraMs = mv.legMs(hours);
  if (state.status === 'ARRIVED' && state.controlResultsDueBy) {
    state.controlResultsDueBy = new Date(Date.parse(state.controlResultsDueBy) + extraMs).toISOString();
    state.nextDeadline = state.controlResultsDueBy;
  } else if (state.legDeadline) {
    const base = fromNow ? Date.now() : Date.parse(state.legDeadline);
    state.legDeadline = new Date(base + extraMs).toISOString();
    state.nextDeadline = state.legDeadline;
    mv.officeOf(state.currentOffice).plannedBy = state.legDeadline;
  } else {
    throw nothingToExtend(mv);
  }
  mv.record('DEADLINE_EXTENDED', actor, office, { hours, reason, deadline: state.nextDeadline });
  if (state.escalation.level > 0 && state.nextDeadline && Date.parse(state.nextDeadline) > Date.now()) {
    closeEscalation(mv, actor, office, 'EXTENDED');
  }
}

export function nothingToExtend(mv: Movement): ApplicationFailure {
  const { mrn, state } = mv;
  return refusalFailure(
    words(
      'OUT_OF_ORDER',
      `Aucun délai de route à proroger : le mouvement ${mrn} est au statut ${state.status}`,
      `No time limit to extend: movement ${mrn} is ${state.status}`,
    ),
  );
}
