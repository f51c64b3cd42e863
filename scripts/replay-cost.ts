// What a movement costs the workflow worker, without a server: replays every recorded history in
// test/histories R times (each replay a new workflow, as a movement evicted from the cache and
// replayed is) and prints the CPU per whole-lifecycle replay, for the worker's stack-frame
// setting and for 10 frames beside it.
//
//   npx tsx scripts/replay-cost.ts [--rounds 20]
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { intFlag, parseFlags } from '../src/cli/args.ts';
import { loadConfig } from '../src/config/env.ts';
import { withBundleGlobals } from '../src/worker/bundle-globals.ts';
import { buildWorkflowBundle } from '../src/worker/bundle.ts';

const { flags } = parseFlags(process.argv.slice(2), { rounds: 'string' });
const rounds = intFlag(flags, 'rounds', 20);
Runtime.install({ logger: new DefaultLogger('ERROR') });
const dir = fileURLToPath(new URL('../test/histories/', import.meta.url));
const histories = readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .map((name) => JSON.parse(readFileSync(`${dir}${name}`, 'utf8')) as unknown);
const bundle = await buildWorkflowBundle();
const configured = loadConfig().workflowStackFrames;

for (const stackFrames of [...new Set([configured, 10])]) {
  const workflowBundle = withBundleGlobals(bundle, { vouchKeys: {}, encodeFailures: false, stackFrames });
  const list = Array.from({ length: rounds }, (_, round) =>
    histories.map((history, i) => ({ workflowId: `replay-${stackFrames}-${round}-${i}`, history })),
  ).flat();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let failed = 0;
  let done = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: 'replay-cost' }, list)) {
    if (result.error) failed++;
    if (++done % 60 === 0) process.stderr.write(`replay-cost: ${stackFrames} frames, ${done}/${list.length}\r`);
  }
  const used = process.cpuUsage(cpu);
  process.stderr.write('\n');
  console.log(
    `${String(stackFrames).padStart(3)} stack frames: ${list.length} lifecycles replayed, ${((used.user + used.system) / 1000 / list.length).toFixed(1)} ms CPU and ${((performance.now() - started) / list.length).toFixed(1)} ms each${failed ? `, ${failed} FAILED` : ''}`,
  );
}
