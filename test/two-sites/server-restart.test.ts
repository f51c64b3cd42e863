// Issue 17: the Temporal server at Lomé is killed (SIGKILL, no chance to flush or say goodbye)
// and started again on its same SQLite file while trucks go the whole way from Lomé Port to
// Ouagadougou, every act recorded by officers in their own national systems. While it is down,
// the officers keep recording (their systems do not need Corridor) and both sites' workers and
// journal consumers wait for it; once it is back, every movement is discharged, every act is
// applied once, Corridor calls each system once per movement, and the reconciliation finds no
// difference. The run's shared server cannot be killed (other files use it at the same time),
// so this file starts a dev server of its own and points both sites at it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { findTemporalCli } from '../../src/temporal/cli.ts';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server.ts';
import type { TransitState } from '../../workflows/model.ts';
import { namespacesUnavailable } from '../harness/netns.ts';
import { freePort } from '../harness/ports.ts';
import { tempDir } from '../harness/stack.ts';
import { eventually } from '../lifecycle/helpers.ts';
import { assertCorridorCallsOnce, assertReconciled, truckThroughScreens, useTwoSites } from './checks.ts';

const MOVEMENTS = Number(process.env.CORRIDOR_TWO_SITES_RESTART_MOVEMENTS ?? 16);
// A few seconds down: long enough for every poller, consumer and client to notice and retry.
const DOWN_MS = 5_000;
const unavailable = namespacesUnavailable();
const regional = { user: 'regional', role: 'regional' } as const;

/** This file's own Temporal server, on a SQLite file that outlives the process. */
class OwnServer {
  server: DevServer | undefined;
  constructor(
    readonly cli: string,
    readonly port: number,
    readonly dbFile: string,
  ) {}
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    this.server = await startDevServer({ cli: this.cli, port: this.port, dbFile: this.dbFile, logFile: `${this.dbFile}.log` });
  }
  /** As a power cut or the OOM killer would: SIGKILL, nothing flushed beyond what SQLite committed. */
  async kill(): Promise<void> {
    const child = this.server?.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
  async stop(): Promise<void> {
    await this.server?.stop();
  }
}

let own: OwnServer | undefined;
const fixture = useTwoSites(
  unavailable,
  async () => {
    own = new OwnServer(await findTemporalCli(), await freePort(), path.join(tempDir('temporal-restart'), 'temporal.sqlite'));
    await own.start();
    return { temporalAddress: own.address };
  },
  // Once both sites have stopped using it.
  async () => {
    await own?.stop();
  },
);

test(`${MOVEMENTS} trucks Lomé → Ouagadougou while the Temporal server is killed and restarted on its file: every one discharged, every act once, 0 differences`, {
  skip: unavailable,
}, async () => {
  const [sites, corridor] = [fixture.sites(), fixture.corridor()];
  const { screens } = sites;
  const server = own!;
  const mrns: string[] = [];
  const exited: string[] = [];
  let down: { from: number; to: number } | undefined;
  const recordedWhileDown: string[] = [];

  const trucks = Promise.all(
    Array.from({ length: MOVEMENTS }, async (_, i) => {
      // Staggered, so the server goes down with trucks at every stage of the way.
      await sleep(i * 400);
      await truckThroughScreens(screens, mrns, (mrn, action) => {
        const at = Date.now();
        if (down && at >= down.from && at <= down.to) recordedWhileDown.push(`${mrn} ${action}`);
        if (action === 'exit') exited.push(mrn);
      });
    }),
  );

  // Awaited below; a truck's failure meanwhile must not end the process as an unhandled rejection.
  trucks.catch(() => undefined);

  // Down once some trucks have crossed into Burkina and others are still being lodged.
  await eventually(
    async () => exited.length,
    (n) => n >= 2,
    'two trucks out of Togo before the server goes down',
    120_000,
  );
  down = { from: Date.now(), to: Number.POSITIVE_INFINITY };
  await server.kill();
  await sleep(DOWN_MS);
  await server.start();
  down.to = Date.now();
  await trucks;
  assert.ok(recordedWhileDown.length > 0, 'officers recorded acts in their systems while the server was down');

  const states: TransitState[] = [];
  for (const mrn of mrns) {
    const answer = await eventually(
      () => corridor.api.call<TransitState>('GET', `/transits/${mrn}`, regional),
      (a) => a.status === 200 && a.body.timeline.some((e) => e.what === 'WRITTEN_OFF') && a.body.timeline.some((e) => e.what === 'GUARANTEE_RELEASED'),
      `${mrn} discharged and written off after the restart`,
      240_000,
    );
    states.push(answer.body);
  }

  const officersActs = ['RELEASED', 'BORDER_ARRIVAL', 'EXIT_CONFIRMED', 'ENTRY_ACCEPTED', 'ARRIVED', 'CONTROL_RESULTS'];
  const onceEach = [...officersActs, 'AAR_SENT', 'EXIT_NOTICE_SENT', 'ENTRY_NOTICE_SENT', 'DISCHARGED_AT_DESTINATION', 'WRITTEN_OFF', 'GUARANTEE_RELEASED'];
  for (const state of states) {
    assert.equal(state.status, 'DISCHARGED', state.mrn);
    for (const what of onceEach)
      assert.equal(state.timeline.filter((e) => e.what === what).length, 1, `${state.mrn}: ${what} once — ${state.timeline.map((e) => e.what).join(', ')}`);
    const eventIds = state.timeline.filter((e) => officersActs.includes(e.what)).map((e) => e.details?.eventId);
    assert.equal(new Set(eventIds).size, officersActs.length, `${state.mrn}: six journal events, each applied once: ${JSON.stringify(eventIds)}`);
    assert.deepEqual(
      state.timeline.filter((e) => officersActs.includes(e.what)).map((e) => e.what),
      officersActs,
      `${state.mrn}: acts in the procedure's order`,
    );
  }
  await assertCorridorCallsOnce(sites, mrns);
  await assertReconciled(sites, mrns);
});
