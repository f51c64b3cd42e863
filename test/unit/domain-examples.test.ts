import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { validateDeclaration } from '../../src/domain/declaration.ts';
import { allocateMrn } from '../../src/domain/mrn.ts';
import { loadReferenceData } from '../../src/domain/reference-data.ts';

const reference = loadReferenceData();
const folder = new URL('../../examples/declarations/', import.meta.url);
const files = readdirSync(folder)
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (file: string): unknown => JSON.parse(readFileSync(new URL(file, folder), 'utf8'));

// The guarantees the national system sandbox seeds with large balances, per country of departure.
const SEEDED_GUARANTEES = {
  TG: { grn: '26TG0000000000001', accessCode: '1234' },
  BF: { grn: '26BF0000000000001', accessCode: '4321' },
} as const;

describe('example declarations', () => {
  for (const file of files) {
    test(`${file} is valid and named after its route`, () => {
      const result = validateDeclaration(load(file), reference);
      if (!result.ok) assert.fail(JSON.stringify(result.errors, null, 2));
      assert.equal(`${result.plan.routeId}.json`, file);
      assert.deepEqual(result.declaration.guarantee, SEEDED_GUARANTEES[result.plan.departureCountry]);
    });
  }

  test('the five routes of the design each have an example', () => {
    for (const route of ['lome-ouaga', 'lome-bobo', 'lome-faramana', 'lome-kantchari', 'ouaga-lome']) {
      assert.ok(files.includes(`${route}.json`), route);
    }
  });

  test('every route of the reference data has an example', () => {
    assert.deepEqual(files, reference.routes.map((r) => `${r.id}.json`).sort());
  });

  test('the examples are distinct movements', () => {
    const mrns = new Set(
      files.map((file) => {
        const result = validateDeclaration(load(file), reference);
        assert.ok(result.ok);
        const { declarant, lrn } = result.declaration;
        return allocateMrn({ tin: declarant.tin, lrn, year: 2026, departureCountry: result.plan.departureCountry });
      }),
    );
    assert.equal(mrns.size, files.length);
  });
});
