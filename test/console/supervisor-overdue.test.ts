// A supervisor finds an overdue transit from the console (the overview's open escalations, then
// the list filtered on overdue and the truck's registration), watches it escalate to level 2,
// acknowledges it, then extends the time limit with a reason: the level goes back to none.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../harness/stack.ts';
import { eventually, lodge, openBrowser, signInAs, uniqueRegistration, type Browser } from './helpers.ts';

describe('supervisor: an overdue transit found, acknowledged and extended from the console', () => {
  let stack: Stack;
  let browser: Browser;
  before(async () => {
    // Overdue within seconds of release, level 2 a few seconds later, and no enquiry during the test.
    stack = await startStack({
      env: { CORRIDOR_ESCALATION_LEVEL2_AFTER_SECONDS: '3', CORRIDOR_ENQUIRY_AFTER_SECONDS: '3600', CORRIDOR_RECOVERY_AFTER_SECONDS: '3600' },
    });
    browser = await openBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('finds it, sees level 2, acknowledges it, extends the time limit and sees the escalation closed', async () => {
    const registration = uniqueRegistration();
    const { mrn } = await lodge(stack, 'lome-ouaga', { registration, releaseHours: 0.001 });

    const page = await browser.page();
    await signInAs(page, stack, 'TG');
    assert.match((await page.getByTestId('who').textContent()) ?? '', /superviseur-tg · Superviseur · Togo/);

    // The overview counts the open escalation; its link lists the overdue movements.
    await eventually(page.locator('.escalations-panel'), (text) => /Niveau [12]/.test(text), 'an open escalation on the overview');
    await eventually(page.locator('[data-office="TGCKS001"] [data-count="overdue"]'), (text) => /\b1\b/.test(text), 'one overdue truck expected at Cinkassé');
    await page.locator('.escalations-panel a').first().click();
    await page.locator('input[name="vehicle"]').fill(registration);
    await page.locator('form.filters button[type="submit"]').click();
    assert.equal(await page.locator('input[name="overdue"]').isChecked(), true);
    const row = page.locator(`tr[data-mrn="${mrn}"]`);
    await eventually(row, (text) => text.includes(registration) && /Niveau [12]/.test(text), 'the overdue movement in the list');
    await row.locator(`a[href="#/transits/${mrn}"]`).click();

    // The movement's page follows the ladder by itself: level 2, the country's supervisor.
    const level = page.getByTestId('escalation-level');
    await eventually(level, (text) => text.includes('Niveau 2'), 'level 2 on the movement page');
    assert.match((await level.textContent()) ?? '', /Superviseur du pays/);

    await page.locator('button[data-action="acknowledge"]').click();
    const acknowledge = page.locator('form[data-form="acknowledge"]');
    await acknowledge.locator('textarea[name="note"]').fill('Transporteur joint, camion en panne à Kara');
    await acknowledge.locator('button[type="submit"]').click();
    await eventually(page.getByTestId('acknowledged'), (text) => text.includes('superviseur-tg') && text.includes('Niveau 2'), 'the acknowledgement');
    assert.match((await level.textContent()) ?? '', /Niveau 2/);

    await page.locator('button[data-action="extend"]').click();
    const extend = page.locator('form[data-form="extend"]');
    await extend.locator('input[name="hours"]').fill('24');
    await extend.locator('textarea[name="reason"]').fill('Panne mécanique constatée, réparation en cours');
    await extend.locator('button[type="submit"]').click();
    await eventually(level, (text) => text.includes('Aucune escalade'), 'the escalation closed by the extension');

    const timeline = page.getByTestId('timeline');
    for (const what of ['Délai dépassé (niveau 1)', 'Escalade au superviseur (niveau 2)', 'Alerte prise en compte', 'Délai prorogé', 'Escalade close']) {
      assert.match((await timeline.textContent()) ?? '', new RegExp(what.replace(/[()]/g, '\\$&')), what);
    }
    assert.match((await page.locator('[data-testid="timeline"] tr[data-event="DEADLINE_EXTENDED"]').textContent()) ?? '', /superviseur-tg/);
    // The details in French: the extension with its reason and new time limit, why the escalation closed.
    assert.match(
      (await page.locator('[data-testid="timeline"] tr[data-event="DEADLINE_EXTENDED"] .details').textContent()) ?? '',
      /Prorogation : 24 h · Motif : Panne mécanique constatée, réparation en cours · Nouveau délai : \d\d\/\d\d\/\d{4}/,
    );
    assert.match(
      (await page.locator('[data-testid="timeline"] tr[data-event="ESCALATION_CLOSED"] .details').last().textContent()) ?? '',
      /Close par : délai prorogé/,
    );
    // The notifications name the country's supervisors by the country's name, not its code.
    assert.match((await page.getByTestId('notifications').textContent()) ?? '', /superviseurs du Togo/);
    await eventually(page.locator('.status').first(), (text) => text === 'En route', 'still on the road');
  });
});
