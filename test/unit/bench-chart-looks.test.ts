// The large run's chart shows what a supervisor and an officer waited for while the journal's
// movements came in and once they were in, against the listing's 1 s goal; a run without looks
// draws no such panel. Read from results the benchmark wrote (kept under bench/results).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderChart } from '../../bench/lib/chart.ts';
import type { BenchResult } from '../../bench/lib/result.ts';

const result = (name: string) => JSON.parse(readFileSync(new URL(`../../bench/results/${name}`, import.meta.url), 'utf8')) as BenchResult;

test("the large run's chart draws each look's listing and desk, then the parked ones', against the 1 s goal", () => {
  const svg = renderChart(result('large-2026-11-30-100000-intel-night-attribute-cache.json'));
  assert.match(svg, /The overdue ones listed through the API and the first border post's desk opened/);
  for (const ms of ['424', '957', '486', '435']) assert.match(svg, new RegExp(`overdue listed: ${ms} ms`));
  assert.match(svg, /desk: 1690 ms/);
  assert.match(svg, />20k in flight</);
  assert.match(svg, />100k, parked</);
  assert.match(svg, /overdue listed: 484 ms/);
  assert.match(svg, /desk: 1846 ms/);
  assert.match(svg, /overdue listing goal 1 s/);
});

test('a default run, which takes no look while parking, draws no such panel', () => {
  const svg = renderChart(result('run-2026-11-30-intel-evening.json'));
  assert.doesNotMatch(svg, /first border post's desk opened/);
});
