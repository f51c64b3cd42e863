// The office of departure: the declaration registered and guaranteed in the departure
// country's system, amended or cancelled by the declarant before release, and the release for
// transit (autorisation de départ en transit) with the AAR sent ahead to every next country.
import { condition, setHandler } from '@temporalio/workflow';
import { countryOf } from '../src/domain/countries.ts';
import { words } from '../src/domain/words.ts';
import { checkActBody, sameSeals } from './acts.ts';
import * as m from './messages.ts';
import { refusalFailure, SYSTEM, type Movement } from './movement.ts';
import { nationalCall, nationalRefusal, nationalRefusalFailure, nationalRefusalOr, type NationalRefusal } from './national-answers.ts';
import { declarationSummary } from './state.ts';
import { departureShare, recordShare } from './guarantee.ts';

export function registerDepartureActs(mv: Movement): void {
  const { mrn, state, route } = mv;

  // Lodging answers once the departure system has registered (or refused) the declaration.
  let lodges = 0;
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
      validator: ({ declarationHash: hash, maskedHash, actor }) => {
        if (actor?.tin !== state.declaration.declarantTin) {
          throw refusalFailure(words('NOT_YOURS', `Le MRN ${mrn} appartient à un autre déclarant`, `The MRN ${mrn} belongs to another declarant`));
        }
        // A declaration lodged first in the departure country's own system is known with its access code masked.
        if (hash !== state.declarationHash && maskedHash !== state.declarationHash) {
          throw refusalFailure(
            words(
              'LRN_CONFLICT',
              `La référence ${state.lrn} a déjà été déclarée avec un autre contenu (MRN ${mrn})`,
              `LRN ${state.lrn} was already lodged with other content (MRN ${mrn})`,
            ),
            { mrn },
          );
        }
      },
    },
  );

  mv.act(m.releaseUpdate, 'release', checkActBody.release, async ({ actor, seals, controlResult, timeLimitHours }, keyed, answered) => {
    const firstLeg = route.legs[0]!;
    const deadline = new Date(Date.parse(mv.actedAt(keyed)) + mv.legMs(timeLimitHours ?? firstLeg.timeLimitHours ?? 0)).toISOString();
    const office = mv.departureOffice();
    let sealsAffixed = seals;
    if (keyed.in === 'corridor') {
      const written = await nationalRefusalOr(() =>
        mv.departure.recordRelease({ mrn, office, seals, timeLimit: deadline, controlResult: controlResult ?? 'SATISFACTORY', at: mv.now() }),
      );
      if ('refusal' in written) {
        // Refused because an officer already released it in the departure system itself: the same act keyed twice.
        const there = written.refusal.code === 'MOVEMENT_STATE' ? await releaseInDepartureSystem(mv) : undefined;
        if (!there) throw nationalRefusalFailure(written.refusal);
        sealsAffixed = there.seals;
        if (!sameSeals(there.seals, seals)) flagReleaseDiscrepancy(mv, office, there, seals);
      }
    }
    state.seals = [...sealsAffixed];
    state.releasedAt = mv.actedAt(keyed);
    state.route[0]!.leftAt = state.releasedAt;
    state.legIndex = 0;
    state.currentOffice = firstLeg.to;
    mv.officeOf(firstLeg.to).plannedBy = deadline;
    state.legDeadline = deadline;
    state.nextDeadline = deadline;
    mv.setStatus('RELEASED');
    mv.recordAct(keyed, 'RELEASED', actor, office, { seals: sealsAffixed, timeLimit: deadline, controlResult: controlResult ?? 'SATISFACTORY' });
    // The truck may leave: the AAR goes to the next countries while the officer moves on.
    answered?.();
    await sendAar(mv, sealsAffixed, deadline, mv.forwardOf(keyed, 'RELEASED'));
  });

  mv.act(
    m.amendUpdate,
    'amend',
    (i) =>
      !i.declaration || !i.declarationHash || !i.route
        ? words('INVALID_INPUT', 'declaration : la déclaration rectifiée est requise', 'declaration: the amended declaration is required')
        : i.declaration.lrn !== state.lrn
          ? words('INVALID_INPUT', `lrn : une rectification garde la référence ${state.lrn}`, `lrn: an amendment keeps the LRN ${state.lrn}`)
          : i.declaration.declarant?.tin !== state.declaration.declarantTin
            ? words('INVALID_INPUT', 'declarant.tin : une rectification garde le déclarant', 'declarant.tin: an amendment keeps the declarant')
            : i.route.routeId !== route.routeId
              ? words(
                  'INVALID_INPUT',
                  `route : une rectification ne change pas l'itinéraire (${route.routeId})`,
                  `route: an amendment cannot change the route (${route.routeId})`,
                )
              : undefined,
    async ({ actor, declaration: amended, declarationHash: hash }) => {
      const ack = await nationalCall(() => mv.departure.amend({ mrn, declaration: amended }));
      if (ack.reservation) state.guarantee.amountReservedXof = ack.reservation.amountXof;
      mv.declaration = amended;
      state.declarationHash = hash;
      Object.assign(state.declaration, declarationSummary(amended));
      state.guarantee.grn = amended.guarantee.grn;
      mv.record('AMENDED', actor, mv.departureOffice(), { reference: ack.reference });
    },
  );

  mv.act(m.cancelUpdate, 'cancel', checkActBody.cancel, async ({ actor, reason }) => {
    // The departure system releases the reservation as part of the cancellation.
    await nationalCall(() => mv.departure.cancel({ mrn, reason }));
    if (state.guarantee.state === 'RESERVED') state.guarantee.state = 'RELEASED';
    state.reason = reason;
    state.currentOffice = mv.departureOffice();
    mv.setStatus('CANCELLED');
    mv.record('CANCELLED', actor, mv.departureOffice(), { reason });
  });
}

