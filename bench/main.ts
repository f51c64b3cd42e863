// `npm run bench`: how fast Corridor is, and how much of the cost is Corridor's own.
// Throughput of both paths (acts keyed in Corridor's API; acts recorded in the national
// systems and carried by the journals), each against Temporal's floor for its own shape, in
// the same rounds; forwarding latency on the national path and officer act latency under
// background load; memory of transits parked mid-route; a table on stdout, a JSON file and a
// chart under bench/results/. It measures; it asserts nothing.
// About 350 lines: the command's flags, its phases in order and the report; each phase's
// work is in bench/phases/.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { countries, loadConfig } from '../src/config/env.ts';
import { signToken } from '../src/auth/tokens.ts';
import { parseFlags, intFlag, stringFlag, UsageError, type Flags, type FlagSpec } from '../src/cli/args.ts';
import { ApiClient, type TokenFor } from '../src/simulation/lifecycle.ts';
import { exampleDeclaration } from '../src/simulation/simulate.ts';
import { temporalSettings } from '../src/temporal/connection.ts';
import { NationalScreens } from '../src/simulation/national-screens.ts';
import { DEVELOPMENT_USER_SECRET } from '../src/national/sandbox/users.ts';
import { stopAllChildren } from './lib/children.ts';
import { describeMachine } from './lib/machine.ts';
import { attachStack, startStack, type CorridorStack } from './lib/stack.ts';
import { runningTarget, targetFor } from './lib/targets.ts';
import { formatShape, nationalShape, pacedAsOfficers, parseShape, parseVariant, type FloorShape, type FloorVariant } from './floor/shape.ts';
import { startFloorRig, type FloorWait } from './phases/floor.ts';
import { ServerProfiler, serverProfileRefusal, type ServerProfile } from './lib/server-profile.ts';
import { corridorRig, runThroughput, type Rig, type RigRun } from './phases/throughput.ts';
import { runLatency } from './phases/latency.ts';
import { runCapacity } from './phases/capacity.ts';
import { reconciliationScheduleOf, timeReconciliationRuns } from './lib/reconciliation-runs.ts';
import { runForwarding } from './phases/forwarding.ts';
import { lifecyclesAtLevel, runScale, SCALE_LEVELS, type ScalePath } from './phases/scale.ts';
import {
  shapeDifferences,
  summariseCapacity,
  summariseCorridor,
  summariseFloor,
  summariseForwarding,
  summariseLatency,
  summariseScale,
  type BenchResult,
  type TargetResult,
} from './lib/result.ts';
import { renderTable } from './lib/table.ts';
import { renderChart } from './lib/chart.ts';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const phaseNames = ['floor', 'throughput', 'national', 'forwarding', 'latency', 'scale', 'capacity'] as const;
type Phase = (typeof phaseNames)[number];
// Capacity parks thousands of transits (minutes on two cores): named when wanted, so that the
// default run stays within ten minutes.
const defaultPhases: Phase[] = ['floor', 'throughput', 'national', 'forwarding', 'latency', 'scale'];

export interface BenchOptions {
  count: number;
  concurrency: number;
  warmup: number;
  rounds: number;
  rate: number;
  latencySeconds: number;
  /** Milliseconds between two acts of one movement in the latency run. */
  actGapMs: number;
  parked: number;
  parkConcurrency: number;
  overdueShare: number;
  overdueAfterSeconds: number;
  route: string;
  profiles: string[];
  api: string | undefined;
  phases: Phase[];
  out: string;
  floorShape: FloorShape;
  nationalFloorShape: FloorShape;
  floorWait: FloorWait;
  compare: FloorVariant[];
  /** --paced-national-floor: the national floor again, its signals paced as the officers' acts reach Corridor (pacedAsOfficers). */
  pacedNationalFloor: boolean;
  keep: boolean;
  cpuProf: string | undefined;
  serverProfile: string | undefined;
  scalePaths: ScalePath[];
  scaleLevels: number[];
  /** --large: the capacity run's movements carried in by the departure country's journal, 100,000 unless --parked says otherwise. */
  large: boolean;
  /** Reconciliation runs timed one after the other once the capacity run's movements are parked. */
  reconcileRuns: number;
  /**
   * Whether the stack's hourly reconciliation schedule runs (--hourly-reconciliation). Paused by
   * default: its interval falls on the hour whatever the run's start, so a run crossing it had the
   * paths share the cores with a comparison of every movement (over 100,000, hours of it), and the
   * reference large runs paused it by hand. --reconcile-runs times runs all the same.
   */
  hourlyReconciliation: boolean;
}

