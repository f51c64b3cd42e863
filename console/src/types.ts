// The API's answers as the console reads them: the server's own types, imported as types only
// (esbuild drops them from the bundle), so a change on the server that the console would
// misread fails the console's type check instead of a page.
import type { Actor } from '../../src/auth/actor.ts';
import type { Words } from '../../src/domain/words.ts';
import type { NotificationRecord as WorkflowNotification, TransitState as WorkflowState } from '../../workflows/model.ts';

export type { BorderTruck, OfficeCounts, Overview } from '../../src/indicators/overview.ts';
export type { Indicators } from '../../src/indicators/figures.ts';
export type { Crossing } from '../../workflows/model.ts';
export type { TransitSummary } from '../../src/client/transits.ts';
export type { Desk, DeskRow } from '../../src/api/routes/overview.ts';

/** GET /me. */
export type Me = Actor & { officeName?: string };

/**
 * A notification as a movement's state holds it: `message` ({code, fr, en}) since the one shape
 * for words; a movement notified before it has only the `subject` string. Optional here either way,
 * since old movements' records never gain it.
 */
export type NotificationRecord = Omit<WorkflowNotification, 'message'> & { message?: Words | undefined };

/** GET /transits/:mrn: the workflow's state and what the signed-in user may do now. */
export type TransitState = Omit<WorkflowState, 'notifications'> & {
  notifications: NotificationRecord[];
  allowedActions: string[];
  /** Countries whose national system a fallback act of the movement still waits for. */
  waitingForSystems?: string[];
};

/** GET /interconnection: each country's journal as Corridor's consumer reads it, and the forwarding time. */
export interface Interconnection {
  now: string;
  maxLagSeconds: number;
  journals: Array<{
    country: string;
    state: 'ok' | 'late' | 'unreadable' | 'stopped';
    backlog: number | null;
    lagSeconds: number | null;
    /** The consumer's last successful read, while the journal cannot be read. */
    unreadableSince: string | null;
    /** While it cannot be read: the open movements whose route goes through this country. */
    waiting?: { count: number; mrns: string[] };
    problem?: string;
  }>;
  forwarding: Array<{ from: string; to: string; count: number; p50Seconds: number; p95Seconds: number; p99Seconds: number }>;
}