/**
 * The first step, run as the workflow starts: the departure country's system registers the
 * declaration and reserves the amount at risk on the guarantee. A refusal of either rejects the
 * declaration and leaves nothing reserved.
 */
export async function registerAndGuarantee(mv: Movement): Promise<void> {
  const { mrn, state, route, declaration } = mv;
  const office = mv.departureOffice();
  const register = { mrn, lrn: state.lrn, declarantTin: state.declaration.declarantTin, declaration };
  const reserve = { mrn, grn: declaration.guarantee.grn, accessCode: declaration.guarantee.accessCode };
  try {
    // One activity for both calls, so the declarant waits for one task (./movement.ts leanActs).
    const both = mv.leanActs() ? await mv.departure.registerAndReserve({ register, reserve }) : undefined;
    const registered = both ? both.registered : await mv.departure.registerDeclaration(register);
    state.nationalReferences[route.departureCountry] = registered.reference;
    mv.record('REGISTERED', SYSTEM, office, { country: route.departureCountry, reference: registered.reference });
    const reserved = both ? both.reserved : await nationalRefusalOr(() => mv.departure.reserveGuarantee(reserve));
    if ('refusal' in reserved) {
      // Nothing stays behind: the departure system's record is closed with the reason.
      await mv.departure.cancel({ mrn, reason: `guarantee refused: ${reserved.refusal.reason}` });
      reject(mv, reserved.refusal);
      return;
    }
    state.guarantee = { grn: declaration.guarantee.grn, amountReservedXof: reserved.amountXof, state: 'RESERVED' };
    departureShare(mv, reserved.amountXof);
    mv.record('GUARANTEE_RESERVED', SYSTEM, office, { grn: declaration.guarantee.grn, amountXof: reserved.amountXof });
    mv.setStatus('ACCEPTED');
    mv.record('ACCEPTED', SYSTEM, office);
  } catch (error) {
    const refusal = nationalRefusal(error);
    if (!refusal) throw error;
    reject(mv, refusal);
  }
}

function reject(mv: Movement, refusal: NationalRefusal): void {
  const { state } = mv;
  if (state.status === 'REJECTED') return;
  state.reason = `${refusal.code}: ${refusal.reason}`;
  state.guarantee.state = 'NONE';
  mv.setStatus('REJECTED');
  mv.record('REJECTED', SYSTEM, mv.departureOffice(), { code: refusal.code, reason: refusal.reason });
}

