// What every two-site test checks at its end, and its set-up: the corridor on two sites for the
// whole file, Corridor's own calls into each system made once per movement, and the reconciliation.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { corridorCountries } from '../../src/domain/countries.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { nationalClientFromConfig } from '../../src/national/client.ts';
import { reconcile, type ReconciliationReport } from '../../src/reconciliation/reconcile.ts';
import type { NationalScreens } from '../../src/simulation/national-screens.ts';
import { Corridor, declarationFor, sealsFor, stepsFor, tally, uniqueTin } from '../lifecycle/helpers.ts';
import { startTwoSites, type TwoSites, type TwoSitesOptions } from './topology.ts';

/**
 * Starts the two sites before the file's tests (unless they skip) and stops them after. `prepare`
 * runs first and gives the options (a file may start its own Temporal server there); `cleanUp`
 * runs once both sites have stopped (that server may go then).
 */
export function useTwoSites(
  unavailable: string | undefined,
  prepare: () => TwoSitesOptions | Promise<TwoSitesOptions> = () => ({}),
  cleanUp: () => Promise<void> = async () => {},
): { sites: () => TwoSites; corridor: () => Corridor } {
  let sites: TwoSites | undefined;
  let corridor: Corridor | undefined;
  before(async () => {
    if (unavailable) return;
    sites = await startTwoSites(await prepare());
    corridor = new Corridor(sites.stack);
  });
  after(async () => {
    try {
      await sites?.stop();
    } finally {
      await cleanUp();
    }
    // Twice in four runs of 50 movements the stack at Lomé did not finish stopping (a handle left
    // open; not yet found): the results are reported by then, so a file that would otherwise
    // never end exits, with the runner's exit code, instead of holding the suite until CI's limit.
    setTimeout(() => process.exit(), 10_000).unref();
  });
  const started = <T>(value: T | undefined): T => {
    if (!value) throw new Error('the two sites are not started');
    return value;
  };
  return { sites: () => started(sites), corridor: () => started(corridor) };
}

/** Corridor's own calls (key workflowId:activityId) into each system, each once per movement of a clean lome-ouaga lifecycle. */
export async function assertCorridorCallsOnce(sites: TwoSites, mrns: string[]): Promise<void> {
  const expected = { TG: { receiveEntryNotice: 1 }, BF: { receiveAar: 1, receiveExitNotice: 1, discharge: 1 } } as const;
  for (const country of corridorCountries) {
    const url = country === 'BF' ? sites.burkinaLocal.url : sites.stack.sandboxes.TG.url;
    const response = await fetch(`${url}/admin/calls`, { headers: country === 'BF' ? sites.burkinaLocal.adminHeaders : {} });
    const { calls } = (await response.json()) as { calls: Array<{ mrn: string | null; operation: string; idempotencyKey: string; status: number }> };
    for (const mrn of mrns) {
      const counts = tally(calls.filter((c) => c.mrn === mrn && c.idempotencyKey.startsWith(`${mrn}:`) && c.status < 300));
      assert.deepEqual(counts, expected[country], `${mrn} in ${country}: ${JSON.stringify(counts)}`);
    }
  }
}

/** The reconciliation of these movements, run from Lomé over the link: both systems read, no difference. */
export async function assertReconciled(sites: TwoSites, mrns: string[]): Promise<ReconciliationReport> {
  const { stack } = sites;
  const systems = { TG: nationalClientFromConfig(stack.config, 'TG'), BF: nationalClientFromConfig(stack.config, 'BF') };
  const report = await reconcile({ client: stack.client, config: stack.config, systems, logger: createLogger('test', 'silent') }, { mrns, graceMs: 0 });
  assert.deepEqual(report.unreachable, []);
  assert.deepEqual(report.differences, [], JSON.stringify(report.differences.slice(0, 5), null, 2));
  assert.equal(report.movements, mrns.length);
  assert.equal(report.summary.code, 'RECONCILED');
  return report;
}

/**
 * One truck Lomé → Ouagadougou, every act recorded by officers in their own national systems:
 * lodged in Togo's (its MRN pushed onto `mrns` at once), then each step; Burkina's officers act
 * once Corridor has forwarded the AAR to their system. `afterAct` sees each act once answered.
 */
export async function truckThroughScreens(screens: NationalScreens, mrns: string[], afterAct: (mrn: string, action: string) => void = () => {}): Promise<void> {
  const tin = uniqueTin();
  const d = declarationFor('lome-ouaga', tin);
  const lodged = await screens.lodge('TG', tin, d.json);
  assert.equal(lodged.status, 201, JSON.stringify(lodged.body));
  const mrn = lodged.body.mrn;
  mrns.push(mrn);
  for (const step of stepsFor(d.plan, sealsFor(mrn))) {
    if (step.office.startsWith('BF')) await screens.awaitRecord('BF', mrn, 180_000, step.office);
    const answer = await screens.act(mrn, step);
    assert.equal(answer.status, 200, `${mrn} ${step.action}: ${JSON.stringify(answer.body)}`);
    afterAct(mrn, step.action);
  }
}
