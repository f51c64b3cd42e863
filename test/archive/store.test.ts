// The archive's store, on both databases it runs on: SQLite (embedded profile) and PostgreSQL
// (cluster profile, a throwaway database on CORRIDOR_PG_URL's server, dropped at the end). A
// record comes back as it was written, encrypted at rest when a key ring is set; the lists see
// only movements that have left Temporal, filtered and paged; the purge removes what is past the
// archive's retention and nothing else.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { purgeExpired } from '../../src/archive/archiver.ts';
import { openArchive } from '../../src/archive/open.ts';
import type { ArchivedMovement } from '../../src/archive/record.ts';
import { ARCHIVE_FILE } from '../../src/archive/sqlite.ts';
import type { ArchiveStore } from '../../src/archive/store.ts';
import { connect, dropDatabases, postgresTarget } from '../../src/cluster/postgres.ts';
import { generateKeyEntry, parseKeyRing, type KeyRing } from '../../src/codec/keys.ts';
import { initialState } from '../../workflows/state.ts';
import { tempDir } from '../harness/stack.ts';
import { declarationFor, uniqueTin } from '../lifecycle/helpers.ts';
import { throwawayPgUrl } from '../cluster/cluster-stack.ts';

const YEAR_MS = 365.25 * 24 * 3600_000;

/** A closed movement as the archiver writes it, closed `ago` milliseconds before now. */
function movement(tin: string, ago: number, status = 'DISCHARGED'): ArchivedMovement {
  const d = declarationFor('lome-ouaga', tin);
  const mrn = `26TG${randomBytes(7).toString('hex').toUpperCase()}`;
  const state = {
    ...initialState({
      mrn,
      declaration: d.declaration,
      declarationHash: 'h',
      route: d.plan,
      lodgedBy: { user: 'd', role: 'declarant', tin },
      settings: { nationalQueues: {}, corridorQueue: 'q', delays: {} as never, timeScale: 1 },
    }),
    status: status as 'DISCHARGED',
    nationalReferences: { TG: `TG-${mrn}`, BF: `BF-${mrn}` },
  };
  const closedAt = new Date(Date.now() - ago).toISOString();
  return {
    runId: randomBytes(8).toString('hex'),
    routeOffices: d.plan.offices.map((o) => o.code),
    state,
    summary: {
      mrn,
      status,
      departureOffice: 'TGLFW001',
      destinationOffice: 'BFOUA001',
      currentOffice: 'BFOUA001',
      declarant: tin,
      vehicle: d.declaration.transport.registration,
      overdue: false,
      borderAlert: false,
      escalationLevel: 0,
      nextDeadline: new Date(Date.now() - ago - 24 * 3600_000).toISOString(),
      lodgedAt: new Date(Date.now() - ago - 3 * 24 * 3600_000).toISOString(),
      closedAt,
    },
  };
}

