// The journal consumer of one country: reads the national system's journal with a cursor and
// carries each officer's act to its movement (starting the movement for a declaration lodged in
// the departure country's own system). It runs as one long heartbeating activity on that
// country's task queue, next to its system: the heartbeat holds the cursor, so after a crash
// the next attempt resumes from the last event the server accepted; an event sent again is
// applied once by the movement, which knows each event id.
import { Context } from '@temporalio/activity';
import type { TransitClient } from '../src/client/transits.ts';
import type { CountryCode } from '../src/domain/countries.ts';
import { planRoute } from '../src/domain/route-plan.ts';
import { createHttpTransport, type HttpTransport } from '../src/national/http-transport.ts';
import type { Declaration, ReferenceData } from '../src/domain/types.ts';
import { forMovement, type Logger } from '../src/logging/logger.ts';
import type { NationalEvent } from '../workflows/model.ts';

export interface JournalPage {
  events: Omit<NationalEvent, 'country'>[];
  lastSequence: number;
  headSequence?: number;
}

/**
 * What the consumer heartbeats: its cursor (where a retried attempt resumes) and how far
 * behind the journal it is, read by the API for the console, /health and /metrics.
 */
export interface JournalProgress {
  cursor: number;
  /** The journal's last sequence when last read. */
  head: number;
  /** When the oldest event not yet carried was recorded in the national system; null when caught up. */
  oldestUnconsumedAt: string | null;
  /** When the journal was last read; null before a first read. */
  readAt: string | null;
}

/** The last read time in a heartbeat (none in a bare-cursor heartbeat of an earlier version). */
function readAtOf(details: unknown): string | null {
  const readAt = (details as Partial<JournalProgress> | undefined)?.readAt;
  return typeof readAt === 'string' ? readAt : null;
}

/** The cursor in a heartbeat of this or an earlier version (a bare number). */
export function cursorOf(details: unknown): number | undefined {
  if (typeof details === 'number') return details;
  const cursor = (details as Partial<JournalProgress> | undefined)?.cursor;
  return typeof cursor === 'number' ? cursor : undefined;
}

/** Reads the journal after `cursor`; waits up to `waitSeconds` for a first event. */
export type ReadJournal = (cursor: number, options: { limit: number; waitSeconds: number; signal?: AbortSignal }) => Promise<JournalPage>;

export interface JournalActivityDeps {
  country: CountryCode;
  read: ReadJournal;
  transits: TransitClient;
  reference: ReferenceData;
  logger: Logger;
}

export interface ConsumeJournalInput {
  /** The last sequence already carried. */
  cursor: number;
  /** How long this attempt runs before it hands its cursor back to the feed workflow. */
  runForMs: number;
}

/**
 * Movements of one journal page carried at the same time (each one's events in order). With
 * 30,000 waiting in Togo's journal (bench --large --parked 30000, 2026-11-28) 128 at once carried
 * 4.5 a second, 32 carried 11.4, 8 carried 23: past a few at once the starts and signals only
 * queue for the dev server's database. 8 was not kept because a 10,000 run at 8 stalled the
 * workflow worker; that stall came from concurrent queries, not from the pace (src/worker/tuning.ts),
 * and the pace is now set by the transits queue's backlog (MOST_WAITING_TASKS), under which 32
 * parks 10,000 at 32 a second. Not measured again at 8 since.
 */
const MOVEMENTS_AT_ONCE = 32;

/**
 * Workflow tasks waiting on the transits queue past which the consumer waits before its next
 * page. Carrying is faster than the workflow worker takes the movements up (a start or a signal is
 * accepted before the movement acts on it), and a queue the server must keep in its database hands
 * its tasks over at a fraction of the pace: with Togo's 99,000-event go-live backlog carried
 * unpaced (bench --large, 2026-11-29) 27,000 tasks waited, 5 minutes old, handed over at 12 a second
 * while 71 came in, and movements parked at 12 a second against 33 with 10,000.
 */
// Counted on the normal queue only: a signal to a movement the worker has cached goes to its
// sticky queue, which the statistics leave out; a go-live's new movements all start on the normal one.
const MOST_WAITING_TASKS = 200;

/**
 * Pages with fewer events than this are carried without asking the server about the queue: a
 * backlog comes in full pages (200), while a page of a few acts is the day's traffic, which adds a
 * few tasks and must reach its movements at once. Asking for every page cost the national path
 * about one DescribeTaskQueue per lifecycle (bench, 2026-11-29: 0.95).
 */
const PACED_PAGE_EVENTS = 50;

/** Runs `work` on every item, at most `limit` at a time; the first failure fails the whole. */
async function eachAtOnce<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

