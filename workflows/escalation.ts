// Which watched moment comes next for a movement: its leg deadline and the escalation ladder
// after it, a truck kept at the border post past the dwell target, control results not
// recorded after arrival, and reminders of an unacknowledged level. Pure: the workflow arms
// one durable timer on the answer and re-arms only when the answer changes.
import type { TransitSettings, TransitState } from './model.ts';

export type AlarmKind =
  | 'OVERDUE' // level 1: the leg's time limit has passed
  | 'LEVEL_2' // the country's supervisor
  | 'ENQUIRY' // level 3: enquiry opened with the principal and the guarantor
  | 'RECOVERY' // no answer resolving the enquiry: the guarantee is claimed
  | 'REMINDER' // the current level is still not acknowledged
  | 'BORDER_ALERT' // at the border post past the dwell target, entry not yet accepted
  | 'CONTROL_RESULTS_MISSING'; // arrived, no control results after the set delay

export interface Alarm {
  kind: AlarmKind;
  at: number;
}

export const LEVEL = { OVERDUE: 1, SUPERVISOR: 2, ENQUIRY: 3 } as const;

const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : Number.NaN);

export function nextAlarm(state: TransitState, settings: TransitSettings): Alarm | undefined {
  const { delays } = settings;
  const candidates: Alarm[] = [];
  const esc = state.escalation;

  if (state.status === 'RELEASED' && state.legDeadline) {
    if (esc.level === 0) candidates.push({ kind: 'OVERDUE', at: ms(state.legDeadline) });
    const since = ms(esc.overdueSince);
    if (esc.kind === 'OVERDUE' && esc.level === LEVEL.OVERDUE) candidates.push({ kind: 'LEVEL_2', at: since + delays.level2AfterMs });
    if (esc.kind === 'OVERDUE' && esc.level === LEVEL.SUPERVISOR) candidates.push({ kind: 'ENQUIRY', at: since + delays.enquiryAfterMs });
    // Once proposed, the recovery waits for the collector's decision; it is not proposed twice.
    if (esc.kind === 'OVERDUE' && esc.level === LEVEL.ENQUIRY && mayProposeRecovery(state)) {
      candidates.push({ kind: 'RECOVERY', at: ms(esc.enquiryOpenedAt) + delays.recoveryAfterMs });
    }
  }
  if (state.status === 'AT_BORDER') {
    const crossing = state.crossings[state.crossings.length - 1];
    if (crossing && !crossing.entryAt && !crossing.alertAt) {
      candidates.push({ kind: 'BORDER_ALERT', at: ms(crossing.arrivalAt) + delays.borderDwellTargetMs });
    }
  }
  if (state.status === 'ARRIVED' && state.arrival && !state.controlResults && esc.level === 0) {
    candidates.push({ kind: 'CONTROL_RESULTS_MISSING', at: ms(state.controlResultsDueBy ?? state.arrival.at) });
  }
  if (esc.level > 0 && esc.acknowledgedLevel !== esc.level && esc.lastNotifiedAt) {
    candidates.push({ kind: 'REMINDER', at: ms(esc.lastNotifiedAt) + delays.reminderEveryMs });
  }

  const valid = candidates.filter((alarm) => Number.isFinite(alarm.at));
  if (valid.length === 0) return undefined;
  // The ladder before reminders when both fall due together: a reminder of a level about to be superseded is noise.
  const order: AlarmKind[] = ['RECOVERY', 'ENQUIRY', 'LEVEL_2', 'OVERDUE', 'BORDER_ALERT', 'CONTROL_RESULTS_MISSING', 'REMINDER'];
  return valid.sort((a, b) => a.at - b.at || order.indexOf(a.kind) - order.indexOf(b.kind))[0];
}

/** No recovery yet, or the last one was waived before the enquiry opened again. */
function mayProposeRecovery(state: TransitState): boolean {
  const recovery = state.recovery;
  if (!recovery) return true;
  return recovery.state === 'WAIVED' && ms(state.escalation.enquiryOpenedAt) > ms(recovery.decidedAt);
}

export function alarmKey(alarm: Alarm | undefined): string {
  return alarm ? `${alarm.kind}@${alarm.at}` : 'none';
}
