// The sandbox national customs system: a real HTTP service implementing the national system
// contract for one country, with its own durable store and fault injection. It is what
// Corridor talks to by default and in tests; an adapter to a real ASYCUDA World gateway
// replaces it behind the same contract.
//
// It also stands in for SYDONIA's own screens: a call bearing the credential of one of its
// users (an officer at an office, a declarant with a TIN; HS256 JWT signed with `userSecret`)
// is that user's act under the system's own rules; a call with Corridor's token is Corridor's;
// a call with neither is refused (401), reads and the journal included. Every act is
// published in the journal (GET /v1/events), whose long polls wake on each commit.
//
// Besides the contract (/v1/..., /health, the only anonymous route) it serves, outside the
// contract, for the operator (`adminToken`, or this machine only when none is set):
//   GET  /docs                 the contract's OpenAPI document, browsable
//   GET  /admin/faults         the faults in force
//   PUT  /admin/faults         replace them: {latencyMs, errorRate, outage: {from, to} | null, delayAfterCommitMs}
//   GET  /admin/calls          every call the system accepted, with its answer (?mrn= &grn= &operation=)
//   GET  /admin/movements      its records (?state= &role=)
//   GET  /admin/guarantees     every guarantee's balance
//   POST /admin/released-movements  lodge and release many movements at once, as their declarant
//                              and departure officer would, in one commit: the movements already
//                              on the road at a go-live, and the benchmark's large run
// Faults never apply to /health, /docs or /admin.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { z } from 'zod';
import type { Config } from '../../config/env.ts';
import { createLogger, forMovement, type Logger } from '../../logging/logger.ts';
import {
  ErrorAnswer,
  Grn,
  Mrn,
  MovementState,
  Timestamp,
  OperationNameSchema,
  isMutating,
  operations,
  type ErrorAnswer as ErrorAnswerBody,
  type MutatingOperationName,
  type NationalCountry,
  type OperationName,
  type ParsedOperationRequest,
  type ReadOperationName,
} from '../contract.ts';
import { registerContractRoutes, swaggerOptions, useContractCompilers } from '../routes.ts';
import { Faults, failureBefore, type FaultsInput } from './faults.ts';
import { defaultSeedPath, loadSeed, type SandboxSeedInput } from './seed.ts';
import { SandboxStore } from './store.ts';
import { GroupCommit } from './group-commit.ts';
import { JournalNotifier } from './journal-notifier.ts';
import { CredentialRefused, DEVELOPMENT_USER_SECRET, bearerOf, callerCheck, sameSecret, type Caller } from './users.ts';
import { isLoopbackHost } from '../../config/env.ts';
import { DEVELOPMENT_CORRIDOR_CREDENTIAL } from '../credential.ts';

export { Faults, type FaultsInput } from './faults.ts';
export { SandboxSeed, defaultSeedPath, loadSeed, type SandboxSeedInput } from './seed.ts';
export { SandboxStore, journalEventId, type CallRecord } from './store.ts';
export { DEVELOPMENT_USER_SECRET, type Caller, type NationalUser } from './users.ts';

export interface SandboxOptions {
  country: NationalCountry;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** SQLite file (WAL); created with its folder if missing. */
  dbPath: string;
  /** The seed object, or the path of its JSON file; default data/sandbox/<country>.json. */
  seed?: SandboxSeedInput | string;
  faults?: FaultsInput;
  logger?: Logger;
  /** The system's clock (expiry of guarantees, outage window, timestamps); default the real one. */
  clock?: () => Date;
  /** Used to draw the injected errors; default Math.random. */
  random?: () => number;
  /** Secret the credentials of the system's own users (officers, declarants) are signed with (HS256); default a development value. */
  userSecret?: string;
  /**
   * Corridor's credential of this system (CORRIDOR_NATIONAL_XX_TOKEN): a call bearing it is
   * Corridor's. Default, on loopback only, the published development credential; a sandbox
   * listening beyond loopback refuses to start without one.
   */
  corridorToken?: string;
  /** Credential of the /admin routes (CORRIDOR_SANDBOX_ADMIN_TOKEN); unset, they answer loopback peers only. */
  adminToken?: string;
}

export interface Sandbox {
  country: NationalCountry;
  url: string;
  port: number;
  dbPath: string;
  app: FastifyInstance;
  store: SandboxStore;
  faults(): z.output<typeof Faults>;
  setFaults(faults: FaultsInput): z.output<typeof Faults>;
  close(): Promise<void>;
}

