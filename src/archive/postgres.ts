// The cluster profile's archive: a PostgreSQL database of its own (created if missing), beside
// Temporal's two, so that Temporal's schema tool and retention never touch it.
import pg from 'pg';
import { connectionOptions, ensureDatabase, postgresTarget } from '../cluster/postgres.ts';
import { schema, type SqlDialect } from './store.ts';

export async function postgresDialect(url: string): Promise<SqlDialect> {
  const target = postgresTarget(url);
  await ensureDatabase(target, target.database);
  const pool = new pg.Pool({ ...connectionOptions(target, target.database), max: 4 });
  // An idle connection dropped by the server is reported by the next query, not as a crash.
  pool.on('error', () => undefined);
  for (const statement of schema('BYTEA')) await createOnce(pool, statement);
  return {
    async all(sql, params) {
      return (await pool.query(numbered(sql), params)).rows as Record<string, unknown>[];
    },
    async run(sql, params) {
      return (await pool.query(numbered(sql), params)).rowCount ?? 0;
    },
    async close() {
      await pool.end();
    },
  };
}

/** The API and the worker start together: the second CREATE … IF NOT EXISTS may lose the race in the catalog. */
async function createOnce(pool: pg.Pool, statement: string): Promise<void> {
  try {
    await pool.query(statement);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P07') throw error;
  }
}

/** `?` placeholders (the SQL both dialects share) as PostgreSQL's `$1, $2…`. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
