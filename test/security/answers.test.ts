// Finding 3, answers that tell nothing to strangers: list filters are what they name (a TIN, a
// registration, an office code), control characters and bidi overrides are refused in every
// query value and every body string at the API's edge, and Temporal refusing a visibility query
// is a 400 naming the filter, never a 500.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Actor } from '../../src/auth/actor.ts';
import { ApiError } from '../../src/api/errors.ts';
import { visibilityRefusal } from '../../src/api/routes/common.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, uniqueTin } from '../lifecycle/helpers.ts';

const regional: Actor = { user: 'regional', role: 'regional' };
const RLO = '\u202e';

describe('answers at the API edge', () => {
  let stack: Stack;
  let corridor: Corridor;
  const tin = uniqueTin();

  before(async () => {
    stack = await startStack();
    corridor = new Corridor(stack);
  });
  after(() => stack.stop());

  const list = async (query: string) => {
    const started = Date.now();
    const answer = await corridor.api.call<Record<string, any>>('GET', `/transits?${query}`, regional);
    return { ...answer, ms: Date.now() - started };
  };

  it('a NUL byte in a list filter: 400 at once naming the filter (it was a 500 after Temporal retried for 22 s)', async () => {
    const answer = await list('declarant=%00');
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.ok(answer.ms < 5_000, `answered in ${answer.ms} ms`);
    assert.ok(
      answer.body.errors.some((e: { path: string }) => e.path === 'querystring.declarant'),
      JSON.stringify(answer.body),
    );
  });

  it('declarant must be a TIN, vehicle a registration, offices office codes', async () => {
    for (const query of [
      'declarant=%27%20OR%20true',
      'declarant=a',
      'vehicle=TG%201234%3BAB',
      'vehicle=%3Cscript%3E',
      'office=TGLFW001%0A',
      'currentOffice=nope',
    ]) {
      const answer = await list(query);
      assert.equal(answer.status, 400, `${query}: ${JSON.stringify(answer.body)}`);
    }
    for (const query of [`declarant=${tin}`, 'vehicle=tg%201234%20ab', 'office=TGLFW001']) {
      const answer = await list(query);
      assert.equal(answer.status, 200, `${query}: ${JSON.stringify(answer.body)}`);
    }
  });

  it('bidi overrides and isolates are refused in every query value, naming it', async () => {
    for (const [name, value] of [
      ['vehicle', `TG 1234 AB${RLO}`],
      ['declarant', `\u2066${tin}`],
      ['pageToken', `abc${RLO}`],
      ['status', `ACCEPTED\u202a`],
    ]) {
      const answer = await list(`${name}=${encodeURIComponent(value!)}`);
      assert.equal(answer.status, 400, `${name}: ${JSON.stringify(answer.body)}`);
      assert.match(JSON.stringify(answer.body), new RegExp(`querystring\\.${name}`));
    }
    const escalations = await corridor.api.call<Record<string, any>>('GET', `/escalations?office=${encodeURIComponent(`TGLFW001${RLO}`)}`, regional);
    assert.equal(escalations.status, 400, JSON.stringify(escalations.body));
  });

  it("an act's free text with a bidi override or a control character is refused with 400 naming the field, before any movement is looked up", async () => {
    const mrn = '26TG00000000000000';
    for (const [action, body, field] of [
      ['cancel', { reason: `payé${RLO}sellecnaC` }, 'reason'],
      ['border-arrival', { sealsIntact: true, remarks: 'ok\u0000' }, 'remarks'],
      ['control-results', { result: 'DISCREPANCIES', sealsIntact: true, discrepancies: ['ok', `x\u2067y`] }, 'discrepancies[1]'],
    ] as const) {
      const answer = await corridor.act(mrn, action, regional, body);
      assert.equal(answer.status, 400, `${action}: ${answer.status} ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.errors[0].path, field);
    }
  });

  it('a declaration with a bidi override or a control character in any string is refused with 400 naming the field', async () => {
    for (const [change, field] of [
      [(json: Record<string, any>) => (json.goodsItems[0].description = `Ciment${RLO}tnemic`), 'goodsItems[0].description'],
      [(json: Record<string, any>) => (json.declarant.name = 'Société\u0007'), 'declarant.name'],
      [(json: Record<string, any>) => (json.principal.address.street = `Rue\u2069 1`), 'principal.address.street'],
    ] as const) {
      const d = declarationFor('lome-ouaga', tin);
      change(d.json);
      const answer = await corridor.lodge(d);
      assert.equal(answer.status, 400, `${field}: ${answer.status} ${JSON.stringify(answer.body)}`);
      assert.equal((answer.body as any).errors[0].path, field);
    }
  });

  it('Temporal refusing a visibility query (INVALID_ARGUMENT) becomes a 400 naming the filters', () => {
    const refused = Object.assign(new Error('invalid query'), { code: 3 });
    const mapped = visibilityRefusal(refused, ['vehicle']);
    assert.ok(mapped instanceof ApiError);
    assert.equal(mapped.statusCode, 400);
    assert.match(mapped.en, /vehicle/);
    const wrapped = visibilityRefusal(Object.assign(new Error('service error'), { cause: refused }), ['declarant']);
    assert.ok(wrapped instanceof ApiError && wrapped.statusCode === 400);
    const other = new Error('unavailable');
    assert.equal(visibilityRefusal(other, ['vehicle']), other);
  });
});
