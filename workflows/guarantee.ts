// The one guarantee of the corridor (caution unique): each country of the route holds its own
// share of it, its own amount at risk from its own tariff, while the goods are on its territory.
// The departure country reserves at acceptance, each next country when it receives the AAR; a
// share is released when the goods have left that territory (entry accepted on the other side)
// or at discharge; when goods go missing, the country where they were last known recovers on
// its share, once its collector confirms the recovery the ladder proposed.
import { countryOf } from '../src/domain/countries.ts';
import type { GuaranteeShare } from '../src/national/contract.ts';
import { words } from '../src/domain/words.ts';
import { checkActBody } from './acts.ts';
import * as m from './messages.ts';
import type { GuaranteeShareState } from './model.ts';
import { SYSTEM, type Movement } from './movement.ts';
import { nationalCall } from './national-answers.ts';

/** What a national system answered about its share. */
export type ShareAnswer = GuaranteeShare;

export function shareOf(mv: Movement, country: string): GuaranteeShareState | undefined {
  return mv.state.guarantee.shares?.find((share) => share.country === country);
}

/** Records what a country's system did to its share, in the state and the timeline. */
export function recordShare(mv: Movement, country: string, answer: ShareAnswer, office?: string): void {
  const { state } = mv;
  state.guarantee.shares ??= [];
  const shares = state.guarantee.shares;
  const at = mv.now();
  const existing = shares.find((share) => share.country === country);
  const reservedAt = answer.status === 'RESERVED' ? at : existing?.reservedAt;
  const next: GuaranteeShareState = {
    country,
    state: answer.status,
    ...(reservedAt ? { reservedAt } : {}),
    ...(answer.status === 'RELEASED' ? { closedAt: at } : {}),
    ...(answer.amountXof !== null ? { amountXof: answer.amountXof } : existing?.amountXof !== undefined ? { amountXof: existing.amountXof } : {}),
    at,
    ...(answer.reason ? { reason: answer.reason } : {}),
  };
  if (existing) Object.assign(existing, next);
  else shares.push(next);
  state.version++;
  const details = { country, grn: answer.grn, amountXof: next.amountXof, ...(answer.code ? { code: answer.code, reason: answer.reason } : {}) };
  if (answer.status === 'REFUSED') {
    mv.record('GUARANTEE_SHARE_REFUSED', SYSTEM, office, details);
    // The truck has left: the release stands; both countries' supervisors settle the guarantee before the border.
    mv.notify(
      'GUARANTEE_SHARE_REFUSED',
      mv.route.countries.map((c) => `supervisor:${c}`),
      words(
        'GUARANTEE_SHARE_REFUSED',
        `Transit ${mv.mrn} : le système ${countryOf(country, 'fr')} n'a pas pu réserver sa part de la caution ${answer.grn} : ${answer.reason}`,
        `Transit ${mv.mrn}: ${countryOf(country, 'en')}'s system could not reserve its share of guarantee ${answer.grn}: ${answer.reason}`,
      ),
    );
    return;
  }
  mv.record(answer.status === 'RESERVED' ? 'GUARANTEE_SHARE_RESERVED' : 'GUARANTEE_SHARE_RELEASED', SYSTEM, office, details);
}

/** The departure country's share, reserved with the declaration's registration. */
export function departureShare(mv: Movement, amountXof: number): void {
  if (!mv.shares) return;
  const at = mv.now();
  mv.state.guarantee.shares = [{ country: mv.route.departureCountry, state: 'RESERVED', amountXof, at, reservedAt: at }];
}

/** After discharge: every share given back is the mainlevée of the whole guarantee. */
export function allSharesReleased(mv: Movement): boolean {
  return (mv.state.guarantee.shares ?? []).every((share) => share.state !== 'RESERVED');
}

/**
 * The country that recovers: the first of the route still holding its share (the goods are on
 * its territory until the next country accepts their entry).
 */
export function recoveringCountry(mv: Movement): string {
  return mv.state.guarantee.shares?.find((share) => share.state === 'RESERVED')?.country ?? mv.route.departureCountry;
}

