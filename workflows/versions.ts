// The changes made to the lifecycle while movements were on the road, and which movement takes
// which. A change asked through `patched()` writes two events into every new movement's history
// (its marker and the core's upsert of TemporalChangeVersion, itself a visibility write): twelve
// such changes cost a national lifecycle six of its sixty-seven events, for nothing but telling a
// replay which code the movement ran. A movement started since baseline 1 carries `baseline` in
// its input (recorded in its first event, so every replay reads the same): the changes up to its
// baseline are simply in, with no marker. Movements started before keep asking `patched()` exactly
// where they did, so their recorded histories replay unchanged. Whoever starts a workflow chooses
// its input, but a baseline can only make a change take effect without its marker, never leave it
// out: a new movement without one still runs every change, `patched()` answering true outside a replay.
//
// A new change: add its id here with the next baseline number (BASELINE of ./baseline.ts, + 1) and
// raise BASELINE to it in the same release. The starters begin movements on that baseline only once
// every transits worker polling runs it (src/temporal/lifecycle-baseline.ts); until then, during a
// rolling upgrade, they start them on the one before, and those ask `patched()` for the change, as
// do the movements already on the road. Never renumber or remove an entry while a movement that
// asked for it may be on the road.
import { patched } from '@temporalio/workflow';

const CHANGES = {
  'guarantee-shares': 1,
  'vouched-national-events': 1,
  'lean-officer-acts': 1,
  'border-notices': 1,
  'fallback-acts': 1,
  'enquiry-asks-systems': 1,
  'ladder-catch-up-patience': 1,
  'control-results-ask-systems': 1,
  diversion: 1,
  'inbox-skips-caught-up': 1,
  'catch-up-passes-over-failures': 1,
  'incident-reports': 1,
  // A national act reaches the supervisors' lists (search attributes) before it is carried to the other country.
  'national-status-before-forward': 2,
} as const;

export type LifecycleChange = keyof typeof CHANGES;

/**
 * Whether a movement started on `baseline` (absent: before baselines existed) runs `change`.
 * Deterministic: the baseline comes from the movement's input and `patched()` answers from its history.
 */
export function runsChange(baseline: number | undefined, change: LifecycleChange): boolean {
  return (baseline ?? 0) >= CHANGES[change] || patched(change);
}
