// Every route of the corridor, end to end through the HTTP API, on the real server and the
// real sandboxes: the movement is discharged, each system holds one record, the guarantee
// balance is back where it started, and the timeline names who did what where.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import { validateDeclaration } from '../../src/domain/declaration.ts';
import type { Declaration, PlannedRoute } from '../../src/domain/types.ts';
import { ApiClient, driveLifecycle, withLrn } from '../../src/simulation/lifecycle.ts';
import type { TransitState } from '../../workflows/model.ts';
import { startStack, type Stack } from '../harness/stack.ts';

const reference = loadReferenceData();

function example(route: string): { declaration: Declaration; plan: PlannedRoute } {
  const checked = validateDeclaration(JSON.parse(readFileSync(new URL(`../../examples/declarations/${route}.json`, import.meta.url), 'utf8')), reference);
  assert.ok(checked.ok, `example ${route} is valid`);
  return { declaration: checked.declaration, plan: checked.plan };
}

async function balance(stack: Stack, country: 'TG' | 'BF', grn: string): Promise<number> {
  const response = await fetch(`${stack.sandboxes[country].url}/v1/guarantees/${grn}`);
  assert.equal(response.status, 200);
  return ((await response.json()) as { availableXof: number }).availableXof;
}

async function nationalRecord(stack: Stack, country: 'TG' | 'BF', mrn: string) {
  const response = await fetch(`${stack.sandboxes[country].url}/v1/movements/${mrn}`);
  return { status: response.status, body: (await response.json()) as { state: string; events: unknown[] } };
}

describe('every route of the corridor, end to end through the API', () => {
  let stack: Stack;
  let api: ApiClient;
  before(async () => {
    stack = await startStack();
    api = new ApiClient(stack.api, stack.token);
  });
  after(() => stack.stop());

  const routes: [string, 'TG' | 'BF', 'TG' | 'BF', string][] = [
    ['lome-ouaga', 'TG', 'BF', 'DISCHARGED'],
    ['lome-bobo', 'TG', 'BF', 'DISCHARGED'],
    ['lome-faramana', 'TG', 'BF', 'DISCHARGED'],
    ['lome-kantchari', 'TG', 'BF', 'DISCHARGED'],
    ['ouaga-lome', 'BF', 'TG', 'DISCHARGED'],
  ];

  for (const [routeId, departure, destination] of routes) {
    it(`${routeId}: lodged, released, crossed at Cinkassé/Cinkansé, arrived, discharged`, async () => {
      const { declaration, plan } = example(routeId);
      const lrn = `T${randomBytes(6).toString('hex')}`;
      const before = await balance(stack, departure, declaration.guarantee.grn);

      const outcome = await driveLifecycle(api, withLrn(declaration, lrn), plan);
      assert.equal(outcome.status, 'DISCHARGED');

      const view = await api.call<TransitState & { allowedActions: string[] }>('GET', `/transits/${outcome.mrn}`, {
        user: 'regional',
        role: 'regional',
      });
      assert.equal(view.status, 200);
      const state = view.body;
      assert.equal(state.status, 'DISCHARGED');
      assert.equal(state.routeId, routeId);
      assert.equal(state.guarantee.state, 'RELEASED');
      assert.deepEqual(state.allowedActions, []);

      // Who did what, where, when: every officer's act carries its actor and office.
      const acts = state.timeline.filter((e) => e.by.role === 'officer');
      const expected = ['RELEASED', 'BORDER_ARRIVAL', 'EXIT_CONFIRMED', 'ENTRY_ACCEPTED', 'ARRIVED', 'CONTROL_RESULTS'];
      if (plan.endsWith === 'EXT') expected.push('EXIT_CONFIRMED');
      assert.deepEqual(
        acts.map((e) => e.what),
        expected,
      );
      for (const event of acts) {
        assert.equal(event.by.role, 'officer');
        assert.equal((event.by as { office?: string }).office, event.office);
        assert.ok(!Number.isNaN(Date.parse(event.at)));
      }
      assert.deepEqual(
        state.timeline.filter((e) => e.by.role === 'system').map((e) => e.what),
        [
          'REGISTERED',
          'GUARANTEE_RESERVED',
          'ACCEPTED',
          'AAR_SENT',
          'EXIT_NOTICE_SENT',
          'ENTRY_NOTICE_SENT',
          'DISCHARGED_AT_DESTINATION',
          'WRITTEN_OFF',
          'GUARANTEE_RELEASED',
        ],
      );

      // The border crossing, measured from arrival at the post to entry accepted.
      assert.equal(state.crossings.length, 1);
      const crossing = state.crossings[0]!;
      assert.equal(crossing.post, 'PCJ-CINKASSE');
      assert.ok(crossing.exitAt && crossing.entryAt);
      assert.equal(crossing.dwellSeconds, Math.round((Date.parse(crossing.entryAt) - Date.parse(crossing.arrivalAt)) / 1000));

      // Each national system holds exactly one record, in its final state; the guarantee is whole again.
      const dep = await nationalRecord(stack, departure, outcome.mrn);
      const des = await nationalRecord(stack, destination, outcome.mrn);
      assert.equal(dep.status, 200);
      assert.equal(des.status, 200);
      assert.equal(dep.body.state, 'WRITTEN_OFF');
      assert.equal(des.body.state, 'DISCHARGED');
      // The other side of the border post was told: the exit to the country of entry, the entry to the country of exit.
      const operations = (record: typeof dep) => (record.body.events as { operation: string }[]).map((e) => e.operation);
      assert.equal(operations(des).filter((o) => o === 'receiveExitNotice').length, 1);
      assert.equal(operations(dep).filter((o) => o === 'receiveEntryNotice').length, 1);
      assert.ok(state.nationalReferences[departure] && state.nationalReferences[destination]);
      assert.notEqual(state.nationalReferences[departure], state.nationalReferences[destination]);
      assert.equal(await balance(stack, departure, declaration.guarantee.grn), before);
    });
  }
});
