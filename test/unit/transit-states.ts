// Movements at a given point of their procedure, built as the workflow builds them: the state at
// lodging (workflows/state.ts initialState) for an example declaration, then the fields each act
// sets. For the pure rules' tests (procedure, escalation ladder): no server, no workflow.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Actor } from '../../src/auth/actor.ts';
import { validateDeclaration } from '../../src/domain/declaration.ts';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import type { TransitSettings, TransitState } from '../../workflows/model.ts';
import { initialState } from '../../workflows/state.ts';

const reference = loadReferenceData();

export const HOUR = 3_600_000;
/** Every time in these tests counts from here (ms), so expected alarms read as T0 + n hours. */
export const T0 = Date.parse('2026-03-02T08:00:00.000Z');
export const iso = (ms: number) => new Date(ms).toISOString();

export const settings: TransitSettings = {
  nationalQueues: { TG: 'national-TG', BF: 'national-BF' },
  corridorQueue: 'corridor',
  timeScale: 1,
  delays: {
    borderDwellTargetMs: 2 * HOUR,
    level2AfterMs: 24 * HOUR,
    enquiryAfterMs: 7 * 24 * HOUR,
    recoveryAfterMs: 28 * 24 * HOUR,
    controlResultsAfterMs: 12 * HOUR,
    reminderEveryMs: 6 * HOUR,
  },
};

export type RouteId = 'lome-ouaga' | 'lome-faramana' | 'ouaga-lome';

/** The point of the procedure a movement has reached, named after the last act recorded. */
export type Stage =
  | 'declared'
  | 'accepted'
  | 'rejected'
  | 'cancelled'
  | 'released' // on the first road leg, toward the border post
  | 'at-border' // arrived at the post, exit not yet confirmed
  | 'exited' // exit confirmed at the post, entry not yet accepted
  | 'entered' // entry accepted: on the last road leg, toward the destination or exit office
  | 'arrived' // arrived at the final office, no control results yet
  | 'controlled' // control results satisfactory (on an EXT route: exit not yet confirmed)
  | 'held' // control results with a discrepancy
  | 'discharged'
  | 'recovery';

export function plan(routeId: RouteId) {
  const declaration = JSON.parse(readFileSync(new URL(`../../examples/declarations/${routeId}.json`, import.meta.url), 'utf8'));
  const result = validateDeclaration(declaration, reference);
  if (!result.ok) assert.fail(JSON.stringify(result.errors));
  return { declaration: result.declaration, route: result.plan };
}

/** A movement of the example declaration of `routeId`, at `stage`, with no escalation. */
export function movement(routeId: RouteId, stage: Stage): TransitState {
  const { declaration, route } = plan(routeId);
  const lodgedBy: Actor = { user: 'decl-1', role: 'declarant', tin: declaration.declarant.tin };
  const state = initialState({ mrn: '26TG00000000000017', declaration, declarationHash: 'hash', route, lodgedBy, settings });
  const legs = route.legs;
  const final = route.offices[route.offices.length - 1]!.code;
  const crossing = { post: legs[1]!.borderPost!, exitOffice: legs[1]!.from, entryOffice: legs[1]!.to, arrivalAt: iso(T0 + 60 * HOUR) };
  const set = (fields: Partial<TransitState>) => Object.assign(state, fields);
  switch (stage) {
    case 'declared':
      break;
    case 'accepted':
      set({ status: 'ACCEPTED' });
      break;
    case 'rejected':
      set({ status: 'REJECTED', reason: 'GUARANTEE_INSUFFICIENT: balance too low' });
      break;
    case 'cancelled':
      set({ status: 'CANCELLED', reason: 'sale cancelled' });
      break;
    case 'released':
      set({ status: 'RELEASED', releasedAt: iso(T0), legIndex: 0, currentOffice: legs[0]!.to, legDeadline: iso(T0 + 72 * HOUR) });
      break;
    case 'at-border':
      set({ status: 'AT_BORDER', releasedAt: iso(T0), legIndex: 1, currentOffice: legs[1]!.from, crossings: [crossing] });
      break;
    case 'exited':
      set({ status: 'AT_BORDER', releasedAt: iso(T0), legIndex: 1, currentOffice: legs[1]!.to, crossings: [{ ...crossing, exitAt: iso(T0 + 61 * HOUR) }] });
      break;
    case 'entered':
      set({
        status: 'RELEASED',
        releasedAt: iso(T0),
        legIndex: 2,
        currentOffice: legs[2]!.to,
        legDeadline: iso(T0 + 110 * HOUR),
        crossings: [{ ...crossing, exitAt: iso(T0 + 61 * HOUR), entryAt: iso(T0 + 62 * HOUR), dwellSeconds: 7200 }],
      });
      break;
    case 'arrived':
    case 'controlled':
    case 'held':
    case 'discharged': {
      const arrivedAt = T0 + 100 * HOUR;
      set({
        status: 'ARRIVED',
        releasedAt: iso(T0),
        legIndex: 2,
        currentOffice: final,
        crossings: [{ ...crossing, exitAt: iso(T0 + 61 * HOUR), entryAt: iso(T0 + 62 * HOUR), dwellSeconds: 7200 }],
        arrival: { at: iso(arrivedAt), office: final, sealsIntact: true, late: false },
        controlResultsDueBy: iso(arrivedAt + settings.delays.controlResultsAfterMs),
      });
      if (stage === 'arrived') break;
      const officer: Actor = { user: 'off-final', role: 'officer', office: final, country: route.destinationOffice.country };
      const held = stage === 'held';
      set({
        controlResultsDueBy: undefined,
        controlResults: {
          at: iso(arrivedAt + HOUR),
          office: final,
          result: held ? 'DISCREPANCIES' : 'SATISFACTORY',
          sealsIntact: true,
          discrepancies: held ? ['2 sacs manquants / 2 bags missing'] : [],
          by: officer,
        },
      });
      if (held) set({ status: 'HELD' });
      if (stage === 'discharged') set({ status: 'DISCHARGED', dischargedAt: iso(arrivedAt + 2 * HOUR) });
      break;
    }
    case 'recovery':
      set({ status: 'RECOVERY', releasedAt: iso(T0), legIndex: 0, currentOffice: legs[0]!.to, legDeadline: undefined });
      break;
  }
  return state;
}

export const officer = (office: string): Actor => ({ user: `off-${office}`, role: 'officer', office, country: office.slice(0, 2) });
export const supervisor = (country: string): Actor => ({ user: `sup-${country}`, role: 'supervisor', country });
export const declarant = (tin: string): Actor => ({ user: `decl-${tin}`, role: 'declarant', tin });
export const regional: Actor = { user: 'reg-1', role: 'regional' };
