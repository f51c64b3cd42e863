// POST /admin/released-movements: the movements already on the road at a go-live (and the
// benchmark's large run) lodged and released in bulk, through the same calls the declarant's
// and the officer's screens make: the journal carries, for each, the registration and the
// release as those users' acts, and a call sent again changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bigGuarantee, get, http, journal, lodgeable, sandbox } from './helpers.ts';

const timeLimit = new Date(Date.now() + 72 * 3_600_000).toISOString();
const released = (sb: { url: string }, body: unknown) => http(sb, 'POST', '/admin/released-movements', body);

test('lodges and releases each LRN as its declarant and the departure officer, in the journal as their acts; sent again, nothing changes', async (t) => {
  const sb = await sandbox(t);
  const declaration = lodgeable([1_000_000], bigGuarantee.TG);
  const lrns = ['BULK-A', 'BULK-B', 'BULK-C'];
  const first = await released(sb, { declaration, lrns, office: 'TGLFW001', timeLimit });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.mrns.length, 3);
  assert.deepEqual(first.json.refused, []);
  assert.equal(new Set(first.json.mrns).size, 3, 'one movement per LRN');

  const events = (await journal(sb, '?after=0&limit=100')).events;
  assert.equal(events.length, 6);
  for (const mrn of first.json.mrns as string[]) {
    const own = events.filter((e) => e.mrn === mrn);
    assert.deepEqual(
      own.map((e) => [e.type, e.source, e.officer]),
      [
        ['DECLARATION_REGISTERED', 'officer', 'declarant-1000555555'],
        ['RELEASED', 'officer', 'agent-tglfw001'],
      ],
    );
    assert.equal(own[1]!.office, 'TGLFW001');
    assert.equal((await get(sb, `/admin/movements?state=RELEASED`)).json.movements.filter((m: { mrn: string }) => m.mrn === mrn).length, 1);
  }

  const again = await released(sb, { declaration, lrns, office: 'TGLFW001', timeLimit });
  assert.equal(again.status, 200);
  assert.deepEqual(again.json.mrns, first.json.mrns, 'the same movements, by their LRN');
  assert.equal((await journal(sb, '?after=0&limit=100')).events.length, 6, 'no event twice');
});

test('a movement the system refuses is named with its refusal, and the others are released', async (t) => {
  const sb = await sandbox(t);
  const declaration = lodgeable([1_000_000], bigGuarantee.TG);
  const answer = await released(sb, { declaration, lrns: ['BULK-OK'], office: 'BFOUA001', timeLimit });
  assert.equal(answer.status, 200, answer.text);
  assert.deepEqual(answer.json.mrns, []);
  assert.equal(answer.json.refused.length, 1);
  assert.equal(answer.json.refused[0].lrn, 'BULK-OK');
  const bad = await released(sb, { declaration: { lrn: 'x' }, lrns: ['BULK-X'], office: 'TGLFW001', timeLimit });
  assert.equal(bad.status, 400);
  assert.equal((await journal(sb, '?after=0&limit=100')).events.filter((e) => e.type === 'RELEASED').length, 0);
});
