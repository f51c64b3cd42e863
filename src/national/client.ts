// The typed client of the national system contract: one method per operation, named like
// the operation. It sorts every outcome into three kinds the caller can act on:
//   - the answer, checked against the contract;
//   - NationalRefusal: the system said no (machine-readable code, human reason) — final;
//   - NationalUnavailable: no usable answer (timeout, transport error, 5xx) — retry with
//     the same Idempotency-Key, which lands on the first answer if the call was committed;
//   - NationalProtocolError: the two sides disagree on the contract (400, 422, an answer
//     that does not parse) — retrying will not help, a person must look.
import type { Config } from '../config/env.ts';
import {
  operations,
  refusalCodes,
  pathParameters,
  type NationalCountry,
  type MutatingOperationName,
  type OperationDefinition,
  type OperationName,
  type OperationRequest,
  type OperationResponse,
  Health,
} from './contract.ts';
import type { z } from 'zod';
import { createHttpTransport, ExchangeTimeout } from './http-transport.ts';
import { corridorAuthorization } from './credential.ts';

export class NationalRefusal extends Error {
  override readonly name = 'NationalRefusal';
  constructor(
    readonly country: NationalCountry,
    readonly operation: OperationName,
    /** Machine-readable, one of the contract's refusal codes (see refusalCodes). */
    readonly code: string,
    /** For a person: why the system refused. */
    readonly reason: string,
    readonly status: number,
  ) {
    super(`the ${country} national system refused ${operation}: ${code}: ${reason}`);
  }
}

export class NationalUnavailable extends Error {
  override readonly name = 'NationalUnavailable';
  constructor(
    readonly country: NationalCountry,
    readonly operation: OperationName | 'health',
    reason: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`the ${country} national system is unavailable for ${operation}: ${reason}`, options);
  }
}

export class NationalProtocolError extends Error {
  override readonly name = 'NationalProtocolError';
  constructor(
    readonly country: NationalCountry,
    readonly operation: OperationName | 'health',
    reason: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(`${operation} on the ${country} national system does not follow the contract: ${reason}`);
  }
}

export interface CallOptions {
  /** Unique per logical call; a retry of the same call reuses it. Corridor's activities send workflowId:activityId. */
  idempotencyKey: string;
  /** Aborts the call (e.g. the activity was cancelled). */
  signal?: AbortSignal;
}

export interface ReadOptions {
  signal?: AbortSignal;
}

type ClientMethod<K extends OperationName> = K extends MutatingOperationName
  ? (request: OperationRequest<K>, options: CallOptions) => Promise<OperationResponse<K>>
  : (request: OperationRequest<K>, options?: ReadOptions) => Promise<OperationResponse<K>>;

/** One method per operation of the contract. */
export type NationalOperations = { [K in OperationName]: ClientMethod<K> };

/**
 * A country's national customs system as Corridor sees it. The HTTP client below talks to
 * the sandbox or to anything else that serves the contract; an adapter to a real ASYCUDA
 * World gateway would implement this same interface.
 */
export interface NationalSystemClient extends NationalOperations {
  readonly country: NationalCountry;
  health(options?: ReadOptions): Promise<z.output<typeof Health>>;
}

export interface HttpNationalClientOptions {
  country: NationalCountry;
  baseUrl: string;
  /** Per call, including reading the answer. */
  timeoutMs: number;
  /**
   * Corridor's credential of this system (CORRIDOR_NATIONAL_XX_TOKEN), sent on every call,
   * reads included. Unset: the development credential, to a loopback URL only (./credential.ts).
   */
  token?: string | undefined;
  /** Sent with every call; an `authorization` here replaces the credential above (a user's, in tests). */
  headers?: Record<string, string>;
  /** Replaces the node:http transport (tests; a gateway that needs its own). */
  fetch?: typeof fetch;
}

