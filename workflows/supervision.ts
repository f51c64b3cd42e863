// Supervisors and the enquiry: acknowledging an escalation level (no more reminders for it),
// extending a time limit with a reason, and the principal's answer to an enquiry, recorded at
// the office of departure.
import { checkActBody } from './acts.ts';
import { dischargeAndWriteOff } from './destination.ts';
import * as m from './messages.ts';
import type { Movement } from './movement.ts';
import { closeEscalation, extendDeadline } from './watch.ts';

export function registerSupervisionActs(mv: Movement): void {
  const { state, route } = mv;

  mv.act(m.acknowledgeUpdate, 'acknowledge', checkActBody.acknowledge, async ({ actor, note }) => {
    state.escalation.acknowledgedLevel = state.escalation.level;
    state.escalation.acknowledgedBy = actor;
    mv.record('ESCALATION_ACKNOWLEDGED', actor, undefined, { level: state.escalation.level, ...(note ? { note } : {}) });
  });

  mv.act(m.extendUpdate, 'extend', checkActBody.extend, async ({ actor, hours, reason }) => extendDeadline(mv, actor, undefined, hours, reason));

  mv.act(m.enquiryAnswerUpdate, 'enquiry-answer', checkActBody['enquiry-answer'], async ({ actor, answer, outcome }) => {
    const office = actor.office!;
    mv.record('ENQUIRY_ANSWER', actor, office, { answer, outcome });
    if (outcome === 'GOODS_FOUND') {
      // The goods are on their way again: a fresh time limit for the leg, and the ladder starts over.
      const leg = route.legs[state.legIndex]!;
      extendDeadline(mv, actor, office, leg.timeLimitHours ?? 0, 'goods found during the enquiry', true);
    } else if (outcome === 'PROOF_OF_ARRIVAL') {
      closeEscalation(mv, actor, office, 'ENQUIRY_RESOLVED');
      await dischargeAndWriteOff(mv, office, { alternativeProof: `preuve alternative / alternative proof: ${answer}` });
    }
  });
}
