// Finding 4 of issue 18, answers that tell nothing to strangers, through the real API: an act
// refused for being out of order told a stranger the movement's status and next office, and an
// Idempotency-Key replayed by another actor returned the first actor's answer. Now who asks is
// checked before the order, a stranger gets the unknown MRN's answer byte for byte, and a key
// answers only the actor who first used it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../src/auth/actor.ts';
import { declarantOf, officerAt, sealsFor } from '../../src/simulation/lifecycle.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, uniqueTin, type Lodgeable } from '../lifecycle/helpers.ts';

const UNKNOWN = '26TG00000000000000';

describe('strangers and replayed keys, through the API', () => {
  let stack: Stack;
  let corridor: Corridor;
  let lodged: Lodgeable;
  let mrn: string;

  before(async () => {
    stack = await startStack();
    corridor = new Corridor(stack);
    lodged = declarationFor('lome-ouaga', uniqueTin());
    mrn = await corridor.accepted(lodged);
  });
  after(() => stack.stop());

  /** The answer with the MRN blanked out, to compare with the unknown MRN's. */
  const shape = (answer: { status: number; body: unknown }, of: string) => ({ status: answer.status, body: JSON.stringify(answer.body).replaceAll(of, 'MRN') });

  const strangers: Array<[string, Actor]> = [
    ['another declarant', declarantOf(uniqueTin())],
    ['a supervisor of Mali', { user: 'sup-ml', role: 'supervisor', country: 'ML' }],
    ['an officer of a Malian office', { user: 'agent-ml', role: 'officer', office: 'MLBKO001' }],
  ];
  const bodies: Record<string, unknown> = {
    release: { seals: ['S-1'] },
    'border-arrival': { sealsIntact: true },
    exit: {},
    arrival: { sealsIntact: true },
    cancel: { reason: 'pas à moi' },
    extend: { hours: 24, reason: 'route coupée' },
    acknowledge: {},
  };

  it('a stranger asking for any act, in order or not, gets exactly the answer for an MRN that does not exist', async () => {
    let compared = 0;
    for (const [who, actor] of strangers) {
      for (const [action, body] of Object.entries(bodies)) {
        const known = await corridor.act(mrn, action, actor, body);
        const unknown = await corridor.act(UNKNOWN, action, actor, body);
        assert.equal(known.status, 404, `${action} by ${who}: ${JSON.stringify(known.body)}`);
        assert.deepEqual(shape(known, mrn), shape(unknown, UNKNOWN), `${action} by ${who}`);
        assert.doesNotMatch(JSON.stringify(known.body), /ACCEPTED|TGLFW001|prochaine|next step/, `${action} by ${who}`);
        compared++;
      }
      const read = await corridor.api.call('GET', `/transits/${mrn}`, actor);
      assert.deepEqual(shape(read, mrn), shape(await corridor.api.call('GET', `/transits/${UNKNOWN}`, actor), UNKNOWN), `read by ${who}`);
    }
    assert.equal(compared, strangers.length * Object.keys(bodies).length);
    assert.equal((await corridor.state(mrn)).status, 'ACCEPTED', 'nothing moved');
  });

  it("an officer of a country on the route but off it, or someone in the wrong role, is refused without the movement's status or next office", async () => {
    const cases: Array<[string, Actor, string]> = [
      ['an officer at Bobo-Dioulasso (Burkina, not on this route)', officerAt('BFBOB001'), 'border-arrival'],
      ['an officer at Bobo-Dioulasso', officerAt('BFBOB001'), 'arrival'],
      ['the declarant, asking for a release', declarantOf(lodged.tin), 'release'],
      ['the declarant, asking for an exit', declarantOf(lodged.tin), 'exit'],
      ['a regional supervisor', { user: 'regional', role: 'regional' }, 'border-arrival'],
    ];
    for (const [who, actor, action] of cases) {
      const answer = await corridor.act(mrn, action, actor, bodies[action]);
      assert.equal(answer.status, 403, `${action} by ${who}: ${JSON.stringify(answer.body)}`);
      assert.doesNotMatch(JSON.stringify(answer.body), /ACCEPTED|prochaine|next step/, `${action} by ${who}`);
    }
    // Someone with a part in the act still hears the order, as before.
    const early = await corridor.act(mrn, 'border-arrival', officerAt('TGCKS001'), { sealsIntact: true });
    assert.equal(early.status, 409);
    assert.match(early.body.message, /ACCEPTED/);
  });

  it('an Idempotency-Key answers only the actor who first used it: another actor gets a 422 naming the header, and nothing changes', async () => {
    const d = declarationFor('lome-ouaga', uniqueTin());
    const m = await corridor.accepted(d);
    const key = `release-${randomUUID()}`;
    const body = { seals: sealsFor(m).slice(0, 2) };
    const first = await corridor.act(m, 'release', officerAt('TGLFW001'), body, key);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    // The AAR follows the answer: "nothing changes" is measured once it is sent.
    const before = await corridor.forwarded(m, 'AAR_SENT');

    // The same key, the same body, the same office: another officer there.
    const colleague: Actor = { user: 'agent-tglfw001-bis', role: 'officer', office: 'TGLFW001' };
    const others: Array<[string, Actor, unknown]> = [
      ['a colleague at the same office, same body', colleague, body],
      ['the declarant', declarantOf(d.tin), body],
      ['a stranger', declarantOf(uniqueTin()), body],
    ];
    for (const [who, actor, b] of others) {
      const replay = await corridor.act(m, 'release', actor, b, key);
      assert.equal(replay.status, 422, `${who}: ${JSON.stringify(replay.body)}`);
      assert.equal(replay.body.error, 'IDEMPOTENCY_KEY_REUSED');
      assert.match(replay.body.en, /Idempotency-Key/);
      assert.deepEqual(
        (replay.body.errors as Array<{ path: string }>).map((e) => e.path),
        ['headers.idempotency-key'],
      );
      assert.doesNotMatch(JSON.stringify(replay.body), /RELEASED|TGCKS001|nextDeadline/, `${who}: nothing of the first answer`);
    }
    // The first actor retrying gets the first answer, once.
    const retry = await corridor.act(m, 'release', officerAt('TGLFW001'), body, key);
    assert.equal(retry.status, 200);
    assert.deepEqual(retry.body, first.body);
    const after = await corridor.state(m);
    assert.equal(after.timeline.length, before.timeline.length, 'no act was added');
    assert.equal(after.status, 'RELEASED');
  });
});
