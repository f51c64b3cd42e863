// The benchmark's forwarding pairs: which act in one national system each forward in the other
// answers, read from journal events as GET /v1/events publishes them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FORWARDS, forwardingFigures, type JournalEntry, pairForwards } from '../../bench/lib/forwarding.ts';

const MRN = '26TG0000000000001A';
const OTHER = '26TG0000000000002B';
const t0 = Date.parse('2026-11-28T10:00:00.000Z');
let sequence = 0;
const ev = (type: string, source: JournalEntry['source'], ms: number, mrn = MRN): JournalEntry => ({
  sequence: ++sequence,
  id: `X-${sequence}`,
  type,
  mrn,
  at: new Date(t0 + ms).toISOString(),
  source,
});

describe('forwarding pairs', () => {
  test('an act recorded by an officer in one system is paired with what the other system received, by both systems’ times', () => {
    const samples = pairForwards(
      {
        TG: [ev('DECLARATION_REGISTERED', 'officer', 0), ev('RELEASED', 'officer', 100), ev('WRITTEN_OFF', 'interconnection', 900)],
        BF: [ev('AAR_RECEIVED', 'interconnection', 340), ev('CONTROL_RESULTS', 'officer', 800), ev('DISCHARGED', 'interconnection', 850)],
      },
      new Set([MRN]),
    );
    assert.deepEqual(samples.map((s) => [s.pair, s.from, s.to, s.ms]).sort(), [
      ['discharge → write-off', 'BF', 'TG', 100],
      ['release → AAR', 'TG', 'BF', 240],
    ]);
  });

  test('the exit and entry notices count as soon as a system publishes them', () => {
    const samples = pairForwards(
      {
        TG: [ev('EXIT_CONFIRMED', 'officer', 0), ev('ENTRY_NOTICE_RECEIVED', 'interconnection', 75)],
        BF: [ev('EXIT_NOTICE_RECEIVED', 'interconnection', 50), ev('ENTRY_ACCEPTED', 'officer', 60)],
      },
      new Set([MRN]),
    );
    assert.deepEqual(samples.map((s) => [s.pair, s.ms]).sort(), [
      ['entry → entry notice', 15],
      ['exit → exit notice', 50],
    ]);
  });

  test('a write-off answers the latest act that leads to it: an officer’s discharge after the control results', () => {
    const [sample, ...rest] = pairForwards(
      {
        TG: [ev('WRITTEN_OFF', 'interconnection', 500)],
        BF: [ev('CONTROL_RESULTS', 'officer', 100), ev('DISCHARGED', 'officer', 300)],
      },
      new Set([MRN]),
    );
    assert.equal(rest.length, 0);
    assert.equal(sample?.ms, 200);
  });

  test('acts keyed in Corridor, acts of the same system, other movements and acts after the forward are not paired', () => {
    const samples = pairForwards(
      {
        // Today's path: Corridor wrote the release into Togo's system (source interconnection).
        TG: [ev('RELEASED', 'interconnection', 0), ev('RELEASED', 'officer', 10, OTHER), ev('CONTROL_RESULTS', 'officer', 20)],
        BF: [ev('AAR_RECEIVED', 'interconnection', 50), ev('AAR_RECEIVED', 'interconnection', 60, OTHER), ev('RELEASED', 'officer', 70)],
      },
      new Set([MRN]),
    );
    assert.deepEqual(samples, []);
    // The Togo write-off is not answered by Togo's own control results, nor by an act recorded after it.
    assert.deepEqual(
      pairForwards(
        { TG: [ev('CONTROL_RESULTS', 'officer', 0), ev('WRITTEN_OFF', 'interconnection', 10)], BF: [ev('CONTROL_RESULTS', 'officer', 20)] },
        new Set([MRN]),
      ),
      [],
    );
  });

  test('figures per pair in the table’s order, then over all forwards', () => {
    const samples = [
      ...[10, 20, 30, 40].map((ms) => ({ pair: 'discharge → write-off', mrn: MRN, from: 'BF' as const, to: 'TG' as const, ms })),
      ...[100, 200].map((ms) => ({ pair: 'release → AAR', mrn: MRN, from: 'TG' as const, to: 'BF' as const, ms })),
    ];
    const figures = forwardingFigures(samples);
    assert.deepEqual(
      figures.map((f) => f.pair),
      ['release → AAR', 'discharge → write-off', 'all forwards'],
    );
    assert.deepEqual(figures[0], { pair: 'release → AAR', count: 2, p50: 100, p95: 200, p99: 200, max: 200 });
    assert.deepEqual(figures[1], { pair: 'discharge → write-off', count: 4, p50: 20, p95: 40, p99: 40, max: 40 });
    assert.equal(figures[2]?.count, 6);
    assert.equal(figures[2]?.p50, 30);
    assert.equal(FORWARDS[0]?.forwarded, 'AAR_RECEIVED');
    assert.deepEqual(forwardingFigures([]), []);
  });
});