function options(flags: Flags): BenchOptions {
  const large = flags.large === true;
  const phases = stringFlag(flags, 'phases', large ? 'capacity' : defaultPhases.join(','))
    .split(',')
    .map((p) => p.trim());
  for (const phase of phases)
    if (!phaseNames.includes(phase as Phase)) throw new UsageError(`--phases: unknown phase ${phase} (expected ${phaseNames.join(', ')})`);
  const parkedRaw = stringFlag(flags, 'parked', large ? '100000' : '10000').replace(/k$/i, '000');
  // The large run's overdue cohort goes through today's path (its deadline shrunk by a second API's time scale): a hundredth of it.
  const share = Number(stringFlag(flags, 'overdue-share', large ? '0.01' : '0.1'));
  if (!(share >= 0 && share <= 1)) throw new UsageError('--overdue-share expects a number between 0 and 1');
  const rate = Number(stringFlag(flags, 'rate', '2'));
  if (!(rate > 0)) throw new UsageError('--rate expects a positive number of lifecycles per second');
  const concurrency = intFlag(flags, 'concurrency', 40);
  return {
    count: intFlag(flags, 'count', 200),
    concurrency,
    warmup: intFlag(flags, 'warmup', 20, 0),
    rounds: intFlag(flags, 'rounds', 2),
    rate,
    latencySeconds: intFlag(flags, 'latency-seconds', 60),
    actGapMs: intFlag(flags, 'act-gap', 1000, 0),
    parked: intFlag({ parked: parkedRaw }, 'parked', 10_000, 0),
    parkConcurrency: intFlag(flags, 'park-concurrency', concurrency),
    overdueShare: share,
    overdueAfterSeconds: intFlag(flags, 'overdue-after', 15),
    route: stringFlag(flags, 'route', 'lome-ouaga'),
    profiles: stringFlag(flags, 'profile', 'embedded')
      .split(',')
      .map((p) => p.trim()),
    api: flags.api === undefined ? undefined : stringFlag(flags, 'api'),
    phases: phases as Phase[],
    out: stringFlag(flags, 'out', RESULTS),
    floorShape: parseShape(
      flags['floor-shape'] === undefined ? undefined : stringFlag(flags, 'floor-shape'),
      flags['floor-timers'] === undefined ? undefined : stringFlag(flags, 'floor-timers'),
    ),
    nationalFloorShape: parseShape(
      flags['national-floor-shape'] === undefined ? undefined : stringFlag(flags, 'national-floor-shape'),
      flags['national-floor-timers'] === undefined ? undefined : stringFlag(flags, 'national-floor-timers'),
      nationalShape,
    ),
    floorWait: floorWait(stringFlag(flags, 'floor-wait', 'completed')),
    compare: [],
    pacedNationalFloor: flags['paced-national-floor'] === true,
    keep: flags.keep === true,
    cpuProf: flags['cpu-prof'] === undefined ? undefined : stringFlag(flags, 'cpu-prof'),
    serverProfile: flags['server-profile'] === undefined ? undefined : stringFlag(flags, 'server-profile'),
    scalePaths: scalePaths(stringFlag(flags, 'scale-paths', 'national')),
    scaleLevels: scaleLevels(stringFlag(flags, 'scale-levels', SCALE_LEVELS.join(','))),
    large,
    reconcileRuns: intFlag(flags, 'reconcile-runs', 0, 0),
    hourlyReconciliation: flags['hourly-reconciliation'] === true,
  };
}

function scaleLevels(value: string): number[] {
  const levels = value.split(',').map((v) => Number(v.trim()));
  if (levels.some((l) => !Number.isInteger(l) || l < 1)) throw new UsageError('--scale-levels expects positive whole numbers, e.g. 1,10,40,100');
  return levels;
}

