// Keeps `npm run bench` working: a tiny run of every phase against the test run's Temporal
// server (the `cluster` target, which takes TEMPORAL_ADDRESS), checking that it finishes and
// writes its JSON, table and chart, with real figures for both paths (acts keyed in Corridor,
// acts recorded in the national systems) and their floors. It says nothing about speed: the
// benchmark asserts nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { temporalAddress, tempDir } from '../harness/stack.ts';
import { PAUSED_BY_CONFIGURATION } from '../../src/reconciliation/schedule.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('npm run bench runs every phase end to end and writes its results', { timeout: 300_000 }, async () => {
  const out = tempDir('bench');
  const args = [
    '--import',
    'tsx',
    'bench/main.ts',
    '--profile',
    'cluster',
    '--phases',
    'floor,throughput,national,forwarding,latency,scale,capacity',
    '--scale-levels',
    '1,2',
    '--count',
    '2',
    '--concurrency',
    '2',
    '--warmup',
    '0',
    '--rounds',
    '1',
    '--rate',
    '2',
    '--latency-seconds',
    '1',
    '--parked',
    '4',
    '--overdue-share',
    '0.5',
    '--overdue-after',
    '2',
    '--paced-national-floor',
    '--out',
    out,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress(), CORRIDOR_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, `bench exited ${code}\n${stdout}\n${stderr}`);

  assert.match(stdout, /lifecycles per second/);
  assert.match(stdout, /all officer acts/);
  assert.match(stdout, /memory per parked transit/);
  assert.match(stdout, /National path/);
  assert.match(stdout, /release → AAR/);
  const json = readdirSync(out).find((f) => f.endsWith('.json'));
  assert.ok(json, 'a JSON result file');
  assert.ok(
    readdirSync(out).some((f) => f.endsWith('.svg')),
    'a chart',
  );
  const result = JSON.parse(readFileSync(path.join(out, json), 'utf8'));
  assert.ok(result.machine.cores >= 1);
  const [target] = result.targets;
  assert.equal(target.corridor.count, 2);
  assert.equal(target.corridor.failed, 0);
  assert.equal(target.floor.failed, 0);
  assert.ok(target.corridor.history.events > 0, 'history events of one lifecycle counted');
  // Workflow tasks depend on timing (an act may land in its predecessor's task); every other event must match.
  assert.deepEqual(
    target.shapeDifferences.filter((d: string) => !d.startsWith('WORKFLOW_TASK_')),
    [],
    "today's floor has the shape of Corridor's lifecycle",
  );
  assert.equal(target.latency.failed, 0);
  // Every officer's act of the latency run split into stages from its movement's history.
  const anatomy = target.latency.anatomy;
  assert.equal(anatomy.acts, target.latency.completed * 6, JSON.stringify(anatomy));
  assert.equal(anatomy.unsplit, 0, JSON.stringify(anatomy));
  const stage = (name: string) => anatomy.stages.find((s: { stage: string }) => s.stage === name);
  assert.ok(stage('national system call').mean > 0 && stage('taken in').mean > 0 && stage('answer back').mean > 0, JSON.stringify(anatomy.stages));
  assert.match(stdout, /Where an officer's act goes/);
  // Beside the stages, the workers' own time per task over the run, from their metrics.
  assert.ok(target.latency.sdk.workflowTaskMs > 0 && target.latency.sdk.activityMs > 0, JSON.stringify(target.latency.sdk));
  assert.match(stdout, /at most, the national sandboxes on the floor's cores \(computed\) +0\.\d\d/);
  assert.equal(target.capacity.failed, 0);
  // The stack's hourly reconciliation paused by its configuration: a run crossing the hour measures the paths alone.
  assert.deepEqual(target.reconciliationSchedule, { id: target.reconciliationSchedule.id, paused: true, note: PAUSED_BY_CONFIGURATION });
  assert.match(target.reconciliationSchedule.id, /^bench[0-9a-f]{6}-transits-reconciliation$/);
  assert.match(stderr, /bench: hourly reconciliation paused/);

  // The national path: two lifecycles through the sandboxes' screens, carried by the journals.
  assert.equal(target.national.count, 2);
  assert.equal(target.national.failed, 0, JSON.stringify(target.national.failures));
  assert.ok(target.national.lifecyclesPerSecond > 0, 'a positive rate on the national path');
  assert.ok(target.national.history.byType.WORKFLOW_EXECUTION_SIGNALED >= 7, 'the journal events reached the movement as signals');
  assert.equal(target.nationalFloor.failed, 0);
  assert.ok(target.nationalFloor.lifecyclesPerSecond > 0, "a positive rate for the national path's floor");
  assert.ok(target.nationalRatio > 0);
  assert.deepEqual(target.nationalShapeDifferences, [], "the national floor has the national path's shape");
  // The paced floor: the driver signals Togo's four steps only, so a lifecycle that ends had Burkina's three signalled by the AAR's activity.
  assert.equal(target.nationalPacedFloor.count, 2);
  assert.equal(target.nationalPacedFloor.failed, 0);
  assert.equal(target.nationalPacedFloor.history.byType.WORKFLOW_EXECUTION_SIGNALED, 7, JSON.stringify(target.nationalPacedFloor.history.byType));
  assert.ok(target.nationalPacedRatio > 0);
  assert.deepEqual(target.nationalPacedShapeDifferences, [], "the paced floor has the national path's shape");
  assert.match(stdout, /National path beside its floor paced as the officers act/);

  // Forwarding latency at 2 lifecycles/s for a second: each of both lifecycles' forwards, from the journals.
  assert.equal(target.forwarding.completed, 2, JSON.stringify(target.forwarding.failures));
  assert.equal(target.forwarding.missingWriteOffs, 0);
  const pairs = new Map(target.forwarding.pairs.map((p: { pair: string; count: number; p50: number; p99: number }) => [p.pair, p]));
  // The departure's write-off travels with the entry notice now (its own pair stays for movements begun before): every movement was written off all the same.
  for (const name of ['release → AAR', 'exit → exit notice', 'entry → entry notice']) {
    const figure = pairs.get(name) as { count: number; p50: number; p99: number } | undefined;
    assert.equal(figure?.count, 2, `${name}: ${JSON.stringify(target.forwarding.pairs)}`);
    assert.ok(figure.p50 > 0 && figure.p99 >= figure.p50, `${name}: ${JSON.stringify(figure)}`);
  }
  // Cost as work grows: the national path at each level asked for, with its acts' and forwards' latency.
  assert.deepEqual(
    target.scale.map((p: { path: string; concurrency: number }) => `${p.path}@${p.concurrency}`),
    ['national@1', 'national@2'],
  );
  for (const point of target.scale) {
    assert.equal(point.failed, 0, JSON.stringify(point));
    assert.ok(point.lifecyclesPerSecond > 0 && point.act.p99 >= point.act.p50 && point.forwarding.count > 0, JSON.stringify(point));
  }
  assert.match(stdout, /national path, 2 at a time/);
  assert.equal(
    (pairs.get('all forwards') as { count: number } | undefined)?.count,
    target.forwarding.pairs.slice(0, -1).reduce((a: number, p: { count: number }) => a + p.count, 0),
  );
});

