// The watch's next moment as a table: for a movement's status, deadlines, escalation and crossings,
// and the configured delays, which alarm comes next and when (workflows/escalation.ts nextAlarm).
// Pure, so milliseconds, no server: the workflow arms one durable timer on this answer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alarmKey, nextAlarm, type Alarm, type AlarmKind } from '../../workflows/escalation.ts';
import type { Escalation, TransitDelays, TransitState } from '../../workflows/model.ts';
import { HOUR, iso, movement, settings, T0, type Stage } from './transit-states.ts';

const DAY = 24 * HOUR;
const d = settings.delays; // border 2 h, level 2 after 24 h, enquiry after 7 d, recovery 28 d after the enquiry, control results 12 h, reminders every 6 h

/** The leg deadline of the `released` movement, and when its escalation started. */
const DEADLINE = T0 + 72 * HOUR;
/** When the truck reached the border post in the `at-border` and `exited` movements. */
const AT_POST = T0 + 60 * HOUR;
/** When the truck arrived at destination in the `arrived` movements. */
const ARRIVED = T0 + 100 * HOUR;
/** When the enquiry was opened, in the level 3 rows. */
const ENQUIRY = DEADLINE + d.enquiryAfterMs;

const overdue = (level: number, fields: Partial<Escalation> = {}): Escalation => ({
  level,
  kind: 'OVERDUE',
  overdueSince: iso(DEADLINE),
  ...(level >= 3 ? { enquiryOpenedAt: iso(ENQUIRY) } : {}),
  ...fields,
});

interface Row {
  name: string;
  stage: Stage;
  /** Fields set on the movement after its stage (escalation, deadlines, crossings…). */
  with?: (state: TransitState) => void;
  delays?: Partial<TransitDelays>;
  expected: { kind: AlarmKind; at: number } | undefined;
}

const escalate = (escalation: Escalation) => (state: TransitState) => {
  state.escalation = escalation;
};