function scalePaths(value: string): ScalePath[] {
  const paths = value.split(',').map((p) => p.trim());
  for (const p of paths) if (p !== 'national' && p !== 'today') throw new UsageError(`--scale-paths: unknown path ${p} (expected national, today)`);
  return paths as ScalePath[];
}

/**
 * What a run should take on two shared cores, from the reference runs' rates (about 3.5
 * lifecycles/s for either path or floor, a lifecycle alone in about 2 s, 8 transits parked per
 * second): said before it starts, so nobody waits blind.
 */
export function expectedSeconds(opts: BenchOptions): number {
  const rate = 3.5;
  let seconds = 30;
  const rigs =
    (opts.phases.includes('floor') ? 1 + opts.compare.length + (opts.phases.includes('national') ? (opts.pacedNationalFloor ? 2 : 1) : 0) : 0) +
    (opts.phases.includes('throughput') ? 1 : 0) +
    (opts.phases.includes('national') ? 1 : 0);
  seconds += (rigs * (opts.count + opts.warmup)) / rate;
  if (opts.phases.includes('forwarding')) seconds += opts.latencySeconds + 15;
  if (opts.phases.includes('latency')) seconds += opts.latencySeconds + 10 + (6 * opts.actGapMs) / 1000;
  if (opts.phases.includes('scale'))
    for (const _ of opts.scalePaths)
      for (const level of opts.scaleLevels) seconds += level === 1 ? lifecyclesAtLevel(level, opts.count) * 2 : lifecyclesAtLevel(level, opts.count) / rate + 5;
  // Today's path parks about 8 a second. The journal, the large run's way in, parks slower as the
  // movements in flight grow (two cores, 2026-11-29/30): about 40 a second with 3,000, 26 with
  // 10,000, 19 to 21 with 100,000.
  const journalRate = opts.parked <= 3000 ? 40 : opts.parked <= 10_000 ? 26 : 19;
  if (opts.phases.includes('capacity'))
    seconds += opts.large ? (opts.parked * opts.overdueShare) / 8 + (opts.parked * (1 - opts.overdueShare)) / journalRate + 120 : opts.parked / 8 + 90;
  return Math.round(seconds);
}

function floorWait(value: string): FloorWait {
  if (value !== 'completed' && value !== 'accepted') throw new UsageError('--floor-wait expects completed or accepted');
  return value;
}

const USAGE = `npm run bench -- [flags]
  --count N              lifecycles in the throughput run, for each path and each floor (200)
  --concurrency C        lifecycles driven at a time (40)
  --warmup W             unmeasured lifecycles before each throughput run (20)
  --rounds R             both paths and their floors take turns, N/R lifecycles at a time (2)
  --rate R               lifecycles started per second in the latency and forwarding runs (2)
  --latency-seconds D    length of the latency run, and of the forwarding run (60)
  --act-gap MS           time between two acts of one movement in the latency run (1000; 0: back to back,
                           each act then also waits for the previous act's forward to the other country)
  --parked K             transits parked mid-route in the capacity run (10000; 100k for the large run)
  --large                the capacity run alone, 100,000 movements in flight (or --parked K) carried in by Togo's journal
                           as a go-live brings the movements already on the road (a hundredth, the overdue ones, through the API);
                           progress every 10 s; about 90 minutes on two cores (printed at its start)
  --park-concurrency P   lifecycles parked at a time (C)
  --overdue-share S      share of the parked transits made overdue (0.1)
  --overdue-after T      seconds after release an overdue transit's deadline passes (15)
  --route ID             example declaration to drive (lome-ouaga)
  --floor-shape S        today's floor: updates and activity waves (1,1+1,1,1+1,1+1,1,1: lome-ouaga today)
  --floor-timers T       steps after which today's floor arms a deadline timer (1,2,4,5), or none
  --floor-wait W         the floor's client waits for updates completed (one call) or accepted then result (completed)
  --national-floor-shape S   the national path's floor: activity waves after each journal event (0,1,0,1,1,0,1+2)
  --national-floor-timers T  steps after which the national floor arms a deadline timer (1,2,4,5)
  --compare V[|V…]       variants of today's floor run in the same rounds, e.g. "shape=1,1+1,1,1+1,1+1,1,1+1|wait=accepted|timers=1"
  --paced-national-floor with floor and national: the national floor again in the same rounds, Burkina's three
                           signals sent once the AAR's activity has run (as its officers act on the AAR's record)
                           instead of with Togo's four, and the national path's ratio to it
  --profile P[,P…]       embedded (default), embedded-sync-normal, cluster (TEMPORAL_ADDRESS)
  --api URL              measure a stack already running there instead of starting one
  --scale-paths P[,P]    paths the scale phase drives: national, today (national)
  --scale-levels L[,L…]  lifecycles at a time in the scale phase (1,10,40,100), each level max(L, min(N, 2L, ≥ 10)) lifecycles
  --phases a,b           any of ${phaseNames.join(', ')} (${defaultPhases.join(',')})
                           floor: each path's floor; throughput: acts keyed in Corridor's API;
                           national: acts recorded in the national systems, carried by the journals;
                           forwarding: the national path's forwarding latency at --rate
                           latency: officer acts over Corridor's API at --rate
                           scale: rate and act latency at 1, 10, 40, 100 lifecycles at a time
                           capacity: --parked transits parked mid-route, memory, overdue listing
  The default run takes about 8 to 10 minutes on two shared cores (printed at its start).
  --out DIR              where the JSON and the chart go (bench/results/)
  --keep                 keep the run's folder (logs, databases)
  --reconcile-runs N     after the capacity run, N reconciliation runs one after the other (0): time, state queries, CPU
                           (the first compares every movement; the next only those changed since)
  --hourly-reconciliation  leave the stack's hourly reconciliation schedule running (paused otherwise, so that a run
                           crossing the hour measures the paths alone; --reconcile-runs times runs either way)
  --cpu-prof DIR         write a V8 CPU profile of each Corridor process into DIR (for finding Corridor's own cost)
  --server-profile DIR   sample the Temporal server with Linux perf while each path and floor of the throughput phase
                           runs (files in DIR): its CPU per lifecycle by operation, path beside floor, in the table
`;

