// Corridor's own settings, read from the environment once at start-up.
// The Temporal connection is not here: it goes through @temporalio/envconfig
// (see src/temporal/connection.ts) so Corridor connects the way Temporal's own tools do.
// About 350 lines because it is the table of every variable (the README's table is made from it).
import path from 'node:path';
import { z } from 'zod';
import { InvalidKeyRing, parseKeyRing, type KeyRing } from '../codec/keys.ts';
import { coreLogProblem } from '../worker/core-log.ts';
import { BASELINE } from '../../workflows/baseline.ts';

const port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected a whole number')
  .min(1, 'expected a port between 1 and 65535')
  .max(65535, 'expected a port between 1 and 65535');

const url = z.url({ error: 'expected a URL such as http://127.0.0.1:8091' });

// A duration in seconds, so that tests can run a 72-hour time limit in a few seconds.
/** A whole number of `unit` from `min` to `max`, the message naming the unit. */
const wholeNumber = (unit: string, min: number, max: number) =>
  z.coerce
    .number({ error: `expected a number of ${unit}` })
    .int(`expected a whole number of ${unit}`)
    .min(min, `expected at least ${min}`)
    .max(max, `expected at most ${max}`);
const seconds = z.coerce.number({ error: 'expected a number of seconds' }).positive('expected a positive number of seconds');

const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' }).transform((v) => v === 'true' || v === '1' || v === 'yes');

// zod runs the refinements even when the value is no URL at all: parse without throwing there.
const urlOf = (v: string): URL | undefined => (URL.canParse(v) ? new URL(v) : undefined);

const postgresUrl = z
  .url({ error: 'expected a URL such as postgres://user:password@127.0.0.1:5432/corridor_temporal' })
  .refine((v) => /^postgres(ql)?:$/.test(urlOf(v)?.protocol ?? ''), 'expected a postgres:// URL')
  .refine(
    (v) => /^\/[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(urlOf(v)?.pathname ?? ''),
    'expected a database name (letters, digits, underscore; at most 41) after the host',
  );

// Never echoed back in an error: a key ring is a secret.
const keyRing = z.string().transform((value, ctx): KeyRing | undefined => {
  if (value.trim() === '') return undefined;
  try {
    return parseKeyRing(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof InvalidKeyRing ? error.message : 'invalid key ring' });
    return z.NEVER;
  }
});

// An Ed25519 seed (32 bytes, base64): never echoed back in an error.
const actKey = z
  .string()
  .refine(
    (v) => v === '' || (/^[A-Za-z0-9+/]+={0,2}$/.test(v.trim()) && Buffer.from(v.trim(), 'base64').length === 32),
    'expected 32 random bytes in base64 (npx tsx src/auth/act-keys-cli.ts makes them)',
  )
  .transform((v) => (v === '' ? undefined : Buffer.from(v.trim(), 'base64')));

/** Who vouches for acts: Corridor's API and each country's journal consumer. */
export const vouchers = ['corridor', 'TG', 'BF'] as const;

const actPublicKeys = z.string().transform((value, ctx): Record<string, Buffer> | undefined => {
  if (value.trim() === '') return undefined;
  const keys: Record<string, Buffer> = {};
  for (const entry of value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [name, encoded = ''] = entry.split(':');
    if (!(vouchers as readonly string[]).includes(name ?? '') || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || Buffer.from(encoded, 'base64').length !== 32) {
      ctx.addIssue({ code: 'custom', message: `expected ${vouchers.join(', ')} each as name:base64 (32 bytes), comma-separated` });
      return z.NEVER;
    }
    keys[name!] = Buffer.from(encoded, 'base64');
  }
  const missing = vouchers.filter((name) => !keys[name]);
  if (missing.length) {
    ctx.addIssue({ code: 'custom', message: `missing the public key of ${missing.join(', ')}: every party that vouches for acts needs one` });
    return z.NEVER;
  }
  return keys;
});

const origins = z
  .string()
  .refine(
    (v) => v.split(',').every((o) => o.trim() === '' || /^https?:\/\/[^/\s]+$/.test(o.trim())),
    'expected origins such as https://temporal-ui.example.org, comma-separated, no path',
  )
  .transform((v) =>
    v
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  );

const HOUR = 3600;
const DAY = 24 * HOUR;

