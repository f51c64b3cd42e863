// GET /interconnection: each country's journal as Corridor's consumer sees it (backlog, lag,
// readable or not) and the forwarding latency of the last 24 hours per direction, for the
// console's overview. Officers, supervisors and the regional centre read it; not declarants.
import type { FastifyPluginAsync } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../../config/env.ts';
import { corridorCountries } from '../../domain/countries.ts';
import type { Projection } from '../../indicators/projection.ts';
import { forwardingFigures } from '../../interconnection/forwarding.ts';
import { readJournalStatus } from '../../interconnection/journal-status.ts';
import { requireRole } from '../authentication.ts';

const DAY_MS = 86_400_000;

export interface InterconnectionDeps {
  config: Config;
  client: Client;
  projection: Projection;
}

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
        const [journals] = await Promise.all([readJournals(deps), deps.projection.refresh().catch(() => undefined)]);
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
