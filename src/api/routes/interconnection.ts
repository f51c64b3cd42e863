// GET /interconnection: each country's journal as Corridor's consumer sees it (backlog, lag,
// readable or not) and the forwarding latency of the last 24 hours per direction, for the
// console's overview. Officers, supervisors and the regional centre read it; not declarants.
import type { FastifyPluginAsync } from 'fastify';
import type { Client } from '@temporalio/client';
import type { TransitClient } from '../../client/transits.ts';
import type { Config } from '../../config/env.ts';
import { corridorCountries, type CountryCode } from '../../domain/countries.ts';
import type { ReferenceData } from '../../domain/types.ts';
import type { Projection } from '../../indicators/projection.ts';
import { forwardingFigures } from '../../interconnection/forwarding.ts';
import { type JournalStatus, readJournalStatus } from '../../interconnection/journal-status.ts';
import { requireRole } from '../authentication.ts';

const DAY_MS = 86_400_000;

export interface InterconnectionDeps {
  config: Config;
  client: Client;
  projection: Projection;
  transits: TransitClient;
  reference: ReferenceData;
}

/** Movements listed per unreadable journal: enough for a supervisor to open them, not a report. */
const WAITING_LISTED = 20;

/**
 * The open movements whose route passes through `country`: each needs that country's system
 * before it can be discharged, so while its journal cannot be read they wait for it. (The
 * current office would be narrower, but a movement's search attributes move only once its act
 * is done, and an act that forwards to the unreachable country is not done until the link is
 * back.) Asked only for an unreadable journal, so the console's polling puts no list call on
 * visibility while the link is up.
 */
async function waitingFor(deps: Pick<InterconnectionDeps, 'transits' | 'reference'>, country: CountryCode): Promise<{ count: number; mrns: string[] }> {
  const offices = Object.values(deps.reference.offices)
    .filter((office) => office.country === country)
    .map((office) => office.code);
  const filters = { scopeOffices: offices, running: true };
  const [count, page] = await Promise.all([deps.transits.count(filters), deps.transits.list(filters, WAITING_LISTED)]);
  return { count, mrns: page.items.map((item) => item.mrn) };
}

const unreadable = (journal: JournalStatus) => journal.state === 'unreadable' || journal.state === 'stopped';

export function readJournals({ config, client }: Pick<InterconnectionDeps, 'config' | 'client'>) {
  return Promise.all(corridorCountries.map((country) => readJournalStatus(client, config.taskQueues.transits, country, config.journalMaxLagSeconds)));
}

export const interconnectionRoutes =
  (deps: InterconnectionDeps): FastifyPluginAsync =>
  async (app) => {
    app.get(
      '/interconnection',
      { schema: { tags: ['supervision'], summary: "Each country's journal (backlog, lag) and the forwarding latency of the last 24 hours" } },
      async (request) => {
        requireRole(request, 'officer', 'supervisor', 'regional');
        const [read] = await Promise.all([readJournals(deps), deps.projection.refresh().catch(() => undefined)]);
        const journals = await Promise.all(
          read.map(async (journal) => (unreadable(journal) ? { ...journal, waiting: await waitingFor(deps, journal.country) } : journal)),
        );
        const since = new Date(Date.now() - DAY_MS).toISOString();
        return {
          now: new Date().toISOString(),
          maxLagSeconds: deps.config.journalMaxLagSeconds,
          journals,
          forwarding: forwardingFigures(deps.projection.forwardsSince(since)),
        };
      },
    );
  };