/** Every variable Corridor reads, with its default and what it means (the README table is made from this). */
export const variables = {
  CORRIDOR_API_HOST: { schema: z.string().min(1), default: '127.0.0.1', doc: 'address the HTTP API listens on' },
  CORRIDOR_API_PORT: { schema: port, default: '8080', doc: 'port of the HTTP API (and the console)' },
  CORRIDOR_DATA_DIR: { schema: z.string().min(1), default: '.data', doc: "folder for the Temporal dev server database and the sandboxes' stores" },
  CORRIDOR_LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'expected one of fatal, error, warn, info, debug, trace, silent' }),
    default: 'info',
    doc: 'pino log level',
  },
  CORRIDOR_LOG_FORMAT: {
    schema: z.enum(['auto', 'pretty', 'json'], { error: 'expected auto, pretty or json' }),
    default: 'auto',
    doc: 'log lines as JSON, or `pretty` (one readable, coloured line each); `auto`: pretty when stdout is a terminal, so `npm start` is readable and files and pipes get JSON',
  },
  CORRIDOR_TOKEN_SECRET: {
    schema: z.string().min(16, 'expected at least 16 characters'),
    default: 'corridor-development-secret-not-for-production',
    secret: true,
    doc: 'HMAC secret that signs and verifies API bearer tokens (set your own outside development)',
  },
  CORRIDOR_TOKEN_AUDIENCE: {
    schema: z.string().regex(/^[A-Za-z0-9._:/-]{1,100}$/, 'expected 1 to 100 letters, digits or . _ : / -'),
    default: 'corridor',
    doc: 'audience (`aud`) every bearer token must name; tokens for another audience are refused',
  },
  CORRIDOR_TOKEN_MAX_LIFETIME_SECONDS: {
    schema: seconds,
    default: String(12 * HOUR),
    doc: 'longest lifetime (exp − iat) of a bearer token the API accepts, and the longest `npm run token -- --ttl` signs',
  },
  CORRIDOR_DEV_TOKENS: {
    schema: flag,
    default: 'false',
    doc: "development sign-in (GET /dev/users, POST /dev/tokens, the console's user list): only with this set AND the API on loopback; `npm start` sets it for its API",
  },
  CORRIDOR_TRUST_PROXY: {
    schema: z
      .string()
      .regex(
        /^$|^(true|false)$|^[0-9]{1,2}$|^[0-9A-Fa-f.:/]+(\s*,\s*[0-9A-Fa-f.:/]+)*$/,
        'expected true, false, a number of hops, or proxy addresses/CIDRs comma-separated',
      ),
    default: 'false',
    doc: 'reverse proxies whose X-Forwarded-For/-Proto the API believes (client address for rate limits, https for Secure cookies and HSTS): false, true, a hop count, or addresses/CIDRs',
  },
  CORRIDOR_METRICS_TOKEN: {
    schema: z.string().refine((v) => v === '' || v.length >= 32, 'expected at least 32 characters'),
    default: '',
    secret: true,
    doc: 'bearer token a Prometheus scraper sends to GET /metrics; unset: /metrics answers only requests from loopback',
  },
  CORRIDOR_RATE_LIMIT_WRITES_PER_MINUTE: {
    schema: z.coerce.number({ error: 'expected a number' }).int('expected a whole number').min(1, 'expected at least 1'),
    default: '6000',
    doc: 'lodgings and acts a token (or, unauthenticated, an address) may send per minute before 429',
  },
  CORRIDOR_RATE_LIMIT_SIGN_IN_PER_MINUTE: {
    schema: z.coerce.number({ error: 'expected a number' }).int('expected a whole number').min(1, 'expected at least 1'),
    default: '120',
    doc: 'development sign-ins (POST /dev/tokens) and codec sessions (POST /codec/session) per address per minute',
  },
  CORRIDOR_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: {
    schema: z.coerce.number({ error: 'expected a number' }).int('expected a whole number').min(1, 'expected at least 1'),
    default: '20',
    doc: 'refused bearer tokens per address per minute; past it every request with a token from that address is answered 429 until the minute is over',
  },
  CORRIDOR_NATIONAL_TG_URL: { schema: url, default: 'http://127.0.0.1:8091', doc: "Togo's national customs system (the sandbox listens on this port)" },
  CORRIDOR_NATIONAL_BF_URL: { schema: url, default: 'http://127.0.0.1:8092', doc: "Burkina Faso's national customs system (the sandbox listens on this port)" },
  CORRIDOR_NATIONAL_TG_TOKEN: {
    schema: z.string(),
    default: '',
    secret: true,
    doc: "credential of Togo's national system, sent as `Authorization: Bearer`; read only by the process serving national-TG",
  },
  CORRIDOR_NATIONAL_BF_TOKEN: {
    schema: z.string(),
    default: '',
    secret: true,
    doc: "credential of Burkina Faso's national system, sent as `Authorization: Bearer`; read only by the process serving national-BF",
  },
  CORRIDOR_JOURNAL_MAX_LAG_SECONDS: {
    schema: seconds,
    default: '300',
    doc: 'age of the oldest act recorded in a national system and not yet carried by Corridor past which /health turns red naming the country',
  },
  CORRIDOR_WORKFLOW_QUEUE_MAX_WAIT_SECONDS: {
    schema: seconds,
    default: '60',
    doc: "age of the oldest task waiting on the transits' workflow task queue past which /health turns red naming the queue (a stalled or overwhelmed workflow worker)",
  },
  CORRIDOR_NATIONAL_TG_ACT_KEY: {
    schema: actKey,
    default: '',
    secret: true,
    doc: "Ed25519 key (32 bytes, base64) with which Togo's journal consumer vouches for the acts of Togo's offices; read only by the process serving national-TG. Empty: kept in `<data>/act-keys/` (one machine)",
  },
  CORRIDOR_NATIONAL_BF_ACT_KEY: {
    schema: actKey,
    default: '',
    secret: true,
    doc: "Ed25519 key (32 bytes, base64) with which Burkina Faso's journal consumer vouches for the acts of Burkina's offices; read only by the process serving national-BF. Empty: kept in `<data>/act-keys/`",
  },
  CORRIDOR_ACT_SIGNING_KEY: {
    schema: actKey,
    default: '',
    secret: true,
    doc: 'Ed25519 key (32 bytes, base64) with which the API vouches for every act keyed in Corridor; the API only. Empty: kept in `<data>/act-keys/` (one machine)',
  },
  CORRIDOR_ACT_PUBLIC_KEYS: {
    schema: actPublicKeys,
    default: '',
    doc: 'public keys the workflow worker checks acts against, `corridor:base64,TG:base64,BF:base64` (`npx tsx src/auth/act-keys-cli.ts` prints them); the worker writes them into the workflow bundle. Empty: those of the keys in `<data>/act-keys/`',
  },
  CORRIDOR_NATIONAL_TIMEOUT_SECONDS: {
    schema: seconds,
    default: '10',
    doc: 'timeout of one call to a national system, after which the activity retries; an attempt of a national activity (at most two calls) is given three times as long before Temporal counts it lost, its worker killed mid-call or its task lost on the way, and tries it again (30 s by default; a minute for movements started before 2026-12-01). Calls go on kept-alive connections, which Corridor closes after 30 s unused (the sandbox keeps them 72 s); a call sent on a connection the system had just closed goes again at once on a new one instead of failing its attempt with ECONNRESET',
  },
  CORRIDOR_TASK_QUEUE_PREFIX: {
    schema: z.string().regex(/^[A-Za-z0-9._-]*$/, 'expected letters, digits, dot, dash or underscore'),
    default: '',
    doc: 'prefix of the task queues (transits, national-TG, national-BF), to share one namespace between deployments',
  },
  CORRIDOR_TEMPORAL_PORT: { schema: port, default: '7233', doc: 'gRPC port of the embedded Temporal dev server (when TEMPORAL_ADDRESS is not set)' },
  CORRIDOR_TEMPORAL_UI_PORT: { schema: port, default: '8233', doc: "port of the embedded dev server's Web UI" },
  CORRIDOR_TEMPORAL_SQLITE_SYNC_NORMAL: {
    schema: flag,
    default: 'false',
    doc: "add synchronous=normal to the dev server's SQLite (faster; a power cut may lose the last commits)",
  },
  CORRIDOR_PG_URL: {
    schema: postgresUrl,
    default: 'postgres://postgres@127.0.0.1:5432/corridor_temporal',
    doc: 'cluster profile: the PostgreSQL of the Temporal server; its database holds histories, `<database>_visibility` the visibility store (both created and migrated at start)',
  },
  CORRIDOR_CLUSTER_PORT: {
    // Temporal's SQL schema stores membership ports as smallint: the whole block stays below 32768.
    schema: port.refine((p) => p <= 32767 - 8, 'expected a port at most 32759 (the 8 after it are used too, and Temporal stores them as smallint)'),
    default: '7233',
    doc: 'cluster profile: gRPC port of the Temporal frontend; the server also takes the 8 ports after it (history, matching, worker, frontend HTTP, membership)',
  },
  CORRIDOR_CLUSTER_UI_PORT: { schema: port, default: '8233', doc: "cluster profile: port of Temporal's Web UI server" },
  CORRIDOR_CLUSTER_HISTORY_SHARDS: {
    schema: wholeNumber('shards', 1, 16384),
    default: '8',
    doc: 'cluster profile: history shards; fixed when the database is created, so size it for the largest cluster it will grow into',
  },
  CORRIDOR_CLUSTER_RETENTION_DAYS: {
    schema: z.coerce.number({ error: 'expected a number of days' }).int('expected whole days').min(1, 'expected at least 1 day'),
    default: '30',
    doc: 'cluster profile: how long Temporal keeps the history of a completed movement (set when the namespace is created)',
  },
  CORRIDOR_ARCHIVE_RETENTION_DAYS: {
    schema: z.coerce.number({ error: 'expected a number of days' }).int('expected whole days').min(1, 'expected at least 1 day'),
    default: String(3650),
    doc: "how long the archive keeps a closed movement's record (10 years); older rows are purged. Temporal's own retention is far shorter: past it, the API reads closed movements from the archive",
  },
  CORRIDOR_ARCHIVE_PG_URL: {
    // Unset is SQLite; anything else must be a PostgreSQL URL naming its database.
    schema: z.literal('').or(postgresUrl),
    default: '',
    doc: 'PostgreSQL database of the archive of closed movements (created if missing); unset: `archive.sqlite` in the data folder. The cluster profile sets it to `<CORRIDOR_PG_URL database>_archive`',
  },
  CORRIDOR_ARCHIVE_POLL_SECONDS: {
    schema: seconds,
    default: '30',
    doc: 'how often the archiver lists the movements closed since its cursor and archives them: the longest wait between a close and its archive row',
  },
  CORRIDOR_CODEC_KEYS: {
    schema: keyRing,
    default: '',
    secret: true,
    doc: 'payload encryption key ring, `id:base64` (32 bytes) comma-separated: the first encrypts, all decrypt. Empty: payloads in clear (embedded profile); the cluster profile then creates one in the data folder',
  },
  CORRIDOR_CODEC_CORS_ORIGINS: {
    schema: origins,
    default: '',
    doc: 'browser origins (the Temporal Web UI) allowed to call the codec endpoint /codec; empty: the Web UI that `npm start` runs on this machine',
  },
  CORRIDOR_WORKFLOW_BUNDLE: {
    schema: z.string(),
    default: '',
    doc: 'path of a workflow bundle built beforehand (by tests, or a deployment that builds it once); unset: the transits worker builds it at start',
  },
  CORRIDOR_SDK_CORE_LOG: {
    schema: z.string().superRefine((value, ctx) => {
      const problem = coreLogProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    default: 'warn',
    doc: "what the Temporal SDK's core (polling, workflow tasks, its cache) logs through the worker's log, as `sdkComponent: core` lines: a level (`error`, `warn`, `info`, `debug`, `trace`), or Rust EnvFilter directives for one part, e.g. `temporalio_sdk_core::worker::workflow::workflow_stream=debug`; lines finer than `CORRIDOR_LOG_LEVEL` are not written",
  },
  CORRIDOR_WORKER_METRICS_PORT: { schema: port, default: '9464', doc: 'port where the worker exposes Temporal SDK metrics in Prometheus format' },
  CORRIDOR_WORKER_STALL_EXIT_SECONDS: {
    schema: z
      .literal('0')
      .transform(() => undefined)
      .or(wholeNumber('seconds', 30, 3600)),
    default: '120',
    doc: 'the transits worker exits (and npm start, or the service manager, starts it again) when workflow task slots have been held this long without one task completed (a workflow task takes milliseconds; an idle worker holds none): the slots SDK 1.24 loses when two processes query one movement it has not cached at once, found when the worker goes quiet or has lost them all; 0: never',
  },
  CORRIDOR_WORKER_HEAP_MIB: {
    schema: z
      .literal('0')
      .transform(() => undefined)
      .or(wholeNumber('MiB', 128, 16384)),
    default: '384',
    doc: "largest JavaScript heap of the transits worker, in MiB: its workflow thread's (the cached movements) and, where Corridor starts the worker (npm start, the bench), the process's own. 384 kept the worker's RSS at or under 939 MiB with up to 69,934 movements in flight (npm run bench -- --large, 2026-11-29); 0: V8's own limit (a quarter of the machine's memory), under which it keeps garbage and passed 1.2 GiB with 10,000",
  },
  CORRIDOR_WORKFLOW_STACK_FRAMES: {
    schema: wholeNumber('frames', 0, 100),
    default: '0',
    doc: "frames kept in the stack traces of workflow code (Temporal UI's Stack Trace tab, failures thrown by workflow code). 0: none, because the SDK captures one for every promise a movement creates (a fifth of the workflow worker's CPU per lifecycle), and Corridor starts the transits worker with src/worker/promise-stacks-off.cjs, which leaves that capture out altogether (a seventh more; the Stack Trace tab then says stack traces are not enabled); set 10 and restart the worker to see where a movement waits",
  },
  CORRIDOR_NOTIFY_URL: {
    schema: url.optional(),
    default: undefined,
    doc: 'webhook that receives every notification (escalations, alerts, daily report); unset: notifications are kept in the workflow only',
  },
  CORRIDOR_NOTIFY_SECRET: {
    schema: z.string().refine((v) => v === '' || v.length >= 32, 'expected at least 32 characters'),
    default: '',
    secret: true,
    doc: 'secret that signs every notification sent to CORRIDOR_NOTIFY_URL (header X-Corridor-Signature, see "Status messages to the trade"); unset: notifications go unsigned',
  },
  CORRIDOR_SUBSCRIPTIONS_ALLOWED_HOSTS: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9.:-]*(\s*,\s*[A-Za-z0-9.:-]+)*$/, 'expected host names or addresses, comma-separated')
      .transform((v) =>
        v
          .split(',')
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean),
      ),
    default: '',
    doc: "callback hosts the operator allows whatever they resolve to (an importer's receiver on a private network); others must be https to public addresses",
  },
  CORRIDOR_SUBSCRIPTIONS_SUSPEND_AFTER_SECONDS: {
    schema: seconds,
    default: String(DAY),
    doc: "a subscriber's receiver failing for this long is suspended (its subscription says so)",
  },
  CORRIDOR_SUBSCRIPTIONS_RETRY_SECONDS: {
    schema: seconds,
    default: '10',
    doc: 'first retry of a failed delivery to a subscriber; each next one waits twice as long, up to an hour',
  },
  CORRIDOR_SUBSCRIPTIONS_POLL_SECONDS: {
    schema: seconds,
    default: '2',
    doc: "how often the API's dispatcher of status messages looks for changed movements and for deliveries due",
  },
  CORRIDOR_SUBSCRIPTIONS_REFRESH_SECONDS: {
    schema: seconds,
    default: '30',
    doc: "a subscribed movement's timeline is read again after this long even when its listed fields did not change (an incident)",
  },
  CORRIDOR_BORDER_DWELL_TARGET_SECONDS: { schema: seconds, default: String(2 * HOUR), doc: 'border dwell target at a PCJ before a border alert' },
  CORRIDOR_ESCALATION_LEVEL2_AFTER_SECONDS: { schema: seconds, default: String(DAY), doc: 'after the deadline, delay to level 2 (country supervisor)' },
  CORRIDOR_ENQUIRY_AFTER_SECONDS: {
    schema: seconds,
    default: String(7 * DAY),
    doc: 'after the deadline, delay to open the enquiry (NCTS: within 7 days after the time limit)',
  },
  CORRIDOR_RECOVERY_AFTER_SECONDS: {
    schema: seconds,
    default: String(28 * DAY),
    doc: 'after the enquiry opens, delay for the principal to answer before recovery (NCTS: 28 days)',
  },
  CORRIDOR_ESCALATION_REMINDER_SECONDS: {
    schema: seconds,
    default: String(6 * HOUR),
    doc: "repeat of an escalation level's notification until a supervisor acknowledges it",
  },
  CORRIDOR_CONTROL_RESULTS_AFTER_SECONDS: {
    schema: seconds,
    default: String(DAY),
    doc: 'after arrival, delay without control results before the destination supervisor is alerted',
  },
  CORRIDOR_CATCH_UP_PATIENCE_SECONDS: {
    schema: seconds,
    default: '120',
    doc: "at a deadline (overdue, enquiry, control results), how long the movement waits for the next countries' systems to say whether they hold acts Corridor missed before it escalates anyway: a system down longer holds neither the ladder nor the movement's other acts back",
  },
  CORRIDOR_SANDBOX_LATENCY_MS: {
    schema: z.coerce.number({ error: 'expected milliseconds' }).int('expected whole milliseconds').min(0, 'expected 0 or more'),
    default: '0',
    doc: 'sandbox fault injection: latency added to every call',
  },
  CORRIDOR_SANDBOX_ERROR_RATE: {
    schema: z.coerce.number({ error: 'expected a number' }).min(0, 'expected a rate between 0 and 1').max(1, 'expected a rate between 0 and 1'),
    default: '0',
    doc: 'sandbox fault injection: share of calls answered 503 before doing anything',
  },
  CORRIDOR_SANDBOX_OUTAGE: {
    schema: z
      .string()
      .regex(/^$|^[^/]+\/[^/]+$/, 'expected start/end as two ISO 8601 times, e.g. 2026-11-27T10:00:00Z/2026-11-27T11:00:00Z')
      .refine((v) => v === '' || v.split('/').every((t) => !Number.isNaN(Date.parse(t))), 'expected two valid ISO 8601 times'),
    default: '',
    doc: 'sandbox fault injection: outage window start/end (ISO 8601) during which every call is answered 503',
  },
  CORRIDOR_SANDBOX_ADMIN_TOKEN: {
    schema: z.string(),
    default: '',
    secret: true,
    doc: "credential of a sandbox's /admin routes (faults, call records, movements, guarantees), sent as `Authorization: Bearer`; unset, they answer only this machine",
  },
  CORRIDOR_OVERDUE_REPORT_HOUR: {
    schema: z.coerce.number({ error: 'expected an hour 0–23' }).int('expected a whole hour').min(0, 'expected an hour 0–23').max(23, 'expected an hour 0–23'),
    default: '6',
    doc: 'hour (GMT, the legal time of both Togo and Burkina Faso) of the daily overdue report',
  },
  CORRIDOR_RECONCILIATION_EVERY_MINUTES: {
    schema: z.coerce.number({ error: 'expected a number of minutes' }).int('expected whole minutes').min(0, 'expected 0 or more minutes'),
    default: '60',
    doc: "how often the reconciliation schedule compares each national system's records with Corridor's states (60: hourly); 0 pauses the schedule, leaving `npm run reconcile`; a pause made by an operator (another note than this setting's) is kept when the worker starts",
  },
  CORRIDOR_RECONCILIATION_CLOSED_WITHIN_DAYS: {
    schema: z.coerce.number({ error: 'expected a number of days' }).int('expected whole days').min(0, 'expected 0 or more days'),
    default: '7',
    doc: 'the scheduled reconciliation compares every open movement and every movement closed within this many days',
  },
  CORRIDOR_RECONCILIATION_GRACE_SECONDS: {
    schema: seconds,
    default: '60',
    doc: 'an act a national system recorded this recently and Corridor has not applied yet is counted in transit, not as a difference (nor carried by the reconciliation)',
  },
  CORRIDOR_RECOVERY_PENALTY_PERCENT: {
    schema: z.coerce.number({ error: 'expected a percentage' }).min(0, 'expected 0 or more').max(100, 'expected at most 100'),
    default: '10',
    doc: 'penalty added to the duties and taxes claimed in a recovery, in percent of them (illustrative until each administration sets its own)',
  },
  CORRIDOR_INCIDENT_EXTENSION_CAP_HOURS: {
    schema: z.coerce.number({ error: 'expected a number of hours' }).positive('expected a positive number').max(720, 'expected at most 720'),
    default: '72',
    doc: "most hours that officers' incidents may add to one leg's time limit; more takes a supervisor's extension",
  },
  CORRIDOR_LIFECYCLE_BASELINE: {
    schema: z.coerce
      .number({ error: 'expected a whole number' })
      .int('expected a whole number')
      .min(0, 'expected 0 or more')
      .max(BASELINE, `expected at most ${BASELINE}, the baseline this version knows`),
    default: String(BASELINE),
    doc: 'highest lifecycle baseline the API and the journal consumers start new movements on (workflows/versions.ts), lowered to what the transits workers polling run; 0 starts them as before baselines, with version markers (see "Upgrading a running corridor")',
  },
  CORRIDOR_TIME_SCALE: {
    schema: z.coerce.number({ error: 'expected a number' }).positive('expected a positive number'),
    default: '1',
    doc: 'divides every route time limit (1 = real hours; 3600 makes an hour a second, for demonstrations)',
  },
} as const;

