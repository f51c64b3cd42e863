// The archive's settings: SQLite in the data folder unless a PostgreSQL URL is given, ten years
// of retention unless told otherwise, and a bad value stops start-up with one line naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config/env.ts';
import { clusterArchiveUrl, describeArchive } from '../../src/archive/open.ts';

test('defaults: SQLite in the data folder, ten years, a pass every 30 s', () => {
  const config = loadConfig({ CORRIDOR_DATA_DIR: '/srv/corridor' });
  assert.deepEqual(config.archive, { retentionDays: 3650, pgUrl: undefined, pollMs: 30_000 });
  assert.equal(describeArchive(config), '/srv/corridor/archive.sqlite');
});

test('a PostgreSQL archive, and the cluster profile’s database beside Temporal’s', () => {
  const config = loadConfig({
    CORRIDOR_ARCHIVE_PG_URL: 'postgres://corridor:s3cret@db.example:5432/corridor_archive',
    CORRIDOR_ARCHIVE_RETENTION_DAYS: '4000',
  });
  assert.equal(config.archive.pgUrl, 'postgres://corridor:s3cret@db.example:5432/corridor_archive');
  assert.equal(config.archive.retentionDays, 4000);
  assert.ok(!describeArchive(config).includes('s3cret'), 'no password in banners and logs');
  assert.equal(clusterArchiveUrl('postgres://postgres@127.0.0.1:5432/corridor_temporal'), 'postgres://postgres@127.0.0.1:5432/corridor_temporal_archive');
});

test('bad values stop start-up with one line naming the variable, never a TypeError', () => {
  const refused = (env: Record<string, string>, variable: string) =>
    assert.throws(
      () => loadConfig(env),
      (error: unknown) => error instanceof ConfigError && error.variable === variable,
    );
  refused({ CORRIDOR_ARCHIVE_PG_URL: 'nope' }, 'CORRIDOR_ARCHIVE_PG_URL');
  refused({ CORRIDOR_ARCHIVE_PG_URL: 'http://db.example/archive' }, 'CORRIDOR_ARCHIVE_PG_URL');
  refused({ CORRIDOR_ARCHIVE_PG_URL: 'postgres://db.example/' }, 'CORRIDOR_ARCHIVE_PG_URL');
  // The same schema as Temporal's own database URL, which threw "Invalid URL" before.
  refused({ CORRIDOR_PG_URL: 'nope' }, 'CORRIDOR_PG_URL');
  refused({ CORRIDOR_ARCHIVE_RETENTION_DAYS: '0' }, 'CORRIDOR_ARCHIVE_RETENTION_DAYS');
  refused({ CORRIDOR_ARCHIVE_RETENTION_DAYS: '1.5' }, 'CORRIDOR_ARCHIVE_RETENTION_DAYS');
  refused({ CORRIDOR_ARCHIVE_POLL_SECONDS: '0' }, 'CORRIDOR_ARCHIVE_POLL_SECONDS');
});
