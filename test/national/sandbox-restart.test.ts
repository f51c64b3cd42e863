// The sandbox is durable: records, balances and calls survive a restart on the same file,
// and seeding again never resets a balance.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { startSandbox } from '../../src/national/sandbox/server.ts';
import { loadSeed, defaultSeedPath } from '../../src/national/sandbox/seed.ts';
import {
  atRisk,
  balance,
  bigGuarantee,
  calls,
  get,
  guaranteed,
  key,
  movement,
  newMrn,
  post,
  register,
  sandbox,
  silent,
  smallGuarantee,
  tempDir,
} from './helpers.ts';

const G = bigGuarantee.TG.grn;

describe('a sandbox restarted on the same file', () => {
  test('keeps its records, balances, calls and idempotency keys', async (t) => {
    const dbPath = path.join(tempDir(t), 'TG.sqlite');
    const first = await sandbox(t, { dbPath });
    const kept = await guaranteed(first, [20_000_000]);
    const claimedOne = await guaranteed(first, [2_000_000], smallGuarantee);
    assert.equal((await post(first, `/v1/guarantees/${smallGuarantee.grn}/reservations/${claimedOne.mrn}/claim`, { reason: 'recovery' })).status, 200);
    const releaseKey = key('release');
    const released = await guaranteed(first, [1_000_000]);
    const releasedAnswer = await post(first, `/v1/guarantees/${G}/reservations/${released.mrn}/release`, {}, releaseKey);
    const recordBefore = await movement(first, kept.mrn);
    const bigBefore = await balance(first, G);
    const smallBefore = await balance(first, smallGuarantee.grn);
    const callsBefore = await calls(first);
    await first.close();

    const second = await sandbox(t, { dbPath });
    assert.notEqual(second.url, '', 'listening again');
    assert.deepEqual(await movement(second, kept.mrn), recordBefore);
    assert.deepEqual(await balance(second, G), bigBefore);
    assert.deepEqual(await balance(second, smallGuarantee.grn), smallBefore);
    assert.equal(smallBefore.claimedXof, atRisk('TG', [2_000_000]), 'the claim survived and seeding did not reset it');
    assert.equal(bigBefore.reservedXof, atRisk('TG', [20_000_000]));
    assert.deepEqual(await calls(second), callsBefore);

    // A retry that arrives after the restart still lands on the first answer.
    const replay = await post(second, `/v1/guarantees/${G}/reservations/${released.mrn}/release`, {}, releaseKey);
    assert.equal(replay.text, releasedAnswer.text);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await balance(second, G), bigBefore);

    // References keep counting: no second movement gets an existing reference.
    const next = await register(second, newMrn());
    const refs = (await get(second, '/admin/movements')).json.movements.map((m: { reference: string }) => m.reference);
    assert.equal(new Set(refs).size, refs.length);
    assert.ok(Number(next.json.reference.slice(-6)) > Number(recordBefore.reference.slice(-6)));
  });

  test("a store belongs to one country: Burkina's sandbox refuses Togo's file", async (t) => {
    const dbPath = path.join(tempDir(t), 'TG.sqlite');
    const tg = await startSandbox({ country: 'TG', dbPath, logger: silent });
    await tg.close();
    await assert.rejects(startSandbox({ country: 'BF', dbPath, logger: silent }), /belongs to the TG sandbox/);
  });

  test('a guarantee added to the seed appears on restart; existing ones keep their balance', async (t) => {
    const dbPath = path.join(tempDir(t), 'TG.sqlite');
    const seed = loadSeed(defaultSeedPath('TG'));
    const first = await sandbox(t, { dbPath, seed });
    await guaranteed(first, [1_000_000], smallGuarantee);
    await first.close();
    const grown = {
      ...seed,
      guarantees: [
        // A new reference amount in the file does not rewrite the stored guarantee.
        ...seed.guarantees.map((g) => (g.grn === smallGuarantee.grn ? { ...g, referenceAmountXof: 5 } : g)),
        { ...seed.guarantees[0]!, grn: '26TG0000000000099', accessCode: '9999', referenceAmountXof: 7_000_000 },
      ],
    };
    const second = await sandbox(t, { dbPath, seed: grown });
    const small = await balance(second, smallGuarantee.grn);
    assert.equal(small.referenceAmountXof, 1_000_000);
    assert.equal(small.reservedXof, 325_140);
    assert.equal((await balance(second, '26TG0000000000099')).availableXof, 7_000_000);
  });
});

describe('the seed files', () => {
  test('hold the corridor-wide guarantees with room for thousands of transits, a small and an expired one', () => {
    for (const [country, grn, accessCode] of [
      ['TG', '26TG0000000000001', '1234'],
      ['BF', '26BF0000000000001', '4321'],
    ] as const) {
      const seed = loadSeed(defaultSeedPath(country));
      assert.equal(seed.country, country);
      const big = seed.guarantees.find((g) => g.grn === grn);
      assert.ok(big, `${grn} is seeded`);
      assert.equal(big.accessCode, accessCode);
      assert.ok(big.referenceAmountXof >= 500_000_000_000);
      assert.ok(
        seed.guarantees.some((g) => g.referenceAmountXof <= 1_000_000),
        'a small guarantee for tests',
      );
      assert.ok(
        seed.guarantees.some((g) => g.expiresOn < '2026-01-01'),
        'an expired guarantee',
      );
      assert.match(seed.guarantors[0]!.name, /Chambre de commerce/);
    }
  });

  test('a seed with mistakes is refused at start, naming each one', () => {
    assert.throws(
      () =>
        loadSeed({
          country: 'TG',
          system: 'x',
          guarantors: [{ id: 'A', name: 'A', city: 'Lomé' }],
          guarantees: [{ grn: '26BF0000000000001', guarantor: 'B', accessCode: '1234', referenceAmountXof: 1, expiresOn: '2030-01-01' }],
        }),
      (error: Error) => /guarantees\.0\.guarantor: no guarantor with id B/.test(error.message),
    );
  });
});
