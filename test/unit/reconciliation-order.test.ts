// The two countries' parts of a reconciliation run at the same time (in two processes when each
// country has its own worker) and read every movement's state: they start at different places
// in the list, so they never ask the same movement at the same moment (two queries at once of a
// movement the workflow worker no longer caches stall it; an hourly run did, 2026-11-29).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLogger } from '../../src/logging/logger.ts';
import type { NationalSystemClient } from '../../src/national/client.ts';
import { reconcileCountry } from '../../src/reconciliation/reconcile.ts';

const mrns = Array.from({ length: 40 }, (_, i) => `26TG${String(i).padStart(14, '0')}`);

/** The order in which one country's part asks the movements' states (each answer: unreadable, so nothing else is read). */
async function askedBy(country: 'TG' | 'BF'): Promise<string[]> {
  const asked: string[] = [];
  await reconcileCountry(
    {
      country,
      system: {} as NationalSystemClient,
      state: async (mrn) => {
        asked.push(mrn);
        throw new Error('not read in this test');
      },
      logger: createLogger('test', 'silent'),
    },
    mrns,
    { now: new Date('2026-11-29T03:00:00Z'), graceMs: 60_000 },
  );
  return asked;
}

describe('reconciliation: where each country starts', () => {
  test('Togo from the top of the list, Burkina from its middle, each reading every movement once', async () => {
    const tg = await askedBy('TG');
    const bf = await askedBy('BF');
    assert.deepEqual(tg.slice(0, 3), mrns.slice(0, 3));
    assert.deepEqual(bf.slice(0, 3), mrns.slice(20, 23));
    assert.deepEqual([...tg].sort(), mrns);
    assert.deepEqual([...bf].sort(), mrns);
    // Side by side at the same pace, the two never hold the same movement at the same step.
    for (let i = 0; i < mrns.length; i++) assert.notEqual(tg[i], bf[i], `step ${i}`);
  });
});
