// Indicators and metrics from durable sources: border dwell per post and day, leg times against
// their limits, in-flight and overdue per office, movements closed per day; the same figures
// from a projection rebuilt from nothing (as after losing the file), as CSV, in Prometheus
// metrics, and on the console's indicators page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { TransitClient } from '../../src/client/transits.ts';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import { computeIndicators, windowStart, type Indicators } from '../../src/indicators/figures.ts';
import { Projection } from '../../src/indicators/projection.ts';
import { RunningTransits } from '../../src/indicators/running.ts';
import { StateCache } from '../../src/indicators/states.ts';
import { ApiClient, officerAt } from '../../src/simulation/lifecycle.ts';
import { percentile } from '../../src/simulation/simulate.ts';
import type { TransitState } from '../../workflows/model.ts';
import { startStack, tempDir, type Stack } from '../harness/stack.ts';
import { eventually, lodge, openBrowser, signInAs, SEEN_WITHIN_MS, type Browser } from './helpers.ts';

const TARGET_SECONDS = 2;
const regional = { user: 'regional', role: 'regional' } as const;

describe('indicators and metrics', () => {
  let stack: Stack;
  let api: ApiClient;
  let browser: Browser;
  const dwell: number[] = [];

  before(async () => {
    stack = await startStack({ env: { CORRIDOR_BORDER_DWELL_TARGET_SECONDS: String(TARGET_SECONDS) } });
    api = new ApiClient(stack.api, stack.token);
    browser = await openBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const state = async (mrn: string) => (await api.call<TransitState>('GET', `/transits/${mrn}`, regional)).body;
  const act = async (mrn: string, action: string, office: string, body: Record<string, unknown>) => {
    const answer = await api.call('POST', `/transits/${mrn}/${action}`, officerAt(office), body, { 'idempotency-key': randomUUID() });
    assert.equal(answer.status, 200, `${action}: ${JSON.stringify(answer.body)}`);
  };

  it('counts crossings, legs and closed movements from the workflows, and answers the same after a rebuild', async () => {
    // Three quick lifecycles, one truck kept at the post past the target, one past the border, one at the post.
    const discharged = [];
    for (let i = 0; i < 3; i++) discharged.push((await lodge(stack, 'lome-ouaga', { stopAfter: 'control-results' })).mrn);
    const slow = (await lodge(stack, 'lome-ouaga', { stopAfter: 'border-arrival' })).mrn;
    const deadline = Date.now() + SEEN_WITHIN_MS;
    while (!(await state(slow)).crossings[0]?.alertAt && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.ok((await state(slow)).crossings[0]?.alertAt, 'the border alert was raised');
    await act(slow, 'exit', 'TGCKS001', { sealsIntact: true });
    await act(slow, 'entry', 'BFCKN001', { sealsIntact: true });
    await act(slow, 'arrival', 'BFOUA001', { sealsIntact: true });
    await act(slow, 'control-results', 'BFOUA001', { result: 'SATISFACTORY', sealsIntact: true, discrepancies: [] });
    discharged.push(slow);
    const crossed = (await lodge(stack, 'lome-ouaga', { stopAfter: 'entry' })).mrn;
    await lodge(stack, 'lome-ouaga', { stopAfter: 'border-arrival' });

    for (const mrn of [...discharged, crossed]) dwell.push((await state(mrn)).crossings[0]!.dwellSeconds!);
    for (const mrn of discharged) assert.equal((await state(mrn)).status, 'DISCHARGED');

    // Closed movements reach visibility a moment after they close: wait until the projection has all four.
    let figures: Indicators | undefined;
    const until = Date.now() + 2 * SEEN_WITHIN_MS;
    while (Date.now() < until) {
      figures = (await api.call<Indicators>('GET', '/indicators?days=7', regional)).body;
      if (figures.completed.reduce((sum, day) => sum + day.discharged, 0) === 4 && figures.borderDwell[0]?.crossings === 5) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    assert.ok(figures);
    const today = new Date().toISOString().slice(0, 10);
    assert.deepEqual(figures.borderDwell, [
      {
        post: 'PCJ-CINKASSE',
        day: today,
        crossings: 5,
        medianSeconds: percentile(dwell, 50),
        p90Seconds: percentile(dwell, 90),
        targetSeconds: TARGET_SECONDS,
        overTarget: dwell.filter((s) => s > TARGET_SECONDS).length,
        alerts: 1,
      },
    ]);
    assert.ok(Math.max(...dwell) >= TARGET_SECONDS, 'the truck kept at the post until its alert stayed at least the target');
    assert.equal(figures.completed.find((d) => d.day === today)?.discharged, 4);
    assert.equal(figures.completed.length, 7);

    const leg = (from: string, to: string) => figures!.legs.find((l) => l.from === from && l.to === to);
    assert.equal(leg('TGLFW001', 'TGCKS001')?.legs, 6, 'every truck that reached the post ended the Lomé leg');
    assert.equal(leg('BFCKN001', 'BFOUA001')?.legs, 4, 'the four discharged ended the Ouagadougou leg');
    assert.ok(Math.abs(leg('TGLFW001', 'TGCKS001')!.medianAllowedSeconds! - 72 * 3600) <= 5, 'the Lomé leg is allowed its 72 hours');
    assert.equal(leg('TGLFW001', 'TGCKS001')?.late, 0);

    const office = (code: string) => figures!.offices.find((o) => o.office === code)!;
    assert.equal(office('TGCKS001').inFlight, 1, 'one truck still at the post, expected to exit at Cinkassé');
    assert.equal(office('BFOUA001').inFlight, 1, 'one truck on the road to Ouagadougou');
    assert.equal(office('BFOUA001').arrivals, 4);
    assert.equal(office('TGCKS001').overdueNow, 0);

    // Rebuilt from nothing, as after losing the projection's file: the same figures.
    const transits = new TransitClient(stack.client, stack.config, 'default');
    const running = new RunningTransits(stack.client, 'default', stack.config.taskQueues.transits);
    const rebuilt = new Projection(path.join(tempDir('projection'), 'indicators.sqlite'), {
      client: stack.client,
      namespace: 'default',
      taskQueue: stack.config.taskQueues.transits,
      reference: loadReferenceData(),
      running,
      states: new StateCache(transits),
    });
    await rebuilt.refresh();
    const from = windowStart(7);
    const again = computeIndicators({
      reference: loadReferenceData(),
      days: 7,
      targetSeconds: TARGET_SECONDS,
      crossings: rebuilt.crossingsSince(from),
      legs: rebuilt.legsSince(from),
      movements: rebuilt.movements(),
      running: (await running.get()).items,
      shares: rebuilt.sharesHeldSince(from),
    });
    await rebuilt.close();
    assert.deepEqual({ ...again, generatedAt: '' }, { ...figures, generatedAt: '' });
  });

  it('gives the same tables as CSV, for officers and supervisors only', async () => {
    const token = await stack.regional();
    const response = await fetch(`${stack.api}/indicators/border-dwell.csv?days=7`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="corridor-border-dwell-/);
    const [header, row, end] = (await response.text()).split('\r\n');
    assert.equal(header, 'post,day,crossings,medianSeconds,p90Seconds,targetSeconds,overTarget,alerts');
    const today = new Date().toISOString().slice(0, 10);
    assert.equal(
      row,
      `PCJ-CINKASSE,${today},5,${percentile(dwell, 50)},${percentile(dwell, 90)},${TARGET_SECONDS},${dwell.filter((s) => s > TARGET_SECONDS).length},1`,
    );
    assert.equal(end, '');

    const completed = await (await fetch(`${stack.api}/indicators/completed.csv?days=7`, { headers: { authorization: `Bearer ${token}` } })).text();
    assert.match(completed, new RegExp(`\r\n${today},4,0,0,0,4\r\n$`));

    const declarant = await fetch(`${stack.api}/indicators?days=7`, { headers: { authorization: `Bearer ${await stack.declarant('1000164587')}` } });
    assert.equal(declarant.status, 403);
  });

  it('exposes the same figures and the API latency at GET /metrics', async () => {
    const text = await (await fetch(`${stack.api}/metrics`)).text();
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    assert.equal(value('corridor_transits_started_total{route="lome-ouaga"}'), 6);
    assert.equal(value('corridor_transits_completed_total{route="lome-ouaga",status="DISCHARGED"}'), 4);
    assert.equal(value('corridor_border_dwell_seconds_count{post="PCJ-CINKASSE"}'), 5);
    assert.equal(value(`corridor_border_dwell_seconds_bucket{le="+Inf",post="PCJ-CINKASSE"}`), 5);
    assert.equal(value('corridor_transits_in_flight{status="AT_BORDER"}'), 1);
    assert.equal(value('corridor_transits_in_flight{status="RELEASED"}'), 1);
    assert.equal(value('corridor_open_escalations{level="1"}'), 0);
    assert.ok((value('corridor_api_request_duration_seconds_count{method="GET",route="/indicators",status="200"}') ?? 0) >= 1);
    assert.ok((value('corridor_api_request_duration_seconds_count{method="POST",route="/transits/:mrn/entry",status="200"}') ?? 0) >= 1);
    assert.match(text, /# TYPE corridor_border_dwell_seconds histogram/);
  });

  it('shows the figures on the indicators page, with the CSV to download', async () => {
    const page = await browser.page();
    await signInAs(page, stack, 'regional');
    await page.goto(`${stack.api}/#/indicators`);
    const today = new Date().toISOString().slice(0, 10);
    const row = page.locator(`[data-indicator="border-dwell"] tr[data-day="${today}"]`);
    const text = await eventually(row, (t) => t.startsWith(today), "today's border dwell row");
    assert.match(text, new RegExp(`^${today}5`));
    assert.equal(await page.locator('[data-indicator="border-dwell"] canvas').count(), 1, 'a chart of the dwell time');
    assert.match((await page.getByTestId('completed-total').textContent()) ?? '', /Apurés : 4/);
    assert.match((await page.locator('[data-indicator="offices"] tr[data-office="BFOUA001"]').textContent()) ?? '', /Ouagadougou/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-indicator="border-dwell"] button.csv').click()]);
    assert.equal(download.suggestedFilename(), 'corridor-border-dwell.csv');
    const csv = await readFile((await download.path())!, 'utf8');
    assert.match(csv, /^post,day,crossings,medianSeconds,p90Seconds,targetSeconds,overTarget,alerts\r\nPCJ-CINKASSE,/);
  });
});
