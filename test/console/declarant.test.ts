// A declarant signs in by pasting a token and sees only their own movements: the list holds
// theirs and not another declarant's, and another declarant's movement opened by its MRN is
// refused with the API's reason. The console offers a declarant no supervision pages.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../harness/stack.ts';
import { eventually, lodge, openBrowser, signInWithToken, uniqueTin, type Browser } from './helpers.ts';

describe('declarant: only their own movements', () => {
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

  it("lists their movements and refuses another declarant's", async () => {
    const mine = uniqueTin();
    const theirs = uniqueTin();
    const own = [await lodge(stack, 'lome-ouaga', { tin: mine }), await lodge(stack, 'lome-bobo', { tin: mine, stopAfter: 'release' })];
    const other = await lodge(stack, 'lome-ouaga', { tin: theirs });

    const page = await browser.page();
    await signInWithToken(page, stack, await stack.declarant(mine));
    assert.match((await page.getByTestId('who').textContent()) ?? '', new RegExp(`declarant-${mine} · Déclarant · NIF ${mine}`));
    const nav = (await page.locator('header.top nav').textContent()) ?? '';
    assert.equal(nav, 'Transits', 'a declarant has the list of movements only');

    const list = page.locator('table.transit-list tbody');
    await eventually(list, (text) => own.every(({ mrn }) => text.includes(mrn)), "both of the declarant's movements in the list");
    const shown = await list.locator('tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-mrn')));
    assert.deepEqual(shown.sort(), own.map(({ mrn }) => mrn).sort(), 'exactly their movements');
    assert.match((await list.locator(`tr[data-mrn="${own[1]!.mrn}"]`).textContent()) ?? '', /En route/);

    // Their own movement opens; another declarant's, searched by its MRN, is refused.
    await page.locator('input[name="search"]').fill(own[0]!.mrn);
    await page.locator('form.search button').click();
    await eventually(page.locator('section.transit h2'), (text) => text.includes(own[0]!.mrn), "their movement's page");
    assert.equal(await page.locator('button[data-action="cancel"]').count(), 1, 'before release, the declarant may cancel');

    await page.locator('header.top nav a').click();
    await page.locator('input[name="search"]').fill(other.mrn);
    await page.locator('form.search button').click();
    const refusal = await eventually(page.locator('.refusal'), (text) => text.length > 0, "the refusal of another declarant's movement");
    // The console reads the error body's `fr` (it no longer splits "fr / en" messages): this holds
    // once the API sends `fr` and `en` on every error; a body with only `message` shows it whole.
    // Issue 18: another declarant's movement reads as one that does not exist, so an MRN tried tells nothing.
    assert.match(refusal, new RegExp(`aucun mouvement ${other.mrn}`));
    assert.doesNotMatch(refusal, /no movement with MRN/, 'the French half only, in French');
  });
});