type Variables = typeof variables;
export type VariableName = keyof Variables;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
    readonly value: string | undefined,
  ) {
    super(`${variable}=${JSON.stringify(value ?? '')} is invalid: ${reason}`);
    this.name = 'ConfigError';
  }
}

function read<K extends VariableName>(env: NodeJS.ProcessEnv, name: K): z.output<Variables[K]['schema']> {
  const spec = variables[name];
  const raw = env[name] === undefined || env[name] === '' ? spec.default : env[name];
  const parsed = (spec.schema as z.ZodType).safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(name, parsed.error.issues[0]?.message ?? 'invalid value', 'secret' in spec && spec.secret ? '(hidden)' : withoutPassword(raw));
  }
  return parsed.data as z.output<Variables[K]['schema']>;
}

/** A URL's password never reaches an error line. */
function withoutPassword(value: string | undefined): string | undefined {
  return value?.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/i, '$1***@');
}

import { corridorCountries as countries, type CountryCode } from '../domain/countries.ts';

export { countries, type CountryCode };

export interface Config {
  api: { host: string; port: number };
  dataDir: string;
  logLevel: string;
  logFormat: 'auto' | 'pretty' | 'json';
  tokenSecret: string;
  tokens: { audience: string; maxLifetimeSeconds: number; devTokens: boolean };
  trustProxy: boolean | number | string[];
  metricsToken: string | undefined;
  /** Past this age of its oldest unconsumed act, a country's journal is late (/health red). */
  journalMaxLagSeconds: number;
  /** Past this age of its oldest waiting task, the workflow task queue is stalled (/health red). */
  workflowQueueMaxWaitSeconds: number;
  rateLimits: { writesPerMinute: number; signInPerMinute: number; authFailuresPerMinute: number };
  /** Only the countries this process serves are read (see loadConfig); another country's entry throws. */
  national: Record<CountryCode, NationalSettings> & { timeoutMs: number };
  taskQueues: { transits: string; national: Record<CountryCode, string> };
  temporal: { devPort: number; uiPort: number; sqliteSyncNormal: boolean };
  cluster: { pgUrl: string; port: number; uiPort: number; historyShards: number; retentionDays: number };
  codec: { keys: KeyRing | undefined; corsOrigins: string[] };
  /** The archive of closed movements: PostgreSQL when a URL is set, else SQLite in the data folder. */
  archive: { retentionDays: number; pgUrl: string | undefined; pollMs: number };
  /** Vouched acts: the API's signing key, and the public keys the workflow checks (undefined: the local key files). */
  vouching: { signingKey: Buffer | undefined; publicKeys: Record<string, Buffer> | undefined };
  workerMetricsPort: number;
  /** CORRIDOR_SDK_CORE_LOG: a level or EnvFilter directives (src/worker/core-log.ts). */
  sdkCoreLog: string;
  /** Error.stackTraceLimit inside the workflow sandbox. */
  workflowStackFrames: number;
  /** --max-old-space-size of the transits worker's isolates (MiB); undefined: V8's own. */
  workerHeapMib: number | undefined;
  /** Every workflow slot held this long with none freed while tasks wait: the worker exits to be started again. */
  workerStallExitSeconds: number | undefined;
  /** A prebuilt workflow bundle to load instead of building one. */
  workflowBundlePath: string | undefined;
  notifyUrl: string | undefined;
  /** Signs the notifications sent to notifyUrl; undefined: unsigned. */
  notifySecret: string | undefined;
  /** Status messages to the trade (src/subscriptions). */
  subscriptions: { allowedHosts: string[]; suspendAfterMs: number; retryMs: number; pollMs: number; refreshMs: number };
  /** Every delay the workflow watches, in milliseconds; passed into the workflow as input. */
  delays: {
    borderDwellTargetMs: number;
    level2AfterMs: number;
    enquiryAfterMs: number;
    recoveryAfterMs: number;
    controlResultsAfterMs: number;
    reminderEveryMs: number;
    catchUpPatienceMs: number;
  };
  timeScale: number;
  /** Penalty of a recovery, in percent of the duties and taxes claimed. */
  recoveryPenaltyPercent: number;
  /** Most hours officers' incidents may add to one leg's time limit. */
  incidentExtensionCapHours: number;
  /** The lifecycle baseline new movements start on; 0: none, as before baselines. */
  lifecycleBaseline: number;
  overdueReportHour: number;
  /** The reconciliation schedule: its interval (0: paused), how far back closed movements are compared, and how long an act may be in transit. */
  reconciliation: { everyMinutes: number; closedWithinDays: number; graceMs: number };
  sandbox: { latencyMs: number; errorRate: number; outage: { from: string; to: string } | undefined; adminToken: string | undefined };
}