const rows: Row[] = [
  // Before release and after the end, nothing is watched.
  { name: 'declared', stage: 'declared', expected: undefined },
  { name: 'accepted, not released', stage: 'accepted', expected: undefined },
  { name: 'rejected', stage: 'rejected', expected: undefined },
  { name: 'cancelled', stage: 'cancelled', expected: undefined },
  { name: 'discharged', stage: 'discharged', expected: undefined },
  { name: 'recovery', stage: 'recovery', with: escalate(overdue(3, { recoveryAt: iso(ENQUIRY + d.recoveryAfterMs) })), expected: undefined },

  // On the road: the leg's time limit, then the ladder from the moment it passed.
  { name: 'released: the leg deadline', stage: 'released', expected: { kind: 'OVERDUE', at: DEADLINE } },
  { name: 'released after entry: the last leg deadline, not a border alert', stage: 'entered', expected: { kind: 'OVERDUE', at: T0 + 110 * HOUR } },
  {
    name: 'released without a leg deadline',
    stage: 'released',
    with: (s) => {
      s.legDeadline = undefined;
    },
    expected: undefined,
  },
  {
    name: 'released, deadline already passed: due at once (in the past)',
    stage: 'released',
    with: (s) => {
      s.legDeadline = iso(T0 - HOUR);
    },
    expected: { kind: 'OVERDUE', at: T0 - HOUR },
  },
  {
    name: 'level 1 just notified: a reminder before level 2',
    stage: 'released',
    with: escalate(overdue(1, { lastNotifiedAt: iso(DEADLINE) })),
    expected: { kind: 'REMINDER', at: DEADLINE + d.reminderEveryMs },
  },
  {
    name: 'level 1 reminded late: level 2 comes before the next reminder',
    stage: 'released',
    with: escalate(overdue(1, { lastNotifiedAt: iso(DEADLINE + 20 * HOUR) })),
    expected: { kind: 'LEVEL_2', at: DEADLINE + d.level2AfterMs },
  },
  {
    name: 'level 1, reminder and level 2 due together: the ladder first',
    stage: 'released',
    with: escalate(overdue(1, { lastNotifiedAt: iso(DEADLINE + d.level2AfterMs - d.reminderEveryMs) })),
    expected: { kind: 'LEVEL_2', at: DEADLINE + d.level2AfterMs },
  },
  {
    name: 'level 1 acknowledged: no reminder, level 2 still comes',
    stage: 'released',
    with: escalate(overdue(1, { lastNotifiedAt: iso(DEADLINE), acknowledgedLevel: 1 })),
    expected: { kind: 'LEVEL_2', at: DEADLINE + d.level2AfterMs },
  },
  {
    name: 'level 1 never notified: no reminder',
    stage: 'released',
    with: escalate(overdue(1)),
    expected: { kind: 'LEVEL_2', at: DEADLINE + d.level2AfterMs },
  },
  {
    name: 'level 2 notified: a reminder before the enquiry',
    stage: 'released',
    with: escalate(overdue(2, { lastNotifiedAt: iso(DEADLINE + DAY) })),
    expected: { kind: 'REMINDER', at: DEADLINE + DAY + d.reminderEveryMs },
  },
  {
    name: 'level 2 acknowledged: the enquiry, counted from the deadline',
    stage: 'released',
    with: escalate(overdue(2, { lastNotifiedAt: iso(DEADLINE + DAY), acknowledgedLevel: 2 })),
    expected: { kind: 'ENQUIRY', at: DEADLINE + d.enquiryAfterMs },
  },
  {
    name: 'level 2 with level 1 acknowledged: the new level is reminded',
    stage: 'released',
    with: escalate(overdue(2, { lastNotifiedAt: iso(DEADLINE + DAY), acknowledgedLevel: 1 })),
    expected: { kind: 'REMINDER', at: DEADLINE + DAY + d.reminderEveryMs },
  },
  {
    name: 'level 2, reminder and enquiry due together: the enquiry first',
    stage: 'released',
    with: escalate(overdue(2, { lastNotifiedAt: iso(DEADLINE + d.enquiryAfterMs - d.reminderEveryMs) })),
    expected: { kind: 'ENQUIRY', at: DEADLINE + d.enquiryAfterMs },
  },
  {
    name: 'level 3 (enquiry open) notified: a reminder before recovery',
    stage: 'released',
    with: escalate(overdue(3, { lastNotifiedAt: iso(ENQUIRY) })),
    expected: { kind: 'REMINDER', at: ENQUIRY + d.reminderEveryMs },
  },
  {
    name: 'level 3 acknowledged: recovery, counted from the opening of the enquiry',
    stage: 'released',
    with: escalate(overdue(3, { lastNotifiedAt: iso(ENQUIRY), acknowledgedLevel: 3 })),
    expected: { kind: 'RECOVERY', at: ENQUIRY + d.recoveryAfterMs },
  },
  {
    name: 'level 3, reminder and recovery due together: recovery first',
    stage: 'released',
    with: escalate(overdue(3, { lastNotifiedAt: iso(ENQUIRY + d.recoveryAfterMs - d.reminderEveryMs) })),
    expected: { kind: 'RECOVERY', at: ENQUIRY + d.recoveryAfterMs },
  },
  {
    name: 'level 3 without the enquiry date: no recovery can be timed',
    stage: 'released',
    with: escalate(overdue(3, { enquiryOpenedAt: undefined, acknowledgedLevel: 3 })),
    expected: undefined,
  },

  // At the border post: the dwell target, once, until entry is accepted.
  { name: 'at the post, exit not confirmed: border alert', stage: 'at-border', expected: { kind: 'BORDER_ALERT', at: AT_POST + d.borderDwellTargetMs } },
  {
    name: 'at the post, exit confirmed, entry not accepted: border alert',
    stage: 'exited',
    expected: { kind: 'BORDER_ALERT', at: AT_POST + d.borderDwellTargetMs },
  },
  {
    name: 'at the post, alert already raised: no second alert',
    stage: 'at-border',
    with: (s) => {
      s.crossings[0]!.alertAt = iso(AT_POST + d.borderDwellTargetMs);
    },
    expected: undefined,
  },
  {
    name: 'at the post, entry recorded (status not yet moved on): no alert',
    stage: 'at-border',
    with: (s) => {
      s.crossings[0]!.entryAt = iso(AT_POST + HOUR);
    },
    expected: undefined,
  },
  {
    name: 'at the post, border alert and a reminder due together: the alert first',
    stage: 'at-border',
    with: escalate(overdue(1, { lastNotifiedAt: iso(AT_POST + d.borderDwellTargetMs - d.reminderEveryMs) })),
    expected: { kind: 'BORDER_ALERT', at: AT_POST + d.borderDwellTargetMs },
  },
  {
    name: 'at the post: the leg deadline no longer counts',
    stage: 'at-border',
    with: (s) => {
      s.legDeadline = iso(AT_POST + HOUR);
      s.crossings[0]!.alertAt = iso(AT_POST);
    },
    expected: undefined,
  },

  // Arrived: control results are due after the set delay, unless an escalation is already open.
  { name: 'arrived without control results', stage: 'arrived', expected: { kind: 'CONTROL_RESULTS_MISSING', at: ARRIVED + d.controlResultsAfterMs } },
  {
    name: 'arrived without a due date: counted from the arrival itself',
    stage: 'arrived',
    with: (s) => {
      s.controlResultsDueBy = undefined;
    },
    expected: { kind: 'CONTROL_RESULTS_MISSING', at: ARRIVED },
  },
  { name: 'arrived with control results (Faramana: exit awaited)', stage: 'controlled', expected: undefined },
  { name: 'held for a discrepancy', stage: 'held', expected: undefined },
  {
    name: 'control results missing escalated: a reminder, not a second escalation',
    stage: 'arrived',
    with: escalate({
      level: 2,
      kind: 'CONTROL_RESULTS_MISSING',
      overdueSince: iso(ARRIVED + d.controlResultsAfterMs),
      lastNotifiedAt: iso(ARRIVED + d.controlResultsAfterMs),
    }),
    expected: { kind: 'REMINDER', at: ARRIVED + d.controlResultsAfterMs + d.reminderEveryMs },
  },
  {
    name: 'control results missing, acknowledged: nothing more',
    stage: 'arrived',
    with: escalate({ level: 2, kind: 'CONTROL_RESULTS_MISSING', overdueSince: iso(ARRIVED), lastNotifiedAt: iso(ARRIVED), acknowledgedLevel: 2 }),
    expected: undefined,
  },
  {
    name: 'arrived with an overdue escalation still open: no control-results alarm, only its reminder',
    stage: 'arrived',
    with: escalate(overdue(1, { lastNotifiedAt: iso(ARRIVED) })),
    expected: { kind: 'REMINDER', at: ARRIVED + d.reminderEveryMs },
  },

  // The same states under other delays (tests run the ladder in seconds).
  {
    name: 'level 1 with reminders rarer than level 2',
    stage: 'released',
    with: escalate(overdue(1, { lastNotifiedAt: iso(DEADLINE) })),
    delays: { reminderEveryMs: 2 * DAY },
    expected: { kind: 'LEVEL_2', at: DEADLINE + d.level2AfterMs },
  },
  {
    name: 'level 1 with level 2 at once',
    stage: 'released',
    with: escalate(overdue(1, { lastNotifiedAt: iso(DEADLINE) })),
    delays: { level2AfterMs: 0 },
    expected: { kind: 'LEVEL_2', at: DEADLINE },
  },
  {
    name: 'seconds-long ladder: enquiry 3 s after the deadline, reminders every 2 s',
    stage: 'released',
    with: escalate(overdue(2, { lastNotifiedAt: iso(DEADLINE + 1000) })),
    delays: { level2AfterMs: 1000, enquiryAfterMs: 3000, reminderEveryMs: 2000 },
    expected: { kind: 'ENQUIRY', at: DEADLINE + 3000 },
  },
  {
    name: 'border dwell target of 90 minutes',
    stage: 'at-border',
    delays: { borderDwellTargetMs: 90 * 60_000 },
    expected: { kind: 'BORDER_ALERT', at: AT_POST + 90 * 60_000 },
  },
];

