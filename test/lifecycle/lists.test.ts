// Lists through Temporal visibility: by status and office, paginated with a page token, scoped
// to what the reader may see, and refusing bad filters with 400. Every movement here belongs to
// TINs of this file only, so other files' movements on the same server never interfere.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Actor } from '../../src/auth/actor.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarantOf, declarationFor, eventually, officerAt, uniqueTin, type RouteId } from './helpers.ts';

describe('lists of movements', () => {
  let stack: Stack;
  let corridor: Corridor;
  const tin = uniqueTin();
  const otherTin = uniqueTin();
  const regional: Actor = { user: 'regional', role: 'regional' };
  /** MRN → what it should be listed as. */
  const mine = new Map<string, { route: RouteId; status: string }>();
  let theirs: string;

  const mrnsOf = (answer: { body: { items: Array<Record<string, any>> } }) => answer.body.items.map((i) => i.mrn as string).sort();
  const expected = (keep: (m: { route: RouteId; status: string }) => boolean) =>
    [...mine]
      .filter(([, m]) => keep(m))
      .map(([mrn]) => mrn)
      .sort();

  before(async () => {
    stack = await startStack();
    corridor = new Corridor(stack);
    const plan: Array<[RouteId, 'ACCEPTED' | 'RELEASED']> = [
      ['lome-ouaga', 'ACCEPTED'],
      ['lome-ouaga', 'ACCEPTED'],
      ['lome-ouaga', 'RELEASED'],
      ['lome-bobo', 'RELEASED'],
      ['ouaga-lome', 'ACCEPTED'],
    ];
    await Promise.all(
      plan.map(async ([route, status]) => {
        const d = declarationFor(route, tin);
        const mrn = await corridor.accepted(d);
        if (status === 'RELEASED') await corridor.drive(mrn, d.plan, 0, 1);
        mine.set(mrn, { route, status });
      }),
    );
    theirs = await corridor.accepted(declarationFor('lome-ouaga', otherTin));
    // Visibility follows the workflows shortly after: wait until every movement shows its status.
    await eventually(
      () => corridor.list(regional, { declarant: tin, pageSize: 50 }),
      (a) => a.body.items.length === mine.size && a.body.items.every((i) => i.status === mine.get(i.mrn)?.status),
      'every movement of the declarant is listed with its status',
    );
    await eventually(
      () => corridor.list(regional, { declarant: otherTin }),
      (a) => a.body.items.length === 1,
      "the other declarant's movement is listed",
    );
  });
  after(() => stack.stop());

  it('GET /transits?status=…&office=… lists the movements with that status passing that office', async () => {
    const departureAccepted = await corridor.list(declarantOf(tin), { status: 'ACCEPTED', office: 'TGLFW001' });
    assert.equal(departureAccepted.status, 200, JSON.stringify(departureAccepted.body));
    // Lomé Port is on every route here: the two lome-ouaga still waiting and the ouaga-lome one.
    assert.deepEqual(
      mrnsOf(departureAccepted),
      expected((m) => m.status === 'ACCEPTED'),
    );
    for (const item of departureAccepted.body.items) {
      assert.equal(item.status, 'ACCEPTED');
      assert.equal(item.declarant, tin);
    }
    const bobo = await corridor.list(declarantOf(tin), { office: 'BFBOB001' });
    assert.deepEqual(
      mrnsOf(bobo),
      expected((m) => m.route === 'lome-bobo'),
    );
    const released = await corridor.list(declarantOf(tin), { status: 'RELEASED', office: 'BFOUA001' });
    assert.deepEqual(
      mrnsOf(released),
      expected((m) => m.status === 'RELEASED' && m.route === 'lome-ouaga'),
    );
    const releasedItem = released.body.items[0]!;
    assert.equal(releasedItem.departureOffice, 'TGLFW001');
    assert.equal(releasedItem.destinationOffice, 'BFOUA001');
    assert.equal(releasedItem.currentOffice, 'TGCKS001');
    assert.ok(releasedItem.nextDeadline);
    const none = await corridor.list(declarantOf(tin), { status: 'DISCHARGED', office: 'TGLFW001' });
    assert.deepEqual(none.body.items, []);
    // A regional reader filters by declarant to the same answer.
    const asRegional = await corridor.list(regional, { declarant: tin, status: 'ACCEPTED', office: 'TGLFW001' });
    assert.deepEqual(mrnsOf(asRegional), mrnsOf(departureAccepted));
  });

  it('pageSize=2 and nextPageToken walk every movement once', async () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = await corridor.list(declarantOf(tin), { pageSize: 2, pageToken });
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.ok(page.body.items.length <= 2);
      seen.push(...mrnsOf(page));
      pageToken = page.body.nextPageToken;
      pages++;
      assert.ok(pages <= 5, 'the walk ends');
    } while (pageToken);
    assert.ok(pages >= 3);
    assert.deepEqual(seen.sort(), [...mine.keys()].sort());
    // Temporal's own page limit is the API's: a report of every overdue movement in one page.
    const whole = await corridor.list(declarantOf(tin), { pageSize: 1000 });
    assert.equal(whole.status, 200, JSON.stringify(whole.body));
    assert.deepEqual(mrnsOf(whole).sort(), [...mine.keys()].sort());
  });

  it('a declarant sees only their own movements, whatever the filter says', async () => {
    const all = await corridor.list(declarantOf(tin), { pageSize: 50 });
    assert.deepEqual(mrnsOf(all), [...mine.keys()].sort());
    assert.ok(!mrnsOf(all).includes(theirs));
    const asking = await corridor.list(declarantOf(tin), { declarant: otherTin });
    assert.equal(asking.status, 200);
    assert.deepEqual(asking.body.items, []);
    const theirsOnly = await corridor.list(declarantOf(otherTin), { status: 'ACCEPTED' });
    assert.deepEqual(mrnsOf(theirsOnly), [theirs]);
  });

  it("supervisors and officers see their country's movements", async () => {
    const supervisor = await corridor.list({ user: 'sup', role: 'supervisor', country: 'BF' }, { declarant: tin, pageSize: 50 });
    assert.deepEqual(mrnsOf(supervisor), [...mine.keys()].sort());
    const officer = await corridor.list(officerAt('BFBOB001'), { declarant: tin, office: 'BFBOB001' });
    assert.deepEqual(
      mrnsOf(officer),
      expected((m) => m.route === 'lome-bobo'),
    );
  });

  it('bad filter values are refused with 400 naming the filter', async () => {
    const bad: Array<[Record<string, string>, string]> = [
      [{ status: 'PARTI' }, 'querystring.status'],
      [{ status: 'accepted' }, 'querystring.status'],
      [{ office: 'lome' }, 'querystring.office'],
      [{ currentOffice: 'TG-CKS-001' }, 'querystring.currentOffice'],
      [{ overdue: 'maybe' }, 'querystring.overdue'],
      [{ pageSize: '0' }, 'querystring.pageSize'],
      [{ pageSize: '1001' }, 'querystring.pageSize'],
      [{ pageSize: 'deux' }, 'querystring.pageSize'],
      [{ pageSize: '2.5' }, 'querystring.pageSize'],
      [{ declarant: '' }, 'querystring.declarant'],
      [{ vehicle: 'x'.repeat(41) }, 'querystring.vehicle'],
    ];
    for (const [query, path] of bad) {
      const answer = await corridor.list(regional, query);
      assert.equal(answer.status, 400, `${JSON.stringify(query)}: ${answer.status} ${JSON.stringify(answer.body)}`);
      assert.ok(
        (answer.body.errors as Array<{ path: string }>).some((e) => e.path === path),
        `${JSON.stringify(query)}: ${JSON.stringify(answer.body)}`,
      );
    }
    // Quotes in a filter never reach the visibility query: a declarant filter is a TIN (the query
    // quotes every value besides, see visibilityQuery).
    const injection = await corridor.list(regional, { declarant: `${tin}' OR DeclarantId != '` });
    assert.equal(injection.status, 400);
    assert.ok((injection.body.errors as Array<{ path: string }>).some((e) => e.path === 'querystring.declarant'));
  });

  it('a page token that is not one is a 400, not a 500', async () => {
    // (Today the client also retries Temporal's UNKNOWN answer for about ten seconds before giving up.)
    const answer = await corridor.list(regional, { pageToken: 'garbage' });
    assert.equal(answer.status, 400, `pageToken=garbage: ${answer.status} ${JSON.stringify(answer.body)}`);
  });
});
