// The officers' and declarants' own screens: acts recorded directly in each country's national
// system (the sandbox standing in for SYDONIA World), with the credential of a user of that
// system. Corridor is never called: what the interconnection carries to the other country is
// what these acts leave in each system's journal. Used by `simulate --via national` and tests.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT } from 'jose';
import type { CountryCode } from '../domain/countries.ts';
import type { Declaration, PlannedRoute, ReferenceData } from '../domain/types.ts';
import { loadReferenceData } from '../domain/reference-data.ts';
import { createHttpTransport, type HttpTransport } from '../national/http-transport.ts';
import { JournalWatch, type Wake } from './journal-watch.ts';
import { type ApiClient, LifecycleFailed, type LifecycleOutcome, sealsFor, type Step, stepsFor } from './lifecycle.ts';

export interface NationalAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** The contract's path of each officer's act, and its body from a Corridor step's body. */
const operationOf: Record<string, { path: string; body: (office: string, body: Record<string, unknown>) => Record<string, unknown> }> = {
  release: {
    path: 'release-for-transit',
    body: (office, b) => ({ office, seals: b.seals, controlResult: 'SATISFACTORY', timeLimit: new Date(Date.now() + 72 * 3_600_000).toISOString() }),
  },
  'border-arrival': { path: 'border-arrival', body: (office) => ({ office }) },
  exit: { path: 'exit', body: (office, b) => ({ office, sealsIntact: b.sealsIntact ?? true }) },
  entry: { path: 'entry', body: (office, b) => ({ office, sealsIntact: b.sealsIntact ?? true }) },
  arrival: { path: 'arrival', body: (office, b) => ({ office, sealsIntact: b.sealsIntact ?? true }) },
  'control-results': {
    path: 'control-results',
    body: (office, b) => ({ office, controlResult: b.result, sealsIntact: b.sealsIntact ?? true, discrepancies: b.discrepancies ?? [] }),
  },
};

let reference: ReferenceData | undefined;
/** An office of `country` (reference data order), whose officer looks records up when no step names one. */
function firstOfficeOf(country: CountryCode): string {
  reference ??= loadReferenceData();
  const office = Object.values(reference.offices).find((o) => o.country === country);
  if (!office) throw new Error(`the reference data has no office in ${country}`);
  return office.code;
}

/**
 * How long an officer waits without news while the watch follows the journal: its movement's next
 * event wakes them before that. A second, as while the watch cannot read, made the destination's
 * officers read a movement's record 14 times per lifecycle on the benchmark's national path (40
 * at a time, 2026-11-30: 1,387 reads for 100 lifecycles, a third of them before the record was
 * there), the harness measuring itself again.
 */
const FOLLOWED_FALLBACK_MS = 10_000;

export interface NationalScreensOptions {
  /**
   * Officers waiting for a record read it again when the system's journal moves (one long poll
   * per system; call close() when done) instead of every 100 ms. The benchmark and `simulate`
   * watch; a test that reads at the old pace needs no closing.
   */
  watchJournals?: boolean;
}

export class NationalScreens {
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly watches = new Map<CountryCode, JournalWatch>();
  // node:http on kept-alive connections, as Corridor's own national client: fetch cost the
  // benchmark's driver about twice the CPU per call.
  private readonly transport: HttpTransport = createHttpTransport({ maxSockets: Number.POSITIVE_INFINITY });
  /** Reads of a movement's record made while waiting for it (GET /v1/movements/:mrn). */
  waitReads = 0;

  constructor(
    private readonly systems: Record<CountryCode, string>,
    private readonly userSecret: string,
    private readonly options: NationalScreensOptions = {},
  ) {}

  /** Ends the journal watches, if any. */
  async close(): Promise<void> {
    await Promise.all([...this.watches.values()].map((watch) => watch.close()));
    this.watches.clear();
    this.transport.close();
  }

  /**
   * Until the movement's next event in `country`'s journal when watching, at most `maxMs`; 100 ms
   * otherwise. The fallback is short (a second) only while the watch is not following the journal.
   */
  private pause(country: CountryCode, mrn: string, office: string, maxMs: number): Wake {
    if (!this.options.watchJournals) return { promise: sleep(Math.min(100, maxMs)), cancel: () => undefined };
    let watch = this.watches.get(country);
    if (!watch) {
      watch = new JournalWatch(this.systems[country], () => this.credential({ sub: `agent-${office.toLowerCase()}`, role: 'officer', office }));
      this.watches.set(country, watch);
    }
    return watch.next(mrn, Math.max(0, Math.min(watch.following ? FOLLOWED_FALLBACK_MS : 1000, maxMs)));
  }