export function createHttpNationalClient(options: HttpNationalClientOptions): NationalSystemClient {
  const { country, timeoutMs } = options;
  // An injected fetch (tests, a gateway needing its own) is used as given; otherwise node:http.
  const fetchImpl = options.fetch;
  const transport = fetchImpl ? undefined : createHttpTransport();
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const credential = corridorAuthorization(baseUrl, options.token);

  async function exchange(
    operation: OperationName | 'health',
    method: string,
    url: string,
    body: unknown,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
    callTimeoutMs: number = timeoutMs,
  ): Promise<{ status: number; json: unknown }> {
    const allHeaders = {
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...credential,
      ...options.headers,
      ...headers,
    };
    let status: number;
    let text: string;
    try {
      ({ status, text } = transport
        ? await transport.send(url, {
            method,
            headers: allHeaders,
            ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
            timeoutMs: callTimeoutMs,
            ...(signal ? { signal } : {}),
          })
        : await viaFetch(fetchImpl!, url, method, allHeaders, body, callTimeoutMs, signal));
    } catch (error) {
      // The caller's own cancellation is not the system's fault: let it through as it is.
      if (signal?.aborted) throw signal.reason ?? error;
      if (error instanceof ExchangeTimeout)
        throw new NationalUnavailable(country, operation, `no answer within ${callTimeoutMs} ms`, undefined, { cause: error });
      throw new NationalUnavailable(country, operation, `transport error: ${describe(error)}`, undefined, { cause: error });
    }
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status, json };
  }

  async function call<K extends OperationName>(
    name: K,
    request: OperationRequest<K>,
    callOptions: Partial<CallOptions> | undefined,
  ): Promise<OperationResponse<K>> {
    const op = operations[name] as OperationDefinition;
    const invalid = (part: string, error: z.ZodError) =>
      new NationalProtocolError(
        country,
        name,
        `the request's ${part} does not match the contract: ${error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      );
    const params = op.params.safeParse(request);
    if (!params.success) throw invalid('path parameters', params.error);
    const body = op.body?.safeParse(request);
    if (body && !body.success) throw invalid('body', body.error);
    const query = op.query?.safeParse(request);
    if (query && !query.success) throw invalid('query', query.error);

    let path = op.path;
    for (const param of pathParameters(name)) {
      path = path.replace(`:${param}`, encodeURIComponent(String((params.data as Record<string, unknown>)[param])));
    }
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries((query?.data ?? {}) as Record<string, unknown>)) {
      if (value !== undefined) search.set(key, String(value));
    }
    const headers: Record<string, string> = {};
    if (op.mutating) {
      if (!callOptions?.idempotencyKey) throw new NationalProtocolError(country, name, 'a mutating call needs an idempotency key');
      headers['idempotency-key'] = callOptions.idempotencyKey;
    }
    const url = `${baseUrl}${path}${search.size > 0 ? `?${search}` : ''}`;
    // A long poll of the journal holds the call up to `wait` seconds by design: not a timeout.
    const wait = (query?.data as { wait?: unknown } | undefined)?.wait;
    const callTimeoutMs = typeof wait === 'number' ? timeoutMs + wait * 1000 : timeoutMs;
    const { status, json } = await exchange(name, op.method, url, body?.data, headers, callOptions?.signal, callTimeoutMs);

    if (status >= 200 && status < 300) {
      const answer = op.response.safeParse(json);
      if (!answer.success) {
        throw new NationalProtocolError(
          country,
          name,
          `the answer does not match the contract: ${answer.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
          status,
        );
      }
      return answer.data as OperationResponse<K>;
    }
    const problem = (json ?? {}) as { code?: unknown; reason?: unknown };
    const code = typeof problem.code === 'string' ? problem.code : undefined;
    const reason = typeof problem.reason === 'string' ? problem.reason : `HTTP ${status}`;
    if (code && (status === 409 || ((status === 404 || status === 403) && code in refusalCodes))) {
      throw new NationalRefusal(country, name, code, reason, status);
    }
    if (status >= 500 || status === 408 || status === 429) throw new NationalUnavailable(country, name, `${status}: ${reason}`, status);
    throw new NationalProtocolError(country, name, `${status}${code ? ` ${code}` : ''}: ${reason}`, status, code);
  }

  const client = {
    country,
    async health(readOptions?: ReadOptions) {
      const { status, json } = await exchange('health', 'GET', `${baseUrl}/health`, undefined, {}, readOptions?.signal);
      if (status >= 500) throw new NationalUnavailable(country, 'health', `HTTP ${status}`, status);
      const parsed = Health.safeParse(json);
      if (status !== 200 || !parsed.success) throw new NationalProtocolError(country, 'health', `unexpected answer (HTTP ${status})`, status);
      return parsed.data;
    },
  } as NationalSystemClient;
  for (const name of Object.keys(operations) as OperationName[]) {
    (client as unknown as Record<string, unknown>)[name] = (request: OperationRequest<typeof name>, callOptions?: Partial<CallOptions>) =>
      call(name, request, callOptions);
  }
  return client;
}

/** The client of one country's national system, from Corridor's configuration. */
export function nationalClientFromConfig(config: Config, country: NationalCountry, fetchImpl?: typeof fetch): NationalSystemClient {
  return createHttpNationalClient({
    country,
    baseUrl: config.national[country].url,
    timeoutMs: config.national.timeoutMs,
    token: config.national[country].token,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

async function viaFetch(
  fetchImpl: typeof fetch,
  url: string,
  method: string,
  headers: Record<string, string>,
  body: unknown,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<{ status: number; text: string }> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetchImpl(url, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    if (timeout.aborted && !signal?.aborted) throw new ExchangeTimeout(`no answer within ${timeoutMs} ms`, { cause: error });
    throw error;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
