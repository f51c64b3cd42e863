// What one movement's records should say in each national system, given Corridor's state, and
// where they differ. Pure: the reconciliation run (./reconcile.ts) reads the records and the
// state and hands them here, so the rules can be read (and tested) apart from the I/O.
import { journalEventOf, type Movement, type MovementState } from '../national/contract.ts';
import { countryOf, type CountryCode } from '../domain/countries.ts';
import { type Words, words } from '../domain/words.ts';
import type { TransitState } from '../../workflows/model.ts';

export const differenceKinds = ['MISSING_RECORD', 'STATUS', 'SEALS', 'GUARANTEE', 'ACT_MISSING', 'ACT_TWICE', 'ACT_TIME'] as const;
export type DifferenceKind = (typeof differenceKinds)[number];

export interface Difference {
  mrn: string;
  country: CountryCode;
  kind: DifferenceKind;
  /** What Corridor holds, and what the national system holds, in a few words each. */
  corridor: string;
  national: string;
  words: Words;
}

/**
 * The officers' acts, by the journal type both the national record and Corridor's timeline name
 * them with: each recorded once in the system of the office's country and applied once by Corridor.
 */
const officersActs = ['RELEASED', 'BORDER_ARRIVAL', 'EXIT_CONFIRMED', 'ENTRY_ACCEPTED', 'ARRIVED', 'CONTROL_RESULTS'] as const;
/** The journal type of a record's operation: the contract's own table, which the sandboxes publish by. */
const actOfOperation = (operation: string): string | undefined => journalEventOf[operation as keyof typeof journalEventOf];

const has = (state: TransitState, what: string) => state.timeline.some((e) => e.what === what);

/**
 * The states of country `country`'s record that agree with Corridor's state, or undefined when
 * any does (a rejected or recovered movement: the collector and the enquiry say more than a state).
 */
export function expectedStates(state: TransitState, record: Pick<Movement, 'role'>): readonly MovementState[] | undefined {
  if (state.status === 'REJECTED' || state.status === 'RECOVERY') return undefined;
  const exited = state.crossings.some((c) => c.exitAt) || state.exitConfirmedAt !== undefined;
  const entered = state.crossings.some((c) => c.entryAt);
  if (record.role === 'DEPARTURE') {
    if (state.status === 'DECLARED' || state.status === 'ACCEPTED') return ['REGISTERED', 'GUARANTEED'];
    if (state.status === 'CANCELLED') return ['CANCELLED'];
    // The write-off follows the discharge by a moment: until Corridor has written it, EXITED agrees too.
    if (has(state, 'WRITTEN_OFF')) return ['WRITTEN_OFF'];
    return exited ? ['EXITED', 'WRITTEN_OFF'] : ['RELEASED', 'AT_BORDER'];
  }
  if (state.status === 'CANCELLED') return ['AAR_RECEIVED', 'CANCELLED'];
  if (state.status === 'DISCHARGED') return has(state, 'DISCHARGED_AT_DESTINATION') ? ['DISCHARGED', 'EXITED'] : ['CONTROLLED', 'EXITED', 'DISCHARGED'];
  if (state.status === 'HELD') return ['HELD'];
  if (state.controlResults) return ['CONTROLLED', 'HELD', 'EXITED'];
  if (state.status === 'ARRIVED') return ['ARRIVED'];
  return entered ? ['ENTERED'] : ['AAR_RECEIVED', 'AT_BORDER'];
}

/** Countries whose system must hold a record of the movement: the departure country, and each that gave Corridor a reference. */
export function countriesHolding(state: TransitState): CountryCode[] {
  if (state.status === 'DECLARED' || state.status === 'REJECTED') return [];
  const named = new Set([state.departureCountry, ...Object.keys(state.nationalReferences)]);
  return (['TG', 'BF'] as const).filter((c) => named.has(c));
}

const sameSeals = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((s, i) => s === [...b].sort()[i]);

/**
 * The differences between Corridor's state and one system's record. Acts the system recorded
 * less than `graceMs` before `now` and Corridor has not yet applied are in transit, not missing:
 * they are counted in `pending` instead.
 */