function build(row: Row): TransitState {
  const state = movement(row.stage === 'controlled' ? 'lome-faramana' : 'lome-ouaga', row.stage);
  row.with?.(state);
  return state;
}

describe('nextAlarm: the next watched moment', () => {
  for (const row of rows) {
    test(`${row.name} → ${row.expected ? `${row.expected.kind} at T0${fmt(row.expected.at - T0)}` : 'nothing'}`, () => {
      const state = build(row);
      const alarm = nextAlarm(state, { ...settings, delays: { ...settings.delays, ...row.delays } });
      assert.deepEqual(alarm && { kind: alarm.kind, at: alarm.at }, row.expected);
    });
  }

  test('every kind of alarm appears in the table', () => {
    const kinds = new Set(rows.map((row) => row.expected?.kind));
    for (const kind of ['OVERDUE', 'LEVEL_2', 'ENQUIRY', 'RECOVERY', 'REMINDER', 'BORDER_ALERT', 'CONTROL_RESULTS_MISSING'] as const) {
      assert.ok(kinds.has(kind), kind);
    }
  });

  test('reading the next alarm changes nothing in the movement', () => {
    for (const row of rows) {
      const state = build(row);
      const before = structuredClone(state);
      nextAlarm(state, settings);
      assert.deepEqual(state, before, row.name);
    }
  });
});

