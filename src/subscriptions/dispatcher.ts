// Status messages to the trade, outside the workflow (the lifecycle gains no history event for
// them): notice the movements that changed through visibility, read their timelines with the
// `state` query, queue each new milestone for each matching subscription in the outbox
// (store.ts), and deliver it signed, in order per movement, with retries and backoff; a receiver
// failing for CORRIDOR_SUBSCRIPTIONS_SUSPEND_AFTER_SECONDS is suspended. One dispatcher per
// deployment: it runs in the API process (see the README, "Status messages to the trade").
import type { Client } from '@temporalio/client';
import type { TransitState } from '../../workflows/model.ts';
import { forMovement, type Logger } from '../logging/logger.ts';
import { RunningTransits } from '../indicators/running.ts';
import { signatureOf } from '../indicators/states.ts';
import { forEachExecution, quote, transitFields } from '../temporal/visibility.ts';
import type { UrlPolicy } from './callback-url.ts';
import { postSigned } from './delivery.ts';
import { isMilestone, wordsOf } from './milestones.ts';
import type { PartiesOf } from './parties.ts';
import { deliveryIdOf, type Subscription, type SubscriptionStore } from './store.ts';

export interface DispatcherSettings {
  /** How often visibility is asked which movements changed. */
  pollMs: number;
  /** First retry delay; each next one doubles, up to maxRetryMs. */
  retryMs: number;
  /** A receiver failing this long is suspended. */
  suspendAfterMs: number;
  timeoutMs: number;
  /**
   * A movement of a subscribed TIN is read again after this long even when visibility shows no
   * change: an incident changes the timeline without changing a search attribute.
   */
  refreshMs: number;
}

export interface DispatcherDeps {
  store: SubscriptionStore;
  client: Client;
  namespace: string;
  /** The deployment's transits task queue: only its movements. */
  taskQueue: string;
  state: (mrn: string) => Promise<TransitState>;
  parties: PartiesOf;
  policy: UrlPolicy;
  logger: Logger;
  settings: DispatcherSettings;
}

interface Candidate {
  mrn: string;
  runId: string;
  signature: string;
}

interface Seen {
  signature: string;
  at: number;
  tins: string[];
}

// Visibility closes a movement a moment after its last event: look back this far for those that closed.
const CLOSED_LOOKBACK_MS = 60_000;
const READS_AT_ONCE = 4;
const DELIVERIES_AT_ONCE = 8;
const DELIVERY_BATCH = 100;
const AMENDABLE = ['DECLARED', 'ACCEPTED'];

export class Dispatcher {
  private readonly running: RunningTransits;
  private readonly seen = new Map<string, Seen>();
  private readonly sleepers = new Set<() => void>();
  private loops: Promise<void>[] = [];
  private stopped = false;

  constructor(private readonly deps: DispatcherDeps) {
    this.running = new RunningTransits(deps.client, deps.namespace, deps.taskQueue, deps.settings.pollMs, deps.settings.pollMs * 4);
  }

  start(): void {
    this.loops = [this.loop(() => this.scan()), this.loop(() => this.deliverDue())];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // Wake the loops from their pause (a cleared timer alone would leave them waiting forever).
    for (const wake of this.sleepers) wake();
    await Promise.all(this.loops);
  }

