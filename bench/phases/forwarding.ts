// Forwarding latency on the national path: declarants and officers record their acts in their
// own national systems (the sandboxes' screens, `simulate --via national`) at a steady rate (an
// open loop, as the latency phase drives today's path), Corridor carries them across through
// each country's journal consumer, and the two systems' journals say when each act was recorded
// and when the other system received what it needed.
import type { Declaration, PlannedRoute } from '../../src/domain/types.ts';
import { type ApiClient, withLrn } from '../../src/simulation/lifecycle.ts';
import { driveNationalLifecycle, type NationalScreens } from '../../src/simulation/national-screens.ts';
import { simulatedLrn } from '../../src/simulation/simulate.ts';
import {
  forwardingFigures,
  type ForwardingFigure,
  type ForwardingSample,
  type Journals,
  journalHeads,
  pairForwards,
  readUntilWrittenOff,
} from '../lib/forwarding.ts';
import { openLoop, type OpenLoopWindow } from '../lib/open-loop.ts';
import type { Probe } from '../lib/window.ts';

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
  const heads = await journalHeads(args.journals);
  const { window, started } = await openLoop({
    label: args.label,
    probe: args.probe,
    rate: args.rate,
    seconds: args.seconds,
    lifecycle: (i) => driveNationalLifecycle(args.screens, args.api, withLrn(args.declaration, simulatedLrn(i)), args.plan),
  });
  const mrns = new Set(window.result.outcomes.map((o) => o.mrn));
  const { journals, writtenOff } = await readUntilWrittenOff(args.journals, heads, mrns);
  const samples = pairForwards(journals, mrns);
  return { window, rate: args.rate, started, samples, figures: forwardingFigures(samples), writtenOff };
}