export function compareRecord(
  state: TransitState,
  country: CountryCode,
  record: Movement | undefined,
  now: Date,
  graceMs: number,
): { differences: Difference[]; pending: number } {
  const mrn = state.mrn;
  const of = countryOf(country, 'fr');
  const differences: Difference[] = [];
  const differ = (kind: DifferenceKind, corridor: string, national: string, fr: string, en: string) =>
    differences.push({ mrn, country, kind, corridor, national, words: words(`RECONCILIATION_${kind}`, fr, en) });
  if (!record) {
    differ(
      'MISSING_RECORD',
      state.status,
      'absent',
      `${mrn} : le système ${of} n'en a aucun enregistrement, Corridor le tient ${state.status}`,
      `${mrn}: the ${countryOf(country, 'en')} system holds no record of it; Corridor holds it ${state.status}`,
    );
    return { differences, pending: 0 };
  }

  const expected = expectedStates(state, record);
  if (expected && !expected.includes(record.state)) {
    differ(
      'STATUS',
      state.status,
      record.state,
      `${mrn} : statut ${record.state} dans le système ${of}, attendu ${expected.join(' ou ')} (Corridor : ${state.status})`,
      `${mrn}: ${record.state} in the ${countryOf(country, 'en')} system, expected ${expected.join(' or ')} (Corridor: ${state.status})`,
    );
  }
  if (state.seals.length > 0 && !sameSeals(state.seals, record.seals)) {
    differ(
      'SEALS',
      state.seals.join(','),
      record.seals.join(','),
      `${mrn} : scellés ${record.seals.join(', ') || 'aucun'} dans le système ${of}, ${state.seals.join(', ')} dans Corridor`,
      `${mrn}: seals ${record.seals.join(', ') || 'none'} in the ${countryOf(country, 'en')} system, ${state.seals.join(', ')} in Corridor`,
    );
  }
  const share = state.guarantee.shares?.find((s) => s.country === country);
  if (share && share.state !== 'REFUSED' && record.guarantee && record.guarantee.status !== share.state) {
    differ(
      'GUARANTEE',
      share.state,
      record.guarantee.status,
      `${mrn} : part de la caution ${record.guarantee.status} dans le système ${of}, ${share.state} dans Corridor`,
      `${mrn}: guarantee share ${record.guarantee.status} in the ${countryOf(country, 'en')} system, ${share.state} in Corridor`,
    );
  }

  // Each officer's act at an office of this country: as many times here as Corridor applied it (once), at the same time.
  let pending = 0;
  for (const act of officersActs) {
    const { national, applied } = actsAtOffices(state, country, record, act);
    if (national.length > applied.length) {
      const unseen = national.slice(applied.length);
      if (unseen.every((e) => now.getTime() - Date.parse(e.at) < graceMs)) pending += unseen.length;
      else
        differ(
          'ACT_MISSING',
          `${applied.length}`,
          `${national.length}`,
          `${mrn} : ${act} enregistré dans le système ${of} (${national.at(-1)?.at}), absent de Corridor`,
          `${mrn}: ${act} recorded in the ${countryOf(country, 'en')} system (${national.at(-1)?.at}), missing from Corridor`,
        );
    } else if (applied.length > 1 || national.length > 1) {
      differ(
        'ACT_TWICE',
        `${applied.length}`,
        `${national.length}`,
        `${mrn} : ${act} compté ${applied.length} fois dans Corridor, ${national.length} fois dans le système ${of}`,
        `${mrn}: ${act} counted ${applied.length} times in Corridor, ${national.length} times in the ${countryOf(country, 'en')} system`,
      );
    } else if (national.length === 1 && applied.length === 1 && national[0]?.source === 'officer') {
      // Time is the national system's: an act keyed there carries the time it was recorded there.
      const [n, c] = [national[0], applied[0]];
      if (n && c && Date.parse(n.at) !== Date.parse(c.at))
        differ(
          'ACT_TIME',
          c.at,
          n.at,
          `${mrn} : ${act} daté ${c.at} dans Corridor, ${n.at} dans le système ${of}`,
          `${mrn}: ${act} dated ${c.at} in Corridor, ${n.at} in the ${countryOf(country, 'en')} system`,
        );
    }
  }
  return { differences, pending };
}

/**
 * The officers' acts this system holds at its own offices beyond those Corridor applied, oldest
 * first: what the reconciliation can carry to the movement from the system's own journal.
 */
export function unappliedActs(state: TransitState, country: CountryCode, record: Movement): Movement['events'] {
  return officersActs.flatMap((act) => {
    const { national, applied } = actsAtOffices(state, country, record, act);
    return national.slice(applied.length);
  });
}

/** One act at this country's offices: as the system recorded it, and as Corridor applied it. */
function actsAtOffices(state: TransitState, country: CountryCode, record: Movement, act: (typeof officersActs)[number]) {
  return {
    national: record.events.filter((e) => actOfOperation(e.operation) === act && e.office?.startsWith(country)),
    applied: state.timeline.filter((e) => e.what === act && e.office?.startsWith(country)),
  };
}