describe('alarmKey: the watch re-arms only when the next moment changes', () => {
  test('no alarm, and an alarm by kind and time', () => {
    assert.equal(alarmKey(undefined), 'none');
    assert.equal(alarmKey({ kind: 'OVERDUE', at: DEADLINE }), `OVERDUE@${DEADLINE}`);
  });

  test('an act that does not move the next moment keeps the key', () => {
    const state = movement('lome-ouaga', 'released');
    const key = alarmKey(nextAlarm(state, settings));
    state.version++;
    state.timeline.push({ at: iso(T0 + HOUR), what: 'INCIDENT', by: { user: 'corridor', role: 'system' } });
    state.incidents.push({ at: iso(T0 + HOUR), kind: 'BREAKDOWN', description: 'pneu', office: 'TGCKS001', by: { user: 'o', role: 'officer' } });
    assert.equal(alarmKey(nextAlarm(state, settings)), key);
  });

  test('an extension, an escalation step or an acknowledgement changes the key', () => {
    const keys = new Set<string>();
    const state = movement('lome-ouaga', 'released');
    const add = () => keys.add(alarmKey(nextAlarm(state, settings)));
    add();
    state.legDeadline = iso(DEADLINE + 24 * HOUR); // extended
    add();
    state.escalation = overdue(1, { lastNotifiedAt: iso(DEADLINE) }); // reminder next
    add();
    state.escalation.acknowledgedLevel = 1; // level 2 next
    add();
    state.escalation = overdue(2, { lastNotifiedAt: iso(DEADLINE + DAY), acknowledgedLevel: 2 }); // enquiry next
    add();
    assert.equal(keys.size, 5, [...keys].join(', '));
  });

  test('same kind at another time is another key', () => {
    const a: Alarm = { kind: 'REMINDER', at: T0 };
    assert.notEqual(alarmKey(a), alarmKey({ ...a, at: T0 + 1 }));
    assert.notEqual(alarmKey(a), alarmKey({ ...a, kind: 'LEVEL_2' }));
  });
});

function fmt(ms: number): string {
  const sign = ms < 0 ? ' - ' : ' + ';
  const abs = Math.abs(ms);
  return abs % HOUR === 0 ? `${sign}${abs / HOUR} h` : `${sign}${abs / 1000} s`;
}
