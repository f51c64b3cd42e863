// The console under the API's Content-Security-Policy (script-src and style-src 'self', no
// inline code): every page, charts included, runs without a single violation in Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../harness/stack.ts';
import { lodge, openBrowser, signInAs, type Browser } from '../console/helpers.ts';

describe('the console under the Content-Security-Policy', () => {
  let stack: Stack;
  let browser: Browser;
  let mrn: string;

  before(async () => {
    stack = await startStack();
    browser = await openBrowser();
    ({ mrn } = await lodge(stack, 'lome-ouaga', { stopAfter: 'release' }));
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('no page breaks the policy', async () => {
    const page = await browser.page();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) violations.push(message.text());
    });
    const csp = (await page.goto(`${stack.api}/`))?.headers()['content-security-policy'];
    assert.match(String(csp), /script-src 'self'/);
    await signInAs(page, stack, 'regional');
    for (const hash of ['#/overview', '#/desk', '#/transits', `#/transits/${mrn}`, '#/indicators']) {
      await page.goto(`${stack.api}/${hash}`);
      await page.getByTestId('who').waitFor();
      await page.waitForTimeout(1_500);
    }
    assert.deepEqual(violations, []);
  });
});