const FLAGS: FlagSpec = {
  help: 'boolean',
  keep: 'boolean',
  large: 'boolean',
  'hourly-reconciliation': 'boolean',
  'paced-national-floor': 'boolean',
  ...Object.fromEntries(
    [
      'count',
      'concurrency',
      'warmup',
      'rounds',
      'rate',
      'latency-seconds',
      'act-gap',
      'parked',
      'park-concurrency',
      'reconcile-runs',
      'overdue-share',
      'overdue-after',
      'route',
      'floor-shape',
      'floor-timers',
      'floor-wait',
      'national-floor-shape',
      'national-floor-timers',
      'compare',
      'profile',
      'api',
      'phases',
      'out',
      'cpu-prof',
      'server-profile',
      'scale-paths',
      'scale-levels',
    ].map((name) => [name, 'string' as const]),
  ),
};

async function main(): Promise<void> {
  const { flags } = parseFlags(process.argv.slice(2), FLAGS);
  if (flags.help) {
    process.stdout.write(USAGE);
    return;
  }
  const opts = options(flags);
  if (flags.compare !== undefined) {
    opts.compare = stringFlag(flags, 'compare')
      .split('|')
      .map((spec) => parseVariant(spec.trim(), { name: 'floor', shape: opts.floorShape, wait: opts.floorWait }));
  }
  const startedAt = new Date();
  const machine = describeMachine();
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'corridor-bench-'));
  // Removed however the run ends (a large run's databases take gigabytes), unless --keep; a run
  // that fails (a stall) keeps its processes' logs, which are what tells why.
  removeRunDir = opts.keep
    ? undefined
    : (failed) => {
        if (!failed) return rmSync(runDir, { recursive: true, force: true });
        for (const entry of readdirSync(runDir)) if (!entry.endsWith('-logs')) rmSync(path.join(runDir, entry), { recursive: true, force: true });
        process.stderr.write(`bench: the run failed; its processes' logs are kept in ${runDir}\n`);
      };
  const config = loadConfig();
  const { declaration, plan } = exampleDeclaration(opts.route);
  process.stderr.write(
    `bench: ${machine.cores} cores (${machine.cpuModel}), ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB; run folder ${runDir}\n` +
      `bench: ${opts.phases.join(', ')} on ${opts.api ? `the stack at ${opts.api}` : opts.profiles.join(', ')}` +
      `, expected about ${Math.ceil((expectedSeconds(opts) * plans(opts).length) / 60)} min on two shared cores\n`,
  );

  const targets: TargetResult[] = [];
  mkdirSync(opts.out, { recursive: true });
  const stamp = startedAt
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z');
  const jsonFile = path.join(opts.out, `bench-${stamp}.json`);
  const chartFile = path.join(opts.out, `bench-${stamp}.svg`);
  const git = gitState();
  // Written after every phase, so a long capacity run (or an interrupted one) keeps what it measured.
  const save = (): BenchResult => {
    const finishedAt = new Date();
    const result: BenchResult = {
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      seconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 100) / 10,
      machine: { ...machine, loadAverageAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100) },
      git,
      options: {
        ...opts,
        floorShape: formatShape(opts.floorShape),
        nationalFloorShape: formatShape(opts.nationalFloorShape),
        compare: opts.compare.map((v) => v.name),
        out: path.relative(process.cwd(), opts.out) || '.',
      },
      targets,
    };
    writeFileSync(jsonFile, `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(chartFile, renderChart(result));
    return result;
  };
  for (const planned of plans(opts)) {
    const target = await planned.start(runDir);
    let serverProfiler: ServerProfiler | undefined;
    let stack: CorridorStack | undefined;
    let screens: NationalScreens | undefined;
    let floorRig: Rig | undefined;
    let nationalFloorRig: Rig | undefined;
    let pacedFloorRig: Rig | undefined;
    const variantRigs: Rig[] = [];
    let connection: Connection | undefined;
    try {
      // Inside the try: a server that cannot be profiled is still stopped.
      if (opts.serverProfile) {
        const refusal = serverProfileRefusal(target.serverPid);
        if (refusal) throw new UsageError(`--server-profile: ${refusal}`);
        const dir = path.resolve(opts.serverProfile, target.id);
        mkdirSync(dir, { recursive: true });
        serverProfiler = new ServerProfiler(target.serverPid!, dir);
      }
      const settings = temporalSettings(config, { ...process.env, ...target.env });
      connection = await Connection.connect(settings.connectionOptions as Parameters<typeof Connection.connect>[0]);
      const client = new Client({ connection, namespace: target.namespace });
      const result: TargetResult = { id: target.id, label: target.label, server: target.server };
      targets.push(result);

      const rigs: Rig[] = [];
      if (opts.phases.includes('floor')) {
        floorRig = await startFloorRig({ target, client, runDir, shape: opts.floorShape, wait: opts.floorWait });
        rigs.push(floorRig);
      }
      // The national path's own floor: its journal events reach the workflow as signals.
      if (opts.phases.includes('floor') && opts.phases.includes('national')) {
        const signalledFloor = (name: string, shape: FloorShape) =>
          startFloorRig({ target, client, runDir, shape, wait: opts.floorWait, delivery: 'signal', name });
        nationalFloorRig = await signalledFloor('national-floor', opts.nationalFloorShape);
        rigs.push(nationalFloorRig);
        if (opts.pacedNationalFloor) {
          pacedFloorRig = await signalledFloor('national-floor-paced', pacedAsOfficers(opts.nationalFloorShape));
          rigs.push(pacedFloorRig);
        }
      }
      if (opts.phases.includes('floor')) {
        for (const variant of opts.compare) {
          const rig = await startFloorRig({ target, client, runDir, shape: variant.shape, wait: variant.wait, name: variant.name });
          variantRigs.push(rig);
          rigs.push(rig);
        }
      }
      const corridorPhases = opts.phases.filter((p) => p !== 'floor');
      if (corridorPhases.length > 0) {
        process.stderr.write(`bench: starting Corridor (sandboxes, worker, API) on ${target.label}\n`);
        stack = opts.api
          ? attachStack(opts.api)
          : await startStack(
              target,
              runDir,
              opts.hourlyReconciliation ? {} : { CORRIDOR_RECONCILIATION_EVERY_MINUTES: '0' },
              opts.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(opts.cpuProf)}`] : [],
            );
        if (!opts.api) {
          result.reconciliationSchedule = await reconciliationScheduleOf(client, stack.transitsQueue);
          process.stderr.write(
            `bench: hourly reconciliation ${result.reconciliationSchedule.paused ? 'paused (--hourly-reconciliation keeps it running)' : 'running'}\n`,
          );
        }
      }
      const tokenFor: TokenFor = (actor) => signToken(stack?.tokenSecret ?? config.tokenSecret, actor);
      const api = stack ? new ApiClient(stack.apiUrl, tokenFor) : undefined;
      const probe = { pids: { ...stack?.pids, server: target.serverPid }, metricsUrl: stack?.metricsUrl };
      const logLines = () => Object.fromEntries((stack?.children ?? []).map((c) => [c.name, c.logLines()]));
      if (stack && api && opts.phases.includes('throughput')) rigs.push(corridorRig({ api, client, probe, declaration, plan }));
      // Declarants and officers in the sandboxes' own screens, with the sandboxes' development user secret.
      // They watch the systems' journals for what they wait on, as a worklist would show it, rather than read every 100 ms.
      screens = stack ? new NationalScreens(stack.sandboxUrls, DEVELOPMENT_USER_SECRET, { watchJournals: true }) : undefined;
      if (stack && api && screens && opts.phases.includes('national')) rigs.push(corridorRig({ api, client, probe, declaration, plan, screens }));

      if (rigs.length > 0) {
        let linesBefore = logLines();
        const runs = await runThroughput({
          rigs,
          count: opts.count,
          concurrency: opts.concurrency,
          warmup: opts.warmup,
          rounds: opts.rounds,
          label: `throughput ${target.id}:`,
          onMeasuring: () => (linesBefore = logLines()),
          ...(serverProfiler ? { around: serverProfiler.around.bind(serverProfiler) } : {}),
        });
        if (serverProfiler) {
          process.stderr.write('bench: reading the server profile (perf script)\n');
          const profiles: Record<string, ServerProfile> = {};
          for (const [name, run] of runs) {
            const profile = await serverProfiler.profileOf(name, run.batch.done);
            if (profile) profiles[name] = profile;
          }
          result.serverProfile = profiles;
        }
        // Log lines are counted over the whole measured stretch, both paths together: each path's row carries them.
        const linesAfter = logLines();
        const today = againstFloor(runs.get('corridor'), runs.get('floor'), 'Corridor', linesBefore, linesAfter);
        Object.assign(result, { corridor: today.path, floor: today.floor, ratio: today.ratio, shapeDifferences: today.differences });
        const national = againstFloor(runs.get('national'), runs.get('national-floor'), 'national path', linesBefore, linesAfter);
        Object.assign(result, {
          national: national.path,
          nationalFloor: national.floor,
          nationalRatio: national.ratio,
          nationalShapeDifferences: national.differences,
        });
        if (runs.has('national-floor-paced')) {
          const paced = againstFloor(runs.get('national'), runs.get('national-floor-paced'), 'national path', linesBefore, linesAfter);
          Object.assign(result, { nationalPacedFloor: paced.floor, nationalPacedRatio: paced.ratio, nationalPacedShapeDifferences: paced.differences });
        }
        if (variantRigs.length) {
          result.variants = opts.compare.map((variant) => {
            const summary = summariseFloor(runs.get(variant.name)!);
            return {
              name: variant.name,
              shape: formatShape(variant.shape),
              wait: variant.wait,
              ...summary,
              ratioToFloor: result.floor ? summary.lifecyclesPerSecond / result.floor.lifecyclesPerSecond : undefined,
            };
          });
        }
        save();
        await floorRig?.stop();
        await nationalFloorRig?.stop();
        await pacedFloorRig?.stop();
        await Promise.all(variantRigs.map((rig) => rig.stop()));
      }
      if (!stack || !api || !screens) continue;
      const journals = { urls: stack.sandboxUrls, tokens: Object.fromEntries(countries.map((c) => [c, config.national[c].token])) };

      if (opts.phases.includes('forwarding')) {
        const run = await runForwarding({
          label: `forwarding ${target.id}`,
          api,
          screens,
          journals,
          probe,
          declaration,
          plan,
          rate: opts.rate,
          seconds: opts.latencySeconds,
        });
        result.forwarding = summariseForwarding(run);
        save();
      }

      if (opts.phases.includes('latency')) {
        const run = await runLatency({
          label: `latency   ${target.id}`,
          api,
          probe,
          declaration,
          plan,
          rate: opts.rate,
          seconds: opts.latencySeconds,
          actGapMs: opts.actGapMs,
          client,
        });
        result.latency = summariseLatency(run);
        save();
      }
      if (opts.phases.includes('scale')) {
        result.scale = summariseScale(
          await runScale({
            label: `scale     ${target.id}`,
            paths: opts.scalePaths,
            api,
            screens,
            journals,
            probe,
            declaration,
            plan,
            count: opts.count,
            levels: opts.scaleLevels,
          }),
        );
        save();
      }
      if (opts.phases.includes('capacity') && opts.parked > 0) {
        const run = await runCapacity({
          label: `parking   ${target.id}`,
          stack,
          serverPid: target.serverPid,
          client,
          namespace: target.namespace,
          tokenFor,
          declaration,
          plan,
          parked: opts.parked,
          overdueShare: opts.overdueShare,
          overdueAfterSeconds: opts.overdueAfterSeconds,
          concurrency: opts.parkConcurrency,
          via: opts.large ? 'journal' : 'api',
        });
        result.capacity = summariseCapacity(run);
        // Saved before the reconciliation runs, which can take as long again with many movements parked.
        save();
        if (opts.reconcileRuns > 0) {
          const runs = await timeReconciliationRuns({
            client,
            transitsQueue: stack.transitsQueue,
            probe: { pids: { ...stack.pids, server: target.serverPid }, metricsUrl: stack.metricsUrl },
            runs: opts.reconcileRuns,
            log: (line) => process.stdout.write(`${line}\n`),
          });
          result.capacity.reconciliation = runs.map((r) => ({ ...r, seconds: Math.round(r.seconds * 10) / 10 }));
        }
        save();
      }
    } finally {
      await screens?.close();
      await floorRig?.stop();
      await nationalFloorRig?.stop();
      await pacedFloorRig?.stop();
      await Promise.all(variantRigs.map((rig) => rig.stop()));
      await stack?.stop();
      await connection?.close();
      await target.stop();
    }
  }

  const result = save();
  process.stdout.write(`${renderTable(result)}\n`);
  process.stdout.write(`results: ${path.relative(process.cwd(), jsonFile)}\nchart:   ${path.relative(process.cwd(), chartFile)}\n`);
  if (!opts.keep) rmSync(runDir, { recursive: true, force: true });
  else process.stdout.write(`run folder kept: ${runDir}\n`);
}

