// The namespace and Corridor's search attributes on a real Temporal server, where nothing
// creates them (the dev server does it from its flags).
import type { Connection } from '@temporalio/client';
// @temporalio/proto is CommonJS: its namespaces come through the default export.
import proto from '@temporalio/proto';
import { ensureSearchAttributes } from '../temporal/search-attributes.ts';

const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

/** Returns whether it created the namespace, and the search attributes it added. */
export async function ensureNamespace(connection: Connection, namespace: string, retentionDays: number): Promise<{ created: boolean; added: string[] }> {
  let created = false;
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch (error) {
    if (codeOf(error) !== NOT_FOUND) throw error;
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        description: 'Corridor: transits between the customs systems of Togo and Burkina Faso',
        workflowExecutionRetentionPeriod: days(retentionDays),
      });
      created = true;
    } catch (registerError) {
      if (codeOf(registerError) !== ALREADY_EXISTS) throw registerError;
    }
  }
  // The frontend learns of a new namespace on its next cache refresh (every 2 s by default).
  const added = await retry(() => ensureSearchAttributes(connection, namespace), 30_000);
  if (created || added.length > 0) await waitUntilListed(connection, namespace, 30_000);
  return { created, added };
}

async function waitUntilListed(connection: Connection, namespace: string, timeoutMs: number): Promise<void> {
  // Starting a workflow with an attribute the frontend does not know yet fails; wait until it does.
  await retry(async () => {
    await connection.workflowService.countWorkflowExecutions({ namespace, query: "TransitStatus = 'DISCHARGED'" });
  }, timeoutMs);
}

async function retry<T>(attempt: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** A protobuf Duration of so many days (fractions included). */
export function days(count: number): proto.google.protobuf.Duration {
  const ms = Math.round(count * 86_400_000);
  return proto.google.protobuf.Duration.fromObject({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });
}

function codeOf(error: unknown): number | undefined {
  return (error as { code?: number }).code;
}
