// The large run's way in: movements parked the way a go-live brings the ones already on the
// road into Corridor. The departure country's system records them (lodged by their declarant,
// released by the departure officer, POST /admin/released-movements, a commit per thousand),
// its journal carries them, and Corridor's journal consumer starts each one's workflow and
// carries its release, which forwards the AAR to the destination's system. Nothing here calls
// Corridor: the run watches how many movements Corridor holds RELEASED, and says, every ten
// seconds, how many, how fast, and how much memory the worker and the server hold.
import type { Client } from '@temporalio/client';
import type { CountryCode } from '../../src/domain/countries.ts';
import type { Declaration, PlannedRoute } from '../../src/domain/types.ts';
import { sampleAll, type Pids } from './proc.ts';

export interface JournalPark {
  recorded: number;
  /** Movements the national system refused, with its answer (a guarantee run dry, …). */
  refused: string[];
  /** RELEASED transits Corridor holds beyond those it held before. */
  parked: number;
  /** Seconds from the first movement recorded to the last one in flight in Corridor. */
  seconds: number;
  /** Seconds the national system took to record them all. */
  recordSeconds: number;
  /** The slowest ten-second stretch while parking, in movements per second (a stall shows here). */
  slowestRate: number;
  /** Peak resident memory seen while parking, per process (MiB). */
  peakRssMiB: Record<string, number>;
}

const PER_CALL = 1000;
const EVERY_MS = 10_000;
const NEAR_THE_END_MS = 1_000;

/**
 * When the run looks again at how many are in flight. Each look is a count over every movement
 * in flight (visibility reads them all), so it looks every ten seconds, and every second only
 * over the last hundredth, to see the end promptly. Until 2026-11-30 it looked every second from
 * the moment the national system had recorded them all (the first minutes of a 100,000 run): 15 %
 * of the server's CPU with 39,000 in flight (perf), growing with them.
 */
export function nextLookInMs(at: { recordingDone: boolean; parked: number; recorded: number }): number {
  if (!at.recordingDone) return EVERY_MS;
  const left = at.recorded - at.parked;
  return left <= Math.max(10, at.recorded / 100) ? NEAR_THE_END_MS : EVERY_MS;
}

export class ParkingStalled extends Error {}

export async function parkThroughJournal(args: {
  sandboxUrl: string;
  client: Client;
  namespace: string;
  declaration: Declaration;
  plan: PlannedRoute;
  count: number;
  /** Transits the journal has put in flight so far (the caller counts out those held before and the overdue cohort). */
  carried: () => Promise<number>;
  pids: Pids;
  /** No progress for this long is a stall: the run stops and says so. */
  stallMs?: number;
  lrn: (index: number) => string;
}): Promise<JournalPark> {
  const stallMs = args.stallMs ?? 180_000;
  const departure = args.plan.departureOffice.code;
  const timeLimit = new Date(Date.now() + (args.plan.legs[0]?.timeLimitHours ?? 72) * 3_600_000).toISOString();
  const peak: Record<string, number> = {};
  const sample = () => {
    const now = sampleAll(args.pids);
    for (const [name, s] of Object.entries(now)) if (s) peak[name] = Math.max(peak[name] ?? 0, s.rssBytes / 2 ** 20);
    return now;
  };
  const started = performance.now();
  const refused: string[] = [];
  let recorded = 0;
  // Recorded in the background, a thousand a commit: the consumer starts on the first ones meanwhile.
  const recording = (async () => {
    for (let from = 0; from < args.count; from += PER_CALL) {
      const lrns = Array.from({ length: Math.min(PER_CALL, args.count - from) }, (_, i) => args.lrn(from + i));
      const response = await fetch(new URL('/admin/released-movements', args.sandboxUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ declaration: args.declaration, lrns, office: departure, timeLimit }),
      });
      const body = (await response.json()) as { mrns?: string[]; refused?: { lrn: string; status: number; body: string }[]; reason?: string };
      if (!response.ok) throw new Error(`POST /admin/released-movements answered ${response.status}: ${body.reason ?? JSON.stringify(body)}`);
      recorded += body.mrns?.length ?? 0;
      for (const r of body.refused ?? []) refused.push(`${r.lrn}: ${r.status} ${r.body.slice(0, 200)}`);
    }
    return (performance.now() - started) / 1000;
  })();
  let recordSeconds: number | undefined;
  recording.then(
    (s) => (recordSeconds = s),
    () => undefined,
  );

  let parked = 0;
  let slowestRate = Number.POSITIVE_INFINITY;
  let lastChange = performance.now();
  let previous = { at: performance.now(), parked: 0 };
  for (;;) {
    await Promise.race([
      new Promise((r) => setTimeout(r, nextLookInMs({ recordingDone: recordSeconds !== undefined, parked, recorded }))),
      // The recording's end (or failure) is seen at once, the first time only.
      ...(recordSeconds === undefined ? [recording.catch(() => undefined)] : []),
    ]);
    // A national system that failed to record is the run's failure, said at once.
    if (recordSeconds === undefined) await Promise.race([recording, Promise.resolve()]);
    const now = performance.now();
    parked = await args.carried();
    const current = sample();
    const rate = ((parked - previous.parked) * 1000) / (now - previous.at);
    if (parked > previous.parked) lastChange = now;
    if (now - previous.at >= EVERY_MS * 0.9) {
      if (previous.parked > 0 && parked < recorded + refused.length) slowestRate = Math.min(slowestRate, rate);
      const rss = ['worker', 'server'].map((name) => `${name} ${Math.round((current[name]?.rssBytes ?? 0) / 2 ** 20)} MiB`).join(', ');
      const elapsed = (now - started) / 1000;
      process.stderr.write(
        `large: ${parked.toLocaleString('en')} / ${args.count.toLocaleString('en')} in flight (${recorded.toLocaleString('en')} recorded in ${args.plan.departureCountry as CountryCode}'s journal), ` +
          `${rate.toFixed(1)}/s now, ${(parked / elapsed).toFixed(1)}/s overall, ${elapsed.toFixed(0)} s; ${rss}\n`,
      );
      previous = { at: now, parked };
    }
    if (recordSeconds !== undefined && parked >= recorded) break;
    if (now - lastChange > stallMs) {
      throw new ParkingStalled(
        `parking stalled: ${parked} of ${recorded} recorded movements in flight, none more for ${Math.round(stallMs / 1000)} s (see the worker's log under the run folder, --keep)`,
      );
    }
  }
  return {
    recorded,
    refused,
    parked,
    seconds: (performance.now() - started) / 1000,
    recordSeconds: recordSeconds ?? Number.NaN,
    slowestRate: Number.isFinite(slowestRate) ? slowestRate : Number.NaN,
    peakRssMiB: Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, Math.round(v)])),
  };
}
