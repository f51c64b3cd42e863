// `npm run screenshots [-- --api URL --out DIR]`: against a running `npm start`, puts a small
// corridor on the road (trucks expected, at the border post, across it, discharged, one overdue)
// and photographs the console's overview, one movement's page and the indicators in Chromium,
// signed in as the regional supervisor. For the README and for reviewing a console change.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config/env.ts';
import { signToken } from '../src/auth/tokens.ts';
import { parseFlags, stringFlag } from '../src/cli/args.ts';
import { ApiClient, driveLifecycle, withLrn } from '../src/simulation/lifecycle.ts';
import { exampleDeclaration, simulatedLrn } from '../src/simulation/simulate.ts';
import { lodge, openBrowser, signInAs } from '../test/console/helpers.ts';

const { flags } = parseFlags(process.argv.slice(2), { api: 'string', out: 'string' });
const config = loadConfig();
const baseUrl = stringFlag(flags, 'api', `http://127.0.0.1:${config.api.port}`);
const out = path.resolve(stringFlag(flags, 'out', path.join(config.dataDir, 'screenshots')));
const corridor = { api: baseUrl, token: (actor: Parameters<typeof signToken>[1]) => signToken(config.tokenSecret, actor) };
const api = new ApiClient(baseUrl, corridor.token);
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
  const registration = `TG ${plate++} ZZ`;
  const { mrn } = await lodge(corridor, 'lome-ouaga', { registration, releaseHours: 0.001 });
  say(`${mrn}  lome-ouaga  released with a 4-second time limit`);
  await new Promise((resolve) => setTimeout(resolve, 8_000));
}

mkdirSync(out, { recursive: true });
const browser = await openBrowser();
try {
  const page = await browser.page();
  await signInAs(page, corridor, 'regional');
  const shoot = async (hash: string, file: string) => {
    await page.goto(`${baseUrl}/${hash}`);
    await page.waitForLoadState('networkidle');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await page.screenshot({ path: path.join(out, file), fullPage: true });
    say(path.join(out, file));
  };
  await shoot('#/overview', 'overview.png');
  if (discharged) await shoot(`#/transits/${discharged}`, 'transit.png');
  await shoot('#/indicators', 'indicators.png');
} finally {
  await browser.close();
}