export interface NationalSettings {
  url: string;
  /** Undefined when the national system asks for none (the sandbox). */
  token: string | undefined;
  /** The key this country's journal consumer vouches with; undefined: the local key file. */
  actKey: Buffer | undefined;
}

export interface LoadOptions {
  /**
   * The countries whose national settings (CORRIDOR_NATIONAL_XX_*) this process reads; default
   * both. A country's worker passes its own only, so it neither parses nor holds the other's.
   */
  countries?: readonly CountryCode[];
}

/** Parses and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config {
  const prefix = read(env, 'CORRIDOR_TASK_QUEUE_PREFIX');
  const ms = (name: VariableName) => Math.round((read(env, name) as number) * 1000);
  return {
    api: { host: read(env, 'CORRIDOR_API_HOST'), port: read(env, 'CORRIDOR_API_PORT') },
    dataDir: path.resolve(read(env, 'CORRIDOR_DATA_DIR')),
    logLevel: read(env, 'CORRIDOR_LOG_LEVEL'),
    logFormat: read(env, 'CORRIDOR_LOG_FORMAT'),
    tokenSecret: read(env, 'CORRIDOR_TOKEN_SECRET'),
    tokens: {
      audience: read(env, 'CORRIDOR_TOKEN_AUDIENCE'),
      maxLifetimeSeconds: read(env, 'CORRIDOR_TOKEN_MAX_LIFETIME_SECONDS'),
      devTokens: read(env, 'CORRIDOR_DEV_TOKENS'),
    },
    trustProxy: trustProxy(read(env, 'CORRIDOR_TRUST_PROXY')),
    metricsToken: read(env, 'CORRIDOR_METRICS_TOKEN') || undefined,
    journalMaxLagSeconds: read(env, 'CORRIDOR_JOURNAL_MAX_LAG_SECONDS'),
    workflowQueueMaxWaitSeconds: read(env, 'CORRIDOR_WORKFLOW_QUEUE_MAX_WAIT_SECONDS'),
    rateLimits: {
      writesPerMinute: read(env, 'CORRIDOR_RATE_LIMIT_WRITES_PER_MINUTE'),
      signInPerMinute: read(env, 'CORRIDOR_RATE_LIMIT_SIGN_IN_PER_MINUTE'),
      authFailuresPerMinute: read(env, 'CORRIDOR_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE'),
    },
    national: nationalSettings(env, options.countries ?? countries, ms('CORRIDOR_NATIONAL_TIMEOUT_SECONDS')),
    taskQueues: taskQueueNames(prefix),
    temporal: {
      devPort: read(env, 'CORRIDOR_TEMPORAL_PORT'),
      uiPort: read(env, 'CORRIDOR_TEMPORAL_UI_PORT'),
      sqliteSyncNormal: read(env, 'CORRIDOR_TEMPORAL_SQLITE_SYNC_NORMAL'),
    },
    cluster: {
      pgUrl: read(env, 'CORRIDOR_PG_URL'),
      port: read(env, 'CORRIDOR_CLUSTER_PORT'),
      uiPort: read(env, 'CORRIDOR_CLUSTER_UI_PORT'),
      historyShards: read(env, 'CORRIDOR_CLUSTER_HISTORY_SHARDS'),
      retentionDays: read(env, 'CORRIDOR_CLUSTER_RETENTION_DAYS'),
    },
    codec: { keys: read(env, 'CORRIDOR_CODEC_KEYS'), corsOrigins: read(env, 'CORRIDOR_CODEC_CORS_ORIGINS') },
    archive: {
      retentionDays: read(env, 'CORRIDOR_ARCHIVE_RETENTION_DAYS'),
      pgUrl: read(env, 'CORRIDOR_ARCHIVE_PG_URL') || undefined,
      pollMs: ms('CORRIDOR_ARCHIVE_POLL_SECONDS'),
    },
    vouching: { signingKey: read(env, 'CORRIDOR_ACT_SIGNING_KEY'), publicKeys: read(env, 'CORRIDOR_ACT_PUBLIC_KEYS') },
    workerMetricsPort: read(env, 'CORRIDOR_WORKER_METRICS_PORT'),
    sdkCoreLog: read(env, 'CORRIDOR_SDK_CORE_LOG'),
    workflowStackFrames: read(env, 'CORRIDOR_WORKFLOW_STACK_FRAMES'),
    workerHeapMib: read(env, 'CORRIDOR_WORKER_HEAP_MIB'),
    workerStallExitSeconds: read(env, 'CORRIDOR_WORKER_STALL_EXIT_SECONDS'),
    workflowBundlePath: read(env, 'CORRIDOR_WORKFLOW_BUNDLE') || undefined,
    notifyUrl: read(env, 'CORRIDOR_NOTIFY_URL'),
    notifySecret: read(env, 'CORRIDOR_NOTIFY_SECRET') || undefined,
    subscriptions: {
      allowedHosts: read(env, 'CORRIDOR_SUBSCRIPTIONS_ALLOWED_HOSTS'),
      suspendAfterMs: ms('CORRIDOR_SUBSCRIPTIONS_SUSPEND_AFTER_SECONDS'),
      retryMs: ms('CORRIDOR_SUBSCRIPTIONS_RETRY_SECONDS'),
      pollMs: ms('CORRIDOR_SUBSCRIPTIONS_POLL_SECONDS'),
      refreshMs: ms('CORRIDOR_SUBSCRIPTIONS_REFRESH_SECONDS'),
    },
    delays: {
      borderDwellTargetMs: ms('CORRIDOR_BORDER_DWELL_TARGET_SECONDS'),
      level2AfterMs: ms('CORRIDOR_ESCALATION_LEVEL2_AFTER_SECONDS'),
      enquiryAfterMs: ms('CORRIDOR_ENQUIRY_AFTER_SECONDS'),
      recoveryAfterMs: ms('CORRIDOR_RECOVERY_AFTER_SECONDS'),
      controlResultsAfterMs: ms('CORRIDOR_CONTROL_RESULTS_AFTER_SECONDS'),
      reminderEveryMs: ms('CORRIDOR_ESCALATION_REMINDER_SECONDS'),
      catchUpPatienceMs: ms('CORRIDOR_CATCH_UP_PATIENCE_SECONDS'),
    },
    timeScale: read(env, 'CORRIDOR_TIME_SCALE'),
    recoveryPenaltyPercent: read(env, 'CORRIDOR_RECOVERY_PENALTY_PERCENT'),
    incidentExtensionCapHours: read(env, 'CORRIDOR_INCIDENT_EXTENSION_CAP_HOURS'),
    lifecycleBaseline: read(env, 'CORRIDOR_LIFECYCLE_BASELINE'),
    overdueReportHour: read(env, 'CORRIDOR_OVERDUE_REPORT_HOUR'),
    reconciliation: {
      everyMinutes: read(env, 'CORRIDOR_RECONCILIATION_EVERY_MINUTES'),
      closedWithinDays: read(env, 'CORRIDOR_RECONCILIATION_CLOSED_WITHIN_DAYS'),
      graceMs: ms('CORRIDOR_RECONCILIATION_GRACE_SECONDS'),
    },
    sandbox: {
      latencyMs: read(env, 'CORRIDOR_SANDBOX_LATENCY_MS'),
      errorRate: read(env, 'CORRIDOR_SANDBOX_ERROR_RATE'),
      outage: outageWindow(read(env, 'CORRIDOR_SANDBOX_OUTAGE')),
      adminToken: read(env, 'CORRIDOR_SANDBOX_ADMIN_TOKEN') || undefined,
    },
  };
}

function nationalSettings(env: NodeJS.ProcessEnv, served: readonly CountryCode[], timeoutMs: number): Config['national'] {
  const national = { timeoutMs } as Config['national'];
  for (const country of countries) {
    if (served.includes(country)) {
      const token = read(env, `CORRIDOR_NATIONAL_${country}_TOKEN`);
      national[country] = {
        url: read(env, `CORRIDOR_NATIONAL_${country}_URL`),
        token: token === '' ? undefined : token,
        actKey: read(env, `CORRIDOR_NATIONAL_${country}_ACT_KEY`),
      };
    } else {
      Object.defineProperty(national, country, {
        enumerable: false,
        get() {
          throw new Error(`this process does not serve ${country}: it reads none of CORRIDOR_NATIONAL_${country}_*`);
        },
      });
    }
  }
  return national;
}

export function taskQueueNames(prefix: string): Config['taskQueues'] {
  return {
    transits: `${prefix}transits`,
    national: { TG: `${prefix}national-TG`, BF: `${prefix}national-BF` },
  };
}

function trustProxy(value: string): Config['trustProxy'] {
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^[0-9]+$/.test(value)) return Number(value);
  return value.split(',').map((a) => a.trim());
}

/** 127.0.0.1, ::1 or localhost: the API cannot be reached from another machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.[0-9]{1,3}){3}$/.test(host);
}

/** The published default: anyone can sign tokens with it. */
export const DEVELOPMENT_TOKEN_SECRET = variables.CORRIDOR_TOKEN_SECRET.default;
export const MIN_TOKEN_SECRET_BYTES = 32;

