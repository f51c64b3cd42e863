// Corridor's own side effects (not a national system's): delivering notifications to the
// configured webhook. Runs on the `transits` task queue.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from '../src/logging/logger.ts';
import type { TransitClient } from '../src/client/transits.ts';
import { forMovement } from '../src/logging/logger.ts';
import { DELIVERY_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from '../src/subscriptions/signature.ts';

export interface NotificationMessage {
  /** Unique and stable across retries: the receiver deduplicates on it. */
  id: string;
  mrn: string;
  kind: string;
  /** Symbolic recipients: office:TGCKS001, supervisor:TG, principal:<TIN>, guarantor:<GRN>, post:<border post>. */
  to: string[];
  subject: string;
  at: string;
  details: Record<string, unknown>;
}

export interface DeliveryOutcome {
  delivered: boolean;
  at: string;
}

export interface CorridorActivityDeps {
  notifyUrl: string | undefined;
  /** Signs each notification (X-Corridor-Signature), as every delivery to the trade is signed; undefined: unsigned. */
  notifySecret?: string | undefined;
  logger: Logger;
  /** Visibility reads for the daily report. */
  transits: TransitClient;
  timeoutMs?: number;
}

export interface OverdueReport {
  at: string;
  counts: { office: string; level: number; count: number }[];
}

export function createCorridorActivities({ notifyUrl, notifySecret, logger, transits, timeoutMs = 10_000 }: CorridorActivityDeps) {
  return {
    async compileOverdueReport(): Promise<OverdueReport> {
      const counts = await transits.overdueCounts();
      logger.info({ offices: counts.length, total: counts.reduce((sum, row) => sum + row.count, 0) }, 'daily overdue report compiled');
      return { at: new Date().toISOString(), counts };
    },

    async deliverNotification(message: NotificationMessage): Promise<DeliveryOutcome> {
      const log = forMovement(logger, message.mrn);
      if (!notifyUrl) {
        log.info({ notification: message.id, kind: message.kind, to: message.to }, 'notification kept in the movement (no CORRIDOR_NOTIFY_URL)');
        return { delivered: false, at: new Date().toISOString() };
      }
      const attempt = Context.current().info.attempt;
      let response: Response;
      const body = JSON.stringify(message);
      // Signed at each attempt: the timestamp is the attempt's, so a receiver's freshness check holds on a late retry.
      const signature = notifySecret ? { [SIGNATURE_HEADER]: signatureHeader(notifySecret, body) } : {};
      try {
        response = await fetch(notifyUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': message.id,
            'x-corridor-notification-id': message.id,
            [DELIVERY_ID_HEADER]: message.id,
            ...signature,
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        log.warn({ notification: message.id, attempt, err: error }, 'notification webhook unreachable; will retry');
        throw error;
      }
      if (response.ok) {
        log.info({ notification: message.id, kind: message.kind, attempt }, 'notification delivered');
        return { delivered: true, at: new Date().toISOString() };
      }
      // A receiver that refuses the message itself will refuse it again: do not retry those.
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
        throw ApplicationFailure.nonRetryable(`the notification webhook refused ${message.id} with ${response.status}`, 'NotificationRefused');
      }
      throw new Error(`the notification webhook answered ${response.status}; will retry`);
    },
  };
}

export type CorridorActivities = ReturnType<typeof createCorridorActivities>;
