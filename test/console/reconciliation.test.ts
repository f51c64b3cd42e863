// The reconciliation page: a regional supervisor opens "Rapprochement" and reads the last run —
// when, how many movements, each difference with its movement's link, kind, system and whether it
// waits for a supervisor — in French, then in English; Burkina's supervisor sees none of Togo's.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import { reconcileNow } from '../../src/reconciliation/schedule.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { Corridor, declarationFor, eventually as eventuallyApi, uniqueTin } from '../lifecycle/helpers.ts';
import { eventually, openBrowser, signInAs, type Browser } from './helpers.ts';

describe('supervisors: the reconciliation page', () => {
  let stack: Stack;
  let browser: Browser;
  before(async () => {
    stack = await startStack();
    browser = await openBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the last run and a difference waiting for a supervisor, with its movement', async () => {
    const page = await browser.page();
    await signInAs(page, stack, 'regional');
    await page.locator('a[href="#/reconciliation"]').click();
    await eventually(page.getByTestId('reconciliation-none'), (text) => text.includes('Aucun rapprochement'), 'no run yet');

    // Togo's record of a released movement, its seals changed there.
    const corridor = new Corridor(stack);
    const d = declarationFor('lome-ouaga', uniqueTin());
    const mrn = await corridor.accepted(d);
    await corridor.drive(mrn, d.plan, 0, 1);
    await eventuallyApi(
      () => corridor.record('TG', mrn),
      (r) => r.body.state === 'RELEASED',
      'the release written into Togo',
    );
    const db = new Database(stack.sandboxes.TG.dbPath);
    db.prepare('UPDATE movements SET seals = ? WHERE mrn = ?').run(JSON.stringify(['TG-FORGED-0002']), mrn);
    db.close();
    const report = await reconcileNow(stack.client, stack.config, 7);
    assert.equal(report.differences.length, 1);

    const row = page.locator(`[data-testid="reconciliation-differences"] tr[data-mrn="${mrn}"]`);
    await eventually(row, (text) => text.includes('Scellés différents') && text.includes("En attente d'un superviseur"), 'the difference in French');
    assert.match((await row.textContent()) ?? '', /Togo/);
    assert.equal(await row.getAttribute('data-kind'), 'SEALS');
    assert.equal(await row.getAttribute('data-settled'), 'false');
    assert.match((await page.getByTestId('reconciliation-movements').textContent()) ?? '', /^1 \(Clos depuis moins de 7 jours\)/);
    assert.match((await page.getByTestId('reconciliation-schedule').textContent()) ?? '', /suspendue/);
    assert.match((await page.getByTestId('reconciliation-summary').textContent()) ?? '', /1 différence\(s\)/);

    await page.getByTestId('language').click();
    await eventually(row, (text) => text.includes('Different seals') && text.includes('Waiting for a supervisor'), 'the difference in English');

    await row.locator(`a[href="#/transits/${mrn}"]`).click();
    await page.waitForURL(new RegExp(`#/transits/${mrn}$`));

    // Burkina's supervisor reads the same run, without Togo's differences (in English: the choice is kept).
    const burkina = await browser.page();
    await signInAs(burkina, stack, 'BF');
    await burkina.locator('a[href="#/reconciliation"]').click();
    await eventually(burkina.getByTestId('reconciliation'), (text) => text.includes('No difference.'), "none of Togo's differences");
    assert.match((await burkina.getByTestId('reconciliation-summary').textContent()) ?? '', /1 movements reconciled: no difference/);
  });
});
