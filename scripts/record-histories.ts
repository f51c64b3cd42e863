// Records the histories of completed transit workflows into test/histories/*.json, so that
// test/replay/replay.test.ts can replay them against the current workflow code: a change that
// would break movements already on the road fails CI instead of failing in production.
//
// Usage: npm run record-histories [-- name...]
//   Runs each scenario through the real API, sandboxes and a worker (the test harness's stack),
//   on the Temporal server at TEMPORAL_ADDRESS or on a dev server of its own. Writes one file
//   per scenario (NAME.baseline-N.json for a movement started on baseline N, workflows/versions.ts)
//   and leaves every other file in test/histories alone. Record again only when a
//   workflow change is meant to be incompatible (and old movements have drained): the point of
//   the files is that they were made by the code that ran before.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @temporalio/proto is CommonJS: its namespaces (and, at run time, its protobufjs Root) come through the default export.
import proto from '@temporalio/proto';
import type { Root } from 'protobufjs';
import protojson from 'protobufjs/ext/protojson.js';
import { findTemporalCli } from '../src/temporal/cli.ts';
import { startDevServer, type DevServer } from '../src/temporal/dev-server.ts';
import { ensureSearchAttributes } from '../src/temporal/search-attributes.ts';
import { buildWorkflowBundle } from '../src/worker/bundle.ts';
import { vouchPublicKeys } from '../src/auth/act-keys.ts';
import { VOUCH_KEYS_SUFFIX } from '../test/replay/histories.ts';
import { freePort } from '../test/harness/ports.ts';
import { startStack } from '../test/harness/stack.ts';
import { Corridor, declarantOf, declarationFor, officerAt, uniqueTin } from '../test/lifecycle/helpers.ts';
import { eventually } from '../test/harness/webhook.ts';
// The watch's delays of seconds, the same as test/overdue's.
import { ladderEnv } from '../test/overdue/ladder-env.ts';
import { DEVELOPMENT_USER_SECRET } from '../src/national/sandbox/users.ts';
import { NationalScreens } from '../src/simulation/national-screens.ts';
import { sealsFor, stepsFor } from '../test/lifecycle/helpers.ts';

const HISTORIES = fileURLToPath(new URL('../test/histories/', import.meta.url));
const HISTORY_TYPE = (proto as unknown as Root).lookupType('temporal.api.history.v1.History');

/** A fetched history in Temporal's JSON form (ProtoJSON, as other Temporal tools write it), which the replayer reads back. */
function historyToJSON(history: proto.temporal.api.history.v1.IHistory): string {
  return JSON.stringify(protojson.toJson(HISTORY_TYPE, proto.temporal.api.history.v1.History.fromObject(history)));
}
const say = (line: string) => process.stdout.write(`${line}\n`);

interface Scenario {
  name: string;
  /** What the recorded movement went through, for the reader of the file list. */
  status: string;
  /** Delays of seconds, for the scenarios that go through the watch (deadlines, ladder, alerts). */
  watched?: boolean;
  run(corridor: Corridor): Promise<string>;
}

async function until(corridor: Corridor, mrn: string, test: (s: Awaited<ReturnType<Corridor['state']>>) => boolean, what: string): Promise<void> {
  await eventually(async () => (test(await corridor.state(mrn)) ? true : undefined), 120_000, `${mrn}: ${what}`);
}

function discharged(route: 'lome-ouaga' | 'lome-bobo' | 'lome-faramana' | 'lome-kantchari' | 'ouaga-lome'): Scenario {
  return {
    name: `${route}.discharged`,
    status: 'DISCHARGED',
    async run(corridor) {
      const d = declarationFor(route, uniqueTin());
      const mrn = await corridor.accepted(d);
      await corridor.drive(mrn, d.plan);
      return mrn;
    },
  };
}

