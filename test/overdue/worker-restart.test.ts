// A worker stopped while the ladder's timers fall due: when it comes back, every step fires
// once, in order, the recovery is proposed once, and once its collector confirms it the guarantee
// is claimed once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ApiClient, driveLifecycle, withLrn } from '../../src/simulation/lifecycle.ts';
import { exampleDeclaration } from '../../src/simulation/simulate.ts';
import type { Actor } from '../../src/auth/actor.ts';
import type { TransitState } from '../../workflows/model.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { eventually, startWebhook, type Webhook } from '../harness/webhook.ts';
import { ladderEnv as env } from './ladder-env.ts';

const regional: Actor = { user: 'regional', role: 'regional' };
const WAIT = 120_000;

describe('a worker stopped while timers are pending', () => {
  let stack: Stack;
  let api: ApiClient;
  let webhook: Webhook;
  before(async () => {
    webhook = await startWebhook();
    stack = await startStack({ env: { ...env, CORRIDOR_NOTIFY_URL: webhook.url } });
    api = new ApiClient(stack.api, stack.token);
  });
  after(async () => {
    await stack.stop();
    await webhook.close();
  });

  it('loses no step and repeats none when it comes back', async () => {
    const { declaration, plan } = exampleDeclaration('lome-ouaga');
    const { mrn } = await driveLifecycle(api, withLrn(declaration, `WR${randomBytes(6).toString('hex')}`), plan, { stopAfter: 'release' });
    await stack.stopWorker();
    // Every step of the ladder falls due while nobody runs the workflow.
    await new Promise((resolve) => setTimeout(resolve, 14_000));
    await stack.startWorker();
    await eventually(
      async () => ((await api.call<TransitState>('GET', `/transits/${mrn}`, regional)).body.recovery?.state === 'PROPOSED' ? true : undefined),
      WAIT,
      'recovery proposed after restart',
    );
    const collector: Actor = { user: 'receveur-tg', role: 'collector', country: 'TG' };
    const decided = await api.call('POST', `/transits/${mrn}/recovery`, collector, { decision: 'confirm', reason: 'aucune preuve de sortie du Togo' });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const final = await eventually(
      async () => {
        const s = (await api.call<TransitState>('GET', `/transits/${mrn}`, regional)).body;
        return s.status === 'RECOVERY' && s.notifications.every((n) => n.delivery === 'DELIVERED') ? s : undefined;
      },
      WAIT,
      'RECOVERY after restart',
    );
    const steps = final.timeline.map((e) => e.what).filter((w) => ['OVERDUE', 'ESCALATED', 'ENQUIRY_OPENED', 'RECOVERY_PROPOSED', 'RECOVERY'].includes(w));
    assert.deepEqual(steps, ['OVERDUE', 'ESCALATED', 'ENQUIRY_OPENED', 'RECOVERY_PROPOSED', 'RECOVERY']);
    assert.deepEqual(
      webhook.received.filter((n) => n.mrn === mrn).map((n) => n.kind),
      ['OVERDUE', 'ESCALATED_TO_SUPERVISOR', 'ENQUIRY_OPENED', 'RECOVERY_PROPOSED', 'RECOVERY'],
    );
    const calls = (await (await fetch(`${stack.sandboxes.TG.url}/admin/calls?mrn=${mrn}&operation=claimGuarantee`)).json()) as { calls: unknown[] };
    assert.equal(calls.calls.length, 1);
  });
});
