// GET /overview (the corridor at a glance), GET /desk (an officer's trucks, expected and
// present, with what the officer may record for each now) and GET /offices (the corridor's
// offices in route order, for the console's names and filters). Both read the shared in-flight list
// (src/indicators/running.ts), never visibility per request.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor } from '../../auth/actor.ts';
import type { Config } from '../../config/env.ts';
import type { ReferenceData } from '../../domain/types.ts';
import type { TransitState } from '../../../workflows/model.ts';
import { atBorderPost, buildOverview, corridorOffices } from '../../indicators/overview.ts';
import type { RunningTransit, RunningTransits } from '../../indicators/running.ts';
import type { StateCache } from '../../indicators/states.ts';
import { scopeFor } from '../access.ts';
import { actorOf, requireRole } from '../authentication.ts';
import { allowedActionsFor } from './transits.ts';

// The overview and the desk answer within about this long even on a cold start; a truck whose
// state has not come yet shows what visibility knows of it until the next poll.
const FIRST_STATES_WAIT_MS = 1_500;

/**
 * The expected trucks a desk shows in full, soonest deadline first. Each row shown costs a state
 * query on the workers; when a go-live brings tens of thousands of released movements into
 * Corridor, they are all "expected" at the first border post, and a desk listing them all would
 * ask as many queries (each a replay of a movement out of the workers' cache) and send megabytes
 * every poll. The desk says how many are expected in all; a truck further down is found by its
 * registration on the movements page.
 */
export const DESK_EXPECTED_ROWS = 100;

export interface OverviewDeps {
  config: Config;
  reference: ReferenceData;
  running: RunningTransits;
  states: StateCache;
}

/** What the actor may see of the in-flight list: a declarant their own, others their country's. */
export function visibleTo(actor: Actor, reference: ReferenceData): (item: RunningTransit) => boolean {
  const { scopeDeclarant, scopeOffices } = scopeFor(actor, reference);
  return (item) =>
    (scopeDeclarant === undefined || item.declarant === scopeDeclarant) &&
    (scopeOffices === undefined || item.routeOffices.some((office) => scopeOffices.includes(office)));
}

export const overviewRoutes =
  ({ config, reference, running, states }: OverviewDeps): FastifyPluginAsync =>
  async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const targetSeconds = config.delays.borderDwellTargetMs / 1000;

    const inFlight = async (actor: Actor) => {
      const snapshot = await running.get();
      states.keepOnly(new Set(snapshot.items.map((item) => item.mrn)));
      return { at: snapshot.at, items: snapshot.items.filter(visibleTo(actor, reference)) };
    };

    app.get(
      '/offices',
      { schema: { tags: ['supervision'], summary: "The corridor's offices in route order: code, name, country, roles, border post" } },
      async (request) => {
        actorOf(request);
        return { offices: corridorOffices(reference) };
      },
    );

    app.get(
      '/overview',
      {
        schema: {
          tags: ['supervision'],
          summary:
            'The corridor at a glance: offices in route order with trucks expected, present and overdue; trucks at each border post with their arrival; open escalations by level',
          description: 'Movements in flight that the signed-in user may see. Refreshed from visibility at most every few seconds, whoever asks.',
        },
      },
      async (request) => {
        const actor = actorOf(request);
        const { at, items } = await inFlight(actor);
        const atPosts = items.filter((item) => atBorderPost(item, reference));
        return buildOverview({
          reference,
          items,
          states: await states.settledStatesOf(atPosts, FIRST_STATES_WAIT_MS),
          refreshedAt: at,
          borderDwellTargetSeconds: targetSeconds,
        });
      },
    );

    app.get(
      '/desk',
      {
        schema: {
          tags: ['actions'],
          summary: "An officer's desk: the trucks expected at and present at the officer's office, each with the acts the officer may record now",
          description: 'At a border post, trucks present on either side of the post are listed: the exit side acts first, then the entry side.',
        },
      },
      async (request) => {
        const actor = requireRole(request, 'officer');
        const office = reference.offices[actor.office ?? ''];
        const { items } = await inFlight(actor);
        const mine = items.filter(
          (item) => item.currentOffice === actor.office || (office?.borderPost !== undefined && atBorderPost(item, reference) === office.borderPost),
        );
        const { shown, notShown } = deskSelection(mine, DESK_EXPECTED_ROWS);
        const known = await states.statesOf(shown, FIRST_STATES_WAIT_MS);
        const rows = shown.map((item) => {
          const state = known.get(item.mrn);
          return state ? deskRow(state, actor) : pendingRow(item);
        });
        const expected = rows.filter((row) => row.status === 'RELEASED').sort(byDeadline);
        const desk: Desk = {
          now: new Date().toISOString(),
          office: actor.office,
          name: office?.name,
          borderDwellTargetSeconds: targetSeconds,
          present: rows.filter((row) => row.status !== 'RELEASED').sort(bySince),
          expected,
          // The rows' own statuses where read (a truck may have moved since visibility's list), and
          // those not read as the list says: the total exceeds the rows only when some were left out.
          expectedTotal: expected.length + notShown,
        };
        return desk;
      },
    );
  };

