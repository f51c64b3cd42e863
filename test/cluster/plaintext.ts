// Searches every bytea and text column of every table of a database for given strings:
// the evidence that what Temporal stores in PostgreSQL holds no declaration in clear.
import { connect, type PostgresTarget } from '../../src/cluster/postgres.ts';

/** One query, the same one the README quotes: $1 is a JSON object {label: string to find}. */
export const PLAINTEXT_SEARCH_SQL = `
WITH needles AS (SELECT key AS field, value AS needle FROM jsonb_each_text($1::jsonb)),
columns AS (
  SELECT table_name, column_name, data_type FROM information_schema.columns
  WHERE table_schema = 'public' AND data_type IN ('bytea', 'text', 'character varying', 'jsonb')
)
SELECT n.field,
       coalesce(sum((xpath('/row/n/text()', query_to_xml(format(
         CASE WHEN c.data_type = 'bytea'
              THEN 'SELECT count(*) AS n FROM %I WHERE position(%L::bytea IN %I) > 0'
              ELSE 'SELECT count(*) AS n FROM %I WHERE strpos(%3$I::text, %2$L) > 0' END,
         c.table_name,
         CASE WHEN c.data_type = 'bytea' THEN convert_to(n.needle, 'UTF8')::text ELSE n.needle END,
         c.column_name), false, true, '')))[1]::text::int), 0) AS rows_containing_it
FROM needles n CROSS JOIN columns c
GROUP BY n.field`;

export async function rowsContaining(target: PostgresTarget, database: string, needles: Record<string, string>): Promise<Record<string, number>> {
  const client = await connect(target, database);
  try {
    const { rows } = await client.query<{ field: string; rows_containing_it: number }>(PLAINTEXT_SEARCH_SQL, [JSON.stringify(needles)]);
    return Object.fromEntries(rows.map((row) => [row.field, Number(row.rows_containing_it)]));
  } finally {
    await client.end();
  }
}
