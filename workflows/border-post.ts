// The juxtaposed border post (PCJ Cinkassé/Cinkansé): the truck's arrival at the post, the exit
// from the country it leaves, the entry into the next one. The border dwell time runs from the
// arrival to the entry accepted. The exit act also serves the last office of a route toward Mali
// or Niger, where exit confirmed ends the movement (discharged by ./destination.ts).
import type { CountryCode } from '../src/domain/countries.ts';
import { checkActBody, sealDiscrepancy, type SealCheckBody } from './acts.ts';
import { dischargeAndWriteOff } from './destination.ts';
import * as m from './messages.ts';
import { refusalFailure, SYSTEM, type Keyed, type Movement } from './movement.ts';
import { nationalRefusalOr } from './national-answers.ts';
import { recordShare } from './guarantee.ts';
import { closeEscalationOnArrival } from './watch.ts';

export function registerBorderPostActs(mv: Movement): void {
  const { mrn, state, route, settings } = mv;

  mv.act(m.borderArrivalUpdate, 'border-arrival', checkActBody['border-arrival'], async ({ actor, sealsIntact, remarks }, keyed) => {
    const office = actor.office!;
    const crossingLeg = route.legs[state.legIndex + 1]!;
    await mv.writeAct(keyed, office, 'recordBorderArrival', { mrn, office, at: mv.now() });
    const at = mv.actedAt(keyed);
    const late = mv.arriveAt(crossingLeg.from, at);
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
    mv.setStatus('AT_BORDER');
    mv.recordAct(keyed, 'BORDER_ARRIVAL', actor, office, { post: crossingLeg.borderPost, late, ...(remarks ? { remarks } : {}) });
    closeEscalationOnArrival(mv, actor, office, late);
  });

  mv.act(m.exitUpdate, 'exit', checkActBody.exit, async ({ actor, sealsIntact, remarks }, keyed, answered) => {
    const office = actor.office!;
    await mv.writeAct(keyed, office, 'confirmExit', { mrn, office, sealsIntact: sealsIntact ?? true, at: mv.now() });
    if (state.status === 'AT_BORDER') {
      const crossing = state.crossings[state.crossings.length - 1]!;
      crossing.exitAt = mv.actedAt(keyed);
      mv.officeOf(office).leftAt = crossing.exitAt;
      state.currentOffice = route.legs[state.legIndex]!.to;
      mv.recordAct(keyed, 'EXIT_CONFIRMED', actor, office, { sealsIntact: sealsIntact ?? true, ...(remarks ? { remarks } : {}) });
      answered?.();
      await sendNotice(mv, keyed, 'EXIT', mv.countryOf(crossing.entryOffice), office, sealsIntact ?? true, crossing.exitAt);
    } else {
      // The last office is an exit toward a third country: exit confirmed ends the movement here.
      state.exitConfirmedAt = mv.actedAt(keyed);
      mv.officeOf(office).leftAt = state.exitConfirmedAt;
      mv.recordAct(keyed, 'EXIT_CONFIRMED', actor, office, { sealsIntact: sealsIntact ?? true, final: true, ...(remarks ? { remarks } : {}) });
      await dischargeAndWriteOff(mv, office, { keyed });
    }
  });

  const checkEntry = (body: SealCheckBody) => checkActBody.entry(body) ?? sealDiscrepancy(state.seals, body.seals);
  mv.act(m.entryUpdate, 'entry', checkEntry, async ({ actor, sealsIntact, remarks, seals }, keyed, answered) => {
    const office = actor.office!;
    const discrepancy = sealDiscrepancy(state.seals, seals);
    if (discrepancy) throw refusalFailure(discrepancy);
    await mv.writeAct(keyed, office, 'acceptEntry', { mrn, office, sealsIntact: sealsIntact ?? true, at: mv.now() });
    const at = mv.actedAt(keyed);
    const crossing = state.crossings[state.crossings.length - 1]!;
    crossing.entryAt = at;
    crossing.dwellSeconds = Math.round((Date.parse(at) - Date.parse(crossing.arrivalAt)) / 1000);
    crossing.sealsIntact = sealsIntact;
    mv.officeOf(office).arrivedAt = at;
    const nextLeg = route.legs[state.legIndex + 1]!;
    const deadline = new Date(Date.parse(at) + mv.legMs(nextLeg.timeLimitHours ?? 0)).toISOString();
    state.legIndex++;
    state.currentOffice = nextLeg.to;
    mv.officeOf(nextLeg.to).plannedBy = deadline;
    state.legDeadline = deadline;
    state.nextDeadline = deadline;
    // Back on the road, now in the next country: the status RELEASED covers both legs (docs/glossary.md).
    mv.setStatus('RELEASED');
    mv.recordAct(keyed, 'ENTRY_ACCEPTED', actor, office, { sealsIntact, dwellSeconds: crossing.dwellSeconds, ...(remarks ? { remarks } : {}) });
    if (crossing.alertAt) mv.record('BORDER_ALERT_CLEARED', SYSTEM, office, { dwellSeconds: crossing.dwellSeconds });
    answered?.();
    await sendNotice(mv, keyed, 'ENTRY', mv.countryOf(crossing.exitOffice), office, sealsIntact ?? true, at);
  });
}

/**
 * Tells the other side of the border post what this side recorded: the exit notice to the
 * country of entry, the entry notice to the country of exit (its territory is left behind).
 * Movements that began before notices existed go on without them, as they were recorded.
 */
async function sendNotice(mv: Movement, keyed: Keyed, act: 'EXIT' | 'ENTRY', to: string, office: string, sealsIntact: boolean, recordedAt: string) {
  if (!mv.has('border-notices')) return;
  const { mrn } = mv;
  const from = mv.countryOf(office) as CountryCode;
  const notice = { mrn, country: from, office, sealsIntact, recordedAt };
  const system = mv.national(to);
  // After the fallback acts still waiting for that system: it learns of the other side's act after its own.
  await mv.fallback.behind(to);
  // With shares, the entry notice also writes off the exit country's leg and gives back its share.
  const ack = await nationalRefusalOr(() =>
    act === 'EXIT' ? system.receiveExitNotice(notice) : system.receiveEntryNotice({ ...notice, writeOffLeg: mv.shares }),
  );
  const type = act === 'EXIT' ? 'EXIT_CONFIRMED' : 'ENTRY_ACCEPTED';
  if ('refusal' in ack) {
    // Informative: the act stands on this side; the other system's refusal is kept for the reconciliation.
    mv.record(`${act}_NOTICE_REFUSED`, SYSTEM, office, { country: to, ...ack.refusal });
    return;
  }
  mv.record(`${act}_NOTICE_SENT`, SYSTEM, office, { country: to, ...mv.forwardOf(keyed, type) });
  if (act === 'ENTRY' && mv.shares && ack.state === 'WRITTEN_OFF') {
    mv.record('WRITTEN_OFF', SYSTEM, mv.route.legs.find((leg) => leg.to === office)?.from, { country: to, leg: true });
    if (ack.guaranteeShare) recordShare(mv, to, ack.guaranteeShare);
  }
}
