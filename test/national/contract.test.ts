// The contract is one OpenAPI document, generated from src/national/contract.ts and
// committed; the sandbox serves exactly it, and every operation is named the same in the
// document, the client and the activities.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { contractDocumentPath, renderContractDocument } from '../../src/national/openapi.ts';
import { operationNames, operations, refusalCodes } from '../../src/national/contract.ts';
import { get, sandbox } from './helpers.ts';

const committedPath = fileURLToPath(new URL(`../../${contractDocumentPath}`, import.meta.url));

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<string, { operationId: string; parameters?: Array<{ in: string; name: string; required?: boolean }>; responses: Record<string, unknown> }>
  >;
};

describe('the national system contract document', () => {
  test('the committed file is what src/national/contract.ts generates (npx tsx src/national/write-contract.ts)', async () => {
    const committed = readFileSync(committedPath, 'utf8');
    const generated = await renderContractDocument();
    assert.equal(committed, generated, `${contractDocumentPath} is out of date: run npx tsx src/national/write-contract.ts and commit it`);
  });

  test('documents every operation once, under its name, with its route; mutating ones require an Idempotency-Key', async () => {
    const doc = JSON.parse(await renderContractDocument()) as Doc;
    const found = new Map<
      string,
      { method: string; path: string; parameters: Array<{ in: string; name: string; required?: boolean }>; responses: Record<string, unknown> }
    >();
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        assert.ok(!found.has(op.operationId), `${op.operationId} appears once`);
        found.set(op.operationId, { method, path, parameters: op.parameters ?? [], responses: op.responses });
      }
    }
    assert.deepEqual([...found.keys()].filter((k) => k !== 'health').sort(), [...operationNames].sort());
    for (const name of operationNames) {
      const op = operations[name];
      const documented = found.get(name)!;
      assert.equal(documented.method, op.method.toLowerCase(), name);
      assert.equal(documented.path, op.path.replace(/:([A-Za-z]+)/g, '{$1}'), name);
      const key = documented.parameters.find((p) => p.in === 'header' && p.name === 'idempotency-key');
      assert.equal(Boolean(key?.required), op.mutating, `${name}: Idempotency-Key ${op.mutating ? 'required' : 'absent'}`);
      assert.ok(documented.responses[String(op.status)], `${name} documents its ${op.status}`);
      if (op.mutating) assert.ok(documented.responses['409'] && documented.responses['422'], `${name} documents refusals and key reuse`);
    }
    const description = (doc as unknown as { info: { description: string } }).info.description;
    for (const code of Object.keys(refusalCodes)) assert.match(description, new RegExp(code), `${code} is documented`);
  });

  test('the sandbox serves the same document (GET /docs/json), without its administration endpoints', async (t) => {
    const sb = await sandbox(t);
    const served = await get(sb, '/docs/json');
    assert.equal(served.status, 200);
    assert.deepEqual(served.json, JSON.parse(await renderContractDocument()));
    assert.ok(!Object.keys(served.json.paths).some((p) => p.startsWith('/admin')));
  });
});
