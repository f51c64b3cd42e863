// In-flight capacity: K transits parked mid-route (released, on the road to the border),
// the worker's and the server's resident memory before and after, and the time a supervisor
// takes to list the overdue ones among them, and an officer's desk at the first office after
// departure, where every parked movement is expected.
//
// Overdue ones are made honestly, by the procedure itself: a share of the K is lodged through
// a second API process whose CORRIDOR_TIME_SCALE shrinks the first leg's time limit (72 h) to
// a few seconds. Their deadline timers fire, the escalation ladder's first step runs and marks
// them Overdue, exactly as a late truck would be; the others keep a 72-hour deadline.
import type { Client } from '@temporalio/client';
import { Progress } from '../../src/simulation/progress.ts';
import { ApiClient, driveLifecycle, withLrn, type TokenFor } from '../../src/simulation/lifecycle.ts';
import { simulatedLrn } from '../../src/simulation/simulate.ts';
import type { Declaration, PlannedRoute } from '../../src/domain/types.ts';
import { defaultSeedPath, loadSeed } from '../../src/national/sandbox/seed.ts';
import { amountAtRisk } from '../../src/domain/amount-at-risk.ts';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import type { CorridorStack } from '../lib/stack.ts';
import { sampleAll, type Samples } from '../lib/proc.ts';
import { measure, type Window } from '../lib/window.ts';
import { parkThroughJournal, type JournalPark } from '../lib/journal-park.ts';

export interface CapacityRun {
  parked: number;
  /** Times the worker exited by itself during the phase (its stall watch) and was started again. */
  workerRestarts?: number;
  overdueWanted: number;
  overdueSeen: number;
  failures: string[];
  park: Window<void>;
  rssBefore: Samples;
  rssAfter: Samples;
  /** Time to page through every overdue movement with GET /transits?overdue=true, as a regional supervisor. */
  list: { items: number; pages: number; ms: number; pageSize: number };
  /** Time of one visibility count of them (what a dashboard shows). */
  countMs: number;
  /** The desk of an officer at the first office after departure, opened then read again after a poll's interval. */
  desk?: DeskReading;
  /** The journal's way in: the overdue ones listed and the desk opened while movements are still coming in, at each fifth of them. */
  whileParking?: ParkingLook[];
  /** Looks while parking that failed (a page refused under load), with why: a finding, not a movement lost. */
  looksFailed?: string[];
  overdueAfterSeconds: number | undefined;
  /** Goods values were multiplied by this so that every parked reservation fits in the guarantee (1: as the example). */
  valuesScaledBy: number;
  /** How the movements came in: today's path (each one driven through the API), or the departure country's journal (the large run). */
  via: 'api' | 'journal';
  journal?: JournalPark;
}

const REGIONAL = { user: 'bench-regional', role: 'regional' } as const;

export interface DeskRead {
  ms: number;
  /** The answer's size as JSON, in bytes. */
  bytes: number;
  present: number;
  expected: number;
  /** Expected rows shown before their state was read (no act offered yet). */
  pending: number;
  expectedTotal: number;
}

/** What a supervisor and an officer see while a go-live's movements are still coming in. */
export interface ParkingLook {
  /** Movements the journal had put in flight when the look began. */
  inFlight: number;
  list: CapacityRun['list'];
  desk: DeskRead;
}

export interface DeskReading {
  office: string;
  first: DeskRead;
  again: DeskRead;
}

