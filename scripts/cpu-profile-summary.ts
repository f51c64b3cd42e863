// Where a process's CPU went, from the V8 CPU profiles `npm run bench -- --cpu-prof DIR` writes
// (one .cpuprofile per Corridor process): self time summed by area (Corridor's workflows, its
// activities and edges, the Temporal SDK, fastify, pino, zod, Node's own, garbage collection) and
// by function, idle time left out. Usage: node --import tsx scripts/cpu-profile-summary.ts FILE [--top N]
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The area a frame's code belongs to, by its file. */
export function areaOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(program)') return 'V8 and native (program)';
  if (!url) return 'V8 and native (program)';
  if (url.startsWith('node:')) return 'Node.js';
  const rel = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(rel)?.[1];
  if (pkg) return pkg.startsWith('@temporalio/') ? `Temporal SDK (${pkg.slice('@temporalio/'.length)})` : pkg;
  // Workflow code runs from the bundle (a webpack: URL or the bundle's own name).
  if (/webpack|workflow-bundle|\/workflows\//.test(rel)) return 'Corridor workflows';
  if (/\/activities\//.test(rel)) return 'Corridor activities';
  if (/\/src\//.test(rel)) return `Corridor src/${rel.split('/src/')[1]?.split('/')[0] ?? ''}`;
  return path.basename(rel);
}

export function summarise(profile: Profile): { totalMs: number; busyMs: number; byArea: Map<string, number>; byFunction: Map<string, number> } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    busyUs += us;
    const area = areaOf(frame.url, frame.functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + us / 1000);
    const name = `${frame.functionName || '(anonymous)'} ${frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : ''}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + us / 1000);
  }
  return { totalMs: (profile.endTime - profile.startTime) / 1000, busyMs: busyUs / 1000, byArea, byFunction };
}

function main(): void {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  const topIndex = args.indexOf('--top');
  const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 25;
  if (!file) {
    process.stderr.write('usage: node --import tsx scripts/cpu-profile-summary.ts FILE.cpuprofile [--top N]\n');
    process.exit(2);
  }
  const { totalMs, busyMs, byArea, byFunction } = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const share = (ms: number) => `${((100 * ms) / busyMs).toFixed(1).padStart(5)} %`;
  process.stdout.write(`${path.basename(file)}: ${(busyMs / 1000).toFixed(1)} s busy over ${(totalMs / 1000).toFixed(1)} s\n\nby area (self time)\n`);
  for (const [area, ms] of [...byArea].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${share(ms)}  ${(ms / 1000).toFixed(2).padStart(7)} s  ${area}\n`);
  process.stdout.write(`\ntop ${top} functions (self time)\n`);
  for (const [name, ms] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${share(ms)}  ${name}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