  private async loop(step: () => Promise<void>): Promise<void> {
    while (!this.stopped) {
      try {
        await step();
      } catch (error) {
        // Temporal unreachable for a moment: the next round tries again; nothing is lost (the outbox and the cursors are durable).
        this.deps.logger.warn({ err: error }, 'subscriptions: a dispatch round failed; trying again');
      }
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, this.deps.settings.pollMs);
        const sleepers = this.sleepers;
        function wake() {
          clearTimeout(timer);
          sleepers.delete(wake);
          resolve();
        }
        sleepers.add(wake);
      });
    }
  }

  /** Reads the movements that changed and queues their new milestones. */
  async scan(): Promise<void> {
    const subscriptions = this.deps.store.active();
    if (subscriptions.length === 0) return;
    const byTin = new Map<string, Subscription[]>();
    for (const s of subscriptions) byTin.set(s.tin, [...(byTin.get(s.tin) ?? []), s]);
    const startedAt = Date.now();
    const candidates = [...(await this.inFlight()), ...(await this.recentlyClosed())];
    const keys = new Set(candidates.map((c) => `${c.mrn}/${c.runId}`));
    for (const key of this.seen.keys()) if (!keys.has(key)) this.seen.delete(key);

    const queue = candidates.filter((c) => this.worthReading(c, byTin));
    const read = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) await this.read(c, byTin);
    };
    await Promise.all(Array.from({ length: READS_AT_ONCE }, read));
    this.deps.store.setMark('closedScan', new Date(startedAt).toISOString());
  }

  private async inFlight(): Promise<Candidate[]> {
    const { items } = await this.running.get();
    return items.map((item) => ({ mrn: item.mrn, runId: item.runId, signature: signatureOf(item) }));
  }

  /** Movements closed since the last round (their last milestones come with the close). */
  private async recentlyClosed(): Promise<Candidate[]> {
    const mark = this.deps.store.mark('closedScan');
    const since = new Date((mark ? Date.parse(mark) : Date.now()) - CLOSED_LOOKBACK_MS).toISOString();
    const found: Candidate[] = [];
    const query = `WorkflowType = 'transit' AND TaskQueue = ${quote(this.deps.taskQueue)} AND CloseTime >= ${quote(since)}`;
    await forEachExecution(this.deps.client, this.deps.namespace, query, (execution) => {
      const fields = transitFields(execution);
      if (fields.mrn) found.push({ mrn: fields.mrn, runId: fields.runId, signature: `closed|${fields.closedAt ?? ''}` });
    });
    return found;
  }

  private worthReading(c: Candidate, byTin: Map<string, Subscription[]>): boolean {
    const seen = this.seen.get(`${c.mrn}/${c.runId}`);
    if (!seen) return true;
    const subscribed = seen.tins.some((tin) => byTin.has(tin));
    // A movement nobody subscribed to is read again only while an amendment can still change its parties.
    if (!subscribed) return seen.signature !== c.signature && AMENDABLE.some((status) => c.signature.startsWith(`${status}|`));
    if (seen.signature !== c.signature) return true;
    return !c.signature.startsWith('closed') && Date.now() - seen.at >= this.deps.settings.refreshMs;
  }

  private async read(c: Candidate, byTin: Map<string, Subscription[]>): Promise<void> {
    const key = `${c.mrn}/${c.runId}`;
    const known = this.seen.get(key);
    let state: TransitState;
    try {
      state = await this.deps.state(c.mrn);
    } catch (error) {
      forMovement(this.deps.logger, c.mrn).warn({ err: error }, 'subscriptions: could not read the movement; next round');
      return;
    }
    const tins = known && !AMENDABLE.includes(state.status) ? known.tins : await this.deps.parties(state, c.runId);
    this.seen.set(key, { signature: c.signature, at: Date.now(), tins });
    for (const tin of tins) for (const subscription of byTin.get(tin) ?? []) this.collect(subscription, state);
  }

  /** Queues the milestones this subscription has not had yet from this movement. */
  private collect(subscription: Subscription, state: TransitState): void {
    const { store } = this.deps;
    const timeline = state.timeline;
    // First look at this movement for this subscription: the milestones recorded since it was made.
    const from = store.cursor(subscription.id, state.mrn) ?? firstIndexAtOrAfter(timeline, subscription.createdAt);
    if (from >= timeline.length) return;
    const rows: { index: number; body: string }[] = [];
    for (let index = from; index < timeline.length; index++) {
      const event = timeline[index]!;
      if (!isMilestone(event.what) || !subscription.events.includes(event.what)) continue;
      const body = JSON.stringify({
        id: deliveryIdOf(subscription.id, state.mrn, index),
        subscription: subscription.id,
        mrn: state.mrn,
        lrn: state.lrn,
        sequence: index,
        event: event.what,
        at: event.at,
        ...(event.office ? { office: event.office } : {}),
        message: wordsOf(event.what),
      });
      rows.push({ index, body });
    }
    store.enqueue(subscription.id, state.mrn, rows, timeline.length);
    if (rows.length > 0) {
      forMovement(this.deps.logger, state.mrn).info({ subscription: subscription.id, milestones: rows.length }, 'subscriptions: milestones queued');
    }
  }

  /** Sends what is due: per subscription and movement, the earliest undelivered milestone. */
  async deliverDue(): Promise<void> {
    const rows = this.deps.store.due(Date.now(), DELIVERY_BATCH);
    const send = async () => {
      for (let row = rows.shift(); row; row = rows.shift()) await this.deliverOne(row);
    };
    await Promise.all(Array.from({ length: DELIVERIES_AT_ONCE }, send));
  }

  private async deliverOne(row: ReturnType<SubscriptionStore['due']>[number]): Promise<void> {
    const { store, settings, policy } = this.deps;
    const log = forMovement(this.deps.logger, row.mrn);
    const attempt = row.attempts + 1;
    const outcome = await postSigned({ url: row.url, body: row.body, secret: row.secret, deliveryId: row.deliveryId, policy, timeoutMs: settings.timeoutMs });
    if (outcome.ok) {
      store.delivered(row.deliveryId, row.subscriptionId);
      log.info({ subscription: row.subscriptionId, delivery: row.deliveryId, attempt }, 'subscriptions: milestone delivered');
      return;
    }
    const retryAt = Date.now() + backoffMs(attempt, settings);
    // Twice the longest retry delay, plus a round: a longer gap since the last failure means nobody was trying.
    const maxGapMs = 2 * backoffMs(Number.MAX_SAFE_INTEGER, settings) + settings.pollMs + settings.timeoutMs;
    const suspended = store.failed(row.deliveryId, row.subscriptionId, outcome.result, retryAt, settings.suspendAfterMs, maxGapMs);
    log.warn({ subscription: row.subscriptionId, delivery: row.deliveryId, attempt, result: outcome.result }, 'subscriptions: delivery failed; will retry');
    if (suspended) {
      log.warn({ subscription: row.subscriptionId, failingForMs: settings.suspendAfterMs }, 'subscriptions: receiver failing too long; subscription suspended');
    }
  }
}

/** Doubling delays from retryMs, never longer than an hour nor an eighth of the suspension delay (so a day sees many tries). */
export function backoffMs(attempt: number, settings: Pick<DispatcherSettings, 'retryMs' | 'suspendAfterMs'>): number {
  const cap = Math.max(settings.retryMs, Math.min(3_600_000, settings.suspendAfterMs / 8));
  return Math.min(cap, settings.retryMs * 2 ** Math.min(attempt - 1, 30));
}

function firstIndexAtOrAfter(timeline: TransitState['timeline'], iso: string): number {
  const at = Date.parse(iso);
  const index = timeline.findIndex((event) => Date.parse(event.at) >= at);
  return index === -1 ? timeline.length : index;
}
