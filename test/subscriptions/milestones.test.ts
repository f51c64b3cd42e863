// Status messages to the trade, end to end: a lifecycle driven through the API on the real
// server and sandboxes, subscribers receiving on loopback (the test stack is the embedded
// development profile: CORRIDOR_DEV_TOKENS on a loopback API), each delivery checked with the
// documented signature method, a receiver that fails every first attempt (retries must not
// duplicate nor reorder), and one that never answers (retried, then suspended).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Actor } from '../../src/auth/actor.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { eventually, startWebhook, type Webhook } from '../harness/webhook.ts';
import { Corridor, declarationFor, declarantOf, officerAt, uniqueTin } from '../lifecycle/helpers.ts';

const WAIT = 60_000;
const EVERY_MILESTONE = [
  'LODGED',
  'ACCEPTED',
  'REJECTED',
  'CANCELLED',
  'RELEASED',
  'BORDER_ARRIVAL',
  'EXIT_CONFIRMED',
  'ENTRY_ACCEPTED',
  'ARRIVED',
  'DISCHARGED',
  'GUARANTEE_RELEASED',
  'OVERDUE',
  'INCIDENT',
];
const CLEAN_LOME_OUAGA = [
  'LODGED',
  'ACCEPTED',
  'RELEASED',
  'BORDER_ARRIVAL',
  'EXIT_CONFIRMED',
  'ENTRY_ACCEPTED',
  'ARRIVED',
  'DISCHARGED_AT_DESTINATION',
  'GUARANTEE_RELEASED',
];

interface SubscriptionView {
  id: string;
  tin: string;
  status: string;
  events: string[];
  suspendedAt?: string;
  statusWords: { fr: string; en: string };
  deliveries: { pending: number; delivered: number };
}

