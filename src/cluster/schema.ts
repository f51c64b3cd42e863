// Creates or migrates the Temporal schema in both databases with Temporal's own schema tool
// and the schema files embedded in it, idempotently: a second run changes nothing, a server
// upgrade whose schema is newer migrates it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureDatabases, PostgresUnavailable, schemaVersion, type PostgresTarget } from './postgres.ts';

const run = promisify(execFile);

export interface SchemaOutcome {
  database: string;
  /** Undefined: the schema did not exist. */
  before: string | undefined;
  after: string;
}

const SCHEMAS = { history: 'postgresql/v12/temporal', visibility: 'postgresql/v12/visibility' } as const;

export async function ensureSchema(sqlTool: string, target: PostgresTarget): Promise<SchemaOutcome[]> {
  await ensureDatabases(target);
  const outcomes: SchemaOutcome[] = [];
  for (const [database, schemaName] of [
    [target.database, SCHEMAS.history],
    [target.visibilityDatabase, SCHEMAS.visibility],
  ] as const) {
    const before = await schemaVersion(target, database);
    if (before === undefined) await runTool(sqlTool, target, database, ['setup-schema', '--version', '0.0']);
    await runTool(sqlTool, target, database, ['update-schema', '--schema-name', schemaName]);
    outcomes.push({ database, before, after: (await schemaVersion(target, database)) ?? '?' });
  }
  return outcomes;
}

/** Brings one database to an older version: what a server upgrade finds. For tests. */
export async function setupSchemaAt(sqlTool: string, target: PostgresTarget, version: string): Promise<void> {
  await ensureDatabases(target);
  await runTool(sqlTool, target, target.database, ['setup-schema', '--version', '0.0']);
  await runTool(sqlTool, target, target.database, ['update-schema', '--schema-name', SCHEMAS.history, '--version', version]);
}

export function describeOutcome(outcome: SchemaOutcome): string {
  if (outcome.before === undefined) return `${outcome.database}: schema created at ${outcome.after}`;
  if (outcome.before === outcome.after) return `${outcome.database}: schema ${outcome.after}, unchanged`;
  return `${outcome.database}: schema migrated ${outcome.before} → ${outcome.after}`;
}

async function runTool(sqlTool: string, target: PostgresTarget, database: string, command: string[]): Promise<void> {
  const args = ['--plugin', 'postgres12', '--endpoint', target.host, '--port', String(target.port), '--user', target.user, '--database', database];
  if (target.tls !== 'disable') {
    args.push('--tls');
    if (target.tls === 'require') args.push('--tls-disable-host-verification');
    if (target.caFile) args.push('--tls-ca-file', target.caFile);
  }
  try {
    // The password goes through the environment, never the command line (visible in ps).
    await run(sqlTool, [...args, ...command], { env: { ...process.env, SQL_PASSWORD: target.password }, timeout: 300_000 });
  } catch (error) {
    const output = `${(error as { stderr?: string }).stderr ?? ''}${(error as { stdout?: string }).stdout ?? ''}`.trim().split('\n').slice(-3).join(' | ');
    throw new PostgresUnavailable(`the Temporal schema tool failed on ${database} (${command[0]}): ${output || String(error)}`);
  }
}
