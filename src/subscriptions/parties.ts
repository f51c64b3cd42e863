// The TINs a movement concerns: its declarant, its principal and its carrier. The `state` query
// carries the first two; the carrier is only in the declaration the workflow was started with,
// so it is read from the first event of the history (one event, one call, once per movement),
// decoded through the client's own data converter (payloads may be encrypted).
import type { Client } from '@temporalio/client';
import type { TransitInput, TransitState } from '../../workflows/model.ts';

export type PartiesOf = (state: TransitState, runId: string) => Promise<string[]>;

export function partiesFromTemporal(client: Client, namespace: string): PartiesOf {
  return async (state, runId) => {
    const tins = [state.declaration.declarantTin, state.declaration.principalTin];
    const carrier = await startedCarrier(client, namespace, state.mrn, runId);
    if (carrier) tins.push(carrier);
    return [...new Set(tins)];
  };
}

async function startedCarrier(client: Client, namespace: string, mrn: string, runId: string): Promise<string | undefined> {
  const page = await client.workflowService.getWorkflowExecutionHistory({
    namespace,
    execution: { workflowId: mrn, ...(runId ? { runId } : {}) },
    maximumPageSize: 1,
  });
  let payloads = page.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
  if (payloads.length === 0) return undefined;
  const converter = client.options.loadedDataConverter;
  // Codecs encode in order, so they decode in reverse.
  for (const codec of [...converter.payloadCodecs].reverse()) payloads = await codec.decode(payloads);
  const input = converter.payloadConverter.fromPayload<TransitInput>(payloads[0]!);
  return input?.declaration?.carrier?.tin;
}