const scenarios: Scenario[] = [
  discharged('lome-ouaga'),
  discharged('lome-bobo'),
  discharged('lome-faramana'),
  discharged('lome-kantchari'),
  discharged('ouaga-lome'),
  {
    name: 'rejected.guarantee-insufficient',
    status: 'REJECTED',
    async run(corridor) {
      const d = declarationFor('lome-ouaga', uniqueTin(), (json) => (json.guarantee = { grn: '26TG0000000000002', accessCode: '2345' }));
      const answer = await corridor.lodge(d);
      if (answer.status !== 422) throw new Error(`expected 422 REJECTED, got ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body.mrn;
    },
  },
  {
    name: 'cancelled.after-amendment',
    status: 'CANCELLED',
    async run(corridor) {
      const d = declarationFor('lome-ouaga', uniqueTin());
      const mrn = await corridor.accepted(d);
      const amended = structuredClone(d.json);
      amended.goodsItems[0].valueXof = 1_000_000;
      await expect200(corridor.act(mrn, 'amend', declarantOf(d.tin), amended));
      await expect200(corridor.act(mrn, 'cancel', declarantOf(d.tin), { reason: 'changement de transporteur' }));
      return mrn;
    },
  },
  {
    name: 'held-resolved.lome-ouaga',
    status: 'DISCHARGED',
    async run(corridor) {
      const d = declarationFor('lome-ouaga', uniqueTin());
      const mrn = await corridor.accepted(d);
      await corridor.drive(mrn, d.plan, 0, 5);
      await expect200(
        corridor.act(mrn, 'control-results', officerAt('BFOUA001'), { result: 'DISCREPANCIES', sealsIntact: true, discrepancies: ['12 sacs manquants'] }),
      );
      await expect200(corridor.act(mrn, 'resolve-discrepancy', officerAt('BFOUA001'), { resolution: 'sacs retrouvés, recomptés' }));
      return mrn;
    },
  },
  {
    name: 'transhipment-extension.lome-bobo',
    status: 'DISCHARGED',
    async run(corridor) {
      const d = declarationFor('lome-bobo', uniqueTin());
      const mrn = await corridor.accepted(d);
      await corridor.drive(mrn, d.plan, 0, 1);
      await expect200(
        corridor.act(mrn, 'incident', officerAt('TGCKS001'), {
          kind: 'TRANSHIPMENT',
          description: 'essieu cassé, transbordement sous escorte',
          newVehicle: { registration: 'TG 7001 QA', nationality: 'TG' },
          newSeals: ['SL-TR-1', 'SL-TR-2'],
          extendHours: 12,
        }),
      );
      await corridor.drive(mrn, d.plan, 1);
      return mrn;
    },
  },
  {
    name: 'recovery.lome-ouaga',
    status: 'RECOVERY',
    watched: true,
    async run(corridor) {
      const d = declarationFor('lome-ouaga', uniqueTin());
      const mrn = await corridor.accepted(d);
      await corridor.drive(mrn, d.plan, 0, 1);
      // Since 2026-11-28 the ladder proposes the recovery and the departure country's collector decides it.
      await until(corridor, mrn, (s) => s.recovery?.state === 'PROPOSED', 'recovery proposed');
      await expect200(
        corridor.act(mrn, 'recovery', { user: 'receveur-tg', role: 'collector', country: 'TG' }, { decision: 'confirm', reason: 'enquête sans résultat' }),
      );
      await until(corridor, mrn, (s) => s.status === 'RECOVERY', 'RECOVERY');
      return mrn;
    },
  },
  {
    name: 'late-border-alert-control-missing.lome-ouaga',
    status: 'DISCHARGED',
    watched: true,
    async run(corridor) {
      const d = declarationFor('lome-ouaga', uniqueTin());
      const mrn = await corridor.accepted(d);
      await corridor.drive(mrn, d.plan, 0, 1);
      await until(corridor, mrn, (s) => s.escalation.level >= 1, 'overdue');
      await expect200(corridor.act(mrn, 'acknowledge', { user: 'sup-tg', role: 'supervisor', country: 'TG' }, { note: 'transporteur appelé' }));
      await until(corridor, mrn, (s) => s.escalation.level >= 2, 'level 2');
      await corridor.drive(mrn, d.plan, 1, 2); // late at the border post
      await until(corridor, mrn, (s) => Boolean(s.crossings[0]?.alertAt), 'border alert');
      await corridor.drive(mrn, d.plan, 2, 5); // exit, entry, arrival
      await until(corridor, mrn, (s) => s.escalation.kind === 'CONTROL_RESULTS_MISSING', 'control results missing');
      await corridor.drive(mrn, d.plan, 5);
      return mrn;
    },
  },
];

// Every act keyed in the national systems: the movement is started and moved by the journals' signals.
scenarios.push({
  name: 'national-path.lome-ouaga',
  status: 'DISCHARGED',
  async run(corridor) {
    const stack = corridor.stack;
    const screens = new NationalScreens({ TG: stack.sandboxes.TG.url, BF: stack.sandboxes.BF.url }, DEVELOPMENT_USER_SECRET);
    const tin = uniqueTin();
    const d = declarationFor('lome-ouaga', tin);
    const lodged = await screens.lodge('TG', tin, d.json);
    if (lodged.status !== 201) throw new Error(JSON.stringify(lodged.body));
    const mrn = lodged.body.mrn;
    await eventually(
      async () => ((await corridor.api.call('GET', `/transits/${mrn}`, { user: 'regional', role: 'regional' })).status === 200 ? true : undefined),
      60_000,
      'started',
    );
    await screens.drive(mrn, d.plan, stepsFor(d.plan, sealsFor(mrn)));
    await until(corridor, mrn, (s) => s.status === 'DISCHARGED', 'discharged');
    return mrn;
  },
});

async function expect200(answer: Promise<{ status: number; body: unknown }>): Promise<void> {
  const { status, body } = await answer;
  if (status !== 200) throw new Error(`expected 200, got ${status} ${JSON.stringify(body)}`);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const chosen = only.length ? scenarios.filter((s) => only.includes(s.name)) : scenarios;
  if (chosen.length === 0) throw new Error(`no scenario named ${only.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);

  let server: DevServer | undefined;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'corridor-histories-'));
  if (process.env.TEMPORAL_ADDRESS) {
    await ensureSearchAttributes(process.env.TEMPORAL_ADDRESS, 'default');
  } else {
    server = await startDevServer({ cli: await findTemporalCli({ say }), port: await freePort(), logFile: path.join(tmp, 'temporal.log') });
    process.env.TEMPORAL_ADDRESS = server.address;
  }
  // A scenario that fails must not leave its dev server running beside whatever runs next.
  try {
    const bundlePath = path.join(tmp, 'workflow-bundle.js');
    writeFileSync(bundlePath, (await buildWorkflowBundle()).code);
    process.env.CORRIDOR_TEST_WORKFLOW_BUNDLE = bundlePath;

    mkdirSync(HISTORIES, { recursive: true });
    for (const watched of [false, true]) {
      const group = chosen.filter((scenario) => Boolean(scenario.watched) === watched);
      if (group.length) await record(group, watched ? ladderEnv : {});
    }
  } finally {
    await server?.stop();
  }
}

async function record(chosen: Scenario[], env: Record<string, string>): Promise<void> {
  const stack = await startStack({ env });
  try {
    const corridor = new Corridor(stack);
    for (const scenario of chosen) {
      const mrn = await scenario.run(corridor);
      const handle = stack.client.workflow.getHandle(mrn);
      const result = (await handle.result()) as { status: string };
      if (result.status !== scenario.status) throw new Error(`${scenario.name}: ended ${result.status}, expected ${scenario.status}`);
      const history = await handle.fetchHistory();
      // A movement started on a baseline (workflows/versions.ts) is recorded beside the ones from
      // before it, never over them: both kinds may be on the road and must replay.
      const baseline = (
        stack.client.options.loadedDataConverter.payloadConverter.fromPayload(
          history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!,
        ) as { baseline?: number }
      ).baseline;
      const file = path.join(HISTORIES, baseline === undefined ? `${scenario.name}.json` : `${scenario.name}.baseline-${baseline}.json`);
      // Indented, so a re-recording shows as a readable diff.
      writeFileSync(file, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
      // A national event is checked against its consumer's key on every replay too (the signal
      // handler checks it, not a validator): the public keys it was vouched with go beside it.
      if (baseline !== undefined) writeFileSync(file.replace(/\.json$/, VOUCH_KEYS_SUFFIX), `${JSON.stringify(vouchPublicKeys(stack.config), null, 1)}\n`);
      say(`${scenario.name}: ${mrn} ${result.status}, ${history.events?.length ?? 0} events → ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    say(`record-histories failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