function plans(opts: BenchOptions) {
  return opts.api
    ? [{ id: 'running', start: (_runDir: string) => runningTarget() }]
    : opts.profiles.map((id) => ({ id, start: (runDir: string) => targetFor(id).start(runDir) }));
}

/** A path's run and its floor's, summarised; the ratio of their rates, and where the floor's shape is not the path's. */
function againstFloor(
  pathRun: RigRun | undefined,
  floorRun: RigRun | undefined,
  name: 'Corridor' | 'national path',
  linesBefore: Record<string, number>,
  linesAfter: Record<string, number>,
) {
  const path = pathRun ? summariseCorridor(pathRun, linesBefore, linesAfter) : undefined;
  const floor = floorRun ? summariseFloor(floorRun) : undefined;
  if (!path || !floor) return { path, floor, ratio: undefined, differences: undefined };
  return { path, floor, ratio: path.lifecyclesPerSecond / floor.lifecyclesPerSecond, differences: shapeDifferences(path.history, floor.history, name) };
}

function gitState(): { commit: string; dirty: boolean } | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return undefined;
  }
}

let removeRunDir: ((failed: boolean) => void) | undefined;
let exiting = false;
const bail = (code: number) => {
  if (exiting) return;
  exiting = true;
  void stopAllChildren()
    .then(() => removeRunDir?.(code === 1))
    .finally(() => process.exit(code));
};
process.on('SIGINT', () => bail(130));
process.on('SIGTERM', () => bail(143));

main().then(
  () => stopAllChildren().then(() => process.exit(0)),
  (error: unknown) => {
    const usage = error instanceof UsageError;
    process.stderr.write(`bench: ${usage ? (error as Error).message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    if (usage) process.stderr.write(USAGE);
    bail(usage ? 64 : 1);
  },
);
