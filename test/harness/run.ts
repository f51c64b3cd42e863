// `npm test`: one Temporal dev server and one workflow bundle for the whole run, then node's
// test runner over every test file in parallel, each file in its own process.
// Usage: npm test [-- <file or folder>...]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTemporalCli } from '../../src/temporal/cli.ts';
import { findServerBinaries, findUiServer } from '../../src/cluster/binaries.ts';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server.ts';
import { ensureSearchAttributes } from '../../src/temporal/search-attributes.ts';
import { buildWorkflowBundle } from '../../src/worker/bundle.ts';
import { buildConsole } from '../../console/build.ts';
import { namespacesUnavailable } from './netns.ts';
import { freePort } from './ports.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TEST_WORKFLOWS = fileURLToPath(new URL('./workflows.ts', import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);

function testFiles(targets: string[]): string[] {
  const found: string[] = [];
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) {
      for (const entry of readdirSync(p).sort()) if (entry !== 'harness' && entry !== 'node_modules') walk(path.join(p, entry));
    } else if (p.endsWith('.test.ts')) found.push(p);
  };
  for (const target of targets.length ? targets : [path.join(ROOT, 'test')]) walk(path.resolve(target));
  return found;
}

function tsc(project: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => resolve({ ok: code === 0, output }));
  });
}

/** The server code (tsc -p .) and the console, which has DOM types of its own (tsc -p console). */
async function typecheck(): Promise<{ ok: boolean; output: string }> {
  const results = await Promise.all([tsc(ROOT), tsc(path.join(ROOT, 'console'))]);
  return { ok: results.every((r) => r.ok), output: results.map((r) => r.output).join('') };
}

async function main(): Promise<number> {
  const started = Date.now();
  const files = testFiles(process.argv.slice(2));
  if (files.length === 0) {
    say('no test files found');
    say('0 passed, 0 failed');
    return 1;
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'corridor-test-'));
  const typechecked = typecheck();

  // The cluster profile's tests need the pinned Temporal server, its schema tool and UI server.
  // Their first build on a machine takes minutes: do it here, once, before the tests' own
  // time limits start counting, rather than inside a test file that would time out.
  if (files.some((file) => file.includes(`${path.sep}test${path.sep}cluster${path.sep}`))) {
    const built = Date.now();
    await findServerBinaries({ say });
    await findUiServer({ say });
    say(`test harness: cluster profile's binaries ready in ${((Date.now() - built) / 1000).toFixed(0)} s`);
  }

  // The two-site tests' link emulator: built here once (seconds; a minute the first time Go
  // compiles its standard library), not by each two-site file at once as it loads.
  if (files.some((file) => file.includes(`${path.sep}test${path.sep}two-sites${path.sep}`))) {
    const built = Date.now();
    const unavailable = namespacesUnavailable();
    say(
      unavailable
        ? `test harness: the two-site tests will skip: ${unavailable}`
        : `test harness: link emulator ready in ${((Date.now() - built) / 1000).toFixed(1)} s`,
    );
  }

  let server: DevServer | undefined;
  let address = process.env.TEMPORAL_ADDRESS;
  if (address) {
    await ensureSearchAttributes(address, process.env.TEMPORAL_NAMESPACE ?? 'default');
    say(`test harness: using the Temporal server at ${address}`);
  } else {
    const cli = await findTemporalCli({ say });
    server = await startDevServer({ cli, port: await freePort(), logFile: path.join(tmp, 'temporal.log') });
    address = server.address;
    say(`test harness: Temporal dev server at ${address}`);
  }

  const bundleStarted = Date.now();
  const bundle = await buildWorkflowBundle(TEST_WORKFLOWS);
  const bundlePath = path.join(tmp, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  say(`test harness: workflow bundle built once in ${((Date.now() - bundleStarted) / 1000).toFixed(1)} s`);

  // The API serves the console from dist/console; the browser tests need the current build.
  const consoleBuild = await buildConsole({ ifStale: true });
  if (consoleBuild.built) say(`test harness: console built in ${(consoleBuild.ms / 1000).toFixed(1)} s`);

  const tapFile = path.join(tmp, 'results.tap');
  const concurrency = Number(process.env.CORRIDOR_TEST_CONCURRENCY ?? Math.max(2, os.availableParallelism()));
  const exitCode = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        `--test-concurrency=${concurrency}`,
        '--test-timeout=300000',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=tap',
        `--test-reporter-destination=${tapFile}`,
        ...files,
      ],
      {
        cwd: ROOT,
        stdio: 'inherit',
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: address,
          CORRIDOR_TEST_WORKFLOW_BUNDLE: bundlePath,
          CORRIDOR_TEST_TMP: tmp,
          CORRIDOR_LOG_LEVEL: process.env.CORRIDOR_LOG_LEVEL ?? 'silent',
        },
      },
    );
    child.on('exit', (code) => resolve(code ?? 1));
  });

  await server?.stop();
  const { ok: typesOk, output: typeErrors } = await typechecked;
  if (!typesOk) say(`\ntype check (tsc -p . and tsc -p console) failed:\n${typeErrors}`);

  const tap = readTap(tapFile);
  const passed = tap.pass;
  // A failed type check counts as one failure, so CI cannot land code that does not compile.
  const failed = tap.fail + (typesOk ? 0 : 1);
  if (exitCode === 0 && typesOk) rmSync(tmp, { recursive: true, force: true });
  else say(`test harness: logs kept in ${tmp}`);
  say(`test harness: ${files.length} files and the type check in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  say(`${passed} passed, ${failed} failed`);
  return exitCode === 0 && typesOk && tap.pass > 0 ? 0 : 1;
}

function readTap(file: string): { pass: number; fail: number } {
  try {
    const text = readFileSync(file, 'utf8');
    const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    return { pass: count('pass'), fail: count('fail') + count('cancelled') };
  } catch {
    return { pass: 0, fail: 1 };
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(`test harness failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    say('0 passed, 1 failed');
    process.exit(1);
  },
);
