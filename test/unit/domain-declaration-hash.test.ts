import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { canonicalJson } from '../../src/domain/canonical-json.ts';
import { validateDeclaration } from '../../src/domain/declaration.ts';
import { declarationContentHash } from '../../src/domain/declaration-hash.ts';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import type { Declaration } from '../../src/domain/types.ts';

const reference = loadReferenceData();
const raw = JSON.parse(readFileSync(new URL('../../examples/declarations/lome-ouaga.json', import.meta.url), 'utf8'));

function validated(input: unknown): Declaration {
  const result = validateDeclaration(input, reference);
  if (!result.ok) assert.fail(JSON.stringify(result.errors));
  return result.declaration;
}

/** The same object with its keys in reverse order at every depth. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversedKeys(v)]),
    );
  }
  return value;
}

describe('canonical JSON', () => {
  test('sorts keys at every depth and drops undefined properties', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } }), '{"a":{"d":[2,{"e":0,"f":1}]},"b":1}');
  });
  test('keeps array order', () => {
    assert.notEqual(canonicalJson(['A', 'B']), canonicalJson(['B', 'A']));
  });
  test('refuses what JSON cannot represent', () => {
    assert.throws(() => canonicalJson({ a: Number.NaN }), TypeError);
    assert.throws(() => canonicalJson({ a: () => 1 }), TypeError);
  });
});

describe('declaration content hash', () => {
  const hash = declarationContentHash(validated(raw));

  test('is a hex SHA-256', () => {
    assert.match(hash, /^[0-9a-f]{64}$/);
  });

  test('does not depend on key order', () => {
    assert.equal(declarationContentHash(validated(reversedKeys(raw))), hash);
  });

  test('does not depend on spelling that validation normalises', () => {
    const respelled = structuredClone(raw);
    respelled.route = respelled.route.map((c: string) => c.toLowerCase());
    respelled.containers = ['MSCU 712403 6', 'mscu-712418-6'];
    respelled.declarant.name = `  ${respelled.declarant.name}  `;
    respelled.transport.registration = '11  ll 2345';
    respelled.currency = 'XOF';
    respelled.sealedVehicle = false;
    assert.equal(declarationContentHash(validated(respelled)), hash);
  });

  test('changes when the content changes: same LRN, different content is detectable', () => {
    const changes: Array<(d: any) => void> = [
      (d) => (d.goodsItems[0].valueXof += 1),
      (d) => (d.goodsItems[0].netMassKg = 18001),
      (d) => (d.transport.registration = '11 LL 2346'),
      (d) => (d.guarantee.accessCode = '1235'),
      (d) => d.goodsItems.reverse(),
      (d) => delete d.carrier,
      (d) => delete d.transport.trailer,
    ];
    for (const change of changes) {
      const other = structuredClone(raw);
      change(other);
      assert.notEqual(declarationContentHash(validated(other)), hash, String(change));
    }
  });

  test('a declaration with only valueXof hashes as it did before customsValueXof and valueBasis existed', () => {
    // Pinned from the code before the change, on examples/declarations/lome-ouaga.json (valueXof only):
    // a retry that straddles the upgrade is the same movement, not an LRN conflict.
    assert.equal(hash, '250905b6ff76b01ace1432ad4814b07f5f61deedb3aa7cafd0f186be375405a3');
    const renamed = structuredClone(raw);
    for (const item of renamed.goodsItems) {
      item.customsValueXof = item.valueXof;
      item.valueBasis = 'CIF';
      delete item.valueXof;
    }
    assert.equal(declarationContentHash(validated(renamed)), hash);
  });

  test('a FOB price is content: the same customs value reached another way is another declaration', () => {
    const fob = structuredClone(raw);
    Object.assign(fob.goodsItems[0], { valueXof: undefined, valueBasis: 'FOB', invoiceValueXof: 6_700_000, freightXof: 480_000, insuranceXof: 20_000 });
    assert.equal(validated(fob).goodsItems[0]!.valueXof, raw.goodsItems[0].valueXof);
    assert.notEqual(declarationContentHash(validated(fob)), hash);
  });
});