export async function runCapacity(args: {
  label: string;
  stack: CorridorStack;
  serverPid: number | undefined;
  client: Client;
  namespace: string;
  tokenFor: TokenFor;
  declaration: Declaration;
  plan: PlannedRoute;
  parked: number;
  overdueShare: number;
  overdueAfterSeconds: number;
  concurrency: number;
  /** 'journal': only the overdue cohort through the API, the rest recorded in the departure system and carried by its journal. */
  via?: 'api' | 'journal';
}): Promise<CapacityRun> {
  const via = args.via ?? 'api';
  const { stack, plan } = args;
  const { declaration, scaledBy } = fitGuarantee(args.declaration, plan, args.parked);
  // The worker's pid as it is now: the stack starts it again if it exits by itself.
  const pids = {
    ...stack.pids,
    server: args.serverPid,
    get worker() {
      return stack.pids.worker;
    },
  };
  const mainApi = new ApiClient(stack.apiUrl, args.tokenFor);
  let overdueApi: ApiClient | undefined;
  let overdueAfterSeconds: number | undefined;
  let overdueWanted = Math.round(args.parked * args.overdueShare);
  if (overdueWanted > 0) {
    const firstLegHours = plan.legs[0]?.timeLimitHours ?? 72;
    overdueAfterSeconds = args.overdueAfterSeconds;
    try {
      const extra = await stack.startExtraApi('api-overdue', { CORRIDOR_TIME_SCALE: String((firstLegHours * 3600) / overdueAfterSeconds) });
      overdueApi = new ApiClient(extra.url, args.tokenFor);
    } catch (error) {
      process.stderr.write(`capacity: no overdue cohort (${error instanceof Error ? error.message : String(error)})\n`);
      overdueWanted = 0;
      overdueAfterSeconds = undefined;
    }
  }
  const baseline = await overdueCount(args.client, args.namespace);

  await settle();
  // Taken before the overdue cohort is lodged: the journal's count must not depend on how soon
  // visibility shows the cohort released (it once counted one of them as carried by the journal).
  const releasedBefore = via === 'journal' ? await releasedCount(args.client, args.namespace, stack.transitsQueue) : 0;
  const rssBefore = sampleAll(pids);
  const restartsBefore = stack.workerRestarts();
  const failures: string[] = [];
  const throughApi = via === 'api' ? args.parked : overdueWanted;
  const progress = new Progress(via === 'api' ? args.label : `${args.label} overdue cohort (API)`, throughApi);
  let journal: JournalPark | undefined;
  const whileParking: ParkingLook[] = [];
  const looksFailed: string[] = [];
  const firstOffice = plan.legs[0]?.to;
  const park = await measure({ pids, metricsUrl: stack.metricsUrl }, async () => {
    let next = 0;
    const lane = async () => {
      while (next < throughApi) {
        const index = next++;
        // The overdue cohort first, so their short deadlines pass while the rest are parked.
        const api = index < overdueWanted && overdueApi ? overdueApi : mainApi;
        try {
          await driveLifecycle(api, withLrn(declaration, simulatedLrn(index)), plan, { stopAfter: 'release' });
        } catch (error) {
          failures.push(String(error));
        }
        progress.tick();
      }
    };
    await Promise.all(Array.from({ length: Math.min(args.concurrency, throughApi) }, lane));
    if (via === 'journal') {
      const cohortReleased = throughApi - failures.length;
      const count = args.parked - throughApi;
      // The listing's goal holds under a go-live's load too, not only once it is over: look at each fifth.
      const lookEvery = Math.max(1, Math.ceil(count / 5));
      let nextLook = lookEvery;
      const carried = async () => (await releasedCount(args.client, args.namespace, stack.transitsQueue)) - releasedBefore - cohortReleased;
      journal = await parkThroughJournal({
        sandboxUrl: stack.sandboxUrls[plan.departureCountry],
        client: args.client,
        namespace: args.namespace,
        declaration,
        plan,
        count,
        carried: async () => {
          const inFlight = await carried();
          if (inFlight >= nextLook && inFlight < count && firstOffice) {
            nextLook = (Math.floor(inFlight / lookEvery) + 1) * lookEvery;
            const at = `large: while parking, at ${inFlight.toLocaleString('en')} in flight`;
            try {
              const look = { inFlight, list: await listOverdue(mainApi), desk: await openDesk(mainApi, firstOffice) };
              process.stderr.write(
                `${at}: ${look.list.items} overdue listed in ${Math.round(look.list.ms)} ms; ` +
                  `desk at ${firstOffice} in ${look.desk.ms} ms (${look.desk.expected} of ${look.desk.expectedTotal} expected, ${look.desk.pending} pending)\n`,
              );
              whileParking.push(look);
            } catch (error) {
              // A page that fails under load is a finding, not the run's end (nor a movement lost): said and kept.
              looksFailed.push(`${at}: ${error instanceof Error ? error.message : String(error)}`);
              process.stderr.write(`${looksFailed.at(-1)}\n`);
            }
          }
          return inFlight;
        },
        pids,
        lrn: (index) => simulatedLrn(throughApi + index),
      });
      failures.push(...journal.refused);
    }
  });

  // Every overdue one has fired its deadline and said so in visibility, or a minute has passed.
  let overdueSeen = (await overdueCount(args.client, args.namespace)) - baseline;
  const deadline = Date.now() + 60_000 + (overdueAfterSeconds ?? 0) * 1000;
  while (overdueSeen < overdueWanted && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    overdueSeen = (await overdueCount(args.client, args.namespace)) - baseline;
  }
  await settle();
  const rssAfter = sampleAll(pids);

  const countStarted = performance.now();
  await overdueCount(args.client, args.namespace);
  const countMs = performance.now() - countStarted;
  const list = await listOverdue(mainApi);
  const desk = firstOffice ? await readDesk(mainApi, firstOffice) : undefined;
  return {
    parked: args.parked - failures.length,
    workerRestarts: stack.workerRestarts() - restartsBefore,
    overdueWanted,
    overdueSeen,
    failures,
    park,
    rssBefore,
    rssAfter,
    list,
    countMs,
    ...(desk ? { desk } : {}),
    ...(via === 'journal' ? { whileParking, looksFailed } : {}),
    overdueAfterSeconds,
    valuesScaledBy: scaledBy,
    via,
    ...(journal ? { journal } : {}),
  };
}