test("npm run bench -- --large: movements recorded in Togo's system and carried in by its journal, the overdue ones listed", { timeout: 300_000 }, async () => {
  const out = tempDir('bench-large');
  const args = [
    '--import',
    'tsx',
    'bench/main.ts',
    '--profile',
    'cluster',
    '--large',
    '--parked',
    '6',
    '--overdue-share',
    '0.34',
    '--overdue-after',
    '2',
    '--out',
    out,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress(), CORRIDOR_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, `bench exited ${code}\n${stdout}\n${stderr}`);
  assert.match(stdout, /through the departure system's journal/);
  const json = readdirSync(out).find((f) => f.endsWith('.json'));
  const [target] = JSON.parse(readFileSync(path.join(out, json!), 'utf8')).targets;
  assert.equal(target.capacity.via, 'journal');
  assert.equal(target.reconciliationSchedule.paused, true, 'no hourly reconciliation over the movements being parked');
  assert.equal(target.capacity.failed, 0, JSON.stringify(target.capacity.failures));
  assert.equal(target.capacity.parked, 6);
  assert.equal(target.capacity.journal.parked, 4, 'the four not overdue came in through the journal');
  assert.equal(target.capacity.overdueWanted, 2);
  // The test run's server is shared with the other test files: visibility and the API's list count their overdue movements too.
  assert.ok(target.capacity.overdueSeen >= 2 && target.capacity.listOverdue.items >= 2, JSON.stringify(target.capacity));
  assert.ok(target.capacity.journal.peakRssMiB.worker > 0, JSON.stringify(target.capacity.journal));
  // Every parked movement is expected at the first border post, and its officer's desk shows them (the bench's own stack's only).
  assert.equal(target.capacity.desk.office, 'TGCKS001');
  assert.equal(target.capacity.desk.again.expectedTotal, 6, JSON.stringify(target.capacity.desk));
  assert.equal(target.capacity.desk.again.expected, 6, JSON.stringify(target.capacity.desk));
  assert.match(stdout, /an officer's desk at TGCKS001: opened/);
  // Looks while parking come at each fifth of the journal's movements, only while some are still to come (none if the first count saw them all).
  assert.ok(Array.isArray(target.capacity.whileParking), JSON.stringify(target.capacity));
  assert.deepEqual(target.capacity.looksFailed, [], 'no page refused while parking');
  for (const look of target.capacity.whileParking) {
    assert.ok(look.inFlight >= 1 && look.inFlight < 4, JSON.stringify(look));
    assert.ok(look.desk.expectedTotal >= look.inFlight && look.list.pages >= 1, JSON.stringify(look));
  }
});
