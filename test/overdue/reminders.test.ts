// An escalation level keeps reminding its recipients until a supervisor acknowledges it;
// after the acknowledgement no reminder for that level is sent again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ApiClient, driveLifecycle, withLrn } from '../../src/simulation/lifecycle.ts';
import { exampleDeclaration } from '../../src/simulation/simulate.ts';
import type { Actor } from '../../src/auth/actor.ts';
import type { TransitState } from '../../workflows/model.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { eventually, startWebhook, type Webhook } from '../harness/webhook.ts';

const regional: Actor = { user: 'regional', role: 'regional' };

describe('reminders of an unacknowledged escalation level', () => {
  let stack: Stack;
  let api: ApiClient;
  let webhook: Webhook;
  before(async () => {
    webhook = await startWebhook();
    stack = await startStack({
      env: {
        CORRIDOR_NOTIFY_URL: webhook.url,
        CORRIDOR_TIME_SCALE: String(72 * 3600), // 72 h → 1 s
        CORRIDOR_ESCALATION_LEVEL2_AFTER_SECONDS: '3600',
        CORRIDOR_ENQUIRY_AFTER_SECONDS: '7200',
        CORRIDOR_ESCALATION_REMINDER_SECONDS: '1',
      },
    });
    api = new ApiClient(stack.api, stack.token);
  });
  after(async () => {
    await stack.stop();
    await webhook.close();
  });

  it('repeat until acknowledged, then stop', async () => {
    const { declaration, plan } = exampleDeclaration('lome-ouaga');
    const { mrn } = await driveLifecycle(api, withLrn(declaration, `RM${randomBytes(6).toString('hex')}`), plan, { stopAfter: 'release' });
    const kinds = () => webhook.received.filter((n) => n.mrn === mrn).map((n) => n.kind);
    await eventually(async () => (kinds().filter((k) => k === 'REMINDER').length >= 2 ? true : undefined), 60_000, 'two reminders');
    assert.equal(kinds()[0], 'OVERDUE');

    const ack = await api.call(
      'POST',
      `/transits/${mrn}/acknowledge`,
      { user: 'sup-tg', role: 'supervisor', country: 'TG' },
      { note: 'vu, transporteur appelé' },
    );
    assert.equal(ack.status, 200);
    // Let any delivery already under way land, then watch: no new reminder for 4 reminder periods.
    await eventually(
      async () => {
        const s = (await api.call<TransitState>('GET', `/transits/${mrn}`, regional)).body;
        return s.notifications.every((n) => n.delivery !== 'PENDING') ? true : undefined;
      },
      30_000,
      'deliveries settled',
    );
    const count = kinds().length;
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    assert.equal(kinds().length, count, `no reminder after the acknowledgement (saw ${kinds().join(', ')})`);
    const state = (await api.call<TransitState>('GET', `/transits/${mrn}`, regional)).body;
    assert.equal(state.escalation.level, 1);
    assert.equal(state.escalation.acknowledgedLevel, 1);
  });
});