/** Transits Corridor holds released and on the road to their first office (parked). */
async function releasedCount(client: Client, namespace: string, taskQueue: string): Promise<number> {
  const response = await client.workflowService.countWorkflowExecutions({
    namespace,
    query: `WorkflowType = 'transit' AND ExecutionStatus = 'Running' AND TransitStatus = 'RELEASED' AND TaskQueue = '${taskQueue}'`,
  });
  return Number(response.count ?? 0);
}

/**
 * Parked transits keep their guarantee reserved. The sandbox's corridor-wide guarantee (data/
 * sandbox) holds 65,000 of the example's reservations; for more, the parked declarations
 * declare proportionally smaller goods values, which changes nothing else in their path.
 */
function fitGuarantee(declaration: Declaration, plan: PlannedRoute, parked: number): { declaration: Declaration; scaledBy: number } {
  const seed = loadSeed(defaultSeedPath(plan.departureCountry));
  const guarantee = seed.guarantees.find((g) => g.grn === declaration.guarantee.grn);
  if (!guarantee) return { declaration, scaledBy: 1 };
  const atRisk = amountAtRisk(loadReferenceData().tariffs[plan.departureCountry], declaration.goodsItems).totalXof;
  // Leave a fifth of the guarantee for the other phases and for lifecycles left in flight.
  const room = (guarantee.referenceAmountXof * 0.8) / Math.max(1, parked);
  if (atRisk <= room) return { declaration, scaledBy: 1 };
  const scaledBy = Math.floor((room / atRisk) * 1000) / 1000;
  const scaled = structuredClone(declaration);
  for (const item of scaled.goodsItems) item.valueXof = Math.max(1, Math.floor(item.valueXof * scaledBy));
  return { declaration: scaled, scaledBy };
}

/** Lets the last tasks finish and garbage collection catch up before memory is read. */
function settle(ms = 5000): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function overdueCount(client: Client, namespace: string): Promise<number> {
  const response = await client.workflowService.countWorkflowExecutions({
    namespace,
    query: "WorkflowType = 'transit' AND ExecutionStatus = 'Running' AND Overdue = true",
  });
  return Number(response.count ?? 0);
}

async function listOverdue(api: ApiClient): Promise<CapacityRun['list']> {
  const pageSize = 1000;
  const started = performance.now();
  let items = 0;
  let pages = 0;
  let token: string | undefined;
  do {
    const query = `/transits?overdue=true&pageSize=${pageSize}${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`;
    const answer = await api.call<{ items: unknown[]; nextPageToken?: string }>('GET', query, REGIONAL);
    if (answer.status !== 200) throw new Error(`GET ${query} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    items += answer.body.items.length;
    pages++;
    token = answer.body.nextPageToken;
  } while (token);
  return { items, pages, ms: performance.now() - started, pageSize };
}

/** The desk as the console asks for it, once and again a poll's interval (4 s) later, when the states asked first have come. */
async function readDesk(api: ApiClient, office: string): Promise<DeskReading> {
  const first = await openDesk(api, office);
  await settle(4_000);
  return { office, first, again: await openDesk(api, office) };
}

async function openDesk(api: ApiClient, office: string): Promise<DeskRead> {
  const officer = { user: 'bench-officer', role: 'officer', office } as const;
  const started = performance.now();
  const answer = await api.call<{ present: unknown[]; expected: { pending?: boolean }[]; expectedTotal?: number }>('GET', '/desk', officer);
  const ms = performance.now() - started;
  if (answer.status !== 200) throw new Error(`GET /desk at ${office} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  const { present, expected, expectedTotal } = answer.body;
  return {
    ms: Math.round(ms),
    bytes: Buffer.byteLength(JSON.stringify(answer.body)),
    present: present.length,
    expected: expected.length,
    pending: expected.filter((row) => row.pending).length,
    expectedTotal: expectedTotal ?? expected.length,
  };
}
