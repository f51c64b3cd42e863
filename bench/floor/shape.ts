// The shape of one Corridor lifecycle on lome-ouaga, as the transit workflow runs it: seven
// updates (lodge, then six officers' acts), each running its national system calls in
// waves (a wave's calls run together), ten activities in all, the release, the exit and the
// entry answered after their first wave (the forward to the other country follows, holding the
// movement until it is done); a deadline timer armed after release and re-armed after border
// arrival, entry and arrival; no version marker (a new movement starts on a baseline that has every
// change in, workflows/versions.ts), and one search attribute upsert per workflow task, as
// Corridor's are merged (workflows/search-upserts.ts, which the floor's worker runs too). The benchmark checks
// this against a real transit's history and says so when they differ, so a change to the
// workflow that changes its shape shows up instead of silently skewing the ratio.
import { UsageError } from '../../src/cli/args.ts';

export interface FloorShape {
  /** Per update, in order: how many activities each successive wave runs at once. */
  steps: number[][];
  /** Steps after which the deadline timer is (re-)armed; the one before it is cancelled. */
  timersAfter: number[];
  /**
   * Steps at which the workflow calls `patched()`, as a workflow changed under a patch does: a
   * marker and an upsert of TemporalChangeVersion in each new movement's history.
   */
  patchedAt: number[];
  /** Steps whose update answers after its first wave, the rest of the step going on behind the answer. */
  answeredAfterFirstWave: number[];
  /**
   * Steps whose search attribute upsert comes before their first wave: a national act reaches the
   * supervisors' lists before it is carried to the other country (baseline 2, workflows/versions.ts).
   */
  listedBeforeFirstWave: number[];
  /**
   * Signals only: the steps from `from` on are signalled once the first activity of step `after`
   * has run, one after the other, instead of by the driver with the rest. Absent: the driver
   * signals every step back to back.
   */
  nextCountry?: { after: number; from: number };
}

export const lomeOuagaShape: FloorShape = {
  steps: [
    [1], // lodge: register the declaration and reserve the guarantee, one activity
    [1, 1], // release: record the release, then the AAR to Burkina
    [1], // border-arrival
    [1, 1], // exit: confirm it, then the exit notice to Burkina
    [1, 1], // entry: accept it, then the entry notice to Togo
    [1], // arrival
    [1], // control-results: record them and discharge, one activity (Burkina gives back its share with it; Togo wrote off its leg at the entry)
  ],
  timersAfter: [1, 2, 4, 5], // release (leg deadline), border arrival (dwell), entry (next leg), arrival (control results due)
  // None since baseline 1: before, the guarantee's shares, the vouched national events and the lean
  // acts at the start and the exit notice at the exit wrote a marker each ([0, 0, 0, 3]).
  patchedAt: [],
  answeredAfterFirstWave: [1, 3, 4], // release, exit, entry: answered before the AAR and the notices
  listedBeforeFirstWave: [], // upserted once the step is done, as the floor always did
};

/**
 * The national path's lifecycle on lome-ouaga, read from real ones' histories (2026-11-28,
 * `simulate --via national`, with the exit and entry notices): seven journal events signalled by
 * the consumers (registration, release, border arrival and exit in Togo's journal; entry, arrival
 * and control results in Burkina's), and four activities, the forwards: the AAR to Burkina after
 * the release (Burkina reserves its share with it), the exit notice to Burkina after the exit,
 * the entry notice to Togo after the entry (Togo writes off its leg and gives back its share with
 * it), the discharge in Burkina after the control results. The acts themselves are already in their systems, so
 * nothing is written back. Its timers are today's: after release, border arrival, entry and arrival.
 */
export const nationalShape: FloorShape = {
  steps: [
    [0], // registration (the movement starts from it): nothing to send
    [1], // release: the AAR to Burkina
    [0], // border arrival
    [1], // exit: the exit notice to Burkina
    [1], // entry: the entry notice to Togo
    [0], // arrival
    [1], // control results: discharge in Burkina (its share given back with it)
  ],
  timersAfter: [1, 2, 4, 5],
  patchedAt: [], // none since baseline 1 (before: [0, 0, 3], the shares and the vouched events at the start, the notices at the exit)
  answeredAfterFirstWave: [], // signalled: nobody waits for an answer
  listedBeforeFirstWave: [1, 3, 4], // release, exit, entry: listed before the AAR and the notices are carried
};

