// The README stays true: its configuration table is the one src/config/env.ts declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { README, readmeWithTable } from '../../scripts/config-table.ts';

test('the README lists every configuration variable with its default (npm run readme:config rewrites it)', () => {
  const readme = readFileSync(README, 'utf8');
  assert.equal(readme, readmeWithTable(readme));
});
