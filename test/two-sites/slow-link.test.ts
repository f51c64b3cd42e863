// Issue 17: the link between Lomé and Ouagadougou slowed to 2 s of round trip (1 s each way) with
// 10 % of packets lost each way, while trucks go the whole way from Lomé Port to Ouagadougou,
// every act recorded by officers in their own national systems. Burkina's worker talks to the
// cluster at Lomé only over that link. Every movement is discharged, every act applied once, no
// national call made twice, and the reconciliation finds no difference.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TransitState } from '../../workflows/model.ts';
import { impairmentUnavailable } from '../harness/netns.ts';
import { declarationFor, eventually, sealsFor, stepsFor, uniqueTin } from '../lifecycle/helpers.ts';
import { assertCorridorCallsOnce, assertReconciled, useTwoSites } from './checks.ts';

const MOVEMENTS = Number(process.env.CORRIDOR_TWO_SITES_SLOW_MOVEMENTS ?? 10);
// Where the kernel has no netem the link cannot be slowed: the test skips, saying so.
const unavailable = impairmentUnavailable();
const regional = { user: 'regional', role: 'regional' } as const;

const fixture = useTwoSites(unavailable);

test(`${MOVEMENTS} trucks Lomé → Ouagadougou over a link of 2 s round trip and 10 % loss: every one discharged, none twice`, {
  skip: unavailable,
}, async () => {
  const [sites, corridor] = [fixture.sites(), fixture.corridor()];
  const { screens, ouaga } = sites;
  ouaga.impair({ delayMs: 1_000, lossPercent: 10 });
  const mrns: string[] = [];
  await Promise.all(
    Array.from({ length: MOVEMENTS }, async () => {
      const tin = uniqueTin();
      const d = declarationFor('lome-ouaga', tin);
      const lodged = await screens.lodge('TG', tin, d.json);
      assert.equal(lodged.status, 201, JSON.stringify(lodged.body));
      const mrn = lodged.body.mrn;
      mrns.push(mrn);
      for (const step of stepsFor(d.plan, sealsFor(mrn))) {
        // Burkina's officers find the movement once the AAR has crossed the slow link.
        if (step.office.startsWith('BF')) await screens.awaitRecord('BF', mrn, 180_000, step.office);
        const answer = await screens.act(mrn, step);
        assert.equal(answer.status, 200, `${mrn} ${step.action}: ${JSON.stringify(answer.body)}`);
      }
    }),
  );

  const states: TransitState[] = [];
  for (const mrn of mrns) {
    const answer = await eventually(
      () => corridor.api.call<TransitState>('GET', `/transits/${mrn}`, regional),
      (a) => a.status === 200 && a.body.timeline.some((e) => e.what === 'WRITTEN_OFF') && a.body.timeline.some((e) => e.what === 'GUARANTEE_RELEASED'),
      `${mrn} discharged and written off over the slow link`,
      240_000,
    );
    states.push(answer.body);
  }
  ouaga.clearImpairment();

  const officersActs = ['RELEASED', 'BORDER_ARRIVAL', 'EXIT_CONFIRMED', 'ENTRY_ACCEPTED', 'ARRIVED', 'CONTROL_RESULTS'];
  for (const state of states) {
    assert.equal(state.status, 'DISCHARGED', state.mrn);
    for (const what of [...officersActs, 'AAR_SENT', 'EXIT_NOTICE_SENT', 'ENTRY_NOTICE_SENT', 'DISCHARGED_AT_DESTINATION', 'WRITTEN_OFF'])
      assert.equal(state.timeline.filter((e) => e.what === what).length, 1, `${state.mrn}: ${what} once — ${state.timeline.map((e) => e.what).join(', ')}`);
  }
  await assertCorridorCallsOnce(sites, mrns);
  await assertReconciled(sites, mrns);
});