describe('status messages to the trade', { concurrency: true }, () => {
  let stack: Stack;
  let corridor: Corridor;
  const hooks: Webhook[] = [];

  before(async () => {
    stack = await startStack({
      env: {
        CORRIDOR_SUBSCRIPTIONS_POLL_SECONDS: '0.5',
        CORRIDOR_SUBSCRIPTIONS_REFRESH_SECONDS: '2',
        CORRIDOR_SUBSCRIPTIONS_RETRY_SECONDS: '0.2',
        CORRIDOR_SUBSCRIPTIONS_SUSPEND_AFTER_SECONDS: '4',
      },
    });
    corridor = new Corridor(stack);
  });
  after(async () => {
    await stack.stop();
    for (const hook of hooks) await hook.close();
  });

  const receiver = async (options: Parameters<typeof startWebhook>[0] = {}) => {
    const hook = await startWebhook(options);
    hooks.push(hook);
    return hook;
  };
  const subscribe = (actor: Actor, body: Record<string, unknown>) =>
    corridor.api.call<{ subscription: SubscriptionView; secret: string; errors?: { path: string; message: string }[]; fr?: string }>(
      'POST',
      '/subscriptions',
      actor,
      body,
    );
  const subscribed = async (tin: string, hook: Webhook, events: string[] = EVERY_MILESTONE) => {
    const answer = await subscribe(declarantOf(tin), { url: hook.url, events });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    hook.secret = answer.body.secret;
    return answer.body.subscription;
  };
  const mine = async (tin: string) => (await corridor.api.call<{ items: SubscriptionView[] }>('GET', '/subscriptions', declarantOf(tin))).body.items;
  const events = (hook: Webhook, mrn: string) => hook.received.filter((m) => m.mrn === mrn).map((m) => (m as unknown as { event: string }).event);

  it('declarant, principal and carrier each receive the milestones of their movement once, in order, each signature verified', async () => {
    const declarant = uniqueTin();
    const principal = uniqueTin();
    const carrier = uniqueTin();
    const stranger = uniqueTin();
    // The declarant's receiver fails every first attempt: retries must neither duplicate nor reorder.
    const declarantHook = await receiver({ failFirstAttempt: true });
    const principalHook = await receiver();
    const carrierHook = await receiver();
    const strangerHook = await receiver();
    await subscribed(declarant, declarantHook);
    await subscribed(principal, principalHook, ['RELEASED', 'DISCHARGED']);
    await subscribed(carrier, carrierHook, ['BORDER_ARRIVAL', 'ENTRY_ACCEPTED', 'ARRIVED']);
    await subscribed(stranger, strangerHook);

    const d = declarationFor('lome-ouaga', declarant, (json) => {
      json.principal.tin = principal;
      json.carrier.tin = carrier;
    });
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan);

    await eventually(async () => (events(declarantHook, mrn).length >= CLEAN_LOME_OUAGA.length ? true : undefined), WAIT, 'every milestone at the declarant');
    await eventually(async () => (events(principalHook, mrn).length >= 2 ? true : undefined), WAIT, 'two milestones at the principal');
    await eventually(async () => (events(carrierHook, mrn).length >= 3 ? true : undefined), WAIT, 'three milestones at the carrier');
    // A moment more, so a duplicate or a late extra would show.
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    assert.deepEqual(events(declarantHook, mrn), CLEAN_LOME_OUAGA);
    assert.deepEqual(events(principalHook, mrn), ['RELEASED', 'DISCHARGED_AT_DESTINATION']);
    assert.deepEqual(events(carrierHook, mrn), ['BORDER_ARRIVAL', 'ENTRY_ACCEPTED', 'ARRIVED']);
    assert.deepEqual(strangerHook.received, [], 'a TIN the movement does not name receives nothing');

    // The declarant's receiver got each milestone twice (the first attempt refused), no more.
    assert.equal(declarantHook.deliveries, 2 * CLEAN_LOME_OUAGA.length);
    for (const hook of [declarantHook, principalHook, carrierHook]) {
      assert.equal(hook.signed.invalid, 0);
      assert.equal(hook.signed.valid, hook.deliveries, 'every delivery carried a valid signature');
    }
    const received = declarantHook.received as unknown as { id: string; sequence: number; mrn: string; message: { fr: string; en: string } }[];
    const sequences = received.map((m) => m.sequence);
    assert.deepEqual(
      sequences,
      [...sequences].sort((a, b) => a - b),
      'sequence (the timeline index) increases',
    );
    assert.equal(new Set(received.map((m) => m.id)).size, received.length, 'one delivery id per milestone');
    assert.equal(received[2]?.message.fr, 'Départ en transit autorisé');

    const [view] = await mine(declarant);
    assert.equal(view?.status, 'ACTIVE');
    assert.deepEqual(view?.deliveries, { pending: 0, delivered: CLEAN_LOME_OUAGA.length });
    assert.equal((view as unknown as Record<string, unknown>).secret, undefined, 'the secret is shown once, at subscription');
  });

  it('an incident on the road, which changes no listed field, still reaches the subscriber (the timeline is read again)', async () => {
    const tin = uniqueTin();
    const hook = await receiver();
    await subscribed(tin, hook, ['INCIDENT']);
    const d = declarationFor('lome-ouaga', tin);
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 1);
    const answer = await corridor.act(mrn, 'incident', officerAt('TGCKS001'), {
      kind: 'BREAKDOWN',
      description: 'panne de boîte de vitesses à Sokodé, réparée sur place',
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    await eventually(async () => (events(hook, mrn).length >= 1 ? true : undefined), WAIT, 'the incident at the subscriber');
    assert.deepEqual(events(hook, mrn), ['INCIDENT']);
    assert.equal(hook.signed.valid, hook.deliveries);
  });

  it('another TIN cannot subscribe for this one (403), nor can an officer', async () => {
    const hook = await receiver();
    const own = uniqueTin();
    const other = uniqueTin();
    const refused = await subscribe(declarantOf(own), { url: hook.url, events: ['RELEASED'], tin: other });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.match(refused.body.fr ?? '', /votre propre NIF/);
    assert.deepEqual(await mine(other), []);
    const officer = await subscribe({ user: 'agent', role: 'officer', office: 'TGLFW001' }, { url: hook.url, events: ['RELEASED'] });
    assert.equal(officer.status, 403);
    // Naming one's own TIN is the same as leaving it out.
    const explicit = await subscribe(declarantOf(own), { url: hook.url, events: ['RELEASED'], tin: own });
    assert.equal(explicit.status, 201);
    assert.equal(explicit.body.subscription.tin, own);
  });

  it('a TIN may hold at most 20 subscriptions (409 past it)', async () => {
    const tin = uniqueTin();
    const hook = await receiver();
    for (let n = 0; n < 20; n++) await subscribed(tin, hook, ['RELEASED']);
    const refused = await subscribe(declarantOf(tin), { url: hook.url, events: ['RELEASED'] });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal((await mine(tin)).length, 20);
  });

  it('bad input is a 400 naming the field', async () => {
    const tin = uniqueTin();
    const hook = await receiver();
    const badEvent = await subscribe(declarantOf(tin), { url: hook.url, events: ['RELEASED', 'TELEPORTED'] });
    assert.equal(badEvent.status, 400);
    assert.deepEqual(
      badEvent.body.errors?.map((e) => e.path),
      ['events[1]'],
    );
    const noEvents = await subscribe(declarantOf(tin), { url: hook.url, events: [] });
    assert.equal(noEvents.status, 400);
    assert.deepEqual(
      noEvents.body.errors?.map((e) => e.path),
      ['events'],
    );
    const privateUrl = await subscribe(declarantOf(tin), { url: 'https://10.20.30.40/hook', events: ['RELEASED'] });
    assert.equal(privateUrl.status, 400);
    assert.deepEqual(
      privateUrl.body.errors?.map((e) => e.path),
      ['url'],
    );
    assert.match(privateUrl.body.fr ?? '', /n'est pas publique/);
  });

  it('a subscription is listed by its TIN only, and ended by it only', async () => {
    const tin = uniqueTin();
    const other = uniqueTin();
    const hook = await receiver();
    const subscription = await subscribed(tin, hook, ['RELEASED']);
    assert.deepEqual(
      (await mine(tin)).map((s) => s.id),
      [subscription.id],
    );
    const remove = async (who: string) => {
      const response = await fetch(`${stack.api}/subscriptions/${subscription.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${await stack.declarant(who)}` },
      });
      return response.status;
    };
    assert.equal(await remove(other), 404);
    assert.equal(await remove(tin), 200);
    assert.deepEqual(await mine(tin), []);
    assert.equal(await remove(tin), 404);
  });

  it('a receiver that keeps failing is retried with backoff, then suspended, and its subscription says so', async () => {
    const tin = uniqueTin();
    const hook = await receiver({ failAll: true });
    const subscription = await subscribed(tin, hook, ['LODGED', 'ACCEPTED']);
    const d = declarationFor('lome-ouaga', tin);
    await corridor.accepted(d);

    const suspended = await eventually(
      async () => (await mine(tin)).find((s) => s.id === subscription.id && s.status === 'SUSPENDED'),
      WAIT,
      'the subscription suspended',
    );
    assert.ok(suspended.suspendedAt);
    assert.match(suspended.statusWords.fr, /Suspendu/);
    // Retried: the first milestone was tried several times, and the second waited behind it (order per movement).
    assert.ok(hook.deliveries >= 3, `retried (${hook.deliveries} attempts)`);
    assert.ok(hook.signed.invalid === 0 && hook.signed.valid === hook.deliveries);
    assert.deepEqual(suspended.deliveries, { pending: 2, delivered: 0 });
    // Suspended means nothing more is tried.
    const attempts = hook.deliveries;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.equal(hook.deliveries, attempts);
  });
});
