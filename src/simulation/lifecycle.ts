// Drives one transit through the real HTTP API, as the declarant and the officers along the
// route would: each officer acts as soon as the procedure allows. Used by `npm run simulate`,
// the benchmark and the end-to-end tests.
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor.ts';
import type { Declaration, PlannedRoute } from '../domain/types.ts';
import { createHttpTransport, type HttpTransport } from '../national/http-transport.ts';

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  ms: number;
  /** When the call was sent (epoch ms), to lay its round trip beside the server's own times. */
  sentAt: number;
}

export type TokenFor = (actor: Actor) => Promise<string>;

/** How long one call to the API may take, its answer read (an update waits for its movement). */
const API_CALL_TIMEOUT_MS = 120_000;

export class ApiClient {
  private readonly tokens = new Map<string, Promise<string>>();
  // node:http on kept-alive connections rather than fetch: the benchmark's driver is this client,
  // and fetch cost it about twice the CPU per call (src/national/http-transport.ts).
  private readonly transport: HttpTransport = createHttpTransport({ maxSockets: Number.POSITIVE_INFINITY });

  constructor(
    readonly baseUrl: string,
    private readonly tokenFor: TokenFor,
  ) {}

  token(actor: Actor): Promise<string> {
    const key = `${actor.role}|${actor.office ?? ''}|${actor.country ?? ''}|${actor.tin ?? ''}|${actor.user}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = this.tokenFor(actor);
      this.tokens.set(key, token);
    }
    return token;
  }

  async call<T = Record<string, unknown>>(
    method: 'GET' | 'POST',
    path: string,
    actor: Actor | undefined,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> {
    const token = actor ? await this.token(actor) : undefined;
    const started = performance.now();
    const exchange = await this.transport.send(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      timeoutMs: API_CALL_TIMEOUT_MS,
    });
    const parsed = exchange.text ? (JSON.parse(exchange.text) as T) : ({} as T);
    return { status: exchange.status, body: parsed, ms: performance.now() - started, sentAt: performance.timeOrigin + started };
  }
}

export const officerAt = (office: string): Actor => ({ user: `agent-${office.toLowerCase()}`, role: 'officer', office });
export const declarantOf = (tin: string): Actor => ({ user: `declarant-${tin.toLowerCase()}`, role: 'declarant', tin });

export interface Step {
  action: string;
  office: string;
  body: Record<string, unknown>;
}

/** The officers' acts of a clean lifecycle on this route, in order. */
export function stepsFor(plan: PlannedRoute, seals: string[]): Step[] {
  const steps: Step[] = [{ action: 'release', office: plan.departureOffice.code, body: { seals, controlResult: 'SATISFACTORY' } }];
  for (const leg of plan.legs) {
    if (leg.kind !== 'crossing') continue;
    steps.push(
      { action: 'border-arrival', office: leg.from, body: { sealsIntact: true } },
      { action: 'exit', office: leg.from, body: { sealsIntact: true } },
      { action: 'entry', office: leg.to, body: { sealsIntact: true } },
    );
  }
  const last = plan.destinationOffice.code;
  steps.push(
    { action: 'arrival', office: last, body: { sealsIntact: true } },
    { action: 'control-results', office: last, body: { result: 'SATISFACTORY', sealsIntact: true, discrepancies: [] } },
  );
  if (plan.endsWith === 'EXT') steps.push({ action: 'exit', office: last, body: { sealsIntact: true } });
  return steps;
}

export interface LifecycleOutcome {
  mrn: string;
  status: string;
  lodgeMs: number;
  /** `sentAt` (epoch ms) through the API only: the national screens' acts are not Corridor's updates. */
  steps: { action: string; status: number; ms: number; sentAt?: number }[];
  totalMs: number;
}

export class LifecycleFailed extends Error {
  constructor(
    message: string,
    readonly mrn: string | undefined,
    readonly answer: ApiAnswer,
  ) {
    super(message);
    this.name = 'LifecycleFailed';
  }
}

/** How long the driver asks again after a 202, and how often. */
const SETTLE_WAIT_MS = 120_000;
const ASK_AGAIN_EVERY_MS = 250;

/**
 * Sends a call and, while the API answers 202 (a lodging still registering, an act still in
 * progress), sends it again under the same idempotency key, which the API answers as the same
 * request: the settled answer, timed from the first send, as the declarant or officer waited it.
 */
async function untilSettled<T>(send: () => Promise<ApiAnswer<T>>): Promise<ApiAnswer<T>> {
  const first = await send();
  let answer = first;
  const until = Date.now() + SETTLE_WAIT_MS;
  while (answer.status === 202 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, ASK_AGAIN_EVERY_MS));
    answer = await send();
  }
  return answer === first ? first : { ...answer, ms: answer.sentAt + answer.ms - first.sentAt, sentAt: first.sentAt };
}

/** Lodges the declaration, then records every officer's act; stops at the first refusal. */
export async function driveLifecycle(
  api: ApiClient,
  declaration: Declaration,
  plan: PlannedRoute,
  options: {
    stopAfter?: string;
    /** Time on the road between two acts (none: back to back). */
    gapMs?: number;
  } = {},
): Promise<LifecycleOutcome> {
  const started = performance.now();
  const declarant = declarantOf(declaration.declarant.tin);
  const lodging = { 'idempotency-key': randomUUID() };
  const lodged = await untilSettled(() => api.call<{ mrn: string; status: string }>('POST', '/transits', declarant, declaration, lodging));
  if (lodged.status !== 201 && lodged.status !== 200) throw new LifecycleFailed(`lodging answered ${lodged.status}`, lodged.body.mrn, lodged);
  const mrn = lodged.body.mrn;
  const outcome: LifecycleOutcome = { mrn, status: lodged.body.status, lodgeMs: lodged.ms, steps: [], totalMs: 0 };
  for (const [index, step] of stepsFor(plan, sealsFor(mrn)).entries()) {
    if (index > 0 && options.gapMs) await new Promise((resolve) => setTimeout(resolve, options.gapMs));
    const act = { 'idempotency-key': randomUUID() };
    const answer = await untilSettled(() => api.call<{ status: string }>('POST', `/transits/${mrn}/${step.action}`, officerAt(step.office), step.body, act));
    outcome.steps.push({ action: step.action, status: answer.status, ms: answer.ms, sentAt: answer.sentAt });
    if (answer.status !== 200) throw new LifecycleFailed(`${step.action} at ${step.office} answered ${answer.status}`, mrn, answer);
    outcome.status = answer.body.status;
    if (options.stopAfter === step.action) break;
  }
  outcome.totalMs = performance.now() - started;
  return outcome;
}

/** Seal numbers as a departure office would print them: office run + serial. */
export function sealsFor(mrn: string): string[] {
  const serial = mrn.slice(4, 10);
  return [`SL-${serial}-1`, `SL-${serial}-2`];
}

/** A copy of an example declaration under a fresh LRN, so every simulated transit is its own movement. */
export function withLrn(declaration: Declaration, lrn: string): Declaration {
  return { ...structuredClone(declaration), lrn };
}
