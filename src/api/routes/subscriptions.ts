// Status messages to the trade: POST/GET/DELETE /subscriptions. A declarant, principal or carrier
// (each signs in with a declarant-role token carrying their own TIN) subscribes a callback URL to
// the milestones of the movements whose declaration names that TIN; the dispatcher
// (src/subscriptions) delivers them signed. The plugin owns the subscriptions' lifetime: it
// starts the dispatcher when the API is ready and stops it when the API closes.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Config } from '../../config/env.ts';
import type { Logger } from '../../logging/logger.ts';
import type { TransitClient } from '../../client/transits.ts';
import { TIN } from '../../domain/formats.ts';
import { bilingual, words } from '../../domain/words.ts';
import { vetCallbackUrl } from '../../subscriptions/callback-url.ts';
import { acceptedEventNames, milestoneOf } from '../../subscriptions/milestones.ts';
import { createSubscriptions } from '../../subscriptions/service.ts';
import { newSigningSecret } from '../../subscriptions/signature.ts';
import type { Subscription, SubscriptionStore } from '../../subscriptions/store.ts';
import { requireRole } from '../authentication.ts';
import { badRequest, conflict, forbidden, notFound } from '../errors.ts';

const Body = z.object({
  url: z.string().min(1, 'expected the callback URL').max(2048, 'expected at most 2048 characters'),
  events: z
    .array(z.enum(acceptedEventNames, { error: `expected milestones among ${acceptedEventNames.join(', ')}` }))
    .min(1, 'expected at least one milestone')
    .max(acceptedEventNames.length, 'expected each milestone once'),
  tin: z.string().regex(TIN, 'expected a TIN (taxpayer identification number) such as 1000123456').optional(),
});

// Each subscription multiplies every milestone of the TIN's movements: a bound keeps one TIN from flooding the outbox.
const MAX_PER_TIN = 20;

const IdParams = z.object({ id: z.string().regex(/^sub_[0-9a-f-]{36}$/, 'expected a subscription id such as sub_0b6c…') });

const SIGNATURE_DOC = `Every delivery is a POST of one milestone as JSON, with headers:

- \`X-Corridor-Delivery-Id\` (also \`Idempotency-Key\`): the same for every retry of the same milestone; deduplicate on it.
- \`X-Corridor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" under the subscription's secret>\`.

Check it before trusting the body (Node.js):

\`\`\`js
const [t, v1] = header.split(',').map((p) => p.split('=')[1]);
const expected = crypto.createHmac('sha256', secret).update(\`\${t}.\${rawBody}\`).digest('hex');
const fresh = Math.abs(Date.now() / 1000 - Number(t)) <= 300;
const ok = fresh && crypto.timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(v1, 'hex'));
\`\`\`

Answer 2xx to acknowledge. Anything else (or no answer in 10 s) is retried with doubling delays; milestones of one movement arrive in order (\`sequence\` is the index in its timeline), so a later one waits for the earlier. A receiver failing for a day is suspended: its subscription shows \`status: SUSPENDED\`; subscribe again once it is fixed. The callback must be https to a public address (or a host the operator allows); loopback is accepted only by the embedded development profile.`;

export interface SubscriptionRouteDeps {
  config: Config;
  client: Client;
  namespace: string;
  logger: Logger;
  transits: TransitClient;
}

export const subscriptionRoutes =
  (deps: SubscriptionRouteDeps): FastifyPluginAsync =>
  async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const subscriptions = createSubscriptions(deps);
    const { store, policy } = subscriptions;
    plain.addHook('onReady', async () => subscriptions.dispatcher.start());
    plain.addHook('onClose', async () => subscriptions.close());

    app.post(
      '/subscriptions',
      {
        schema: {
          tags: ['subscriptions'],
          summary: "Subscribe a callback URL to the milestones of one's movements (answers the signing secret, once)",
          description: `For declarants, principals and carriers, each with a declarant-role token carrying their own TIN. \`tin\` defaults to the caller's and may only be the caller's (403 otherwise). A movement matches when its declarant, principal or carrier has that TIN; milestones recorded from the moment of subscription are delivered.\n\n${SIGNATURE_DOC}`,
          body: Body,
        },
      },
      async (request, reply) => {
        const actor = requireRole(request, 'declarant');
        const tin = request.body.tin ?? actor.tin;
        if (!actor.tin || tin !== actor.tin) {
          throw forbidden({
            fr: `vous ne pouvez vous abonner qu'aux mouvements de votre propre NIF (${actor.tin ?? 'aucun'}), pas ${tin ?? ''}`,
            en: `you may subscribe only to the movements of your own TIN (${actor.tin ?? 'none'}), not ${tin ?? ''}`,
          });
        }
        if (store.ofTin(tin).length >= MAX_PER_TIN) {
          throw conflict('TOO_MANY_SUBSCRIPTIONS', {
            fr: `au plus ${MAX_PER_TIN} abonnements par NIF : mettez fin à l'un d'eux d'abord`,
            en: `at most ${MAX_PER_TIN} subscriptions per TIN: end one first`,
          });
        }
        const vetted = await vetCallbackUrl(request.body.url, policy);
        if (!vetted.ok) throw badRequest(vetted.reason, [{ path: 'url', message: bilingual(vetted.reason) }]);
        const events = [...new Set(request.body.events.map(milestoneOf))];
        const subscription = store.create({ tin, url: vetted.url.toString(), events, secret: newSigningSecret(), createdBy: actor.user });
        request.log.info({ subscription: subscription.id, tin, events }, 'subscription created');
        return reply.code(201).send({
          subscription: view(subscription, store),
          secret: subscription.secret,
          message: words(
            'SUBSCRIBED',
            'Abonnement enregistré : gardez le secret de signature, il ne sera plus affiché',
            'Subscription recorded: keep the signing secret, it will not be shown again',
          ),
        });
      },
    );

    app.get(
      '/subscriptions',
      { schema: { tags: ['subscriptions'], summary: "The caller's subscriptions (active and suspended), without their secrets" } },
      async (request) => {
        const actor = requireRole(request, 'declarant');
        return { items: actor.tin ? store.ofTin(actor.tin).map((s) => view(s, store)) : [] };
      },
    );

    app.delete(
      '/subscriptions/:id',
      { schema: { tags: ['subscriptions'], summary: 'End a subscription: nothing more is sent for it', params: IdParams } },
      async (request) => {
        const actor = requireRole(request, 'declarant');
        const found = store.get(request.params.id);
        // Another TIN's subscription answers as if absent: ids are not a way to learn who subscribes.
        if (!found || found.tin !== actor.tin || found.status === 'ENDED') {
          throw notFound({ fr: `aucun abonnement ${request.params.id}`, en: `no subscription ${request.params.id}` });
        }
        const ended = store.end(found.id)!;
        request.log.info({ subscription: ended.id }, 'subscription ended');
        return { subscription: view(ended, store) };
      },
    );
  };

const statusWords = {
  ACTIVE: words('ACTIVE', 'Actif', 'Active'),
  SUSPENDED: words('SUSPENDED', 'Suspendu : le récepteur échoue depuis trop longtemps', 'Suspended: the receiver has been failing too long'),
  ENDED: words('ENDED', 'Terminé', 'Ended'),
};

/** What the API shows of a subscription: never its secret. */
function view(subscription: Subscription, store: SubscriptionStore) {
  const { secret: _secret, ...shown } = subscription;
  return { ...shown, statusWords: statusWords[subscription.status], deliveries: store.counts(subscription.id) };
}
