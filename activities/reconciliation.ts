// The reconciliation's side effects. On `transits`: the movements a run compares (Temporal
// visibility). On each `national-XX` queue, next to that country's system and with only its
// credential: that system's records against Corridor's states, and the acts its journal holds
// that Corridor missed carried to their movements, vouched for with the country's own key as its
// journal consumer does. So no worker needs both countries' credentials.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { TransitClient } from '../src/client/transits.ts';
import type { Config } from '../src/config/env.ts';
import type { CountryCode } from '../src/domain/countries.ts';
import type { Logger } from '../src/logging/logger.ts';
import type { NationalSystemClient } from '../src/national/client.ts';
import { movementsToCompare, reconcileCountry } from '../src/reconciliation/reconcile.ts';
import type { CountryReconciliation } from '../src/reconciliation/report.ts';

const ListInput = z.object({ closedWithinDays: z.number().min(0), at: z.iso.datetime() });
export type ListMovementsInput = z.input<typeof ListInput>;

const CountryInput = z.object({ mrns: z.array(z.string()), at: z.iso.datetime(), graceMs: z.number().int().min(0) });
export type ReconcileNationalRecordsInput = z.input<typeof CountryInput>;

export function createReconciliationListActivities(deps: { client: Client; config: Pick<Config, 'taskQueues'> }) {
  return {
    async listMovementsToReconcile(input: ListMovementsInput): Promise<string[]> {
      const { closedWithinDays, at } = ListInput.parse(input);
      return movementsToCompare(deps.client, deps.config, closedWithinDays, new Date(at));
    },
  };
}

export function createNationalReconciliationActivities(deps: { country: CountryCode; system: NationalSystemClient; transits: TransitClient; logger: Logger }) {
  return {
    async reconcileNationalRecords(input: ReconcileNationalRecordsInput): Promise<CountryReconciliation> {
      const { mrns, at, graceMs } = CountryInput.parse(input);
      const part = await reconcileCountry(
        {
          country: deps.country,
          system: deps.system,
          state: (mrn) => deps.transits.state(mrn),
          deliver: (event) => deps.transits.deliverNationalEvent(event),
          logger: deps.logger,
        },
        mrns,
        { now: new Date(at), graceMs },
      );
      deps.logger.info(
        { country: deps.country, movements: mrns.length, differences: part.differences.length, unreachable: part.unreachable },
        'reconciliation: national records compared',
      );
      return part;
    },
  };
}

export type ReconciliationListActivities = ReturnType<typeof createReconciliationListActivities>;
export type NationalReconciliationActivities = ReturnType<typeof createNationalReconciliationActivities>;
