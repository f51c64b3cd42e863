// The console speaks French by default and English on request, and back: the words on the page
// change (navigation, headings, statuses, actions), and so does the document's language.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../harness/stack.ts';
import type { Page } from 'playwright-core';
import { eventually, lodge, openBrowser, SEEN_WITHIN_MS, uniqueRegistration, type Browser } from './helpers.ts';

/** The page renders after the click, not during it: wait (within the live pages' bound) for the document's language. */
async function documentLanguage(page: Page, lang: string): Promise<void> {
  await page.waitForFunction(`document.documentElement.lang === ${JSON.stringify(lang)}`, undefined, { timeout: SEEN_WITHIN_MS });
  assert.equal(await page.locator('html').getAttribute('lang'), lang);
}

describe('language: French by default, English on request, and back', () => {
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

  it('switches the whole page to English and back to French', async () => {
    const registration = uniqueRegistration();
    const { mrn } = await lodge(stack, 'lome-ouaga', { registration, stopAfter: 'border-arrival' });

    const page = await browser.page();
    await page.goto(`${stack.api}/`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
    assert.match((await page.locator('main h2').textContent()) ?? '', /Connexion à la console/);
    await page.locator('[data-user="TGCKS001"]').click();

    const row = page.locator(`[data-desk="present"] tr[data-mrn="${mrn}"]`);
    await eventually(row, (text) => text.includes('Au poste frontière') && text.includes('Confirmer la sortie'), 'the truck on the desk, in French');
    assert.match((await page.locator('header.top nav').textContent()) ?? '', /Vue d'ensemble.*Mon poste.*Transits.*Indicateurs/);
    assert.match((await page.locator('section.desk h3').first().textContent()) ?? '', /Camions présents/);
    assert.match((await page.getByTestId('who').textContent()) ?? '', /Agent des douanes/);

    await page.getByTestId('language').click();
    await documentLanguage(page, 'en');
    await eventually(
      row,
      (text) => text.includes('At the border post') && text.includes('Confirm exit') && text.includes('awaiting exit'),
      'the truck on the desk, in English',
    );
    assert.match((await page.locator('header.top nav').textContent()) ?? '', /Overview.*My desk.*Transits.*Indicators/);
    assert.match((await page.locator('section.desk h3').first().textContent()) ?? '', /Trucks present/);
    assert.match((await page.getByTestId('who').textContent()) ?? '', /Customs officer/);
    assert.equal(await page.getByTestId('language').textContent(), 'Français');

    // The choice is kept: a reload stays in English, and the movement's page is in English too.
    await page.goto(`${stack.api}/#/transits/${mrn}`);
    await page.reload();
    await eventually(
      page.getByTestId('timeline'),
      (text) => text.includes('Arrival at the border post') && text.includes('Released for transit'),
      'the timeline in English',
    );
    assert.match((await page.locator('section.transit').textContent()) ?? '', /Border crossings.*Timeline/s);
    // The details too: the release's seals and its time limit, worded in English.
    const releasedIn = async () => (await page.locator('[data-testid="timeline"] tr[data-event="RELEASED"]').textContent()) ?? '';
    assert.match(await releasedIn(), /Seals: .*Time limit: .*Control: Satisfactory/);

    await page.getByTestId('language').click();
    await documentLanguage(page, 'fr');
    await eventually(
      page.getByTestId('timeline'),
      (text) => text.includes('Arrivée au poste frontière') && text.includes('Départ en transit autorisé'),
      'the timeline in French again',
    );
    assert.match((await page.locator('section.transit').textContent()) ?? '', /Passages de frontière.*Historique/s);
    assert.match(await releasedIn(), /Scellés : .*Délai de route : .*Contrôle : Satisfaisant/);
    assert.doesNotMatch(
      (await page.getByTestId('timeline').textContent()) ?? '',
      /sealsIntact|timeLimit|controlResult|SATISFACTORY|\btrue\b/,
      'no raw key or value on a French page',
    );
    assert.equal(await page.getByTestId('language').textContent(), 'English');
  });
});
