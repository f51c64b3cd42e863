// The PostgreSQL of the cluster profile, as CORRIDOR_PG_URL names it: a reachability and
// credentials check that fails in one line, and the two databases the Temporal server needs.
import pg from 'pg';

export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Histories, mutable state, task queues. */
  database: string;
  /** Workflow lists and search attributes. */
  visibilityDatabase: string;
  /** From ?sslmode=: disable (default), require (encrypted, server not verified), verify-full. */
  tls: 'disable' | 'require' | 'verify-full';
  /** From ?sslrootcert=: the CA that signed the server's certificate (verify-full). */
  caFile: string | undefined;
}

export class PostgresUnavailable extends Error {
  override name = 'PostgresUnavailable';
}

export function postgresTarget(url: string): PostgresTarget {
  const parsed = new URL(url);
  const sslmode = parsed.searchParams.get('sslmode') ?? 'disable';
  if (sslmode !== 'disable' && sslmode !== 'require' && sslmode !== 'verify-full') {
    throw new PostgresUnavailable(`CORRIDOR_PG_URL: sslmode=${sslmode} is not supported (use disable, require or verify-full)`);
  }
  const database = decodeURIComponent(parsed.pathname.slice(1));
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username) || 'postgres',
    password: decodeURIComponent(parsed.password),
    database,
    visibilityDatabase: `${database}_visibility`,
    tls: sslmode,
    caFile: parsed.searchParams.get('sslrootcert') ?? undefined,
  };
}

/** Where it is, without the password: for logs and banners. */
export function describeTarget(target: PostgresTarget): string {
  return `postgres://${target.user}@${target.host}:${target.port}/${target.database}`;
}

/** How to reach one database of the target: the same for a client and for a pool. */
export function connectionOptions(target: PostgresTarget, database: string): pg.ClientConfig {
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database,
    connectionTimeoutMillis: 5000,
    ...(target.tls === 'disable' ? {} : { ssl: { rejectUnauthorized: target.tls === 'verify-full' } }),
  };
}

export async function connect(target: PostgresTarget, database: string): Promise<pg.Client> {
  const client = new pg.Client(connectionOptions(target, database));
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw explain(target, error);
  }
  return client;
}

/** One line that says whether PostgreSQL is down or refuses these credentials. */
function explain(target: PostgresTarget, error: unknown): Error {
  const where = `PostgreSQL at ${target.host}:${target.port}`;
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /timeout/i.test(message)) {
    return new PostgresUnavailable(`${where} is not answering (${code ?? message}): is it running? (CORRIDOR_PG_URL)`);
  }
  // 28P01 wrong password, 28000 unknown role or no pg_hba.conf entry for it.
  if (code === '28P01' || code === '28000') {
    return new PostgresUnavailable(`${where} refused the credentials of user "${target.user}": ${message} (CORRIDOR_PG_URL)`);
  }
  return new PostgresUnavailable(`${where}: ${message} (CORRIDOR_PG_URL)`);
}

/** Checks that the server answers and accepts the credentials, through its maintenance database. */
export async function checkPostgres(target: PostgresTarget): Promise<string> {
  const client = await maintenance(target);
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]!.server_version;
  } finally {
    await client.end();
  }
}

async function maintenance(target: PostgresTarget): Promise<pg.Client> {
  try {
    return await connect(target, 'postgres');
  } catch (error) {
    // A server without a `postgres` database still has template1.
    if (error instanceof PostgresUnavailable && /database "postgres" does not exist/.test(error.message)) return connect(target, 'template1');
    throw error;
  }
}

/** Creates the databases that are missing; returns the ones it created. */
export async function ensureDatabases(target: PostgresTarget): Promise<string[]> {
  return ensureNamed(target, [target.database, target.visibilityDatabase]);
}

/** Creates one database if it is missing (the archive's); true when it created it. */
export async function ensureDatabase(target: PostgresTarget, name: string): Promise<boolean> {
  return (await ensureNamed(target, [name])).length > 0;
}

async function ensureNamed(target: PostgresTarget, names: string[]): Promise<string[]> {
  const client = await maintenance(target);
  const created: string[] = [];
  try {
    for (const name of names) {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount) continue;
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } catch (error) {
        if ((error as { code?: string }).code === '42501') {
          throw new PostgresUnavailable(
            `user "${target.user}" may not create databases: create ${names.join(' and ')} for it, or use another user (CORRIDOR_PG_URL)`,
          );
        }
        if ((error as { code?: string }).code !== '42P04') throw error; // created meanwhile by another start
      }
      created.push(name);
    }
  } finally {
    await client.end();
  }
  return created;
}

/** Tests' clean-up: the databases of one throwaway cluster, even with connections still open. */
export async function dropDatabases(target: PostgresTarget): Promise<void> {
  const client = await maintenance(target);
  try {
    for (const name of [target.database, target.visibilityDatabase]) {
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

/** The schema version Temporal's schema tool recorded, or undefined before the first setup. */
export async function schemaVersion(target: PostgresTarget, database: string): Promise<string | undefined> {
  const client = await connect(target, database);
  try {
    const exists = await client.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'");
    if (!exists.rowCount) return undefined;
    const { rows } = await client.query<{ curr_version: string }>('SELECT curr_version FROM schema_version WHERE version_partition = 0 LIMIT 1');
    return rows[0]?.curr_version;
  } finally {
    await client.end();
  }
}
