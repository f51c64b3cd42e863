// Reading movements through Temporal visibility: one page, every page, a count, and a listed
// execution's search attributes decoded into Corridor's summary fields. The API's lists, the
// running movements the console shows and the indicators' projection all read through here.
// Public SDK entry points only (a deep import into @temporalio/common/lib breaks on an upgrade).
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, SearchAttributeType, TypedSearchAttributes, type SearchAttributePair } from '@temporalio/common';
import * as sa from '../../workflows/search-attributes.ts';

export type ExecutionInfo = import('@temporalio/proto').temporal.api.workflow.v1.IWorkflowExecutionInfo;
type Timestamp = ExecutionInfo['startTime'];
type IndexedFields = NonNullable<ExecutionInfo['searchAttributes']>['indexedFields'];

// The frontend's largest page (frontend.visibilityMaxPageSize): fewest calls for a full list.
const PAGE_SIZE = 1000;

/** One page of a visibility query; `nextPageToken` is absent on the last page. */
export async function listPage(
  client: Client,
  namespace: string,
  query: string,
  pageSize: number,
  pageToken?: Uint8Array,
): Promise<{ executions: ExecutionInfo[]; nextPageToken?: Uint8Array }> {
  const response = await client.workflowService.listWorkflowExecutions({
    namespace,
    pageSize,
    query,
    ...(pageToken ? { nextPageToken: pageToken } : {}),
  });
  const next = response.nextPageToken && response.nextPageToken.length > 0 ? response.nextPageToken : undefined;
  return { executions: response.executions ?? [], ...(next ? { nextPageToken: next } : {}) };
}

/** Every execution the query matches, page after page, for the projections that read them all. */
export async function forEachExecution(client: Client, namespace: string, query: string, visit: (execution: ExecutionInfo) => void): Promise<void> {
  let pageToken: Uint8Array | undefined;
  do {
    const page = await listPage(client, namespace, query, PAGE_SIZE, pageToken);
    for (const execution of page.executions) visit(execution);
    pageToken = page.nextPageToken;
  } while (pageToken);
}

export async function countExecutions(client: Client, namespace: string, query: string): Promise<number> {
  const response = await client.workflowService.countWorkflowExecutions({ namespace, query });
  return Number(response.count ?? 0);
}

/**
 * A listed execution's search attributes, as the SDK's client decodes them for
 * `client.workflow.list()` (which has no page tokens, so the lists here call the service): each
 * value by the type its payload declares, a lone value out of its array, Datetime as a Date.
 */
export function searchAttributesOf(execution: ExecutionInfo): TypedSearchAttributes {
  return decodeSearchAttributes(execution.searchAttributes?.indexedFields);
}

export function decodeSearchAttributes(fields: IndexedFields): TypedSearchAttributes {
  const pairs: SearchAttributePair[] = [];
  for (const [name, payload] of Object.entries(fields ?? {})) {
    const declared = payload.metadata?.type;
    const type = declared ? TypedSearchAttributes.toSearchAttributeType(Buffer.from(declared).toString('utf8')) : undefined;
    if (!type) continue;
    let value: unknown = defaultPayloadConverter.fromPayload(payload);
    if (type !== SearchAttributeType.KEYWORD_LIST && Array.isArray(value)) {
      if (value.length > 1) continue;
      value = value[0];
    }
    if (type === SearchAttributeType.DATETIME && value) value = new Date(value as string);
    // A value that does not match the type its payload declares reads as absent, as in the SDK.
    if (fitsType(type, value)) pairs.push({ key: { name, type }, value } as SearchAttributePair);
  }
  return new TypedSearchAttributes(pairs);
}

function fitsType(type: SearchAttributeType, value: unknown): boolean {
  switch (type) {
    case SearchAttributeType.TEXT:
    case SearchAttributeType.KEYWORD:
      return typeof value === 'string';
    case SearchAttributeType.INT:
      return Number.isInteger(value);
    case SearchAttributeType.DOUBLE:
      return typeof value === 'number';
    case SearchAttributeType.BOOL:
      return typeof value === 'boolean';
    case SearchAttributeType.DATETIME:
      return value instanceof Date;
    case SearchAttributeType.KEYWORD_LIST:
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    default:
      return false;
  }
}

/** What a list shows of a movement, from its search attributes and its execution's times. */
export interface TransitFields {
  mrn: string;
  runId: string;
  status: string | undefined;
  departureOffice: string | undefined;
  destinationOffice: string | undefined;
  currentOffice: string | undefined;
  declarant: string | undefined;
  vehicle: string | undefined;
  routeOffices: string[];
  overdue: boolean;
  borderAlert: boolean;
  escalationLevel: number;
  nextDeadline: string | undefined;
  /** Countries whose national system a fallback act of the movement still waits for; absent when none. */
  waitingForSystems?: string[];
  lodgedAt: string | undefined;
  closedAt: string | undefined;
}

export function transitFields(execution: ExecutionInfo): TransitFields {
  const attributes = searchAttributesOf(execution);
  const deadline = attributes.get(sa.NextDeadline);
  return {
    mrn: execution.execution?.workflowId ?? '',
    runId: execution.execution?.runId ?? '',
    status: attributes.get(sa.TransitStatus),
    departureOffice: attributes.get(sa.DepartureOffice),
    destinationOffice: attributes.get(sa.DestinationOffice),
    currentOffice: attributes.get(sa.CurrentOffice),
    declarant: attributes.get(sa.DeclarantId),
    vehicle: attributes.get(sa.VehicleRegistration),
    routeOffices: attributes.get(sa.RouteOffices) ?? [],
    overdue: attributes.get(sa.Overdue) ?? false,
    borderAlert: attributes.get(sa.BorderAlert) ?? false,
    escalationLevel: attributes.get(sa.EscalationLevel) ?? 0,
    nextDeadline: deadline ? new Date(deadline).toISOString() : undefined,
    ...waitingOf(attributes.get(sa.WaitingForSystems)),
    lodgedAt: executionTime(execution.startTime),
    closedAt: executionTime(execution.closeTime),
  };
}

function waitingOf(countries: string[] | undefined): { waitingForSystems?: string[] } {
  return countries && countries.length > 0 ? { waitingForSystems: countries } : {};
}

export function executionTime(t: Timestamp): string | undefined {
  return t?.seconds ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString() : undefined;
}

/** A visibility query literal: quoted and escaped, so no value can change the query's shape. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
