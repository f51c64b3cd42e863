import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

// Modules the Temporal workflow bundle may import: no zod, no node:, no I/O, and only each other.
const WORKFLOW_SAFE = [
  'types.ts',
  'countries.ts',
  'words.ts',
  'formats.ts',
  'iso3166.ts',
  'iso6346.ts',
  'mrn-format.ts',
  'route-plan.ts',
  'canonical-json.ts',
  'amount-at-risk.ts',
];

function importsOf(file: string): string[] {
  const source = readFileSync(new URL(`../../src/domain/${file}`, import.meta.url), 'utf8');
  return [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1]!,
  );
}

describe('workflow-safe domain modules', () => {
  for (const file of WORKFLOW_SAFE) {
    test(`${file} imports only other workflow-safe modules`, () => {
      for (const specifier of importsOf(file)) {
        assert.ok(specifier.startsWith('./'), `${file} imports ${specifier}`);
        assert.ok(WORKFLOW_SAFE.includes(specifier.slice(2)), `${file} imports ${specifier}, which is not workflow-safe`);
      }
    });
  }

  test('the check sees imports (zod-using modules are caught)', () => {
    assert.ok(importsOf('declaration.ts').includes('zod'));
    assert.ok(importsOf('mrn.ts').includes('node:crypto'));
  });
});
