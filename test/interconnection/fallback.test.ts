// The fallback procedure (procédure de secours): Burkina's national system is down while trucks
// arrive at Cinkansé. The officers record the entries (and arrivals at Ouagadougou) in Corridor
// as fallback acts with their paper documents' numbers; the movements go on at once, flagged
// while the acts wait; when the system is back each act is written into it once — one of them
// the officer also keyed there, before Corridor's write and after it — and the reconciliation
// finds no difference.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/logging/logger.ts';
import { nationalClientFromConfig } from '../../src/national/client.ts';
import { DEVELOPMENT_USER_SECRET } from '../../src/national/sandbox/users.ts';
import { reconcile } from '../../src/reconciliation/reconcile.ts';
import { NationalScreens } from '../../src/simulation/national-screens.ts';
import type { PlannedRoute } from '../../src/domain/types.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, eventually, officerAt, uniqueTin, type TransitView } from '../lifecycle/helpers.ts';

let stack: Stack;
let corridor: Corridor;
let screens: NationalScreens;

const CINKANSE = 'BFCKN001';
const OUAGA = 'BFOUA001';
const year = new Date().getUTCFullYear();
const paper = (office: string, serial: number) => `${office}-DS-${year}-${String(serial).padStart(6, '0')}`;
const regional = { user: 'regional', role: 'regional' } as const;

/** Three trucks that left Togo at Cinkassé (exit confirmed, Burkina told) and stand at Cinkansé. */
const trucks: { mrn: string; plan: PlannedRoute }[] = [];

before(async () => {
  stack = await startStack();
  corridor = new Corridor(stack);
  screens = new NationalScreens({ TG: stack.sandboxes.TG.url, BF: stack.sandboxes.BF.url }, DEVELOPMENT_USER_SECRET);
  for (let i = 0; i < 3; i++) {
    const d = declarationFor('lome-ouaga', uniqueTin());
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 3);
    // Burkina told: the exit notice follows the exit's answer, and must be there before its system goes down.
    await corridor.forwarded(mrn, 'EXIT_NOTICE_SENT');
    trucks.push({ mrn, plan: d.plan });
  }
});
after(() => stack?.stop());

async function journalOf(country: 'TG' | 'BF'): Promise<{ state: string; unreadableSince: string | null }> {
  const answer = await corridor.api.call<{ journals: Array<{ country: string; state: string; unreadableSince: string | null }> }>(
    'GET',
    '/interconnection',
    regional,
  );
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.journals.find((j) => j.country === country)!;
}

/** A record as Corridor reads it from a national system. */
async function record(country: 'TG' | 'BF', mrn: string) {
  const answer = await corridor.record(country, mrn);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body as Omit<typeof answer.body, 'events'> & {
    events: Array<{ operation: string; office: string | null; source: string; at: string; data: Record<string, unknown> }>;
  };
}

const entry = (body: Record<string, unknown>) => ({ sealsIntact: true, ...body });
const count = (state: TransitView, what: string) => state.timeline.filter((e) => e.what === what).length;

