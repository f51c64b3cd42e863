// The cluster profile's PostgreSQL side: the schema is created, left alone on the next start,
// migrated when older; a PostgreSQL that is down or refuses the credentials stops start-up
// with one line that says which.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findServerBinaries } from '../../src/cluster/binaries.ts';
import { connect, dropDatabases, postgresTarget, schemaVersion, type PostgresTarget } from '../../src/cluster/postgres.ts';
import { ensureSchema, setupSchemaAt } from '../../src/cluster/schema.ts';
import { freePort } from '../harness/ports.ts';
import { tempDir } from '../harness/stack.ts';
import { freePortBlock, throwawayPgUrl } from './cluster-stack.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SETUP_TIMEOUT_MS = 30 * 60_000;

async function historyRows(target: PostgresTarget, database: string): Promise<number> {
  const client = await connect(target, database);
  try {
    return Number((await client.query('SELECT count(*) AS n FROM schema_update_history')).rows[0].n);
  } finally {
    await client.end();
  }
}

describe('cluster profile: schema in PostgreSQL', () => {
  let sqlTool: string;
  const targets: PostgresTarget[] = [];
  before(
    async () => {
      sqlTool = (await findServerBinaries({ say: (line) => process.stdout.write(`# ${line}\n`) })).sqlTool;
    },
    { timeout: SETUP_TIMEOUT_MS },
  );
  after(async () => {
    for (const target of targets) await dropDatabases(target);
  });

  it('creates both schemas on the first start; the next start changes nothing', async () => {
    const target = postgresTarget(throwawayPgUrl('schema'));
    targets.push(target);
    const first = await ensureSchema(sqlTool, target);
    assert.deepEqual(
      first.map((o) => [o.database, o.before]),
      [
        [target.database, undefined],
        [target.visibilityDatabase, undefined],
      ],
    );
    const rows = { history: await historyRows(target, target.database), visibility: await historyRows(target, target.visibilityDatabase) };
    const second = await ensureSchema(sqlTool, target);
    assert.deepEqual(
      second.map((o) => [o.before, o.after]),
      first.map((o) => [o.after, o.after]),
    );
    assert.deepEqual({ history: await historyRows(target, target.database), visibility: await historyRows(target, target.visibilityDatabase) }, rows);
  });

  it('migrates a schema left at an older version by a previous server', async () => {
    const target = postgresTarget(throwawayPgUrl('migrate'));
    targets.push(target);
    await setupSchemaAt(sqlTool, target, '1.10');
    assert.equal(await schemaVersion(target, target.database), '1.10');
    const [history] = await ensureSchema(sqlTool, target);
    assert.equal(history!.before, '1.10');
    const [major, minor] = history!.after.split('.').map(Number);
    assert.ok(major! > 1 || minor! > 10, `migrated past 1.10, to ${history!.after}`);
  });
});

describe('cluster profile: a PostgreSQL that cannot be used stops start-up with one line', () => {
  async function startCluster(pgUrl: string): Promise<{ code: number | null; stderr: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(env)) if (name.startsWith('TEMPORAL_') || name.startsWith('CORRIDOR_')) delete env[name];
    Object.assign(env, {
      CORRIDOR_PG_URL: pgUrl,
      CORRIDOR_DATA_DIR: tempDir('cluster-refused'),
      CORRIDOR_API_PORT: String(await freePort()),
      CORRIDOR_NATIONAL_TG_URL: `http://127.0.0.1:${await freePort()}`,
      CORRIDOR_NATIONAL_BF_URL: `http://127.0.0.1:${await freePort()}`,
      CORRIDOR_CLUSTER_PORT: String(await freePortBlock()),
      CORRIDOR_CLUSTER_UI_PORT: String(await freePort()),
      CORRIDOR_WORKER_METRICS_PORT: String(await freePortBlock(3)),
    });
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'start', '--profile', 'cluster'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, stderr };
  }

  it('PostgreSQL down', async () => {
    const port = await freePort();
    const { code, stderr } = await startCluster(`postgres://postgres@127.0.0.1:${port}/corridor_unused`);
    assert.equal(code, 2);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr, new RegExp(`^corridor: PostgreSQL at 127\\.0\\.0\\.1:${port} is not answering .*is it running\\? \\(CORRIDOR_PG_URL\\)\\n$`));
  });

  it('credentials refused', async () => {
    const base = new URL(process.env.CORRIDOR_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
    const { code, stderr } = await startCluster(`postgres://corridor_no_such_role:wrong@${base.host}/corridor_unused`);
    assert.equal(code, 2);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr, /^corridor: PostgreSQL at .* refused the credentials of user "corridor_no_such_role"/);
    assert.ok(!stderr.includes('wrong'), 'the password is not printed');
  });
});
