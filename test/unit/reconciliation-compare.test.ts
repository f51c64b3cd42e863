// The reconciliation's rules on one movement: what each national record must say given
// Corridor's state, and each kind of difference found when it does not (French and English).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Movement } from '../../src/national/contract.ts';
import { compareRecord, countriesHolding } from '../../src/reconciliation/compare.ts';
import type { TransitState } from '../../workflows/model.ts';
import { HOUR, iso, movement, officer, T0 } from './transit-states.ts';

const NOW = new Date(T0 + 200 * HOUR);
const SEALS = ['TG-0001', 'TG-0002'];
const ENTRY_AT = iso(T0 + 62 * HOUR);

/** Burkina's side of a lome-ouaga movement just entered at Cinkansé, and Corridor's state agreeing with it. */
function entered(): { state: TransitState; record: Movement } {
  const state = movement('lome-ouaga', 'entered');
  state.seals = [...SEALS];
  state.nationalReferences = { TG: 'TG-REF', BF: 'BF-REF' };
  state.timeline.push({ at: ENTRY_AT, what: 'ENTRY_ACCEPTED', by: officer('BFCKN001'), office: 'BFCKN001', details: { keyedIn: 'BF', eventId: 'BF-7' } });
  const record = {
    mrn: state.mrn,
    reference: 'BF-REF',
    country: 'BF',
    role: 'ARRIVAL',
    state: 'ENTERED',
    seals: [...SEALS].reverse(),
    guarantee: null,
    events: [
      {
        seq: 2,
        operation: 'acceptEntry',
        state: 'ENTERED',
        at: ENTRY_AT,
        recordedAt: ENTRY_AT,
        office: 'BFCKN001',
        source: 'officer',
        officer: 'agent',
        sequence: 7,
        data: {},
      },
    ],
  } as unknown as Movement;
  return { state, record };
}

test('a record that says what Corridor says: no difference, whatever the order of the seals', () => {
  const { state, record } = entered();
  assert.deepEqual(compareRecord(state, 'BF', record, NOW, 60_000), { differences: [], pending: 0 });
  assert.deepEqual(countriesHolding(state), ['TG', 'BF']);
});

test('each kind of difference is found and said in French and English', () => {
  const kinds = (change: (s: TransitState, r: Movement) => Movement | undefined) => {
    const { state, record } = entered();
    const changed = change(state, record);
    const { differences } = compareRecord(state, 'BF', changed, NOW, 60_000);
    for (const d of differences)
      assert.ok(d.words.fr.includes(state.mrn) && d.words.en.includes(state.mrn) && d.words.fr !== d.words.en, JSON.stringify(d.words));
    return differences.map((d) => d.kind);
  };
  assert.deepEqual(
    kinds(() => undefined),
    ['MISSING_RECORD'],
  );
  assert.deepEqual(
    kinds((_, r) => ({ ...r, state: 'AAR_RECEIVED' })),
    ['STATUS'],
  );
  assert.deepEqual(
    kinds((_, r) => ({ ...r, seals: ['TG-0001', 'XX-9999'] })),
    ['SEALS'],
  );
  assert.deepEqual(
    kinds((s, r) => {
      s.guarantee.shares = [{ country: 'BF', state: 'RESERVED', at: ENTRY_AT }];
      return { ...r, guarantee: { grn: 'G', amountAtRiskXof: 1, status: 'RELEASED' } } as Movement;
    }),
    ['GUARANTEE'],
  );
  assert.deepEqual(
    kinds((s, r) => {
      s.timeline.push({ ...s.timeline.at(-1)!, details: { eventId: 'BF-8' } });
      return r;
    }),
    ['ACT_TWICE'],
  );
  assert.deepEqual(
    kinds((s, r) => {
      s.timeline.at(-1)!.at = iso(T0 + 63 * HOUR);
      return r;
    }),
    ['ACT_TIME'],
  );
});

test('an act the system holds and Corridor has not applied: in transit within the grace period, missing after it', () => {
  const { state, record } = entered();
  const arrival = { ...record.events[0]!, seq: 3, operation: 'recordArrival' as const, state: 'ARRIVED' as const, office: 'BFOUA001', sequence: 9 };
  const recent = { ...arrival, at: iso(NOW.getTime() - 5_000) };
  assert.deepEqual(compareRecord(state, 'BF', { ...record, state: 'ENTERED', events: [...record.events, recent] }, NOW, 60_000), {
    differences: [],
    pending: 1,
  });
  const old = { ...arrival, at: iso(NOW.getTime() - 3_600_000) };
  const { differences } = compareRecord(state, 'BF', { ...record, events: [...record.events, old] }, NOW, 60_000);
  assert.deepEqual(
    differences.map((d) => d.kind),
    ['ACT_MISSING'],
  );
});

test('the departure record: exited until Corridor has written it off, then written off only', () => {
  const { state } = entered();
  const departure = { role: 'DEPARTURE', state: 'EXITED', seals: SEALS, guarantee: null, events: [] } as unknown as Movement;
  assert.deepEqual(compareRecord(state, 'TG', departure, NOW, 0).differences, []);
  state.status = 'DISCHARGED';
  state.timeline.push({ at: iso(T0 + 110 * HOUR), what: 'WRITTEN_OFF', by: officer('TGLFW001') });
  assert.deepEqual(
    compareRecord(state, 'TG', departure, NOW, 0).differences.map((d) => d.kind),
    ['STATUS'],
  );
  assert.deepEqual(compareRecord(state, 'TG', { ...departure, state: 'WRITTEN_OFF' }, NOW, 0).differences, []);
});
