// Where the Temporal server's CPU goes, for each rig of the throughput phase: Linux perf samples
// the server process during that rig's measured windows only, and each sample goes to the request
// or queue task it was work for (a history, matching or frontend request, a visibility, transfer
// or timer task), else to the machinery at its stack's root (gRPC, the Go scheduler or collector).
// The server burns most of the CPU on two cores and is a Go binary the Node profiler cannot see;
// set beside its floor, the same table says which operations the path pays for beyond it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The sampling rate: each sample stands for about 5 ms of one core's time. */
const HZ = 199;

type Namer = [RegExp, (m: RegExpMatchArray) => string];

/** What the work was for: a request or a queue task, wherever it stands in the stack. */
const OPERATIONS: Namer[] = [
  [/_HistoryService_(\w+)_Handler/, (m) => `history ${m[1]}`],
  [/_MatchingService_(\w+)_Handler/, (m) => `matching ${m[1]}`],
  [/_WorkflowService_(\w+)_Handler/, (m) => `frontend ${m[1]}`],
  [/\(\*(visibility|transfer|timer|outbound|archival)Queue\w*Executor\)/, (m) => `${m[1]} queue tasks`],
];

/** Otherwise, the machinery it ran in, named by the frame nearest the stack's root. */
const MACHINERY: Namer[] = [
  [/service\/history\/queues\.|common\/tasks\.\(\*FIFOScheduler/, () => 'history queues (reading, scheduling)'],
  [/service\/matching\.\(\*task(Reader|Writer)\)/, () => 'matching backlog (task reader, writer)'],
  [/runtime\.gcBgMarkWorker|runtime\.bgsweep|runtime\.bgscavenge/, () => 'Go garbage collector'],
  [/grpc\/internal\/transport|golang\.org\/x\/net\/http2|grpc\.\(\*Server\)\.serveStreams/, () => 'gRPC transport'],
  [/runtime\.(morestack|newstack|mstart|mcall|schedule|park_m)/, () => 'Go scheduler and stacks'],
];

function nameFrom(namers: Namer[], framesLeafFirst: readonly string[]): string | undefined {
  for (let i = framesLeafFirst.length - 1; i >= 0; i--) {
    for (const [pattern, name] of namers) {
      const match = framesLeafFirst[i]!.match(pattern);
      if (match) return name(match);
    }
  }
  return undefined;
}

/** The operation a stack (frames leaf first, as perf prints them) is work for; 'other' when none says. */
export function operationOf(framesLeafFirst: readonly string[]): string {
  return nameFrom(OPERATIONS, framesLeafFirst) ?? nameFrom(MACHINERY, framesLeafFirst) ?? 'other';
}

/**
 * CPU milliseconds per operation from `perf script -F comm,tid,period,ip,sym` text: a header line
 * per sample (its period in nanoseconds last), then one indented line per frame.
 */
export async function operationsOf(lines: AsyncIterable<string> | Iterable<string>): Promise<Record<string, number>> {
  const ms: Record<string, number> = {};
  let period = 0;
  let frames: string[] = [];
  const close = () => {
    if (period > 0) {
      const operation = operationOf(frames);
      ms[operation] = (ms[operation] ?? 0) + period / 1e6;
    }
    period = 0;
    frames = [];
  };
  for await (const line of lines) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line)) {
      frames.push(line.trim());
      continue;
    }
    close();
    period = Number(line.trim().split(/\s+/).at(-1)) || 0;
  }
  close();
  return ms;
}

export interface ServerProfile {
  lifecycles: number;
  /** CPU ms per lifecycle the server spent on each operation while this rig ran. */
  msPerLifecycle: Record<string, number>;
  totalMsPerLifecycle: number;
}