/**
 * The national path's floor with its signals paced as the officers' acts reach Corridor: Togo's
 * four (registration, release, border arrival, exit) back to back, as Togo's journal carries them
 * mostly in one page, and Burkina's three (entry, arrival, control results) only once the AAR has
 * made the movement's record in Burkina's system, since its officers act on that record
 * (src/simulation/national-screens.ts, `drive`). The AAR's activity signals them, one after the
 * other, once it has run. Read from 60 national lifecycles' histories (2026-12-01): Burkina's acts
 * reach the movement as tasks of their own, where the driver's seven signals in a row fall into
 * fewer tasks than any movement whose acts come from two countries can.
 */
export function pacedAsOfficers(shape: FloorShape): FloorShape {
  return { ...shape, nextCountry: { after: 1, from: 4 } };
}

export const activityCount = (shape: FloorShape) => shape.steps.flat().reduce((a, b) => a + b, 0);

/** `1+1,1+1,1,1+1,1+1,1,1+1+2` (steps by comma, waves by plus) and `1,2,4,5` (steps after which a timer is armed). */
export function parseShape(steps: string | undefined, timers: string | undefined, base: FloorShape = lomeOuagaShape): FloorShape {
  const shape = { ...base };
  if (steps !== undefined) {
    shape.steps = steps.split(',').map((step) => step.split('+').map(Number));
    if (shape.steps.some((step) => step.some((n) => !Number.isInteger(n) || n < 0))) {
      throw new UsageError(`--floor-shape ${steps}: expected steps by comma, waves of activities by plus, e.g. 1+1,1+1,1,1+1,1+1,1,1+1+2`);
    }
  }
  if (timers !== undefined) {
    shape.timersAfter = timers === '' || timers === 'none' ? [] : timers.split(',').map(Number);
    if (shape.timersAfter.some((n) => !Number.isInteger(n) || n < 0 || n >= shape.steps.length)) {
      throw new UsageError(`--floor-timers ${timers}: expected step numbers (0 = lodge) such as 1,2,4,5, or none`);
    }
  }
  return shape;
}

export function formatShape(shape: FloorShape): string {
  const patched = shape.patchedAt.length ? ` patched at ${shape.patchedAt.join(',')}` : '';
  const early = shape.answeredAfterFirstWave.length ? ` answered early at ${shape.answeredAfterFirstWave.join(',')}` : '';
  return `${shape.steps.map((s) => s.join('+')).join(',')} timers after ${shape.timersAfter.join(',') || 'none'}${patched}${early}`;
}

export interface FloorVariant {
  name: string;
  shape: FloorShape;
  wait: 'completed' | 'accepted';
}

/**
 * --compare "shape=1,1+1,1,1+1,1+1,1,1+1;timers=1" "wait=accepted": floors of another shape or
 * client, run in the same rounds as the floor and Corridor, to measure a change before making it.
 */
export function parseVariant(spec: string, base: FloorVariant): FloorVariant {
  const fields = Object.fromEntries(spec.split(';').map((kv) => kv.split('=', 2) as [string, string]));
  for (const key of Object.keys(fields))
    if (!['shape', 'timers', 'wait'].includes(key)) throw new UsageError(`--compare ${spec}: unknown ${key} (expected shape, timers, wait)`);
  const wait = fields.wait ?? base.wait;
  if (wait !== 'completed' && wait !== 'accepted') throw new UsageError(`--compare ${spec}: wait is completed or accepted`);
  const shape = parseShape(fields.shape ?? base.shape.steps.map((s) => s.join('+')).join(','), fields.timers ?? (base.shape.timersAfter.join(',') || 'none'));
  return { name: `floor[${spec}]`, shape, wait };
}
