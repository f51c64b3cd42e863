// Registers Corridor's search attributes, idempotently. An unknown attribute fails the
// workflow task forever, and the dev server ignores --search-attribute on an existing
// database, so start-up always checks through the operator API.
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
// @temporalio/proto is CommonJS: its namespaces come through the default export.
import proto from '@temporalio/proto';
import { corridorSearchAttributes } from '../../workflows/search-attributes.ts';

export async function ensureSearchAttributes(target: string | Connection, namespace: string): Promise<string[]> {
  const connection = typeof target === 'string' ? await Connection.connect({ address: target }) : target;
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const known = new Set([...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]);
    const missing = corridorSearchAttributes.filter((key) => !known.has(key.name));
    if (missing.length > 0) {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedValueType(key.type)])),
      });
    }
    return missing.map((key) => key.name);
  } finally {
    if (typeof target === 'string') await connection.close();
  }
}

/** The operator API's enum for an attribute type: KEYWORD → INDEXED_VALUE_TYPE_KEYWORD, and so on. */
export function indexedValueType(type: SearchAttributeType): proto.temporal.api.enums.v1.IndexedValueType {
  return proto.temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${type}`];
}
