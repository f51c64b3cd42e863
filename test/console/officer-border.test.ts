// An officer clears a truck through the border post entirely from the console: release at Lomé
// Port (a refused form first, with the API's reason in place), arrival at the post and exit on
// the Togo side, entry on the Burkina side; the overview shows the truck at the post meanwhile,
// and the movement's page shows the crossing with its dwell time and who did what.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startStack, type Stack } from '../harness/stack.ts';
import { eventually, lodge, openBrowser, signInAs, uniqueRegistration, type Browser } from './helpers.ts';

async function act(page: Page, mrn: string, action: string, fill?: (form: ReturnType<Page['locator']>) => Promise<void>) {
  const row = page.locator(`tr[data-mrn="${mrn}"]`);
  await row.locator(`button[data-action="${action}"]`).click();
  const form = row.locator(`form[data-form="${action}"]`);
  if (fill) await fill(form);
  await form.locator('button[type="submit"]').click();
  return form;
}

describe('officer: a truck cleared through the border post from the console', () => {
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

  it('release, border arrival, exit and entry, each from the desk of the office that records it', async () => {
    const registration = uniqueRegistration();
    const { mrn } = await lodge(stack, 'lome-ouaga', { registration });

    // Lomé Port: the truck waits for release on the desk; an empty seal list is refused in place.
    const lome = await browser.page();
    await signInAs(lome, stack, 'TGLFW001');
    assert.match((await lome.getByTestId('who').textContent()) ?? '', /agent-tglfw001 · Agent des douanes · Lomé Port \(TGLFW001\)/);
    const row = lome.locator(`tr[data-mrn="${mrn}"]`);
    assert.match((await row.textContent()) ?? '', new RegExp(registration));
    const release = await act(lome, mrn, 'release');
    const refusal = await eventually(release.locator('.refusal'), (text) => text.length > 0, 'the refusal of a release without seals');
    assert.match(refusal, /Refusé/);
    assert.match(refusal, /seal/);
    await release.locator('input[name="seals"]').fill('SL-CKS-1 SL-CKS-2');
    await release.locator('button[type="submit"]').click();
    await eventually(lome.locator('.flash'), (text) => text.includes('Autoriser le départ en transit') && text.includes('En route'), 'the release recorded');

    // Cinkassé, Togo side: expected, then present at the post with its timer, then exit confirmed.
    const cinkasse = await browser.page();
    await signInAs(cinkasse, stack, 'TGCKS001');
    await eventually(cinkasse.locator(`[data-desk="expected"] tr[data-mrn="${mrn}"]`), (text) => text.includes(registration), 'the truck expected at Cinkassé');
    await act(cinkasse, mrn, 'border-arrival');
    await eventually(
      cinkasse.locator(`[data-desk="present"] tr[data-mrn="${mrn}"]`),
      (text) => text.includes('Au poste frontière') && text.includes('attend la sortie'),
      'the truck present at the post',
    );
    assert.equal(await cinkasse.locator(`[data-desk="present"] tr[data-mrn="${mrn}"] [data-dwell]`).count(), 1, 'a dwell timer runs on the desk');

    // The overview, meanwhile: the truck at the border post, waiting for exit, with its dwell timer.
    const supervisor = await browser.page();
    await signInAs(supervisor, stack, 'regional');
    const atPost = supervisor.locator(`[data-post="PCJ-CINKASSE"] tr[data-mrn="${mrn}"]`);
    await eventually(atPost, (text) => text.includes(registration) && text.includes('attend la sortie'), 'the truck at the post on the overview');
    assert.match((await atPost.locator('[data-dwell]').textContent()) ?? '', /^\d\d:\d\d:\d\d$/);
    await eventually(supervisor.locator('[data-office="TGCKS001"] [data-count="present"]'), (text) => /\b1\b/.test(text), 'one truck present at Cinkassé');
    // The link between the two systems: each country's journal read and up to date, in French.
    for (const [country, name] of [
      ['TG', 'Togo'],
      ['BF', 'Burkina Faso'],
    ] as const) {
      await eventually(
        supervisor.locator(`[data-testid="interconnection"] tr[data-country="${country}"]`),
        (text) => text.includes(name) && text.includes('à jour'),
        `${name}'s journal on the overview`,
      );
    }

    await act(cinkasse, mrn, 'exit');
    await eventually(
      cinkasse.locator(`[data-desk="present"] tr[data-mrn="${mrn}"]`),
      (text) => text.includes("attend l'entrée") && text.includes('Rien à enregistrer ici'),
      'exit confirmed, entry awaited from the other side',
    );

    // Cinkansé, Burkina side: entry accepted with the seals intact.
    const cinkanse = await browser.page();
    await signInAs(cinkanse, stack, 'BFCKN001');
    await act(cinkanse, mrn, 'entry', async (form) => assert.equal(await form.locator('input[name="sealsIntact"]').isChecked(), true));
    await eventually(cinkanse.locator('.flash'), (text) => text.includes("Accepter l'entrée") && text.includes('En route'), 'the entry recorded');
    await eventually(supervisor.locator('[data-post="PCJ-CINKASSE"]'), (text) => !text.includes(mrn), 'the truck gone from the post on the overview');

    // The movement's page: on the road to Ouagadougou, the crossing measured, every act with its officer.
    await cinkanse.goto(`${stack.api}/#/transits/${mrn}`);
    await eventually(cinkanse.locator('h2 .status'), (text) => text === 'En route', 'the status on the movement page');
    const dwell = await eventually(cinkanse.getByTestId('dwell'), (text) => /\d+ s|\d+ min/.test(text), 'the dwell time of the crossing');
    assert.doesNotMatch(dwell, /—/);
    const timeline = (await cinkanse.getByTestId('timeline').textContent()) ?? '';
    for (const [what, who] of [
      ['Départ en transit autorisé', 'agent-tglfw001'],
      ['Arrivée au poste frontière', 'agent-tgcks001'],
      ['Sortie confirmée', 'agent-tgcks001'],
      ['Entrée acceptée', 'agent-bfckn001'],
    ] as const) {
      const event = cinkanse.locator('[data-testid="timeline"] tr', { hasText: what });
      assert.match((await event.first().textContent()) ?? '', new RegExp(who), `${what} by ${who}`);
    }
    assert.match(timeline, /Avis anticipé d'arrivée transmis/);
    // Each entry's details in French: the seals affixed, the seals found intact, the time at the post.
    const details = async (what: string) => (await cinkanse.locator(`[data-testid="timeline"] tr[data-event="${what}"] .details`).first().textContent()) ?? '';
    assert.match(await details('RELEASED'), /Scellés : SL-CKS-1, SL-CKS-2/);
    assert.match(await details('ENTRY_ACCEPTED'), /Scellés intacts : oui · Temps au poste : \d+ (s|min)/);
    assert.match(await details('REGISTERED'), /Pays : Togo/);
    assert.match(await details('GUARANTEE_RESERVED'), /Montant imputé sur la caution : [\d\s\u202f]+ F CFA/);
    assert.doesNotMatch(timeline, /sealsIntact|dwellSeconds|amountXof|\btrue\b/, 'no raw key or value on a French page');
    assert.match((await cinkanse.locator('.progress li.current').textContent()) ?? '', /Ouagadougou/);
  });
});