/** Why the server cannot be profiled here, or undefined when it can. */
export function serverProfileRefusal(serverPid: number | undefined): string | undefined {
  if (serverPid === undefined) return 'the Temporal server does not run on this machine (or its process was not found)';
  const version = spawnSync('perf', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) return 'Linux perf is not installed (Debian: apt-get install linux-perf)';
  // Attaching needs root or kernel.perf_event_paranoid ≤ 1, and a kernel that lets perf sample at all.
  const file = path.join(os.tmpdir(), `corridor-perf-probe-${process.pid}.data`);
  const attach = spawnSync('perf', ['record', '--quiet', '-p', String(serverPid), '-o', file, '--', 'sleep', '0.2'], { encoding: 'utf8' });
  rmSync(file, { force: true });
  if (attach.error || attach.status !== 0) return `perf cannot sample the server here: ${(attach.stderr || String(attach.error ?? '')).trim().split('\n')[0]}`;
  return undefined;
}

export class ServerProfiler {
  private readonly files = new Map<string, string[]>();

  constructor(
    private readonly serverPid: number,
    private readonly dir: string,
  ) {}

  /** Runs `work` with perf sampling the server; the samples count for `rig`. */
  async around<T>(rig: string, work: () => Promise<T>): Promise<T> {
    const files = this.files.get(rig) ?? [];
    this.files.set(rig, files);
    const file = path.join(this.dir, `server-${rig}-${files.length + 1}.perf.data`);
    files.push(file);
    const perf = spawn('perf', ['record', '--quiet', '-F', String(HZ), '-g', '-p', String(this.serverPid), '-o', file], { stdio: 'ignore' });
    try {
      return await work();
    } finally {
      await stopped(perf);
    }
  }

  /** The rig's operations over all its windows, per lifecycle. */
  async profileOf(rig: string, lifecycles: number): Promise<ServerProfile | undefined> {
    const files = this.files.get(rig);
    if (!files || lifecycles <= 0) return undefined;
    const total: Record<string, number> = {};
    for (const file of files) {
      const script = spawn('perf', ['script', '-i', file, '-F', 'comm,tid,period,ip,sym'], { stdio: ['ignore', 'pipe', 'ignore'] });
      const ms = await operationsOf(createInterface({ input: script.stdout }));
      await stopped(script, false);
      for (const [operation, value] of Object.entries(ms)) total[operation] = (total[operation] ?? 0) + value;
    }
    const msPerLifecycle = Object.fromEntries(Object.entries(total).map(([operation, value]) => [operation, value / lifecycles]));
    return { lifecycles, msPerLifecycle, totalMsPerLifecycle: Object.values(msPerLifecycle).reduce((a, b) => a + b, 0) };
  }
}

/** Waits for a child to end, asking it to stop first (perf record writes its file on SIGINT). */
function stopped(child: ChildProcess, interrupt = true): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    if (interrupt) child.kill('SIGINT');
  });
}

/** What a profile spent outside the operations `shown`, CPU ms per lifecycle: a table's or a chart's "the rest". */
export function restOf(profile: ServerProfile, shown: readonly string[]): number {
  return Math.max(0, profile.totalMsPerLifecycle - shown.reduce((a, operation) => a + (profile.msPerLifecycle[operation] ?? 0), 0));
}

/** The rows a table prints: the operations that cost at least `floorMs` in either profile, dearest first in the path, then the rest in one row. */
export function profileRows(
  pathProfile: ServerProfile,
  floor: ServerProfile | undefined,
  floorMs = 1,
): Array<{ operation: string; path: number; floor: number | undefined; rest?: true }> {
  const names = new Set([...Object.keys(pathProfile.msPerLifecycle), ...Object.keys(floor?.msPerLifecycle ?? {})]);
  const shown = [...names]
    .map((operation) => ({
      operation,
      path: pathProfile.msPerLifecycle[operation] ?? 0,
      floor: floor ? (floor.msPerLifecycle[operation] ?? 0) : undefined,
    }))
    .filter((row) => row.path >= floorMs || (row.floor ?? 0) >= floorMs)
    .sort((a, b) => b.path - a.path);
  const hidden = names.size - shown.length;
  if (hidden === 0) return shown;
  const operations = shown.map((row) => row.operation);
  return [
    ...shown,
    {
      operation: `${hidden} more, each under ${floorMs} ms`,
      path: restOf(pathProfile, operations),
      floor: floor ? restOf(floor, operations) : undefined,
      rest: true,
    },
  ];
}