/** The end of the ladder, with shares: the recovery is proposed to the collectors of the country where the goods were last known. */
export function proposeRecovery(mv: Movement): void {
  const { state, mrn } = mv;
  const country = recoveringCountry(mv);
  const amountXof = shareOf(mv, country)?.amountXof ?? state.guarantee.amountReservedXof ?? 0;
  const penaltyXof = Math.ceil((amountXof * (mv.settings.recoveryPenaltyPercent ?? 0)) / 100);
  state.recovery = { country, state: 'PROPOSED', proposedAt: mv.now(), amountXof, penaltyXof };
  state.escalation.recoveryAt = state.recovery.proposedAt;
  mv.record('RECOVERY_PROPOSED', SYSTEM, undefined, { country, grn: state.guarantee.grn, amountXof, penaltyXof });
  mv.notify(
    'RECOVERY_PROPOSED',
    [`collector:${country}`, `supervisor:${country}`, `principal:${state.declaration.principalTin}`, `guarantor:${state.guarantee.grn}`],
    words(
      'RECOVERY_PROPOSED',
      `Transit ${mrn} : recouvrement proposé ${countryOf(country, 'fr')}, sur sa part de la caution ${state.guarantee.grn} (droits et taxes ${amountXof} F CFA, pénalité ${penaltyXof} F CFA) ; décision du receveur attendue`,
      `Transit ${mrn}: recovery proposed for ${countryOf(country, 'en')}, on its share of guarantee ${state.guarantee.grn} (duties and taxes ${amountXof} XOF, penalty ${penaltyXof} XOF); the collector's decision is awaited`,
    ),
  );
}

/** The collector's decision: confirm (the claim goes to that country's system, once) or waive (no claim; the enquiry goes on). */
export function registerRecoveryAct(mv: Movement): void {
  const { state, mrn } = mv;
  mv.act(m.recoveryUpdate, 'recovery', checkActBody.recovery, async ({ actor, decision, reason }) => {
    const recovery = state.recovery!;
    const { country } = recovery;
    if (decision === 'waive') {
      Object.assign(recovery, { state: 'WAIVED', decidedAt: mv.now(), decidedBy: actor, reason });
      mv.record('RECOVERY_WAIVED', actor, undefined, { country, reason });
      return;
    }
    const claim = await nationalCall(() =>
      mv.national(country).claimGuarantee({ mrn, grn: state.guarantee.grn, reason: `recouvrement / recovery: ${reason}`, penaltyXof: recovery.penaltyXof }),
    );
    Object.assign(recovery, { state: 'CONFIRMED', decidedAt: mv.now(), decidedBy: actor, reason });
    const share = shareOf(mv, country);
    if (share) Object.assign(share, { state: 'CLAIMED', at: mv.now(), closedAt: mv.now() });
    // The goods never reached the countries after it: their shares are given back.
    for (const other of state.guarantee.shares ?? []) {
      if (other.country === country || other.state !== 'RESERVED') continue;
      const released = await nationalCall(() =>
        mv.national(other.country).releaseGuarantee({ mrn, grn: state.guarantee.grn, reason: `goods lost in ${country}: recovered there` }),
      );
      recordShare(mv, other.country, { grn: state.guarantee.grn, status: 'RELEASED', amountXof: released.amountXof, code: null, reason: null });
    }
    state.guarantee.state = 'CLAIMED';
    state.nextDeadline = undefined;
    state.legDeadline = undefined;
    mv.setStatus('RECOVERY');
    mv.record('RECOVERY', actor, undefined, { country, grn: state.guarantee.grn, amountXof: claim.amountXof, penaltyXof: recovery.penaltyXof, reason });
    mv.notify(
      'RECOVERY',
      [`principal:${state.declaration.principalTin}`, `guarantor:${state.guarantee.grn}`, `supervisor:${country}`],
      words(
        'RECOVERY',
        `Recouvrement du transit ${mrn} ${countryOf(country, 'fr')} : mise en jeu de la caution ${state.guarantee.grn} sur sa part`,
        `Recovery of transit ${mrn} by ${countryOf(country, 'en')}: guarantee ${state.guarantee.grn} claimed on its share`,
      ),
    );
  });
}