/**
 * The anticipated arrival record: every next country's system creates its own record from it
 * (or only `countries`, those a diversion now takes the truck into).
 */
export async function sendAar(
  mv: Movement,
  seals: string[],
  timeLimit: string,
  forwardOf: Record<string, unknown>,
  countries?: readonly string[],
): Promise<void> {
  const { mrn, state, route } = mv;
  await Promise.all(
    (countries ?? route.countries)
      .filter((country) => country !== route.departureCountry)
      .map(async (country) => {
        const ack = await nationalRefusalOr(() =>
          mv.national(country).receiveAar({
            mrn,
            departureCountry: route.departureCountry,
            departureReference: state.nationalReferences[route.departureCountry],
            lrn: state.lrn,
            declarantTin: state.declaration.declarantTin,
            declaration: mv.declaration,
            seals,
            timeLimit,
            // Caution unique: the next country reserves its own share on the same guarantee.
            ...(mv.shares ? { guarantee: { grn: state.guarantee.grn } } : {}),
          }),
        );
        if ('refusal' in ack) {
          // The truck has left with its seals: the release stands, and both countries' supervisors
          // are told that the next system refused the record, so they can settle it before the border.
          mv.record('AAR_REFUSED', SYSTEM, undefined, { country, ...ack.refusal });
          mv.notify(
            'AAR_REFUSED',
            [`supervisor:${country}`, `supervisor:${route.departureCountry}`],
            words(
              'AAR_REFUSED',
              `Le système ${countryOf(country, 'fr')} a refusé l'AAR du transit ${mrn} : ${ack.refusal.reason}`,
              `${countryOf(country, 'en')}'s system refused the AAR of transit ${mrn}: ${ack.refusal.reason}`,
            ),
          );
          return;
        }
        state.nationalReferences[country] = ack.reference;
        mv.record('AAR_SENT', SYSTEM, undefined, { country, reference: ack.reference, ...forwardOf });
        if (ack.guaranteeShare) recordShare(mv, country, ack.guaranteeShare);
      }),
  );
}

/** The release as the departure system holds it, when an officer recorded it there (not Corridor). */
async function releaseInDepartureSystem(mv: Movement): Promise<{ seals: string[]; officer: string | null; at: string } | undefined> {
  const record = await nationalRefusalOr(() => mv.departure.getMovement({ mrn: mv.mrn }));
  if ('refusal' in record) return undefined;
  const release = record.events.find((event) => event.operation === 'recordRelease');
  if (!release) return undefined;
  return { seals: record.seals, officer: release.officer ?? null, at: release.at };
}

/**
 * The release keyed in Corridor and in the departure system with other seals: the departure
 * system's version stands (the truck left with it), Corridor's is kept beside it, and both
 * countries' supervisors are told.
 */
function flagReleaseDiscrepancy(mv: Movement, office: string, there: { seals: string[]; officer: string | null }, keyedSeals: string[]): void {
  const country = mv.route.departureCountry;
  mv.record('NATIONAL_ACT_DISCREPANCY', SYSTEM, office, {
    type: 'RELEASED',
    keyedIn: country,
    officer: there.officer,
    national: { seals: there.seals },
    recorded: { seals: keyedSeals },
  });
  mv.notify(
    'NATIONAL_ACT_DISCREPANCY',
    mv.route.countries.map((c) => `supervisor:${c}`),
    words(
      'NATIONAL_ACT_DISCREPANCY',
      `Transit ${mv.mrn} : départ en transit saisi deux fois avec des scellés différents (${there.seals.join(', ')} dans le système ${countryOf(country, 'fr')}, ${keyedSeals.join(', ')} dans Corridor)`,
      `Transit ${mv.mrn}: release keyed twice with different seals (${there.seals.join(', ')} in ${countryOf(country, 'en')}'s system, ${keyedSeals.join(', ')} in Corridor)`,
    ),
  );
}
