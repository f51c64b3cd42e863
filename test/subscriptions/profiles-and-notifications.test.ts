// Outside the embedded development profile (no development sign-in: a deployment), a callback
// on loopback or a private network is refused; and the supervisors' notifications
// (CORRIDOR_NOTIFY_URL) carry the same X-Corridor-Signature, under CORRIDOR_NOTIFY_SECRET.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../harness/stack.ts';
import { eventually, startWebhook, type Webhook } from '../harness/webhook.ts';
import { Corridor, declarationFor, declarantOf, uniqueTin } from '../lifecycle/helpers.ts';
import { ladderEnv } from '../overdue/ladder-env.ts';

const NOTIFY_SECRET = 'notify-secret-for-the-supervisors-webhook-0123456789';

describe('a deployment (not the development profile)', () => {
  let stack: Stack;
  let corridor: Corridor;
  let webhook: Webhook;

  before(async () => {
    webhook = await startWebhook({ secret: NOTIFY_SECRET });
    stack = await startStack({
      env: { ...ladderEnv, CORRIDOR_DEV_TOKENS: '0', CORRIDOR_NOTIFY_URL: webhook.url, CORRIDOR_NOTIFY_SECRET: NOTIFY_SECRET },
    });
    corridor = new Corridor(stack);
  });
  after(async () => {
    await stack.stop();
    await webhook.close();
  });

  it('refuses callbacks on loopback or a private network, naming the field', async () => {
    const tin = uniqueTin();
    for (const url of [webhook.url, 'http://localhost:9/x', 'https://127.0.0.1/x', 'https://[::1]/x', 'https://192.168.1.20/x', 'https://10.0.0.1/x']) {
      const answer = await corridor.api.call<{ errors: { path: string }[]; fr: string }>('POST', '/subscriptions', declarantOf(tin), {
        url,
        events: ['RELEASED'],
      });
      assert.equal(answer.status, 400, `${url}: ${JSON.stringify(answer.body)}`);
      assert.deepEqual(
        answer.body.errors.map((e) => e.path),
        ['url'],
      );
    }
    const listed = await corridor.api.call<{ items: unknown[] }>('GET', '/subscriptions', declarantOf(tin));
    assert.deepEqual(listed.body.items, []);
  });

  it("signs the supervisors' notifications: the receiver verifies each with the configured secret", async () => {
    const d = declarationFor('lome-ouaga', uniqueTin());
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 1);
    // The leg's time limit passes in seconds (ladderEnv): the OVERDUE notification goes out.
    await eventually(async () => (webhook.received.some((n) => n.mrn === mrn && n.kind === 'OVERDUE') ? true : undefined), 60_000, 'the OVERDUE notification');
    assert.equal(webhook.signed.invalid, 0);
    assert.equal(webhook.signed.valid, webhook.deliveries);
    assert.ok(webhook.signatures.every((s) => s && /^t=\d+,v1=[0-9a-f]{64}$/.test(s)));
  });
});
