// GET /recoveries: the recoveries the overdue ladder proposed and no collector has decided yet,
// for the collectors of the country concerned (and its supervisors, and the regional centre).
// Read from the in-flight list and the shared cache of states, like the overview: only movements
// at the enquiry level can carry a proposal, so only those are asked for their state.
import type { FastifyPluginAsync } from 'fastify';
import type { RunningTransits } from '../../indicators/running.ts';
import type { StateCache } from '../../indicators/states.ts';
import { requireRole } from '../authentication.ts';

const STATES_WAIT_MS = 1_500;
const ENQUIRY_LEVEL = 3;

export interface RecoveryDeps {
  running: RunningTransits;
  states: StateCache;
}

export const recoveryRoutes =
  ({ running, states }: RecoveryDeps): FastifyPluginAsync =>
  async (app) => {
    app.get(
      '/recoveries',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Recoveries proposed and awaiting a collector’s decision (POST /transits/:mrn/recovery decides one)',
          description: 'A collector or a supervisor sees those of their country; the regional centre all. Oldest proposal first.',
        },
      },
      async (request) => {
        const actor = requireRole(request, 'collector', 'supervisor', 'regional');
        const { items } = await running.get();
        const atEnquiry = items.filter((item) => item.escalationLevel === ENQUIRY_LEVEL);
        const known = await states.statesOf(atEnquiry, STATES_WAIT_MS);
        const waiting = atEnquiry.flatMap((item) => {
          const state = known.get(item.mrn);
          const recovery = state?.recovery;
          if (!state || recovery?.state !== 'PROPOSED') return [];
          if (actor.role !== 'regional' && recovery.country !== actor.country) return [];
          return [
            {
              mrn: state.mrn,
              country: recovery.country,
              proposedAt: recovery.proposedAt,
              amountXof: recovery.amountXof,
              penaltyXof: recovery.penaltyXof,
              grn: state.guarantee.grn,
              vehicle: state.declaration.vehicle,
              principalName: state.declaration.principalName,
              lastKnownOffice: state.currentOffice,
            },
          ];
        });
        return { items: waiting.sort((a, b) => a.proposedAt.localeCompare(b.proposedAt)) };
      },
    );
  };
