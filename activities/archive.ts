// The archiver's activity: one long heartbeating loop on the transits queue that, every
// CORRIDOR_ARCHIVE_POLL_SECONDS, archives the movements closed since its cursor and notes which
// archived ones Temporal no longer holds; and purges rows past the archive's retention. The heartbeat holds the cursor, so a retried attempt resumes where the
// last one got to; the archive is opened for the attempt and closed with it.
import { Context } from '@temporalio/activity';
import { archiveClosedSince, purgeExpired, sweepLeftTemporal, type ArchiverDeps } from '../src/archive/archiver.ts';
import type { ArchiveStore } from '../src/archive/store.ts';

export interface ArchiveActivityDeps extends Omit<ArchiverDeps, 'store'> {
  openStore: () => Promise<ArchiveStore>;
  pollMs: number;
  retentionDays: number;
}

export interface ArchiveClosedInput {
  /** Closing time already archived up to (ISO); '' at the very start. */
  cursor: string;
  /** How long this attempt runs before it hands its cursor back to the archiver workflow. */
  runForMs: number;
}

// Well inside the archiver workflow's heartbeat timeout, whatever the poll interval.
const HEARTBEAT_EVERY_MS = 5_000;

export function createArchiveActivities({ openStore, pollMs, retentionDays, ...deps }: ArchiveActivityDeps) {
  return {
    async archiveClosed({ cursor: from, runForMs }: ArchiveClosedInput): Promise<string> {
      const context = Context.current();
      const heartbeat = context.info.heartbeatDetails as string | undefined;
      let cursor = typeof heartbeat === 'string' && heartbeat > from ? heartbeat : from;
      const until = Date.now() + runForMs;
      const store = await openStore();
      try {
        while (!context.cancellationSignal.aborted) {
          const pass = await archiveClosedSince({ ...deps, store }, cursor, () => context.heartbeat(cursor));
          cursor = pass.cursor;
          await sweepLeftTemporal({ ...deps, store });
          // An index range on the closing time: nothing to do on almost every pass.
          const purged = await purgeExpired(store, retentionDays);
          if (purged > 0) deps.logger.info({ purged, retentionDays }, 'archive: rows past retention purged');
          context.heartbeat(cursor);
          if (Date.now() >= until) break;
          for (let waited = 0; waited < pollMs && Date.now() < until; waited += HEARTBEAT_EVERY_MS) {
            await context.sleep(Math.min(HEARTBEAT_EVERY_MS, pollMs - waited));
            context.heartbeat(cursor);
          }
        }
      } finally {
        await store.close();
      }
      return cursor;
    },
  };
}

export type ArchiveActivities = ReturnType<typeof createArchiveActivities>;
