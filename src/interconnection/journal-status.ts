// How far Corridor's consumer of each country's journal has got, read from where the consumer
// keeps it: the heartbeat of its running activity (activities/journal.ts). The API reads it for
// the console, /health and /metrics without holding any national system's credential.
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { optionalTsToMs } from '@temporalio/common/lib/time.js';
// @temporalio/proto is CommonJS: its namespaces come through the default export.
import proto from '@temporalio/proto';
import type { JournalProgress } from '../../activities/journal.ts';
import type { CountryCode } from '../domain/countries.ts';

export interface JournalStatus {
  country: CountryCode;
  /** ok: read and within the limit; late: its oldest unconsumed act is older than the limit; unreadable: the consumer cannot read it; stopped: no consumer runs. */
  state: 'ok' | 'late' | 'unreadable' | 'stopped';
  cursor: number | null;
  head: number | null;
  /** Events published by the national system and not yet carried. */
  backlog: number | null;
  /** Age of the oldest act recorded in the national system and not yet carried; 0 when caught up. */
  lagSeconds: number | null;
  oldestUnconsumedAt: string | null;
  readAt: string | null;
  /**
   * Since when Corridor has not read this journal (the consumer's last successful read, else its
   * last news): the start of an outage or a cut link, for the console. Null while it is read.
   */
  unreadableSince: string | null;
  /** Why it is unreadable or stopped, as the consumer's last failure said it. */
  problem?: string;
}

const STARTED = proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
// The consumer heartbeats after every page (a long poll of 10 s) and the SDK sends a heartbeat at
// most every 16 s (0.8 × its 20 s timeout): past this, a running consumer is stuck, not waiting.
const SILENT_AFTER_MS = 45_000;

export function journalFeedId(transitsQueue: string, country: CountryCode): string {
  return `${transitsQueue}-journal-${country}`;
}

export async function readJournalStatus(
  client: Client,
  transitsQueue: string,
  country: CountryCode,
  maxLagSeconds: number,
  now = new Date(),
): Promise<JournalStatus> {
  const empty = { country, cursor: null, head: null, backlog: null, lagSeconds: null, oldestUnconsumedAt: null, readAt: null, unreadableSince: null };
  let description: Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['describe']>>;
  try {
    description = await client.workflow.getHandle(journalFeedId(transitsQueue, country)).describe();
  } catch (error) {
    return { ...empty, state: 'stopped', problem: `no journal consumer: ${(error as Error).message}` };
  }
  if (description.status.name !== 'RUNNING') return { ...empty, state: 'stopped', problem: `journal feed ${description.status.name}` };
  const pending = description.raw.pendingActivities?.[0];
  if (!pending) return { ...empty, state: 'ok' };
  const progress = pending.heartbeatDetails?.payloads?.length
    ? await decodeFromPayloadsAtIndex<JournalProgress | number>(client.options.loadedDataConverter, 0, pending.heartbeatDetails.payloads)
    : undefined;
  return journalStatusOf(
    country,
    {
      started: pending.state === STARTED,
      lastFailure: pending.lastFailure ? (pending.lastFailure.message ?? 'the journal consumer fails') : undefined,
      lastNewsMs: Math.max(optionalTsToMs(pending.lastHeartbeatTime) ?? 0, optionalTsToMs(pending.lastStartedTime) ?? 0) || undefined,
      startedMs: optionalTsToMs(pending.lastStartedTime),
    },
    progress,
    now,
    maxLagSeconds,
  );
}

/** What the consumer's pending activity says of itself. */
export interface ConsumerActivity {
  /** Running now (else waiting for its next attempt). */
  started: boolean;
  lastFailure: string | undefined;
  /** Its last heartbeat or start, in epoch milliseconds. */
  lastNewsMs: number | undefined;
  /** When its current (or last) attempt started, in epoch milliseconds. */
  startedMs?: number | undefined;
}

/** The verdict on one country's journal from its consumer's activity and last heartbeat. */
export function journalStatusOf(
  country: CountryCode,
  activity: ConsumerActivity,
  progress: JournalProgress | number | undefined,
  now: Date,
  maxLagSeconds: number,
): JournalStatus {
  const known = typeof progress === 'object' && progress !== null ? progress : undefined;
  const lagSeconds = known?.oldestUnconsumedAt ? Math.max(0, Math.round((now.getTime() - Date.parse(known.oldestUnconsumedAt)) / 1000)) : known ? 0 : null;
  const status: JournalStatus = {
    country,
    state: 'ok',
    cursor: known?.cursor ?? (typeof progress === 'number' ? progress : null),
    head: known?.head ?? null,
    backlog: known ? Math.max(0, known.head - known.cursor) : null,
    lagSeconds,
    oldestUnconsumedAt: known?.oldestUnconsumedAt ?? null,
    readAt: known?.readAt ?? null,
    unreadableSince: null,
  };
  const since = known?.readAt ?? (activity.lastNewsMs !== undefined ? new Date(activity.lastNewsMs).toISOString() : null);
  // Waiting for its next attempt: the last one failed to read or carry, and says why.
  if (!activity.started && activity.lastFailure) return { ...status, state: 'unreadable', unreadableSince: since, problem: activity.lastFailure };
  // Retrying after a failure and not read yet in this attempt: the failure still stands.
  const readSinceStart = known?.readAt != null && activity.startedMs !== undefined && Date.parse(known.readAt) >= activity.startedMs;
  if (activity.started && activity.lastFailure && !readSinceStart)
    return { ...status, state: 'unreadable', unreadableSince: since, problem: activity.lastFailure };
  if (activity.started && activity.lastNewsMs !== undefined && now.getTime() - activity.lastNewsMs > SILENT_AFTER_MS) {
    return {
      ...status,
      state: 'unreadable',
      unreadableSince: since,
      problem: `no news from the journal consumer for ${Math.round((now.getTime() - activity.lastNewsMs) / 1000)} s`,
    };
  }
  if (lagSeconds !== null && lagSeconds > maxLagSeconds) return { ...status, state: 'late' };
  return status;
}