/**
 * Why this secret may not sign tokens for an API listening on `host`, or undefined when it may.
 * The development secret and short secrets are tolerated on loopback only, where no one
 * from another machine can present a token.
 */
export function tokenSecretWeakness(secret: string): string | undefined {
  if (secret === DEVELOPMENT_TOKEN_SECRET) return 'it is the published development secret';
  if (Buffer.byteLength(secret, 'utf8') < MIN_TOKEN_SECRET_BYTES) return `it is shorter than ${MIN_TOKEN_SECRET_BYTES} bytes`;
  return undefined;
}

/** Throws a ConfigError naming CORRIDOR_TOKEN_SECRET when the API would listen beyond loopback with a weak secret. */
export function assertApiTokenSecret(config: Pick<Config, 'tokenSecret' | 'api'>): void {
  const weakness = tokenSecretWeakness(config.tokenSecret);
  if (weakness && !isLoopbackHost(config.api.host)) {
    throw new ConfigError(
      'CORRIDOR_TOKEN_SECRET',
      `${weakness}, and the API listens on ${config.api.host} (CORRIDOR_API_HOST), beyond loopback: set a random secret of at least ${MIN_TOKEN_SECRET_BYTES} bytes (e.g. openssl rand -base64 48)`,
      '(hidden)',
    );
  }
}

function outageWindow(value: string): Config['sandbox']['outage'] {
  if (!value) return undefined;
  const [from, to] = value.split('/') as [string, string];
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}