/**
 * The desk's trucks to read in full: every one present, and the `expectedRows` expected ones
 * (released, on their way) whose deadline comes first, as visibility shows it; an overdue truck
 * has the oldest deadline and so comes first.
 */
export function deskSelection(mine: RunningTransit[], expectedRows: number): { shown: RunningTransit[]; notShown: number } {
  const present = mine.filter((item) => item.status !== 'RELEASED');
  const expected = mine.filter((item) => item.status === 'RELEASED');
  const soonest = expected.length <= expectedRows ? expected : [...expected].sort(byNextDeadline).slice(0, expectedRows);
  return { shown: [...present, ...soonest], notShown: expected.length - soonest.length };
}

// ISO instants in UTC compare as strings; a movement without a deadline (none should be, once
// released) goes last. A plain comparison: a go-live sorts tens of thousands at every poll.
const NO_DEADLINE = '\uffff';
const byNextDeadline = (a: RunningTransit, b: RunningTransit) => {
  const x = a.nextDeadline ?? NO_DEADLINE;
  const y = b.nextDeadline ?? NO_DEADLINE;
  return x < y ? -1 : x > y ? 1 : 0;
};

function deskRow(state: TransitState, actor: Actor) {
  const crossing = state.status === 'AT_BORDER' ? state.crossings.at(-1) : undefined;
  const since = crossing?.arrivalAt ?? state.arrival?.at ?? state.releasedAt ?? state.timeline[0]?.at;
  return {
    mrn: state.mrn,
    vehicle: state.declaration.vehicle,
    seals: state.seals,
    declarantName: state.declaration.declarantName,
    status: state.status,
    routeId: state.routeId,
    departureOffice: state.route[0]?.code,
    destinationOffice: state.route.at(-1)?.code,
    currentOffice: state.currentOffice,
    ...(since ? { since } : {}),
    ...(state.legDeadline ? { legDeadline: state.legDeadline } : {}),
    ...(crossing ? { crossing } : {}),
    escalationLevel: state.escalation.level,
    allowedActions: allowedActionsFor(state, actor).filter((action) => action !== 'incident'),
  };
}

/** A truck whose state is not read yet: what visibility shows, no act offered until it is. */
function pendingRow(item: RunningTransit): DeskRow {
  return {
    mrn: item.mrn,
    vehicle: item.vehicle,
    declarantName: item.declarant,
    status: item.status,
    routeId: '',
    departureOffice: item.departureOffice,
    destinationOffice: item.destinationOffice,
    currentOffice: item.currentOffice,
    escalationLevel: item.escalationLevel,
    allowedActions: [],
    pending: true,
  };
}

export type DeskRow = Omit<ReturnType<typeof deskRow>, 'since' | 'legDeadline' | 'crossing' | 'seals'> & {
  /** The seals the truck carries now; absent while the state is being read. */
  seals?: string[];
  since?: string;
  legDeadline?: string;
  crossing?: TransitState['crossings'][number];
  /** The state is being read: acts are offered on the next poll. */
  pending?: boolean;
};

export interface Desk {
  now: string;
  office: string | undefined;
  name: string | undefined;
  borderDwellTargetSeconds: number;
  present: DeskRow[];
  /** The expected trucks with the soonest deadlines, at most DESK_EXPECTED_ROWS. */
  expected: DeskRow[];
  /** How many trucks are expected in all (released, on their way to this office): more than `expected` holds only when some were left out. */
  expectedTotal: number;
}

const bySince = (a: DeskRow, b: DeskRow) => (a.since ?? '').localeCompare(b.since ?? '');
const byDeadline = (a: DeskRow, b: DeskRow) => (a.legDeadline ?? '').localeCompare(b.legDeadline ?? '');
