// Forwarding latency on the national path: declarants and officers record their acts in their
// own national systems (the sandboxes' screens, `simulate --via national`) at a steady rate (an
// open loop, as the latency phase drives today's path), Corridor carries them across through
// each country's journal consumer, and the two systems' journals say when each act was recorded
// and when the other system received what it needed.
import type { CountryCode } from '../../src/domain/countries.ts';
import type { Declaration, PlannedRoute } from '../../src/domain/types.ts';
import { type ApiClient, withLrn } from '../../src/simulation/lifecycle.ts';
import { driveNationalLifecycle, type NationalScreens } from '../../src/simulation/national-screens.ts';
import { simulatedLrn } from '../../src/simulation/simulate.ts';
import {
  forwardingFigures,
  type ForwardingFigure,
  type ForwardingSample,
  type JournalEntry,
  journalHead,
  pairForwards,
  readJournal,
} from '../lib/forwarding.ts';
import { openLoop, type OpenLoopWindow } from '../lib/open-loop.ts';
import type { Probe } from '../lib/window.ts';

export interface Journals {
  urls: Record<CountryCode, string>;
  /** Corridor's credential of each system, for a journal that asks for one. */
  tokens: Partial<Record<CountryCode, string>>;
}

export interface ForwardingRun {
  window: OpenLoopWindow;
  rate: number;
  started: number;
  samples: ForwardingSample[];
  figures: ForwardingFigure[];
  /** The finished movements whose departure record reached WRITTEN_OFF. */
  writtenOff: string[];
}

export async function runForwarding(args: {
  label: string;
  api: ApiClient;
  screens: NationalScreens;
  journals: Journals;
  probe: Probe;
  declaration: Declaration;
  plan: PlannedRoute;
  rate: number;
  seconds: number;
}): Promise<ForwardingRun> {
  const countries = Object.keys(args.journals.urls) as CountryCode[];
  const heads = Object.fromEntries(
    await Promise.all(countries.map(async (c) => [c, await journalHead(args.journals.urls[c], args.journals.tokens[c])] as const)),
  ) as Record<CountryCode, number>;
  const { window, started } = await openLoop({
    label: args.label,
    probe: args.probe,
    rate: args.rate,
    seconds: args.seconds,
    lifecycle: (i) => driveNationalLifecycle(args.screens, args.api, withLrn(args.declaration, simulatedLrn(i)), args.plan),
  });
  // A lifecycle returns once Corridor shows the movement DISCHARGED. The departure system writes
  // off its leg with the entry notice (or, for a movement whose notice failed, after the
  // discharge). Read until every finished movement's departure record is WRITTEN_OFF (or 30 s
  // pass: what is missing then is counted as missing).
  const mrns = new Set(window.result.outcomes.map((o) => o.mrn));
  const deadline = Date.now() + 30_000;
  let journals: Record<CountryCode, JournalEntry[]>;
  let writtenOff: Set<string>;
  for (;;) {
    journals = Object.fromEntries(
      await Promise.all(countries.map(async (c) => [c, await readJournal(args.journals.urls[c], args.journals.tokens[c], heads[c])] as const)),
    ) as Record<CountryCode, JournalEntry[]>;
    writtenOff = new Set(
      Object.values(journals)
        .flat()
        .filter((e) => e.state === 'WRITTEN_OFF')
        .map((e) => e.mrn),
    );
    if ([...mrns].every((m) => writtenOff.has(m)) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const samples = pairForwards(journals, mrns);
  return { window, rate: args.rate, started, samples, figures: forwardingFigures(samples), writtenOff: [...mrns].filter((m) => writtenOff.has(m)) };
}
