// `npm run screenshots [-- --api URL --out DIR]`: against a running `npm start`, puts a small
// corridor on the road (trucks expected, at the border post, across it, discharged, one overdue)
// and photographs the console's overview, one movement's page and the indicators in Chromium,
// signed in as the regional supervisor. For the README and for reviewing a console change.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';
import { loadConfig } from '../src/config/env.ts';
import { signToken } from '../src/auth/tokens.ts';
import { parseFlags, stringFlag } from '../src/cli/args.ts';
import { ApiClient, declarantOf, driveLifecycle, officerAt, withLrn } from '../src/simulation/lifecycle.ts';
import { exampleDeclaration, simulatedLrn } from '../src/simulation/simulate.ts';

const { flags } = parseFlags(process.argv.slice(2));
const config = loadConfig();
const baseUrl = stringFlag(flags, 'api', `http://127.0.0.1:${config.api.port}`);
const out = path.resolve(stringFlag(flags, 'out', path.join(config.dataDir, 'screenshots')));
const api = new ApiClient(baseUrl, (actor) => signToken(config.tokenSecret, actor));
const say = (line: string) => process.stdout.write(`${line}\n`);

// Where each truck stops: the overview then has some at every place of the corridor.
const cohorts: Array<{ route: string; stopAfter?: string; count: number }> = [
  { route: 'lome-ouaga', stopAfter: 'release', count: 4 },
  { route: 'lome-ouaga', stopAfter: 'border-arrival', count: 3 },
  { route: 'lome-ouaga', stopAfter: 'exit', count: 2 },
  { route: 'lome-ouaga', stopAfter: 'entry', count: 2 },
  { route: 'lome-ouaga', count: 3 },
  { route: 'ouaga-lome', stopAfter: 'release', count: 2 },
  { route: 'lome-kantchari', count: 1 },
];

let discharged: string | undefined;
let plate = 1000;
for (const cohort of cohorts) {
  const { declaration, plan } = exampleDeclaration(cohort.route);
  for (let i = 0; i < cohort.count; i++) {
    const copy = withLrn(declaration, simulatedLrn(plate));
    copy.transport = { ...copy.transport, registration: `${copy.transport.nationality} ${plate++} AB` };
    const outcome = await driveLifecycle(api, copy, plan, cohort.stopAfter ? { stopAfter: cohort.stopAfter } : {});
    if (!cohort.stopAfter && cohort.route === 'lome-ouaga') discharged = outcome.mrn;
    say(`${outcome.mrn}  ${cohort.route}  ${outcome.status}`);
  }
}

// One truck released with a time limit of a few seconds: it is overdue by the time the page opens.
{
  const { declaration, plan } = exampleDeclaration('lome-ouaga');
  const copy = withLrn(declaration, simulatedLrn(plate));
  copy.transport = { ...copy.transport, registration: `TG ${plate++} ZZ` };
  const lodged = await api.call<{ mrn: string }>('POST', '/transits', declarantOf(copy.declarant.tin), copy, { 'idempotency-key': randomUUID() });
  const released = await api.call('POST', `/transits/${lodged.body.mrn}/release`, officerAt(plan.departureOffice.code), { seals: ['SL-LATE-1'], timeLimitHours: 0.001 });
  say(`${lodged.body.mrn}  lome-ouaga  released with a 4-second time limit (answered ${released.status})`);
  await new Promise((resolve) => setTimeout(resolve, 8_000));
}

mkdirSync(out, { recursive: true });
const profile = mkdtempSync(path.join(os.tmpdir(), 'corridor-shots-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  viewport: { width: 1400, height: 900 },
});
try {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/`);
  await page.locator('[data-user="regional"]').click();
  await page.getByTestId('who').waitFor();
  const shoot = async (hash: string, file: string) => {
    await page.goto(`${baseUrl}/${hash}`);
    await page.waitForLoadState('networkidle');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await page.screenshot({ path: path.join(out, file), fullPage: true });
    say(`${path.join(out, file)}`);
  };
  await shoot('#/overview', 'overview.png');
  if (discharged) await shoot(`#/transits/${discharged}`, 'transit.png');
  await shoot('#/indicators', 'indicators.png');
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