  /** Reads `mrn`'s record in `country` until `done` says so, pausing between reads. */
  private async readUntil(country: CountryCode, mrn: string, office: string, timeoutMs: number, done: (read: NationalAnswer) => boolean): Promise<boolean> {
    const token = await this.credential({ sub: `agent-${office.toLowerCase()}`, role: 'officer', office });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      // Registered before the read, so an event landing during it wakes the next one.
      const wake = this.pause(country, mrn, office, deadline - Date.now());
      this.waitReads++;
      if (done(await this.call(country, 'GET', `/v1/movements/${mrn}`, token))) {
        wake.cancel();
        return true;
      }
      await wake.promise;
    }
    return false;
  }

  /** A credential of a user of the national system (HS256, signed with its user secret). */
  credential(claims: { sub: string; role: 'officer'; office: string } | { sub: string; role: 'declarant'; tin: string }): Promise<string> {
    const key = JSON.stringify(claims);
    let token = this.tokens.get(key);
    if (!token) {
      const { sub, ...rest } = claims;
      token = new SignJWT(rest)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(new TextEncoder().encode(this.userSecret));
      this.tokens.set(key, token);
    }
    return token;
  }

  async call<T = Record<string, unknown>>(country: CountryCode, method: string, path: string, token?: string, body?: unknown): Promise<NationalAnswer<T>> {
    const exchange = await this.transport.send(`${this.systems[country]}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      timeoutMs: 60_000,
    });
    return { status: exchange.status, body: (exchange.text ? JSON.parse(exchange.text) : {}) as T };
  }

  /** The declarant lodges the declaration in the departure country's system: it allocates the MRN and reserves the guarantee. */
  async lodge(country: CountryCode, tin: string, declaration: unknown): Promise<NationalAnswer<{ mrn: string; state: string }>> {
    const token = await this.credential({ sub: `declarant-${tin}`, role: 'declarant', tin });
    return this.call(country, 'POST', '/v1/declarations', token, { declaration });
  }

  /** An officer at `step.office` records the step in their own country's system. */
  async act(mrn: string, step: Step): Promise<NationalAnswer> {
    const operation = operationOf[step.action];
    if (!operation) throw new Error(`no national screen for ${step.action}`);
    const country = step.office.slice(0, 2) as CountryCode;
    const token = await this.credential({ sub: `agent-${step.office.toLowerCase()}`, role: 'officer', office: step.office });
    return this.call(country, 'POST', `/v1/movements/${mrn}/${operation.path}`, token, operation.body(step.office, step.body as Record<string, unknown>));
  }

  /** Waits until a country's system holds its own record of the movement (made from the AAR Corridor forwarded). */
  async awaitRecord(country: CountryCode, mrn: string, timeoutMs = 30_000, office: string = firstOfficeOf(country)): Promise<void> {
    // The system answers reads only to its users and to Corridor: an officer of that country looks the movement up.
    if (await this.readUntil(country, mrn, office, timeoutMs, (read) => read.status === 200)) return;
    throw new Error(`the ${country} system still holds no record of ${mrn} after ${timeoutMs} ms`);
  }

  /** Waits until `country`'s record of the movement is in one of `states` (read as an officer of that country reads it). */
  async awaitState(country: CountryCode, mrn: string, states: readonly string[], timeoutMs = 30_000, office: string = firstOfficeOf(country)): Promise<void> {
    const reached = (read: NationalAnswer) => read.status === 200 && states.includes((read.body as { state: string }).state);
    if (await this.readUntil(country, mrn, office, timeoutMs, reached)) return;
    throw new Error(`the ${country} system's record of ${mrn} is still not ${states.join(' or ')} after ${timeoutMs} ms`);
  }

  /** Records every step in the national systems, in order; an officer in another country waits for the AAR there. */
  async drive(mrn: string, plan: PlannedRoute, steps: Step[]): Promise<void> {
    for (const step of steps) {
      const country = step.office.slice(0, 2) as CountryCode;
      if (country !== plan.departureCountry) await this.awaitRecord(country, mrn, undefined, step.office);
      const answer = await this.act(mrn, step);
      if (answer.status !== 200) throw new Error(`${step.action} at ${step.office} in the ${country} system: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  }
}

/**
 * One lifecycle on the national path: lodged and acted in the national systems only; Corridor
 * is read (never written) until the movement is discharged.
 */
export async function driveNationalLifecycle(
  screens: NationalScreens,
  api: ApiClient,
  declaration: Declaration,
  plan: PlannedRoute,
  timeoutMs = 60_000,
): Promise<LifecycleOutcome> {
  const started = performance.now();
  const lodged = await screens.lodge(plan.departureCountry, declaration.declarant.tin, declaration);
  if (lodged.status !== 201 && lodged.status !== 200) {
    throw new LifecycleFailed(`lodging in the ${plan.departureCountry} system answered ${lodged.status}`, undefined, {
      ...lodged,
      ms: 0,
      sentAt: performance.timeOrigin + started,
    });
  }
  const mrn = lodged.body.mrn;
  const outcome: LifecycleOutcome = { mrn, status: 'ACCEPTED', lodgeMs: performance.now() - started, steps: [], totalMs: 0 };
  // Once an officer has found the record in a system, the next officer there finds it too.
  const found = new Set<CountryCode>([plan.departureCountry]);
  for (const step of stepsFor(plan, sealsFor(mrn))) {
    const country = step.office.slice(0, 2) as CountryCode;
    if (!found.has(country)) {
      await screens.awaitRecord(country, mrn, timeoutMs);
      found.add(country);
    }
    const before = performance.now();
    const answer = await screens.act(mrn, step);
    outcome.steps.push({ action: step.action, status: answer.status, ms: performance.now() - before });
    if (answer.status !== 200)
      throw new LifecycleFailed(`${step.action} at ${step.office} in the ${country} system answered ${answer.status}`, mrn, {
        ...answer,
        ms: 0,
        sentAt: performance.timeOrigin + before,
      });
  }
  // The interconnection carries the last act; Corridor discharges the movement from it. Watched
  // in the destination's own system first (Corridor's discharge lands there), so the workflow
  // worker is not asked for the movement's state ten times a second while it works.
  const destination = plan.legs[plan.legs.length - 1]!.to.slice(0, 2) as CountryCode;
  await screens.awaitState(destination, mrn, ['DISCHARGED'], timeoutMs).catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const read = await api.call<{ status: string }>('GET', `/transits/${mrn}`, { user: 'regional', role: 'regional' });
    if (read.status === 200) outcome.status = read.body.status;
    if (outcome.status === 'DISCHARGED' || Date.now() > deadline) break;
    await sleep(100);
  }
  outcome.totalMs = performance.now() - started;
  return outcome;
}
