// What the lifecycle tests share: example declarations under a fresh LRN and a TIN of the
// test's own (so parallel files never see each other's movements), plain HTTP calls to the
// API as a given person, and the national sandboxes' own view (records, calls, balances).
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Actor } from '../../src/auth/actor.ts';
import type { CountryCode } from '../../src/config/env.ts';
import { validateDeclaration } from '../../src/domain/declaration.ts';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import type { Declaration, PlannedRoute } from '../../src/domain/types.ts';
import { ApiClient, declarantOf, officerAt, sealsFor, stepsFor, type ApiAnswer, type Step } from '../../src/simulation/lifecycle.ts';
import type { NationalScreens } from '../../src/simulation/national-screens.ts';
import type { TransitState } from '../../workflows/model.ts';
import type { Stack } from '../harness/stack.ts';

export const reference = loadReferenceData();

export type RouteId = 'lome-ouaga' | 'lome-bobo' | 'lome-faramana' | 'lome-kantchari' | 'ouaga-lome';

/** A TIN no other test uses: 10 digits, like a Togolese NIF. */
export function uniqueTin(): string {
  return `9${String(parseInt(randomBytes(5).toString('hex'), 16))
    .padStart(9, '0')
    .slice(-9)}`;
}

/** An LRN no other test uses (at most 22 characters). */
export function uniqueLrn(prefix = 'T'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`.slice(0, 22);
}

/** The example declaration of a route, as raw JSON (what a declarant's software sends). */
export function exampleJson(route: RouteId): Record<string, any> {
  return JSON.parse(readFileSync(new URL(`../../examples/declarations/${route}.json`, import.meta.url), 'utf8'));
}

export interface Lodgeable {
  /** The JSON to POST. */
  json: Record<string, any>;
  declaration: Declaration;
  plan: PlannedRoute;
  tin: string;
}

/** The route's example under a fresh LRN and the given declarant TIN, with optional changes. */
export function declarationFor(route: RouteId, tin: string, change: (json: Record<string, any>) => void = () => undefined): Lodgeable {
  const json = exampleJson(route);
  json.lrn = uniqueLrn();
  json.declarant.tin = tin;
  change(json);
  const checked = validateDeclaration(structuredClone(json), reference);
  assert.ok(checked.ok, `the test declaration is valid: ${JSON.stringify(!checked.ok && checked.errors)}`);
  return { json, declaration: checked.declaration, plan: checked.plan, tin: json.declarant.tin };
}

export type TransitView = TransitState & { allowedActions: string[] };

/** The API and the sandboxes of one stack, seen as the people of the corridor see them. */
export class Corridor {
  readonly api: ApiClient;

  constructor(readonly stack: Stack) {
    this.api = new ApiClient(stack.api, stack.token);
  }

  lodge(d: Lodgeable, headers: Record<string, string> = {}) {
    return this.api.call<{ mrn: string; status: string; reason?: string; amountReservedXof?: number; error?: string; message: string }>(
      'POST',
      '/transits',
      declarantOf(d.tin),
      d.json,
      headers,
    );
  }

  /** Lodges and insists on 201 ACCEPTED. */
  async accepted(d: Lodgeable): Promise<string> {
    const answer = await this.lodge(d);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'ACCEPTED');
    return answer.body.mrn;
  }

  /** Lodged by its declarant in `country`'s own system: the MRN, once that system's journal has started the movement in Corridor. */
  async lodgedNationally(screens: NationalScreens, country: CountryCode, tin: string, declaration: unknown): Promise<string> {
    const lodged = await screens.lodge(country, tin, declaration);
    assert.equal(lodged.status, 201, JSON.stringify(lodged.body));
    const mrn = lodged.body.mrn;
    await eventually(
      () => this.api.call('GET', `/transits/${mrn}`, { user: 'regional', role: 'regional' }),
      (answer) => answer.status === 200,
      `${mrn} started in Corridor from the journal of ${country}'s system`,
    );
    return mrn;
  }

  /** An officer's (or anyone's) act; a fresh Idempotency-Key unless one is given. */
  act(mrn: string, action: string, actor: Actor, body: unknown, key: string = randomUUID()) {
    return this.api.call<Record<string, any>>('POST', `/transits/${mrn}/${action}`, actor, body, { 'idempotency-key': key });
  }

  /** Records the officers' acts of a clean lifecycle in order: steps [from, to) of stepsFor, each insisting on 200. */
  async drive(mrn: string, plan: PlannedRoute, from = 0, to = Infinity): Promise<Step[]> {
    const steps = stepsFor(plan, sealsFor(mrn)).slice(from, to);
    for (const step of steps) {
      const answer = await this.act(mrn, step.action, officerAt(step.office), step.body);
      assert.equal(answer.status, 200, `${step.action} at ${step.office}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    return steps;
  }

  async state(mrn: string): Promise<TransitView> {
    const answer = await this.api.call<TransitView>('GET', `/transits/${mrn}`, { user: 'regional', role: 'regional' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  }

  /**
   * The movement once its timeline holds `what`: an act is answered before it is carried to the
   * other country (AAR_SENT, EXIT_NOTICE_SENT, ENTRY_NOTICE_SENT come a moment later).
   */
  forwarded(mrn: string, what: string, timeoutMs = 20_000): Promise<TransitView> {
    return eventually(
      () => this.state(mrn),
      (state) => state.timeline.some((e) => e.what === what),
      `${what} in ${mrn}'s timeline`,
      timeoutMs,
    );
  }

  list(actor: Actor, query: Record<string, string | number | undefined>) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    return this.api.call<{ items: Array<Record<string, any>>; nextPageToken?: string; errors?: unknown }>('GET', `/transits?${params}`, actor);
  }

  // ---- the national systems' own view ------------------------------------------------------

  private async sandboxGet<T>(country: CountryCode, path: string): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.stack.sandboxes[country].url}${path}`, { headers: this.stack.sandboxes[country].headers });
    return { status: response.status, body: (await response.json()) as T };
  }

  async guarantee(country: CountryCode, grn: string, mrn?: string) {
    const answer = await this.sandboxGet<{
      availableXof: number;
      reservedXof: number;
      reservations: Array<{ mrn: string; status: string; amountXof: number }>;
    }>(country, `/v1/guarantees/${grn}${mrn ? `?mrn=${mrn}` : ''}`);
    assert.equal(answer.status, 200);
    return answer.body;
  }

  async available(country: CountryCode, grn: string): Promise<number> {
    return (await this.guarantee(country, grn)).availableXof;
  }

  async record(country: CountryCode, mrn: string) {
    return this.sandboxGet<{
      state: string;
      seals: string[];
      version: number;
      guarantee: { grn: string; amountAtRiskXof: number; status: string } | null;
      events: Array<{ operation: string }>;
    }>(country, `/v1/movements/${mrn}`);
  }

  async calls(country: CountryCode, mrn: string) {
    const answer = await this.sandboxGet<{ calls: Array<{ operation: string; idempotencyKey: string; replays: number; outcome: string; status: number }> }>(
      country,
      `/admin/calls?mrn=${mrn}`,
    );
    assert.equal(answer.status, 200);
    return answer.body.calls;
  }

  async setFaults(country: CountryCode, faults: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${this.stack.sandboxes[country].url}/admin/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(faults),
    });
    assert.equal(response.status, 200, await response.text());
  }
}

/** What a clean lome-ouaga lifecycle leaves behind: each national operation once, each act once, in this order. */
export const CLEAN_LOME_OUAGA: { calls: Record<CountryCode, Record<string, number>>; timeline: string[] } = {
  calls: {
    TG: {
      registerDeclaration: 1,
      reserveGuarantee: 1,
      recordRelease: 1,
      recordBorderArrival: 1,
      confirmExit: 1,
      // The entry notice writes off Togo's leg and gives back its share of the guarantee.
      receiveEntryNotice: 1,
    },
    BF: { receiveAar: 1, receiveExitNotice: 1, acceptEntry: 1, recordArrival: 1, recordControlResults: 1, discharge: 1 },
  },
  timeline: [
    'LODGED',
    'REGISTERED',
    'GUARANTEE_RESERVED',
    'ACCEPTED',
    'RELEASED',
    'AAR_SENT',
    'GUARANTEE_SHARE_RESERVED',
    'BORDER_ARRIVAL',
    'EXIT_CONFIRMED',
    'EXIT_NOTICE_SENT',
    'ENTRY_ACCEPTED',
    'ENTRY_NOTICE_SENT',
    'WRITTEN_OFF',
    'GUARANTEE_SHARE_RELEASED',
    'ARRIVED',
    'CONTROL_RESULTS',
    'DISCHARGED_AT_DESTINATION',
    'GUARANTEE_SHARE_RELEASED',
    'GUARANTEE_RELEASED',
  ],
};

/** Operation names, with how often each occurs, in a sandbox's call log. */
export function tally(calls: Array<{ operation: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) counts[call.operation] = (counts[call.operation] ?? 0) + 1;
  return counts;
}

/** Timeline codes, with how often each occurs. */
export function acts(state: TransitState): Record<string, number> {
  return tally(state.timeline.map((e) => ({ operation: e.what })));
}

/** Retries a visibility read until it holds: the list is eventually consistent with the workflows. */
export async function eventually<T>(read: () => Promise<T>, holds: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!holds(last)) {
    if (Date.now() > deadline) assert.fail(`${what}: still not true after ${timeoutMs} ms; last seen ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await read();
  }
  return last;
}

export { declarantOf, officerAt, sealsFor, stepsFor, type ApiAnswer };
