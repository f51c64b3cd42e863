// The outbox on its own SQLite file: a second look at the same timeline queues nothing new, only
// the earliest undelivered milestone of a movement is due, and a receiver is suspended after
// failing without a break for the configured time (not for a time nobody was trying).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { SubscriptionStore } from '../../src/subscriptions/store.ts';

const fresh = () => new SubscriptionStore(path.join(mkdtempSync(path.join(process.env.CORRIDOR_TEST_TMP ?? os.tmpdir(), 'outbox-')), 'subscriptions.sqlite'));
const MRN = '26TG0A1B2C3D4E5F67';
const rows = (...indexes: number[]) => indexes.map((index) => ({ index, body: `{"sequence":${index}}` }));

describe('the outbox', () => {
  it('queues each milestone once however often the timeline is looked at, and survives a reopening', () => {
    const dir = mkdtempSync(path.join(process.env.CORRIDOR_TEST_TMP ?? os.tmpdir(), 'outbox-'));
    let store = new SubscriptionStore(path.join(dir, 'subscriptions.sqlite'));
    const s = store.create({ tin: '1000164587', url: 'https://hooks.example/x', events: ['RELEASED'], secret: 'whsec_x', createdBy: 'd' });
    store.enqueue(s.id, MRN, rows(0, 3), 4);
    store.enqueue(s.id, MRN, rows(0, 3), 4);
    store.close();
    store = new SubscriptionStore(path.join(dir, 'subscriptions.sqlite'));
    store.enqueue(s.id, MRN, rows(3, 5), 6);
    assert.deepEqual(store.counts(s.id), { pending: 3, delivered: 0 });
    assert.equal(store.cursor(s.id, MRN), 6);
    store.close();
  });

  it('only the earliest undelivered milestone of a movement is due: the next waits for it', () => {
    const store = fresh();
    const s = store.create({ tin: '1000164587', url: 'https://hooks.example/x', events: ['RELEASED'], secret: 'whsec_x', createdBy: 'd' });
    store.enqueue(s.id, MRN, rows(2, 5, 9), 10);
    const first = store.due(Date.now() + 1, 10);
    assert.deepEqual(
      first.map((r) => r.index),
      [2],
    );
    store.failed(first[0]!.deliveryId, s.id, '503', Date.now() + 60_000, 86_400_000, 3_600_000);
    assert.deepEqual(store.due(Date.now() + 1, 10), [], 'the failed one waits for its retry, and the later ones behind it');
    store.delivered(first[0]!.deliveryId, s.id);
    assert.deepEqual(
      store.due(Date.now() + 1, 10).map((r) => r.index),
      [5],
    );
    store.close();
  });

  it('suspends after failing without a break for the suspension delay; a success or a long gap starts the count again', async () => {
    const store = fresh();
    const s = store.create({ tin: '1000164587', url: 'https://hooks.example/x', events: ['RELEASED'], secret: 'whsec_x', createdBy: 'd' });
    store.enqueue(s.id, MRN, rows(0), 1);
    const id = store.due(Date.now() + 1, 1)[0]!.deliveryId;
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    assert.equal(store.failed(id, s.id, '503', 0, 300, 10_000), false);
    await wait(150);
    store.delivered(id, s.id);
    assert.equal(store.get(s.id)?.failingSince, undefined, 'a success clears the run of failures');
    assert.equal(store.failed(id, s.id, '503', 0, 300, 10_000), false);
    await wait(200);
    // A gap longer than maxGapMs (100) since the last failure: nobody was trying, the run starts again.
    assert.equal(store.failed(id, s.id, '503', 0, 300, 100), false);
    assert.ok(Date.now() - Date.parse(store.get(s.id)!.failingSince!) < 100, 'the run of failures starts at this one');
    await wait(350);
    assert.equal(store.failed(id, s.id, '503', 0, 300, 10_000), true);
    const suspended = store.get(s.id)!;
    assert.equal(suspended.status, 'SUSPENDED');
    assert.ok(suspended.suspendedAt);
    assert.deepEqual(store.due(Date.now() + 1, 10), [], 'nothing is due for a suspended subscription');
    store.close();
  });
});