export function createJournalActivities({ country, read, transits, reference, logger }: JournalActivityDeps) {
  return {
    async consumeJournal({ cursor: from, runForMs }: ConsumeJournalInput): Promise<number> {
      const context = Context.current();
      // A retried attempt resumes where the last one said it had got to.
      // Exported with the worker's Temporal metrics (Prometheus), which the API's /metrics appends.
      const consumed = context.metricMeter.createCounter(
        'corridor_journal_events_consumed',
        'events',
        "Events read from a country's national system journal, per type and source",
      );
      let cursor = Math.max(from, cursorOf(context.info.heartbeatDetails) ?? 0);
      let head = cursor;
      // The attempt's first heartbeat has read nothing yet: it keeps the last attempt's read time,
      // so a retry after a failure is not taken for a journal read again (src/interconnection/journal-status.ts).
      let readAt = readAtOf(context.info.heartbeatDetails);
      const progress = (oldestUnconsumedAt: string | null): JournalProgress => ({ cursor, head, oldestUnconsumedAt, readAt });
      context.heartbeat(progress(null));
      const until = Date.now() + runForMs;
      while (Date.now() < until && !context.cancellationSignal.aborted) {
        const page = await read(cursor, { limit: 200, waitSeconds: 10, signal: context.cancellationSignal });
        readAt = new Date().toISOString();
        head = Math.max(head, page.headSequence ?? page.lastSequence);
        if (page.events.length === 0) {
          context.heartbeat(progress(null));
          continue;
        }
        context.heartbeat(progress(page.events[0]!.at));
        // Gave up waiting (the attempt's time is up, or it is cancelled): the page stays for the next attempt.
        if (page.events.length >= PACED_PAGE_EVENTS && !(await untilWorkflowsKeepUp(() => context.heartbeat(progress(page.events[0]!.at))))) break;
        // Each movement's events in their journal order; different movements at once, so that a
        // backlog (a go-live's movements already on the road, a consumer back from an outage) is
        // carried at the engine's pace rather than one round trip at a time. The cursor moves past
        // the page once all of it is carried: a retried attempt carries the page again, and each
        // movement applies an event it already has once.
        const byMovement = new Map<string, NationalEvent[]>();
        for (const published of page.events) {
          const event: NationalEvent = { ...published, country };
          byMovement.set(event.mrn, [...(byMovement.get(event.mrn) ?? []), event]);
        }
        await eachAtOnce([...byMovement.values()], MOVEMENTS_AT_ONCE, async (events) => {
          for (const event of events) {
            await carry(event);
            consumed.add(1, { country, type: event.type, source: event.source });
          }
          context.heartbeat(progress(page.events[0]!.at));
        });
        cursor = page.events[page.events.length - 1]!.sequence;
        context.heartbeat(progress(cursor < head ? page.events[page.events.length - 1]!.at : null));
      }
      return cursor;

      /**
       * Waits while the transits queue holds more than MOST_WAITING_TASKS (a server that cannot
       * say: no wait); false when it gave up (time up, cancelled) with the queue still long.
       */
      async function untilWorkflowsKeepUp(beat: () => void): Promise<boolean> {
        for (;;) {
          const waiting = await transits.waitingWorkflowTasks();
          if (waiting === undefined || waiting <= MOST_WAITING_TASKS) return true;
          if (Date.now() >= until || context.cancellationSignal.aborted) return false;
          beat();
          // Short: a queue that drains in a moment (a busy second of the national path) costs little wait.
          await context.sleep(250);
        }
      }
    },
  };

  async function carry(event: NationalEvent): Promise<void> {
    const log = forMovement(logger, event.mrn).child({ country, event: event.id, type: event.type });
    // What Corridor wrote itself comes back as the system's confirmation: it is not an act to carry.
    if (event.source === 'interconnection') return;
    if (event.type === 'DECLARATION_REGISTERED') {
      const declaration = event.data.declaration as Declaration | undefined;
      const planned = declaration ? planRoute(declaration.route, reference) : undefined;
      if (!declaration || !planned?.ok) {
        log.warn({ errors: planned && !planned.ok ? planned.errors : undefined }, 'journal: a registration Corridor cannot plan; left to the reconciliation');
        return;
      }
      const guarantee = event.data.guarantee as { grn: string; amountXof: number } | undefined;
      const started = await transits.startFromNationalRegistration({
        event,
        declaration,
        route: planned.plan,
        registeredIn: {
          country,
          eventId: event.id,
          at: event.at,
          officer: event.officer,
          reference: typeof event.data.reference === 'string' ? event.data.reference : undefined,
          guarantee,
        },
      });
      log.info({ started }, started ? 'journal: movement started from its registration' : 'journal: registration of a closed movement');
      return;
    }
    const delivered = await transits.deliverNationalEvent(event);
    if (delivered) log.info('journal: act carried to its movement');
    else log.warn('journal: no running movement for this act; left to the reconciliation');
  }
}

export type JournalActivities = ReturnType<typeof createJournalActivities>;

/** Reads a national system's journal over HTTP (GET /v1/events), with the country's credential, on kept-alive connections. */
export function httpJournalReader(baseUrl: string, headers: Record<string, string> = {}, transport: HttpTransport = createHttpTransport()): ReadJournal {
  return async (cursor, { limit, waitSeconds, signal }) => {
    const url = new URL('/v1/events', baseUrl);
    url.searchParams.set('after', String(cursor));
    url.searchParams.set('limit', String(limit));
    url.searchParams.set('wait', String(waitSeconds));
    // The long poll's own wait, and time to answer: a connection that hangs beyond is given up and read again.
    const exchange = await transport.send(url.href, { method: 'GET', headers, timeoutMs: waitSeconds * 1000 + 30_000, ...(signal ? { signal } : {}) });
    if (exchange.status < 200 || exchange.status >= 300) throw new Error(`the journal at ${url.origin} answered ${exchange.status}`);
    return JSON.parse(exchange.text) as JournalPage;
  };
}