describe("Burkina's national system down while trucks arrive at Cinkansé", () => {
  test('while SYDONIA Burkina answers, a fallback act is refused: the officer keys it there', async () => {
    const { mrn } = trucks[0]!;
    const refused = await corridor.act(mrn, 'entry', officerAt(CINKANSE), entry({ fallback: { paperNumber: paper(CINKANSE, 1) } }));
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.error, 'FALLBACK_NOT_ALLOWED');
    assert.match(refused.body.message, /^SYDONIA Burkina répond : saisissez l'acte dans SYDONIA Burkina.* \/ ASYCUDA Burkina is answering/);
    const state = await corridor.state(mrn);
    assert.equal(state.status, 'AT_BORDER');
    assert.equal(state.fallbackActs, undefined);
  });

  test('with the system down: a bad paper number is refused naming the field, and nothing changes', async () => {
    await stack.stopSandbox('BF');
    await eventually(
      () => journalOf('BF'),
      (j) => j.state === 'unreadable',
      "Corridor sees Burkina's journal unreadable",
      60_000,
    );
    const { mrn } = trucks[0]!;
    const before = await corridor.state(mrn);
    const cases: Array<[unknown, string]> = [
      [{}, 'fallback.paperNumber'],
      [{ paperNumber: '' }, 'fallback.paperNumber'],
      [{ paperNumber: 'papier 12' }, 'fallback.paperNumber'],
      [{ paperNumber: paper(OUAGA, 7) }, 'fallback.paperNumber'],
      [{ paperNumber: paper(CINKANSE, 7), recordedAt: 'hier' }, 'fallback.recordedAt'],
      [{ paperNumber: paper(CINKANSE, 7), recordedAt: new Date(Date.now() + 3_600_000).toISOString() }, 'fallback.recordedAt'],
      // Before the truck's exit from Togo: a paper cannot predate the act before it.
      [{ paperNumber: paper(CINKANSE, 7), recordedAt: new Date(Date.now() - 3_600_000).toISOString() }, 'fallback.recordedAt'],
    ];
    for (const [fallback, field] of cases) {
      const answer = await corridor.act(mrn, 'entry', officerAt(CINKANSE), entry({ fallback }));
      assert.equal(answer.status, 400, `${JSON.stringify(fallback)}: ${JSON.stringify(answer.body)}`);
      const errors = answer.body.errors as Array<{ path: string; message: string }>;
      assert.ok(
        errors.some((e) => e.path === field),
        `${JSON.stringify(fallback)} names ${field}: ${JSON.stringify(errors)}`,
      );
    }
    // Control results discharge the movement: they wait for the system itself, and the officer is told so.
    const notThisAct = await corridor.act(mrn, 'control-results', officerAt(OUAGA), {
      result: 'SATISFACTORY',
      sealsIntact: true,
      fallback: { paperNumber: paper(OUAGA, 1) },
    });
    assert.equal(notThisAct.status, 409, JSON.stringify(notThisAct.body));
    assert.equal(notThisAct.body.error, 'FALLBACK_NOT_FOR_THIS_ACT');
    assert.match(notThisAct.body.fr, /ne se saisit pas en procédure de secours/);
    const after = await corridor.state(mrn);
    assert.equal(after.status, 'AT_BORDER');
    assert.equal(after.version, before.version);
    assert.equal(after.fallbackActs, undefined);
  });

  test('fallback entries and arrivals take effect at once with their papers, flagged while they wait; written into Burkina once when it returns', async () => {
    const [one, two, three] = trucks as [(typeof trucks)[0], (typeof trucks)[0], (typeof trucks)[0]];
    const papers = new Map<string, { entry: string; entryAt: string; arrival?: string; arrivalAt?: string }>();

    // Entries at Cinkansé, each on its paper, the time written on it a moment ago, and after the
    // truck's exit from Togo (on a loaded machine the exit may itself be less than a second old).
    for (const [i, { mrn }] of trucks.entries()) {
      const exitAt = Date.parse((await corridor.state(mrn)).timeline.find((e) => e.what === 'EXIT_CONFIRMED')?.at ?? '');
      assert.ok(Number.isFinite(exitAt), `${mrn}: exit confirmed before the entry`);
      const entryAt = new Date(Math.min(Date.now(), Math.max(Date.now() - 1000, exitAt + 1)) + i).toISOString();
      const started = Date.now();
      const answer = await corridor.act(mrn, 'entry', officerAt(CINKANSE), entry({ fallback: { paperNumber: paper(CINKANSE, 100 + i), recordedAt: entryAt } }));
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.status, 'RELEASED');
      assert.ok(Date.now() - started < 10_000, `answered in ${Date.now() - started} ms, not after the system returns`);
      papers.set(mrn, { entry: paper(CINKANSE, 100 + i), entryAt });
    }
    // Arrivals at Ouagadougou for two of them, on paper too.
    for (const [i, { mrn }] of [one, two].entries()) {
      const arrivalAt = new Date(Math.min(Date.now(), Math.max(Date.now() - 500, Date.parse(papers.get(mrn)!.entryAt) + 1)) + i).toISOString();
      const answer = await corridor.act(mrn, 'arrival', officerAt(OUAGA), {
        sealsIntact: true,
        fallback: { paperNumber: paper(OUAGA, 200 + i), recordedAt: arrivalAt },
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.status, 'ARRIVED');
      Object.assign(papers.get(mrn)!, { arrival: paper(OUAGA, 200 + i), arrivalAt });
    }

    // Each movement goes on with the paper's time, marked fallback, and is flagged as waiting for Burkina's system.
    for (const { mrn } of trucks) {
      const state = await corridor.state(mrn);
      const p = papers.get(mrn)!;
      assert.equal(state.crossings[0]!.entryAt, p.entryAt);
      const entered = state.timeline.find((e) => e.what === 'ENTRY_ACCEPTED')!;
      assert.equal(entered.at, p.entryAt);
      assert.deepEqual([entered.details?.fallback, entered.details?.paperNumber], [true, p.entry]);
      assert.deepEqual((state as TransitView & { waitingForSystems: string[] }).waitingForSystems, ['BF']);
      assert.deepEqual(
        state.fallbackActs!.map((a) => [a.act, a.paperNumber, a.state]),
        [['entry', p.entry, 'WAITING'], ...(p.arrival ? [['arrival', p.arrival, 'WAITING']] : [])],
      );
      if (p.arrivalAt) assert.equal(state.arrival?.at, p.arrivalAt);
    }
    // The lists flag them too.
    const listed = await eventually(
      () => corridor.list(regional, { office: CINKANSE, pageSize: 200 }),
      (a) => trucks.every(({ mrn }) => a.body.items.find((item) => item.mrn === mrn)?.waitingForSystems?.[0] === 'BF'),
      'the list flags the movements waiting for Burkina',
    );
    assert.equal(listed.status, 200);

    // Burkina's system comes back while Corridor's worker is down; an officer at Cinkansé keys
    // truck three's entry there from the same paper, before Corridor could write it.
    await stack.stopWorker();
    await stack.startSandbox('BF');
    const keyedThere = await screens.credential({ sub: 'agent-bfckn001', role: 'officer', office: CINKANSE });
    const three3 = await screens.call('BF', 'POST', `/v1/movements/${three.mrn}/entry`, keyedThere, {
      office: CINKANSE,
      sealsIntact: true,
      at: papers.get(three.mrn)!.entryAt,
    });
    assert.equal(three3.status, 200, JSON.stringify(three3.body));
    await stack.startWorker();

    // Every fallback act settles and the flag clears.
    for (const { mrn } of trucks) {
      const state = await eventually(
        () => corridor.state(mrn),
        (s) => (s as TransitView & { waitingForSystems: string[] }).waitingForSystems.length === 0,
        `${mrn}: every fallback act written into Burkina's system`,
        90_000,
      );
      const expected = mrn === three.mrn ? ['ALREADY_IN_SYSTEM'] : ['WRITTEN', 'WRITTEN'];
      assert.deepEqual(
        state.fallbackActs!.map((a) => a.state),
        expected,
        JSON.stringify(state.fallbackActs),
      );
    }
    // Truck one's officer keys the entry in Burkina's system after Corridor's write landed: refused there, it is already recorded.
    const one1 = await screens.call('BF', 'POST', `/v1/movements/${one.mrn}/entry`, keyedThere, {
      office: CINKANSE,
      sealsIntact: true,
      at: papers.get(one.mrn)!.entryAt,
    });
    assert.equal(one1.status, 409, JSON.stringify(one1.body));

    // Control results keyed in Corridor, Burkina's system answering: every movement discharged.
    await corridor.act(three.mrn, 'arrival', officerAt(OUAGA), { sealsIntact: true }).then((a) => assert.equal(a.status, 200, JSON.stringify(a.body)));
    for (const { mrn } of trucks) {
      const answer = await corridor.act(mrn, 'control-results', officerAt(OUAGA), { result: 'SATISFACTORY', sealsIntact: true });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.status, 'DISCHARGED');
    }

    for (const { mrn } of trucks) {
      const p = papers.get(mrn)!;
      const bf = await record('BF', mrn);
      assert.equal(bf.state, 'DISCHARGED');
      // One entry in Burkina's record, whoever wrote it; Corridor's written with its paper and the paper's time.
      const entries = bf.events.filter((e) => e.operation === 'acceptEntry');
      assert.equal(entries.length, 1, JSON.stringify(entries));
      assert.equal(entries[0]!.at, p.entryAt);
      if (mrn === three.mrn) assert.equal(entries[0]!.source, 'officer');
      else assert.deepEqual([entries[0]!.source, (entries[0]!.data.fallback as { paperNumber: string }).paperNumber], ['interconnection', p.entry]);
      const arrivals = bf.events.filter((e) => e.operation === 'recordArrival');
      assert.equal(arrivals.length, 1);
      if (p.arrival) {
        assert.equal((arrivals[0]!.data.fallback as { paperNumber: string }).paperNumber, p.arrival);
        assert.equal(arrivals[0]!.at, p.arrivalAt);
      }
      // Corridor's own calls: each fallback act written once (one key, one success), retries and the worker restart included.
      const calls = await corridor.calls('BF', mrn);
      const mine = (operation: string) => calls.filter((c) => c.idempotencyKey.startsWith(`${mrn}:`) && c.operation === operation);
      assert.equal(mine('acceptEntry').filter((c) => c.status < 300).length, mrn === three.mrn ? 0 : 1, JSON.stringify(mine('acceptEntry')));
      assert.equal(mine('acceptEntry').length, 1, 'one key for the entry, however often it was tried');
      assert.equal(mine('recordArrival').filter((c) => c.status < 300).length, 1);

      // One act each in Corridor's timeline, the flag gone from the lists.
      const state = await corridor.state(mrn);
      assert.equal(state.status, 'DISCHARGED');
      assert.equal(count(state, 'ENTRY_ACCEPTED'), 1);
      assert.equal(count(state, 'ARRIVED'), 1);
      assert.equal(count(state, 'NATIONAL_ACT_DISCREPANCY'), 0);
      assert.equal(count(state, 'FALLBACK_ACT_WRITTEN'), mrn === three.mrn ? 0 : 2);
      assert.equal(count(state, 'FALLBACK_ACT_ALREADY_IN_SYSTEM'), mrn === three.mrn ? 1 : 0);
      assert.equal(state.crossings[0]!.dwellSeconds, Math.round((Date.parse(p.entryAt) - Date.parse(state.crossings[0]!.arrivalAt)) / 1000));
    }
    // Truck three's entry keyed in Burkina's system counted once: its journal copy recognised.
    await eventually(
      () => corridor.state(three.mrn),
      (s) => count(s, 'NATIONAL_ACT_CONFIRMED') === 1,
      "truck three's entry from Burkina's journal recognised as the same act",
      60_000,
    );

    // The reconciliation: both systems read, not one difference.
    const systems = { TG: nationalClientFromConfig(stack.config, 'TG'), BF: nationalClientFromConfig(stack.config, 'BF') };
    const report = await reconcile(
      { client: stack.client, config: stack.config, systems, logger: createLogger('test', 'silent') },
      { mrns: trucks.map((t) => t.mrn), graceMs: 0 },
    );
    assert.deepEqual(report.unreachable, []);
    assert.deepEqual(report.differences, [], JSON.stringify(report.differences, null, 2));
    assert.equal(report.movements, trucks.length);
    assert.equal(report.summary.code, 'RECONCILED');
  });
});
