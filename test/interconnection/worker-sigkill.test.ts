// Exactly once across crashes: 100 movements flow through the national systems' journals while
// the worker process (workflows, both countries' activities and journal consumers) is killed
// with SIGKILL again and again. Every journal event is applied once, no national call is made
// twice, none is lost, and every movement is discharged.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { DEVELOPMENT_USER_SECRET } from '../../src/national/sandbox/users.ts';
import { NationalScreens } from '../../src/simulation/national-screens.ts';
import type { TransitState } from '../../workflows/model.ts';
import { freePort } from '../harness/ports.ts';
import { startStack, temporalAddress, workflowBundlePath, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, eventually, sealsFor, stepsFor, tally, uniqueTin } from '../lifecycle/helpers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MOVEMENTS = 100;
const KILLS = 3;

let stack: Stack;
let corridor: Corridor;
let screens: NationalScreens;
let worker: ChildProcess | undefined;

async function spawnWorker(): Promise<void> {
  const env = {
    ...process.env,
    ...stack.env,
    TEMPORAL_ADDRESS: temporalAddress(),
    CORRIDOR_WORKFLOW_BUNDLE: workflowBundlePath(),
    CORRIDOR_WORKER_METRICS_PORT: String(await freePort()),
    CORRIDOR_LOG_LEVEL: 'silent',
  };
  worker = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker'], { cwd: ROOT, env, stdio: 'ignore' });
}

function kill(): Promise<void> {
  const child = worker;
  worker = undefined;
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

before(async () => {
  stack = await startStack();
  corridor = new Corridor(stack);
  screens = new NationalScreens({ TG: stack.sandboxes.TG.url, BF: stack.sandboxes.BF.url }, DEVELOPMENT_USER_SECRET);
  // From here on the only worker is a child process the test can kill.
  await stack.stopWorker();
  await spawnWorker();
});
after(async () => {
  await kill();
  await stack?.stop();
});

test(`${MOVEMENTS} movements through the journals, worker killed ${KILLS} times: every event applied once, every movement discharged`, async () => {
  let driving = true;
  const killer = (async () => {
    for (let i = 0; i < KILLS && driving; i++) {
      await new Promise((resolve) => setTimeout(resolve, 15_000));
      await kill();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await spawnWorker();
    }
  })();

  const mrns: string[] = [];
  const lanes = Array.from({ length: 10 }, async () => {
    while (mrns.length < MOVEMENTS) {
      const tin = uniqueTin();
      const d = declarationFor('lome-ouaga', tin);
      const lodged = await screens.lodge('TG', tin, d.json);
      assert.equal(lodged.status, 201, JSON.stringify(lodged.body));
      mrns.push(lodged.body.mrn);
      for (const step of stepsFor(d.plan, sealsFor(lodged.body.mrn))) {
        if (step.office.startsWith('BF')) await screens.awaitRecord('BF', lodged.body.mrn, 240_000);
        const answer = await screens.act(lodged.body.mrn, step);
        assert.equal(answer.status, 200, `${step.action}: ${JSON.stringify(answer.body)}`);
      }
    }
  });
  await Promise.all(lanes);
  driving = false;
  await killer;
  if (!worker) await spawnWorker();

  const regional = { user: 'regional', role: 'regional' } as const;
  const states: TransitState[] = [];
  for (const mrn of mrns) {
    const answer = await eventually(
      () => corridor.api.call<TransitState>('GET', `/transits/${mrn}`, regional),
      (a) => a.status === 200 && a.body.status === 'DISCHARGED',
      `${mrn} discharged`,
      240_000,
    );
    states.push(answer.body);
  }

  const onceEach = [
    'REGISTERED',
    'ACCEPTED',
    'RELEASED',
    'AAR_SENT',
    'BORDER_ARRIVAL',
    'EXIT_CONFIRMED',
    'EXIT_NOTICE_SENT',
    'ENTRY_ACCEPTED',
    'ENTRY_NOTICE_SENT',
    'ARRIVED',
    'CONTROL_RESULTS',
    'DISCHARGED_AT_DESTINATION',
    'WRITTEN_OFF',
    'GUARANTEE_RELEASED',
  ];
  for (const state of states) {
    for (const what of onceEach) {
      assert.equal(state.timeline.filter((e) => e.what === what).length, 1, `${state.mrn}: ${what} once — ${state.timeline.map((e) => e.what).join(', ')}`);
    }
    const officersActs = ['RELEASED', 'BORDER_ARRIVAL', 'EXIT_CONFIRMED', 'ENTRY_ACCEPTED', 'ARRIVED', 'CONTROL_RESULTS'];
    const eventIds = state.timeline.filter((e) => officersActs.includes(e.what)).map((e) => e.details?.eventId);
    assert.equal(new Set(eventIds).size, 6, `${state.mrn}: six journal events, each applied once: ${JSON.stringify(eventIds)}`);
  }

  // Corridor's own calls (key workflowId:activityId): each once per movement, retries landing on the first answer.
  const expected = { TG: { receiveEntryNotice: 1, writeOff: 1, releaseGuarantee: 1 }, BF: { receiveAar: 1, receiveExitNotice: 1, discharge: 1 } } as const;
  for (const country of ['TG', 'BF'] as const) {
    const response = await fetch(`${stack.sandboxes[country].url}/admin/calls`);
    const { calls } = (await response.json()) as { calls: Array<{ mrn: string | null; operation: string; idempotencyKey: string; status: number }> };
    for (const mrn of mrns) {
      const counts = tally(calls.filter((c) => c.mrn === mrn && c.idempotencyKey.startsWith(`${mrn}:`) && c.status < 300));
      assert.deepEqual(counts, expected[country], `${mrn} in ${country}: ${JSON.stringify(counts)}`);
    }
  }
});
