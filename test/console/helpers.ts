// Browser tests: Debian's Chromium driven by playwright-core, a fresh profile per test file,
// and the movements a test needs lodged through the API as a declarant would.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { Declaration } from '../../src/domain/types.ts';
import { ApiClient, declarantOf, driveLifecycle, officerAt, withLrn } from '../../src/simulation/lifecycle.ts';
import { exampleDeclaration, simulatedLrn } from '../../src/simulation/simulate.ts';
import type { Stack } from '../harness/stack.ts';

const CHROMIUM = '/usr/bin/chromium';
// Long enough for the live pages (polling every few seconds) to show a change recorded elsewhere.
export const SEEN_WITHIN_MS = 45_000;

export interface Browser {
  page(): Promise<Page>;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(path.join(process.env.CORRIDOR_TEST_TMP ?? os.tmpdir(), 'chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1400, height: 900 },
  });
  context.setDefaultTimeout(SEEN_WITHIN_MS);
  return {
    // Each page is its own tab: its own sign-in (the token lives in the tab's sessionStorage).
    page: async () => {
      const page = await context.newPage();
      page.on('pageerror', (error) => process.stderr.write(`console page error: ${error.message}\n`));
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the console and signs in as a seeded development user (office code, country, TIN or "regional"). */
export async function signInAs(page: Page, stack: Pick<Stack, 'api'>, user: string): Promise<void> {
  await page.goto(`${stack.api}/`);
  await page.locator(`[data-user="${user}"]`).click();
  await page.getByTestId('who').waitFor();
}

/** Opens the console and signs in by pasting a token, as with one printed by `npm run token`. */
export async function signInWithToken(page: Page, stack: Stack, token: string): Promise<void> {
  await page.goto(`${stack.api}/`);
  await page.locator('textarea[name="token"]').fill(token);
  await page.locator('form button[type="submit"]').click();
  await page.getByTestId('who').waitFor();
}

/** Waits until the locator's text satisfies the check (live pages update by themselves). */
export async function eventually(locator: Locator, check: (text: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + SEEN_WITHIN_MS;
  let last = '';
  while (Date.now() < deadline) {
    last =
      (await locator
        .first()
        .textContent({ timeout: 2_000 })
        .catch(() => null)) ?? '';
    if (check(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what}: the page still shows ${JSON.stringify(last)}`);
}

export const uniqueTin = () => `T${randomBytes(5).toString('hex').toUpperCase()}`;
export const uniqueRegistration = () => `TG ${randomInt(1000, 9999)} ${String.fromCharCode(65 + randomInt(26), 65 + randomInt(26))}`;

/**
 * Lodges a movement through the API as its declarant would; then, as its officers would, drives
 * it as far as `stopAfter`, or releases it with a time limit of its own (`releaseHours`: a
 * movement that must soon be overdue).
 */
export async function lodge(
  stack: Pick<Stack, 'api' | 'token'>,
  routeId: string,
  changes: { tin?: string; registration?: string; stopAfter?: string; releaseHours?: number } = {},
) {
  const api = new ApiClient(stack.api, stack.token);
  const { declaration, plan } = exampleDeclaration(routeId);
  const copy: Declaration = withLrn(declaration, simulatedLrn(randomInt(1_000_000)));
  if (changes.tin) copy.declarant = { ...copy.declarant, tin: changes.tin };
  if (changes.registration) copy.transport = { ...copy.transport, registration: changes.registration };
  if (changes.stopAfter) {
    const outcome = await driveLifecycle(api, copy, plan, { stopAfter: changes.stopAfter });
    return { mrn: outcome.mrn, declaration: copy, plan };
  }
  const lodged = await api.call<{ mrn: string }>('POST', '/transits', declarantOf(copy.declarant.tin), copy);
  if (lodged.status !== 201) throw new Error(`lodging answered ${lodged.status}: ${JSON.stringify(lodged.body)}`);
  if (changes.releaseHours !== undefined) {
    const released = await api.call('POST', `/transits/${lodged.body.mrn}/release`, officerAt(plan.departureOffice.code), {
      seals: ['SL-TEST-1'],
      timeLimitHours: changes.releaseHours,
    });
    if (released.status !== 200) throw new Error(`release answered ${released.status}: ${JSON.stringify(released.body)}`);
  }
  return { mrn: lodged.body.mrn, declaration: copy, plan };
}
