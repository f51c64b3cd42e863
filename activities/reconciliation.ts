// The reconciliation's side effects. On `transits`: the movements a run compares (Temporal
// visibility). On each `national-XX` queue, next to that country's system and with only its
// credential: that system's records against Corridor's states, and the acts its journal holds
// that Corridor missed carried to their movements, vouched for with the country's own key as its
// journal consumer does. So no worker needs both countries' credentials.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { TransitClient } from '../src/client/transits.ts';
import type { Config } from '../src/config/env.ts';
import type { CountryCode } from '../src/domain/countries.ts';
import type { Logger } from '../src/logging/logger.ts';
import type { NationalSystemClient } from '../src/national/client.ts';
import { Context } from '@temporalio/activity';
import type { ComparisonMemory } from '../src/reconciliation/memory.ts';
import { type CountryProgress, type Listing, movementsToCompare, reconcileCountry } from '../src/reconciliation/reconcile.ts';
import type { CountryReconciliation } from '../src/reconciliation/report.ts';

const ListInput = z.object({ closedWithinDays: z.number().min(0), at: z.iso.datetime() });
export type ListMovementsInput = z.input<typeof ListInput>;

// Either the movements to compare, or how far back to list them: the part lists them itself, as
// 100,000 MRNs are more than a Temporal payload may carry (2 MB).
const CountryInput = z
  .object({
    mrns: z.array(z.string()).optional(),
    closedWithinDays: z.number().min(0).optional(),
    at: z.iso.datetime(),
    graceMs: z.number().int().min(0),
  })
  .refine((input) => input.mrns !== undefined || input.closedWithinDays !== undefined, { message: 'expected mrns or closedWithinDays' });
export type ReconcileNationalRecordsInput = z.input<typeof CountryInput>;

/** An earlier attempt's heartbeat; the differences are taken as that attempt reported them. */
const Progress = z.object({
  done: z.number().int().min(0),
  first: z.string().optional(),
  last: z.string().optional(),
  pending: z.number().int().min(0),
  differences: z.array(z.looseObject({ mrn: z.string(), kind: z.string() })),
  unreachable: z.string().optional(),
  unchanged: z.number().int().min(0).optional(),
});
const BEAT_EVERY_MS = 5_000;

/** Where a retried attempt goes on from: its last heartbeat's details, or nowhere if they are not a part's progress. */
export function resumeFrom(heartbeatDetails: unknown): CountryProgress | undefined {
  const parsed = Progress.safeParse(heartbeatDetails);
  return parsed.success ? (parsed.data as unknown as CountryProgress) : undefined;
}

export function createReconciliationListActivities(deps: { client: Client; config: Pick<Config, 'taskQueues'> }) {
  return {
    async listMovementsToReconcile(input: ListMovementsInput): Promise<string[]> {
      const { closedWithinDays, at } = ListInput.parse(input);
      return movementsToCompare(deps.client, deps.config, closedWithinDays, new Date(at));
    },
  };
}

export function createNationalReconciliationActivities(deps: {
  country: CountryCode;
  system: NationalSystemClient;
  transits: TransitClient;
  /** The movements a run compares (Temporal visibility), sorted. */
  list: (closedWithinDays: number, at: Date, listing: Listing) => Promise<string[]>;
  /** What this country's part remembers of its clean comparisons (src/reconciliation/memory.ts); absent: every state is read. */
  memory?: ComparisonMemory;
  logger: Logger;
}) {
  return {
    async reconcileNationalRecords(input: ReconcileNationalRecordsInput): Promise<CountryReconciliation> {
      const parsed = CountryInput.parse(input);
      const { at, graceMs } = parsed;
      const context = Context.current();
      // Heartbeats at most every BEAT_EVERY_MS unless `now`: the SDK paces what it sends, but
      // building and converting details for each movement is not worth it.
      let beatAt = 0;
      const beat = (details: unknown, now = false) => {
        if (!now && Date.now() - beatAt < BEAT_EVERY_MS) return;
        beatAt = Date.now();
        context.heartbeat(details);
      };
      // Listing takes minutes at scale. Without a heartbeat meanwhile each attempt timed out after
      // two minutes and the next listed again beside it: with 44,000 to 68,000 in flight, seven
      // attempts in 22 minutes, the server answering some 30 list calls a minute at 5 to 34 s each,
      // and movements parking at half their pace (bench --large, 2026-11-30). The heartbeat
      // repeats the last attempt's details, so a retry still goes on from that attempt's progress.
      const mrns =
        parsed.mrns ??
        (await deps.list(parsed.closedWithinDays ?? 7, new Date(at), {
          signal: context.cancellationSignal,
          onListed: () => beat(context.info.heartbeatDetails),
        }));
      // A retried attempt (the last one timed out, or its worker went) goes on from its last heartbeat.
      const resume = resumeFrom(context.info.heartbeatDetails);
      const part = await reconcileCountry(
        {
          country: deps.country,
          system: deps.system,
          state: (mrn) => deps.transits.state(mrn),
          deliver: (event) => deps.transits.deliverNationalEvent(event),
          ...(deps.memory ? { memory: { store: deps.memory, historyLength: (mrn: string) => deps.transits.historyLength(mrn) } } : {}),
          logger: deps.logger,
        },
        mrns,
        {
          now: new Date(at),
          graceMs,
          resume,
          signal: context.cancellationSignal,
          progress: (progress) => beat(progress, progress.done >= mrns.length),
        },
      );
      // Timed out or cancelled: this attempt stops here, the next goes on from the heartbeat.
      if (context.cancellationSignal.aborted) await context.cancelled;
      part.movements = mrns.length;
      deps.logger.info(
        { country: deps.country, movements: mrns.length, unchanged: part.unchanged, differences: part.differences.length, unreachable: part.unreachable },
        'reconciliation: national records compared',
      );
      return part;
    },
  };
}

export type ReconciliationListActivities = ReturnType<typeof createReconciliationListActivities>;
export type NationalReconciliationActivities = ReturnType<typeof createNationalReconciliationActivities>;
