// Customs records outlive Temporal's retention. A movement is driven to its discharge; the
// archiver writes its record; then its workflow is removed from Temporal, and the API still
// answers GET /transits/:mrn with the same JSON, and lists it among the closed ones.
// The dev server refuses a namespace retention under one hour ("A valid retention period is not
// set on request" for 1m; 1h accepted), so the removal is an operator's DeleteWorkflowExecution:
// what retention does when it expires (history and visibility gone; the dev server carries it out
// 20–30 s after accepting it).
// Run on SQLite (embedded profile) and on PostgreSQL (the cluster profile's archive database).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { openArchive } from '../../src/archive/open.ts';
import type { ArchiveStore } from '../../src/archive/store.ts';
import { dropDatabases, postgresTarget } from '../../src/cluster/postgres.ts';
import { declarantOf, officerAt } from '../../src/simulation/lifecycle.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { throwawayPgUrl } from '../cluster/cluster-stack.ts';
import { Corridor, declarationFor, eventually, uniqueTin, type TransitView } from '../lifecycle/helpers.ts';

const YEAR_MS = 365.25 * 24 * 3600_000;

function afterRetention(profile: string, env: () => Record<string, string>) {
  describe(`a movement read after its workflow has left Temporal (${profile})`, () => {
    let stack: Stack;
    let corridor: Corridor;
    let archive: ArchiveStore;
    const tin = uniqueTin();
    let mrn: string;
    let cancelled: string;
    let before_: TransitView;
    let listedBefore: Record<string, unknown>;

    before(async () => {
      // The archiver looks every second here (30 s by default).
      stack = await startStack({ env: { CORRIDOR_ARCHIVE_POLL_SECONDS: '1', ...env() } });
      corridor = new Corridor(stack);
      archive = await openArchive(stack.config);
      const d = declarationFor('lome-ouaga', tin);
      mrn = await corridor.accepted(d);
      await corridor.drive(mrn, d.plan);
      const c = declarationFor('lome-ouaga', tin);
      cancelled = await corridor.accepted(c);
      assert.equal((await corridor.act(cancelled, 'cancel', declarantOf(tin), { reason: 'transporteur changé' })).status, 200);
    });
    after(async () => {
      await archive?.close();
      await stack?.stop();
    });

    it('the archiver writes the full record of each closed movement, without adding to its history', async () => {
      const discharged = await eventually(
        () => corridor.state(mrn),
        (s) => s.status === 'DISCHARGED' && s.notifications.every((n) => n.delivery !== 'PENDING'),
        'discharged',
      );
      const row = await eventually(
        () => archive.get(mrn),
        (r) => r !== undefined,
        'the archive row',
      );
      // What the API adds to the workflow's state for its reader (what they may do, the amounts at
      // risk, the fallback flag) is computed on reading, from the archive too: not in the record.
      const {
        allowedActions: _allowed,
        amountsAtRisk: _amounts,
        waitingForSystems: _waiting,
        ...state
      } = discharged as typeof discharged & { amountsAtRisk?: unknown; waitingForSystems?: unknown };
      assert.deepEqual(row?.state, state, 'the record is the state the workflow answered');
      assert.ok(row?.state.timeline.some((e) => e.what === 'DISCHARGED_AT_DESTINATION'));
      assert.ok(Object.keys(row?.state.nationalReferences ?? {}).length >= 1, 'national references kept');
      assert.equal(row?.summary.status, 'DISCHARGED');
      assert.equal(
        (
          await eventually(
            () => archive.get(cancelled),
            (r) => r !== undefined,
            'the cancelled row',
          )
        )?.state.status,
        'CANCELLED',
      );
      // Archiving read the closed workflow with a query: no activity of the movement's own did it.
      assert.deepEqual(await scheduledActivities(stack, mrn).then((types) => types.filter((t) => /archive/i.test(t))), []);
      const archiver = await stack.client.workflow.getHandle(`${stack.config.taskQueues.transits}-archiver`).describe();
      assert.equal(archiver.status.name, 'RUNNING', 'one archiver per deployment, beside the movements');

      before_ = await corridor.state(mrn);
      const list = await corridor.list({ user: 'regional', role: 'regional' }, { declarant: tin, status: 'DISCHARGED' });
      assert.equal(list.status, 200);
      listedBefore = list.body.items.find((item) => item.mrn === mrn)!;
      assert.ok(listedBefore, 'listed from visibility while Temporal holds it');
    });

    it('after the workflow is removed from Temporal, GET /transits/:mrn answers the same JSON from the archive', async () => {
      await Promise.all([removeFromTemporal(stack, mrn), removeFromTemporal(stack, cancelled)]);
      const regional = await corridor.state(mrn);
      assert.deepEqual(regional, before_);
      // The same reading rules: the declarant reads their own, an officer of the route's country reads it, another declarant does not.
      const own = await corridor.api.call<TransitView>('GET', `/transits/${mrn}`, declarantOf(tin));
      assert.equal(own.status, 200);
      assert.deepEqual(own.body.timeline, before_.timeline);
      assert.equal((await corridor.api.call('GET', `/transits/${mrn}`, officerAt('BFOUA001'))).status, 200);
      // A stranger is answered as for an MRN that does not exist (issue 18), from the archive too.
      assert.equal((await corridor.api.call('GET', `/transits/${mrn}`, declarantOf(uniqueTin()))).status, 404);
      // An MRN neither in Temporal nor in the archive is still unknown.
      assert.equal((await corridor.api.call('GET', '/transits/26TG00000000000000', { user: 'regional', role: 'regional' })).status, 404);
    });

    it('the lists show the removed movements among the closed ones, in the same shape, paged', async () => {
      const regional = { user: 'regional', role: 'regional' } as const;
      const page = await eventually(
        () => corridor.list(regional, { declarant: tin, status: 'DISCHARGED' }),
        (answer) => answer.body.items.some((item) => item.mrn === mrn),
        'the archived movement in the list',
      );
      assert.deepEqual(
        page.body.items.find((item) => item.mrn === mrn),
        listedBefore,
      );
      // Both closed movements, one per page: the second page comes from the archive's token.
      const first = await eventually(
        () => corridor.list(regional, { declarant: tin, pageSize: 1 }),
        (answer) => answer.body.items.length === 1 && answer.body.nextPageToken !== undefined,
        'a first page',
      );
      const second = await corridor.list(regional, { declarant: tin, pageSize: 1, pageToken: first.body.nextPageToken });
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.deepEqual([...first.body.items, ...second.body.items].map((item) => item.mrn).sort(), [mrn, cancelled].sort());
      assert.equal(second.body.nextPageToken, undefined);
      // A running status never reaches the archive; another declarant's list does not show them.
      assert.deepEqual((await corridor.list(regional, { declarant: tin, status: 'RELEASED' })).body.items, []);
      const stranger = await corridor.list(declarantOf(uniqueTin()), {});
      assert.ok(!stranger.body.items.some((item) => item.mrn === mrn || item.mrn === cancelled));
      // An archive page token cannot be replayed against other filters.
      const replayed = await corridor.list(regional, { declarant: uniqueTin(), pageSize: 1, pageToken: first.body.nextPageToken });
      assert.equal(replayed.status, 400);
    });

    it("the archiver purges rows past the archive's retention (10 years by default)", async () => {
      const row = (await archive.get(cancelled))!;
      const old = {
        ...row,
        summary: { ...row.summary, mrn: `26TG${randomBytes(7).toString('hex').toUpperCase()}`, closedAt: new Date(Date.now() - 11 * YEAR_MS).toISOString() },
      };
      await archive.put(old);
      assert.ok(await archive.get(old.summary.mrn));
      await eventually(
        () => archive.get(old.summary.mrn),
        (r) => r === undefined,
        'the 11-year-old row purged',
      );
      assert.ok(await archive.get(mrn), 'a recent row is kept');
    });
  });
}

async function scheduledActivities(stack: Stack, workflowId: string): Promise<string[]> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) =>
    e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : [],
  );
}

/** What Temporal's retention does when it expires, as an operator's delete: history and visibility gone. */
async function removeFromTemporal(stack: Stack, workflowId: string): Promise<void> {
  await stack.client.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId } });
  await eventually(
    () =>
      stack.client.workflow
        .getHandle(workflowId)
        .describe()
        .then(
          () => false,
          (error: unknown) => error instanceof WorkflowNotFoundError,
        ),
    (gone) => gone,
    `${workflowId} removed from Temporal`,
    // The dev server carries out a delete 20 to 30 s after accepting it.
    90_000,
  );
}

afterRetention('SQLite', () => ({}));

const pgUrl = throwawayPgUrl('archive');
afterRetention('PostgreSQL', () => ({ CORRIDOR_ARCHIVE_PG_URL: pgUrl }));
after(() => dropDatabases(postgresTarget(pgUrl)));
