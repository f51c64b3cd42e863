// One reconciliation run: for every open movement and every movement closed in the last N days,
// each national system's record (GET /v1/movements/:mrn, with Corridor's credential) against
// Corridor's state (the workflow's `state` query), and the differences in French and English.
// A system that cannot be read is named as unreachable, not counted as a difference per movement.
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../config/env.ts';
import { corridorCountries, countryOf, type CountryCode } from '../domain/countries.ts';
import { type Words, words } from '../domain/words.ts';
import type { Movement } from '../national/contract.ts';
import { NationalRefusal, type NationalSystemClient } from '../national/client.ts';
import { stateQuery } from '../../workflows/messages.ts';
import type { TransitState } from '../../workflows/model.ts';
import { compareRecord, countriesHolding, type Difference } from './compare.ts';

export interface ReconciliationReport {
  at: string;
  /** How far back closed movements were taken. */
  closedWithinDays: number;
  movements: number;
  /** Acts recorded in a system within the grace period and not yet applied: in transit, not differences. */
  pending: number;
  unreachable: { country: CountryCode; reason: string }[];
  differences: Difference[];
  summary: Words;
}

export interface ReconcileDeps {
  client: Client;
  config: Pick<Config, 'taskQueues'>;
  systems: Record<CountryCode, NationalSystemClient>;
  logger: Logger;
}

export interface ReconcileOptions {
  /** These movements only (a test's); default every open one and every one closed in the last `closedWithinDays`. */
  mrns?: string[];
  closedWithinDays?: number;
  graceMs?: number;
  now?: () => Date;
}

const DAY_MS = 86_400_000;
/** Movements read at once: each costs one query to the worker and one read per system. */
const AT_ONCE = 8;

async function movementsToCompare(deps: ReconcileDeps, closedWithinDays: number, now: Date): Promise<string[]> {
  const since = new Date(now.getTime() - closedWithinDays * DAY_MS).toISOString();
  const query = `WorkflowType = 'transit' AND TaskQueue = '${deps.config.taskQueues.transits}' AND (ExecutionStatus = 'Running' OR CloseTime > '${since}')`;
  const mrns: string[] = [];
  for await (const execution of deps.client.workflow.list({ query })) mrns.push(execution.workflowId);
  return mrns;
}

export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions = {}): Promise<ReconciliationReport> {
  const now = (options.now ?? (() => new Date()))();
  const closedWithinDays = options.closedWithinDays ?? 7;
  const graceMs = options.graceMs ?? 60_000;
  const mrns = options.mrns ?? (await movementsToCompare(deps, closedWithinDays, now));
  const unreachable = new Map<CountryCode, string>();
  const differences: Difference[] = [];
  let pending = 0;

  const read = async (country: CountryCode, mrn: string): Promise<Movement | undefined | 'unreachable'> => {
    if (unreachable.has(country)) return 'unreachable';
    try {
      return await deps.systems[country].getMovement({ mrn });
    } catch (error) {
      if (error instanceof NationalRefusal && error.code === 'MOVEMENT_UNKNOWN') return undefined;
      unreachable.set(country, error instanceof Error ? error.message : String(error));
      return 'unreachable';
    }
  };

  const one = async (mrn: string) => {
    let state: TransitState;
    try {
      state = await deps.client.workflow.getHandle(mrn).query(stateQuery);
    } catch (error) {
      deps.logger.warn({ mrn, err: error }, 'reconciliation: movement state unreadable');
      return;
    }
    for (const country of countriesHolding(state)) {
      const record = await read(country, mrn);
      if (record === 'unreachable') continue;
      const compared = compareRecord(state, country, record, now, graceMs);
      differences.push(...compared.differences);
      pending += compared.pending;
      for (const d of compared.differences) deps.logger.warn({ mrn, country, kind: d.kind }, d.words.en);
    }
  };

  const queue = [...mrns];
  await Promise.all(
    Array.from({ length: AT_ONCE }, async () => {
      for (let mrn = queue.shift(); mrn !== undefined; mrn = queue.shift()) await one(mrn);
    }),
  );

  const unreachableList = corridorCountries.filter((c) => unreachable.has(c)).map((country) => ({ country, reason: unreachable.get(country) ?? '' }));
  const cut = unreachableList.map((u) => countryOf(u.country, 'fr'));
  const summary =
    differences.length === 0 && unreachableList.length === 0
      ? words('RECONCILED', `${mrns.length} mouvements rapprochés : aucune différence`, `${mrns.length} movements reconciled: no difference`)
      : words(
          'RECONCILIATION_DIFFERENCES',
          `${mrns.length} mouvements rapprochés : ${differences.length} différence(s)${cut.length ? `, système ${cut.join(' et ')} injoignable` : ''}`,
          `${mrns.length} movements reconciled: ${differences.length} difference(s)${unreachableList.length ? `, ${unreachableList.map((u) => countryOf(u.country, 'en')).join(' and ')} system unreachable` : ''}`,
        );
  return { at: now.toISOString(), closedWithinDays, movements: mrns.length, pending, unreachable: unreachableList, differences, summary };
}