/** The same checks on every database the archive runs on. */
function behaves(open: (keys: KeyRing | undefined) => Promise<ArchiveStore>, rawRecords: () => Promise<Buffer[]>) {
  const keys = parseKeyRing(generateKeyEntry('archive-test'));
  const tin = uniqueTin();

  it('gives back the full record it was given, encrypted at rest with the key ring', async () => {
    const store = await open(keys);
    try {
      const m = movement(tin, 1000);
      await store.put(m);
      await store.put(m); // the archiver's pass repeated after a crash: one row, the same
      const back = await store.get(m.summary.mrn);
      assert.deepEqual(back?.state, m.state);
      assert.deepEqual(back?.summary, m.summary);
      assert.deepEqual(back?.routeOffices, m.routeOffices);
      assert.deepEqual(await store.runsOf([m.summary.mrn, 'NONE']), new Map([[m.summary.mrn, m.runId]]));
      // The declarant's name and the national references are nowhere in clear.
      const raw = Buffer.concat(await rawRecords()).toString('latin1');
      assert.ok(raw.length > 0);
      assert.ok(!raw.includes(m.state.declaration.declarantName), 'the declarant name is not stored in clear');
      assert.ok(!raw.includes(`TG-${m.summary.mrn}`), 'the national references are not stored in clear');
      // Without the key, the record is refused loudly rather than read as garbage.
      const keyless = await open(undefined);
      try {
        await assert.rejects(keyless.get(m.summary.mrn));
      } finally {
        await keyless.close();
      }
      assert.equal(await store.get('26TG00000000000000'), undefined);
    } finally {
      await store.close();
    }
  });

  it('lists only movements that have left Temporal, newest closed first, filtered, in pages', async () => {
    const store = await open(keys);
    try {
      const other = uniqueTin();
      const ms = [movement(tin, 3 * YEAR_MS), movement(tin, 2 * YEAR_MS, 'CANCELLED'), movement(tin, YEAR_MS), movement(other, YEAR_MS)];
      for (const m of ms) await store.put(m);
      const mine = (page: { mrn: string }[]) => page.map((s) => s.mrn);
      // Still in Temporal: visibility lists them, the archive does not.
      assert.deepEqual(mine(await store.list({ declarant: tin }, 10)), []);
      const oldest = await store.oldestInTemporal(1000);
      for (const m of ms) assert.ok(oldest.includes(m.summary.mrn));
      await store.markLeftTemporal(
        ms.map((m) => m.summary.mrn),
        new Date().toISOString(),
      );
      assert.ok(!(await store.oldestInTemporal(1000)).includes(ms[0]!.summary.mrn));

      const [m3, m2, m1, theirs] = ms as [ArchivedMovement, ArchivedMovement, ArchivedMovement, ArchivedMovement];
      assert.deepEqual(mine(await store.list({ declarant: tin }, 10)), [m1.summary.mrn, m2.summary.mrn, m3.summary.mrn]);
      assert.deepEqual(await store.list({ declarant: tin, status: 'CANCELLED' }, 10), [m2.summary]);
      assert.deepEqual(mine(await store.list({ scopeDeclarant: other }, 10)), [theirs.summary.mrn]);
      assert.deepEqual(mine(await store.list({ declarant: tin, office: 'TGCKS001' }, 10)).length, 3);
      assert.deepEqual(mine(await store.list({ declarant: tin, office: 'BFBOB001' }, 10)), []);
      assert.deepEqual(mine(await store.list({ declarant: tin, scopeOffices: ['BFFAR001', 'BFOUA001'] }, 10)).length, 3);
      assert.deepEqual(mine(await store.list({ declarant: tin, scopeOffices: [] }, 10)), []);
      assert.deepEqual(mine(await store.list({ declarant: tin, running: true }, 10)), []);
      // Pages: after the last row of one page comes the next, none twice.
      const first = await store.list({ declarant: tin }, 2);
      const last = first.at(-1)!;
      const second = await store.list({ declarant: tin }, 2, { closedAt: last.closedAt, mrn: last.mrn });
      assert.deepEqual([...mine(first), ...mine(second)], [m1.summary.mrn, m2.summary.mrn, m3.summary.mrn]);
    } finally {
      await store.close();
    }
  });

  it("purges the rows past the archive's retention, and only those", async () => {
    const store = await open(keys);
    try {
      const old = movement(tin, 11 * YEAR_MS);
      const kept = movement(tin, 9 * YEAR_MS);
      await store.put(old);
      await store.put(kept);
      assert.ok((await purgeExpired(store, 3650)) >= 1);
      assert.equal(await store.get(old.summary.mrn), undefined);
      assert.equal((await store.get(kept.summary.mrn))?.state.mrn, kept.summary.mrn);
      // A shorter retention is configuration: 5 years removes the 9-year-old one too.
      assert.ok((await purgeExpired(store, 5 * 365)) >= 1);
      assert.equal(await store.get(kept.summary.mrn), undefined);
    } finally {
      await store.close();
    }
  });
}

describe('the archive on SQLite (embedded profile)', () => {
  const dataDir = tempDir('archive-sqlite');
  const config = (keys: KeyRing | undefined) => ({
    dataDir,
    archive: { retentionDays: 3650, pgUrl: undefined, pollMs: 1000 },
    codec: { keys, corsOrigins: [] },
  });
  behaves(
    (keys) => openArchive(config(keys)),
    async () => {
      // The whole file: whatever SQLite put in its pages and its WAL.
      const file = path.join(dataDir, ARCHIVE_FILE);
      return [file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f));
    },
  );
});

describe('the archive on PostgreSQL (cluster profile)', () => {
  const pgUrl = throwawayPgUrl('archive');
  const config = (keys: KeyRing | undefined) => ({
    dataDir: '/nonexistent',
    archive: { retentionDays: 3650, pgUrl, pollMs: 1000 },
    codec: { keys, corsOrigins: [] },
  });
  after(() => dropDatabases(postgresTarget(pgUrl)));
  behaves(
    (keys) => openArchive(config(keys)),
    async () => {
      const target = postgresTarget(pgUrl);
      const client = await connect(target, target.database);
      try {
        const { rows } = await client.query<{ record: Buffer; summary: string }>('SELECT record, summary FROM archived_movements');
        return rows.map((row) => row.record);
      } finally {
        await client.end();
      }
    },
  );
});
