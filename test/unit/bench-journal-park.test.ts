// The large run counts the movements in flight through visibility, a count that reads every one
// of them: it looks every ten seconds, and every second only near the end, so the measurement
// does not become the server's work as they pile up (it looked every second once the national
// system had recorded them all, 15 % of the server's CPU at 39,000 in flight).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextLookInMs } from '../../bench/lib/journal-park.ts';

test('the large run looks every ten seconds while recording and while parking, every second over the last hundredth', () => {
  assert.equal(nextLookInMs({ recordingDone: false, parked: 0, recorded: 5_000 }), 10_000);
  // Recorded all, most still to carry: the old loop looked every second here, for the whole run.
  assert.equal(nextLookInMs({ recordingDone: true, parked: 1_000, recorded: 99_000 }), 10_000);
  assert.equal(nextLookInMs({ recordingDone: true, parked: 97_000, recorded: 99_000 }), 10_000);
  assert.equal(nextLookInMs({ recordingDone: true, parked: 98_100, recorded: 99_000 }), 1_000);
  assert.equal(nextLookInMs({ recordingDone: true, parked: 99_000, recorded: 99_000 }), 1_000);
  // A small run's end is seen within a second once ten or fewer are left.
  assert.equal(nextLookInMs({ recordingDone: true, parked: 0, recorded: 4 }), 1_000);
  assert.equal(nextLookInMs({ recordingDone: true, parked: 2_000, recorded: 3_000 }), 10_000);
});
