// `npm run simulate -- --route lome-ouaga --count N --concurrency C [--via national|corridor]`:
// N transits from the example declarations, as declarants and officers would drive them: with
// `--via national`, in their own national systems' screens (Corridor only carries the acts
// across); with `--via corridor` (the default), keyed in Corridor's API. The demo a new user runs
// after `npm start`, and the driver of the benchmark.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/env.ts';
import { signToken } from '../auth/tokens.ts';
import { loadReferenceData } from '../domain/reference-data.ts';
import { validateDeclaration } from '../domain/declaration.ts';
import type { Declaration, PlannedRoute } from '../domain/types.ts';
import { intFlag, stringFlag, UsageError, type Flags } from '../cli/args.ts';
import { ApiClient, driveLifecycle, LifecycleFailed, withLrn, type LifecycleOutcome } from './lifecycle.ts';
import { Progress } from './progress.ts';
import { driveNationalLifecycle, NationalScreens } from './national-screens.ts';
import { DEVELOPMENT_USER_SECRET } from '../national/sandbox/users.ts';

export function exampleDeclaration(routeId: string): { declaration: Declaration; plan: PlannedRoute } {
  const file = fileURLToPath(new URL(`../../examples/declarations/${routeId}.json`, import.meta.url));
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new UsageError(`--route ${routeId}: no example declaration examples/declarations/${routeId}.json`);
  }
  const checked = validateDeclaration(raw, loadReferenceData());
  if (!checked.ok) throw new Error(`examples/declarations/${routeId}.json is not valid: ${JSON.stringify(checked.errors)}`);
  return { declaration: checked.declaration, plan: checked.plan };
}

/** A fresh LRN per simulated transit: short enough for the LRN format, unique across runs. */
export function simulatedLrn(index: number): string {
  return `SIM${randomBytes(5).toString('hex')}${index.toString(36)}`.slice(0, 22);
}

export interface RunResult {
  outcomes: LifecycleOutcome[];
  failures: { mrn: string | undefined; error: string }[];
  seconds: number;
}

/** Runs `count` lifecycles, `concurrency` at a time. */
export async function runLifecycles(args: {
  api: ApiClient;
  declaration: Declaration;
  plan: PlannedRoute;
  count: number;
  concurrency: number;
  onDone?: (outcome: LifecycleOutcome | undefined) => void;
  /** Given: acts are recorded in the national systems' own screens, not in Corridor. */
  screens?: NationalScreens | undefined;
}): Promise<RunResult> {
  const { api, declaration, plan, count, concurrency, screens } = args;
  const outcomes: LifecycleOutcome[] = [];
  const failures: RunResult['failures'] = [];
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < count) {
      const index = next++;
      try {
        const copy = withLrn(declaration, simulatedLrn(index));
        const outcome = screens ? await driveNationalLifecycle(screens, api, copy, plan) : await driveLifecycle(api, copy, plan);
        outcomes.push(outcome);
        args.onDone?.(outcome);
      } catch (error) {
        failures.push({
          mrn: error instanceof LifecycleFailed ? error.mrn : undefined,
          error: error instanceof LifecycleFailed ? `${error.message}: ${JSON.stringify(error.answer.body)}` : String(error),
        });
        args.onDone?.(undefined);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { outcomes, failures, seconds: (performance.now() - started) / 1000 };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function simulate(flags: Flags): Promise<void> {
  const config = loadConfig();
  const routeId = stringFlag(flags, 'route', 'lome-ouaga');
  const count = intFlag(flags, 'count', 1);
  const concurrency = intFlag(flags, 'concurrency', 1);
  const baseUrl = stringFlag(flags, 'api', `http://127.0.0.1:${config.api.port}`);
  const via = stringFlag(flags, 'via', 'corridor');
  if (via !== 'corridor' && via !== 'national')
    throw new UsageError(`--via ${via}: expected national (acts in the national systems) or corridor (acts through Corridor's API)`);
  const screens =
    via === 'national'
      ? new NationalScreens({ TG: config.national.TG.url, BF: config.national.BF.url }, DEVELOPMENT_USER_SECRET, { watchJournals: true })
      : undefined;
  const { declaration, plan } = exampleDeclaration(routeId);
  const api = new ApiClient(baseUrl, (actor) => signToken(config.tokenSecret, actor));

  const health = await fetch(`${baseUrl}/health`).catch(() => undefined);
  if (!health) throw new UsageError(`no Corridor API at ${baseUrl}: start it with \`npm start\` (or pass --api)`);

  process.stdout.write(
    `simulating ${count} transit(s) on ${routeId} (${plan.offices.map((o) => o.code).join(' → ')}), ${concurrency} at a time, ${
      screens ? 'acts recorded in the national systems (Corridor only carries them)' : `acts keyed in Corridor through ${baseUrl}`
    }\n`,
  );
  const progress = new Progress('transits', count);
  const result = await runLifecycles({ api, declaration, plan, count, concurrency, screens, onDone: () => progress.tick() }).finally(() => screens?.close());

  const byStatus = new Map<string, number>();
  for (const outcome of result.outcomes) byStatus.set(outcome.status, (byStatus.get(outcome.status) ?? 0) + 1);
  if (result.failures.length) byStatus.set('FAILED', result.failures.length);
  const totals = result.outcomes.map((o) => o.totalMs);

  process.stdout.write('\nMRN\n');
  const shown = result.outcomes.slice(0, 20);
  for (const outcome of shown) process.stdout.write(`  ${outcome.mrn}  ${outcome.status}  ${(outcome.totalMs / 1000).toFixed(2)} s\n`);
  if (result.outcomes.length > shown.length) process.stdout.write(`  … and ${result.outcomes.length - shown.length} more\n`);
  for (const failure of result.failures.slice(0, 10)) process.stdout.write(`  FAILED ${failure.mrn ?? '(not lodged)'}: ${failure.error}\n`);
  process.stdout.write('\nstatus reached\n');
  for (const [status, n] of byStatus) process.stdout.write(`  ${status.padEnd(12)} ${n}\n`);
  if (totals.length) {
    process.stdout.write(
      `\ntime per lifecycle (lodging to discharge, through the API): mean ${(mean(totals) / 1000).toFixed(2)} s, p50 ${(percentile(totals, 50) / 1000).toFixed(2)} s, p95 ${(percentile(totals, 95) / 1000).toFixed(2)} s\n`,
    );
    process.stdout.write(`throughput: ${(result.outcomes.length / result.seconds).toFixed(2)} lifecycles/s over ${result.seconds.toFixed(1)} s\n`);
  }
  if (result.failures.length) process.exitCode = 1;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
