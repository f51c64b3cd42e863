// The subscriptions of one deployment: the store in the data folder, the URL policy of this
// profile, and the dispatcher. Built by the API (src/api/routes/subscriptions.ts), which is one
// process per deployment, so there is one dispatcher per deployment and one writer of the file.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env.ts';
import type { Logger } from '../logging/logger.ts';
import type { TransitClient } from '../client/transits.ts';
import { devTokensEnabled } from '../api/routes/session.ts';
import type { UrlPolicy } from './callback-url.ts';
import { Dispatcher } from './dispatcher.ts';
import { partiesFromTemporal } from './parties.ts';
import { SubscriptionStore } from './store.ts';

export interface Subscriptions {
  store: SubscriptionStore;
  policy: UrlPolicy;
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * The embedded development profile is told apart the way the development sign-in is
 * (CORRIDOR_DEV_TOKENS, set by `npm start`, with the API on loopback and no proxy): only there
 * may a subscriber receive on loopback.
 */
export function urlPolicyFor(config: Config): UrlPolicy {
  return { allowLoopback: devTokensEnabled(config), allowedHosts: config.subscriptions.allowedHosts };
}

export function createSubscriptions(deps: { config: Config; client: Client; namespace: string; logger: Logger; transits: TransitClient }): Subscriptions {
  const { config } = deps;
  mkdirSync(config.dataDir, { recursive: true });
  const store = new SubscriptionStore(path.join(config.dataDir, 'subscriptions.sqlite'));
  const policy = urlPolicyFor(config);
  const dispatcher = new Dispatcher({
    store,
    client: deps.client,
    namespace: deps.namespace,
    taskQueue: config.taskQueues.transits,
    state: (mrn) => deps.transits.state(mrn),
    parties: partiesFromTemporal(deps.client, deps.namespace),
    policy,
    logger: deps.logger.child({ part: 'subscriptions' }),
    settings: {
      pollMs: config.subscriptions.pollMs,
      retryMs: config.subscriptions.retryMs,
      suspendAfterMs: config.subscriptions.suspendAfterMs,
      refreshMs: config.subscriptions.refreshMs,
      timeoutMs: DELIVERY_TIMEOUT_MS,
    },
  });
  return {
    store,
    policy,
    dispatcher,
    async close() {
      await dispatcher.stop();
      store.close();
    },
  };
}