/** The options `npm run sandbox -- --country XX` runs with, from Corridor's configuration. */
export function sandboxOptionsFromConfig(config: Config, country: NationalCountry): SandboxOptions {
  const url = new URL(config.national[country].url);
  return {
    country,
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    dbPath: path.join(config.dataDir, `sandbox-${country}.sqlite`),
    seed: defaultSeedPath(country),
    faults: {
      latencyMs: config.sandbox.latencyMs,
      errorRate: config.sandbox.errorRate,
      outage: config.sandbox.outage ?? null,
      delayAfterCommitMs: 0,
    },
    logger: createLogger(`sandbox-${country}`, config.logLevel, config.logFormat),
    ...(config.national[country].token ? { corridorToken: config.national[country].token } : {}),
    ...(config.sandbox.adminToken ? { adminToken: config.sandbox.adminToken } : {}),
  };
}

/** Thrown at start: the sandbox would be reachable from another machine with the published credential. */
export class SandboxCredentialMissing extends Error {
  override readonly name = 'SandboxCredentialMissing';
}

/** A peer on this machine (IPv4, IPv6 or IPv4-mapped loopback). */
const LOOPBACK_PEER = /^(127\.[0-9.]+|::1|::ffff:127\.[0-9.]+)$/;

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { country } = options;
  const logger = options.logger ?? createLogger(`sandbox-${country}`);
  const clock = options.clock ?? (() => new Date());
  const random = options.random ?? Math.random;
  const seed = loadSeed(options.seed ?? defaultSeedPath(country));
  const host = options.host ?? '127.0.0.1';
  if (!options.corridorToken && !isLoopbackHost(host)) {
    throw new SandboxCredentialMissing(
      `the ${country} sandbox would listen on ${host}, beyond this machine, with the published development credential: set CORRIDOR_NATIONAL_${country}_TOKEN`,
    );
  }
  const store = new SandboxStore({ country, dbPath: options.dbPath, seed, clock });
  let faults = Faults.parse(options.faults ?? {});
  let closing = false;
  const journal = new JournalNotifier();
  const commits = new GroupCommit(store.db, () => journal.notify());
  const credentials = { userSecret: options.userSecret ?? DEVELOPMENT_USER_SECRET, corridorToken: options.corridorToken || DEVELOPMENT_CORRIDOR_CREDENTIAL };
  const callerOf = callerCheck(credentials);
  const callers = new WeakMap<object, Caller>();

  const app = Fastify({
    loggerInstance: logger,
    // Closing drops every connection: Corridor's national client keeps its sockets alive (node:http
    // agent), and a close that waited for them took fastify's 72 s keep-alive timeout. A call cut
    // by a close is retried with its Idempotency-Key, like any other lost answer.
    forceCloseConnections: true,
    // One line per call, written below with the MRN; fastify's own request lines would double them.
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;
  try {
    useContractCompilers(app);
    await app.register(fastifySwagger, swaggerOptions());
    await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

    // Who calls, before anything else: a stranger learns neither a record nor that the system is faulty.
    app.addHook('onRequest', async (request, reply) => {
      const route = request.routeOptions.url ?? '';
      if (route.startsWith('/admin/')) {
        const refused = adminRefusal(request.headers.authorization, request.socket.remoteAddress, options.adminToken);
        if (!refused) return;
        logger.warn({ route, peer: request.socket.remoteAddress }, `admin call refused: ${refused.reason}`);
        return reply.code(refused.status).send({ code: refused.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', reason: refused.reason });
      }
      if (!route.startsWith('/v1/')) return;
      try {
        callers.set(request, await callerOf(request.headers.authorization));
      } catch (error) {
        if (!(error instanceof CredentialRefused)) throw error;
        logger.warn({ route, reason: error.message }, 'credential refused');
        const body: ErrorAnswerBody = { code: 'UNAUTHENTICATED', reason: error.message };
        return reply.code(401).send(body);
      }
    });

    app.addHook('onRequest', async (request, reply) => {
      if (!request.routeOptions.url?.startsWith('/v1/')) return;
      const failure = failureBefore(faults, clock(), random);
      if (failure) {
        if (failure.retryAfterSeconds) reply.header('retry-after', String(failure.retryAfterSeconds));
        const body: ErrorAnswerBody = { code: 'UNAVAILABLE', reason: failure.reason };
        logger.warn({ route: request.routeOptions.url, reason: failure.reason }, 'call refused by an injected fault');
        return reply.code(503).send(body);
      }
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    });

    /** A page of the journal; with `wait`, held until an event follows the cursor or the wait ends. */
    async function readJournal(query: ParsedOperationRequest<'listEvents'>) {
      const deadline = Date.now() + query.wait * 1000;
      for (;;) {
        const page = store.read('listEvents', query).body as { events: unknown[] };
        const left = deadline - Date.now();
        if (page.events.length > 0 || left <= 0 || closing) return page;
        // Woken by any commit; a commit without an event (a refusal) sends us back to wait.
        await journal.wait(left);
      }
    }

    registerContractRoutes(app, country, async (name, request, reply) => {
      const op = operations[name];
      const parsed = {
        ...(request.params as object),
        ...(op.query ? (request.query as object) : {}),
        ...(op.body ? (request.body as object) : {}),
      } as Record<string, unknown>;
      const log = parsed.mrn ? forMovement(logger, String(parsed.mrn)) : logger.child({ grn: parsed.grn });
      if (name === 'listEvents') return reply.send(await readJournal(parsed as ParsedOperationRequest<'listEvents'>));
      if (!isMutating(name)) {
        const answer = store.read(name as ReadOperationName, parsed as ParsedOperationRequest<ReadOperationName>);
        log.debug({ operation: name, status: answer.status }, 'read');
        return reply.code(answer.status).send(answer.body);
      }
      // Set by the authentication hook, which answered 401 to any request it could not name.
      const caller = callers.get(request);
      if (!caller) throw new Error(`no caller for ${name}: the authentication hook did not run`);
      if (name === 'lodgeDeclaration') {
        // Checked as Corridor's API checks it, before the call is recorded: a malformed
        // declaration is a 400 with every field at fault, not a business refusal kept under the key.
        const checked = store.checkDeclaration(parsed.declaration);
        if (!checked.ok) {
          const errors = checked.errors.map((e) => ({ in: 'body' as const, path: jsonPointer('declaration', e.path), message: e.message }));
          const body: ErrorAnswerBody = {
            code: 'REQUEST_INVALID',
            reason: `the declaration has ${errors.length} error(s): ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
            errors,
          };
          return reply.code(400).send(body);
        }
        parsed.declaration = checked.declaration;
      }
      const key = String(request.headers['idempotency-key']);
      const result = await commits.run(() =>
        store.execute(name as MutatingOperationName, key, parsed as ParsedOperationRequest<MutatingOperationName>, caller),
      );
      if (result.kind === 'key-reused') {
        log.warn({ operation: name, idempotencyKey: key, firstOperation: result.firstOperation }, 'idempotency key reused for another call');
        const body: ErrorAnswerBody = {
          code: 'IDEMPOTENCY_KEY_REUSED',
          reason: `Idempotency-Key ${key} was used at ${result.firstReceivedAt} for a different call (${result.firstOperation})`,
        };
        return reply.code(422).send(body);
      }
      log.info(
        { operation: name, idempotencyKey: key, status: result.status, outcome: result.outcome, replayed: result.replayed },
        result.replayed ? 'call repeated: first answer returned' : result.outcome === 'done' ? 'call done' : 'call refused',
      );
      // The effect is committed; an injected delay here makes a short-timeout client lose the answer.
      if (faults.delayAfterCommitMs > 0) await sleep(faults.delayAfterCommitMs);
      reply.code(result.status).header('content-type', 'application/json; charset=utf-8');
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.send(result.body);
    });

    registerAdminRoutes(app, store, commits, {
      get: () => faults,
      set: (next) => {
        faults = Faults.parse(next);
        logger.info({ faults }, 'faults changed');
        return faults;
      },
    });

    await app.listen({ host, port: options.port ?? 0 });
  } catch (error) {
    journal.close();
    await app.close().catch(() => undefined);
    store.close();
    throw error;
  }

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  logger.info({ url, dbPath: options.dbPath, faults }, `${seed.system} listening`);

  let closed: Promise<void> | undefined;
  return {
    country,
    url,
    port,
    dbPath: options.dbPath,
    app,
    store,
    faults: () => faults,
    setFaults: (next) => {
      faults = Faults.parse(next);
      return faults;
    },
    close: () =>
      (closed ??= (async () => {
        // Long polls answer now rather than hold the closing server for up to 30 s.
        closing = true;
        journal.close();
        await app.close();
        store.close();
      })()),
  };
}

/** `goodsItems[0].netMassKg` under `declaration` → `/declaration/goodsItems/0/netMassKg`, the contract's error paths. */
function jsonPointer(root: string, path: string): string {
  const steps =
    path === ''
      ? []
      : path
          .replace(/\[(\d+)\]/g, '.$1')
          .split('.')
          .filter(Boolean);
  return `/${[root, ...steps].map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

/**
 * Why an /admin call is refused, or undefined when it may go on. With an admin token, the
 * bearer must be it, from any address (a sandbox in a network namespace is reached over its
 * link). Without one, only this machine: the embedded profile's operator and its tests.
 */
function adminRefusal(
  authorization: string | undefined,
  peer: string | undefined,
  adminToken: string | undefined,
): { status: 401 | 403; reason: string } | undefined {
  if (adminToken) {
    const given = bearerOf(authorization);
    if (given && sameSecret(given, adminToken)) return undefined;
    return { status: 401, reason: "the admin routes need the sandbox's admin credential: Authorization: Bearer <CORRIDOR_SANDBOX_ADMIN_TOKEN>" };
  }
  if (LOOPBACK_PEER.test(peer ?? '')) return undefined;
  return { status: 403, reason: 'the admin routes answer only this machine (set CORRIDOR_SANDBOX_ADMIN_TOKEN to reach them from elsewhere)' };
}

/** At most this many movements a call: one commit, a few seconds of the system's time. */
const RELEASED_PER_CALL = 2000;

const ReleasedMovements = z.object({
  declaration: z.looseObject({}),
  lrns: z.array(z.string().min(1)).min(1).max(RELEASED_PER_CALL),
  office: z.string().min(1),
  /** The release's time limit (délai de route), one for the call: the same body sent again is the same calls. */
  timeLimit: Timestamp,
});

function registerAdminRoutes(
  app: FastifyInstance,
  store: SandboxStore,
  commits: GroupCommit,
  faults: { get: () => z.output<typeof Faults>; set: (next: FaultsInput) => z.output<typeof Faults> },
): void {
  const hide = { hide: true } as const;
  app.get('/admin/faults', { schema: { ...hide, response: { 200: Faults } } }, async () => faults.get());
  app.put('/admin/faults', { schema: { ...hide, body: Faults, response: { 200: Faults, 400: ErrorAnswer } } }, async (request) =>
    faults.set(request.body as FaultsInput),
  );
  app.get(
    '/admin/calls',
    {
      schema: {
        ...hide,
        querystring: z.object({ mrn: Mrn.optional(), grn: Grn.optional(), operation: OperationNameSchema.optional() }),
      },
    },
    async (request) => {
      const q = request.query as { mrn?: string; grn?: string; operation?: OperationName };
      return { calls: store.listCalls(q) };
    },
  );
  app.get(
    '/admin/movements',
    { schema: { ...hide, querystring: z.object({ state: MovementState.optional(), role: z.enum(['DEPARTURE', 'ARRIVAL']).optional() }) } },
    async (request) => ({ movements: store.listMovements(request.query as { state?: string; role?: string }) }),
  );
  app.get('/admin/guarantees', { schema: hide }, async () => ({ guarantees: store.listGuarantees() }));
  // Each movement lodged by the declarant the declaration names and released by an officer of
  // `office`, through the same calls their screens make (same rules, same journal events, same
  // Idempotency-Key records, keyed by LRN so a call sent again changes nothing), all in one commit.
  app.post('/admin/released-movements', { schema: { ...hide, body: ReleasedMovements } }, async (request, reply) => {
    const body = request.body as z.output<typeof ReleasedMovements>;
    const checked = store.checkDeclaration(body.declaration);
    if (!checked.ok) return reply.code(400).send({ code: 'REQUEST_INVALID', reason: `the declaration is not valid: ${JSON.stringify(checked.errors)}` });
    const tin = checked.declaration.declarant.tin;
    const declarant: Caller = { kind: 'user', sub: `declarant-${tin.toLowerCase()}`, role: 'declarant', tin };
    const officer: Caller = { kind: 'user', sub: `agent-${body.office.toLowerCase()}`, role: 'officer', office: body.office };
    const refused: { lrn: string; status: number; body: string }[] = [];
    const mrns = await commits.run(() => {
      const released: string[] = [];
      for (const lrn of body.lrns) {
        const lodged = store.execute('lodgeDeclaration', `admin-released-${lrn}-lodge`, { declaration: { ...checked.declaration, lrn } }, declarant);
        if (lodged.kind !== 'answer' || lodged.status >= 300) {
          refused.push({ lrn, status: lodged.kind === 'answer' ? lodged.status : 422, body: lodged.kind === 'answer' ? lodged.body : 'key reused' });
          continue;
        }
        const mrn = (JSON.parse(lodged.body) as { mrn: string }).mrn;
        const timeLimit = body.timeLimit;
        const seals = [`SL-${mrn.slice(4, 10)}-1`, `SL-${mrn.slice(4, 10)}-2`];
        const release = { mrn, office: body.office, seals, timeLimit, controlResult: 'SATISFACTORY' };
        const done = store.execute('recordRelease', `admin-released-${lrn}-release`, release as ParsedOperationRequest<'recordRelease'>, officer);
        if (done.kind !== 'answer' || done.status >= 300) {
          refused.push({ lrn, status: done.kind === 'answer' ? done.status : 422, body: done.kind === 'answer' ? done.body : 'key reused' });
          continue;
        }
        released.push(mrn);
      }
      return released;
    });
    return { mrns, refused };
  });
}
