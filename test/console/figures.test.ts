// The indicators' arithmetic on known rows: days in the window, dwell per post and day, legs
// taken from a movement's result, CSV quoting.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import { computeIndicators, toCsv, windowStart } from '../../src/indicators/figures.ts';
import { legsOf, type Facts } from '../../src/indicators/projection.ts';
import type { CrossingRow, MovementRow } from '../../src/indicators/projection.ts';

const reference = loadReferenceData();
const now = new Date('2026-11-27T15:00:00Z');

describe('indicators arithmetic', () => {
  it('groups dwell times by post and day, with the median, the 90th percentile and the target', () => {
    const crossing = (id: number, day: string, dwell: number, alerted = 0): CrossingRow => ({
      id,
      mrn: `M${id}`,
      post: 'PCJ-CINKASSE',
      arrival_at: `${day}T08:00:00.000Z`,
      entry_at: `${day}T09:00:00.000Z`,
      dwell_seconds: dwell,
      alerted,
    });
    const figures = computeIndicators({
      reference,
      days: 2,
      targetSeconds: 7200,
      crossings: [1800, 3600, 5400, 7000, 9000].map((s, i) => crossing(i, '2026-11-26', s, s > 7200 ? 1 : 0)).concat([crossing(9, '2026-11-27', 600)]),
      legs: [],
      movements: [],
      running: [],
      now,
    });
    assert.deepEqual(figures.borderDwell, [
      { post: 'PCJ-CINKASSE', day: '2026-11-26', crossings: 5, medianSeconds: 5400, p90Seconds: 9000, targetSeconds: 7200, overTarget: 1, alerts: 1 },
      { post: 'PCJ-CINKASSE', day: '2026-11-27', crossings: 1, medianSeconds: 600, p90Seconds: 600, targetSeconds: 7200, overTarget: 0, alerts: 0 },
    ]);
  });

  it('counts closed movements per day over the whole window, days without any included', () => {
    const closed = (status: string, at: string): MovementRow => ({ mrn: at + status, route_id: 'lome-ouaga', status, closed: 1, closed_at: at, max_level: 0 });
    const figures = computeIndicators({
      reference,
      days: 3,
      targetSeconds: 7200,
      crossings: [],
      legs: [],
      movements: [
        closed('DISCHARGED', '2026-11-25T10:00:00Z'),
        closed('DISCHARGED', '2026-11-27T10:00:00Z'),
        closed('CANCELLED', '2026-11-27T11:00:00Z'),
        closed('DISCHARGED', '2026-11-20T10:00:00Z'),
        { ...closed('RELEASED', '2026-11-27T10:00:00Z'), closed: 0 },
      ],
      running: [],
      now,
    });
    assert.equal(windowStart(3, now), '2026-11-25T00:00:00.000Z');
    assert.deepEqual(figures.completed, [
      { day: '2026-11-25', discharged: 1, cancelled: 0, rejected: 0, recovery: 0, total: 1 },
      { day: '2026-11-26', discharged: 0, cancelled: 0, rejected: 0, recovery: 0, total: 0 },
      { day: '2026-11-27', discharged: 1, cancelled: 1, rejected: 0, recovery: 0, total: 2 },
    ]);
  });

  it('takes road legs from a result: from leaving or entering one office to arriving at the next', () => {
    const facts = {
      mrn: '26TG0A1B2C3D4E5F67',
      status: 'DISCHARGED',
      routeId: 'lome-ouaga',
      declarantTin: '1000164587',
      offices: [
        { code: 'TGLFW001', leftAt: '2026-11-24T08:00:00.000Z' },
        { code: 'TGCKS001', plannedBy: '2026-11-27T08:00:00.000Z', arrivedAt: '2026-11-26T08:00:00.000Z', leftAt: '2026-11-26T09:00:00.000Z' },
        { code: 'BFCKN001', arrivedAt: '2026-11-26T09:30:00.000Z' },
        { code: 'BFOUA001', plannedBy: '2026-11-28T09:30:00.000Z', arrivedAt: '2026-11-28T12:00:00.000Z', late: true },
      ],
      crossings: [],
      maxEscalationLevel: 1,
      guarantee: 'RELEASED',
    } as unknown as Facts;
    assert.deepEqual(legsOf(facts, reference), [
      {
        from: 'TGLFW001',
        to: 'TGCKS001',
        startedAt: '2026-11-24T08:00:00.000Z',
        arrivedAt: '2026-11-26T08:00:00.000Z',
        seconds: 48 * 3600,
        allowedSeconds: 72 * 3600,
        late: false,
      },
      {
        from: 'BFCKN001',
        to: 'BFOUA001',
        startedAt: '2026-11-26T09:30:00.000Z',
        arrivedAt: '2026-11-28T12:00:00.000Z',
        seconds: 50.5 * 3600,
        allowedSeconds: 48 * 3600,
        late: true,
      },
    ]);
  });

  it('writes CSV that a spreadsheet reads back: quotes where needed, CRLF line ends', () => {
    assert.equal(toCsv([{ a: 'Cinkassé, PCJ', b: 'say "hi"', c: null }], ['a', 'b', 'c']), 'a,b,c\r\n"Cinkassé, PCJ","say ""hi""",\r\n');
  });
});
