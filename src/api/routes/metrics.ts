// GET /metrics, Prometheus text: the API's latency per route and status, Corridor's own figures
// (transits started and completed per route, border dwell per post, open escalations by level,
// movements in flight by status) and, appended, the worker's Temporal SDK metrics. The figures
// come from the projection and the in-flight list, so a restarted API reports the same totals.
// The scrape needs CORRIDOR_METRICS_TOKEN as a bearer token, or, when none is set, comes from loopback.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Client } from '@temporalio/client';
import type { Config } from '../../config/env.ts';
import type { Projection } from '../../indicators/projection.ts';
import type { RunningTransits } from '../../indicators/running.ts';
import { readJournals } from './interconnection.ts';

export interface MetricsDeps {
  config: Config;
  client: Client;
  projection: Projection;
  running: RunningTransits;
  warn: (message: string, error: unknown) => void;
}

const DWELL_BUCKETS_SECONDS = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 5400, 7200, 10800, 21600, 43200, 86400];
const WORKER_SCRAPE_TIMEOUT_MS = 1_000;

export function metricsRoutes({ config, client, projection, running, warn }: MetricsDeps): FastifyPluginAsync {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'corridor_api_' });
  const latency = new Histogram({
    name: 'corridor_api_request_duration_seconds',
    help: 'API request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
    registers: [registry],
  });
  const started = new Counter({ name: 'corridor_transits_started_total', help: 'Transits lodged, per route', labelNames: ['route'], registers: [registry] });
  const completed = new Counter({
    name: 'corridor_transits_completed_total',
    help: 'Transits closed, per route and final status (DISCHARGED, CANCELLED, REJECTED, RECOVERY)',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const dwell = new Histogram({
    name: 'corridor_border_dwell_seconds',
    help: 'Border dwell time, arrival at the post to entry accepted, per post',
    labelNames: ['post'],
    buckets: DWELL_BUCKETS_SECONDS,
    registers: [registry],
  });
  const escalations = new Gauge({
    name: 'corridor_open_escalations',
    help: 'Movements in flight with an open escalation, by level',
    labelNames: ['level'],
    registers: [registry],
  });
  const inFlight = new Gauge({ name: 'corridor_transits_in_flight', help: 'Movements in flight, by status', labelNames: ['status'], registers: [registry] });
  const journalBacklog = new Gauge({
    name: 'corridor_journal_backlog_events',
    help: "Events published in a country's national system journal and not yet carried by Corridor",
    labelNames: ['country'],
    registers: [registry],
  });
  const journalLag = new Gauge({
    name: 'corridor_journal_lag_seconds',
    help: 'Age of the oldest act recorded in a national system and not yet carried (0 when caught up)',
    labelNames: ['country'],
    registers: [registry],
  });
  const journalReadable = new Gauge({
    name: 'corridor_journal_readable',
    help: "1 when Corridor's consumer reads the country's journal, 0 when it cannot or does not run",
    labelNames: ['country'],
    registers: [registry],
  });
  const forwarding = new Histogram({
    name: 'corridor_forwarding_latency_seconds',
    help: 'Act recorded in one national system → what the other system needs held there (AAR, exit/entry notice, write-off)',
    labelNames: ['from', 'to', 'act'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400],
    registers: [registry],
  });
  let lastCrossingId = 0;
  let lastForwardId = 0;

  const update = async () => {
    await projection.refresh();
    started.reset();
    completed.reset();
    for (const movement of projection.movements()) {
      const route = movement.route_id ?? 'unknown';
      started.inc({ route });
      if (movement.closed === 1) completed.inc({ route, status: movement.status });
    }
    // Each crossing is observed once; after a restart the projection gives them all again.
    for (const crossing of projection.crossingsAfterId(lastCrossingId)) {
      dwell.observe({ post: crossing.post }, crossing.dwell_seconds);
      lastCrossingId = crossing.id;
    }
    for (const forward of projection.forwardsAfterId(lastForwardId)) {
      forwarding.observe({ from: forward.from_country, to: forward.to_country, act: forward.type }, forward.latency_ms / 1000);
      lastForwardId = forward.id;
    }
    for (const journal of await readJournals({ config, client })) {
      journalReadable.set({ country: journal.country }, journal.state === 'ok' || journal.state === 'late' ? 1 : 0);
      if (journal.backlog !== null) journalBacklog.set({ country: journal.country }, journal.backlog);
      if (journal.lagSeconds !== null) journalLag.set({ country: journal.country }, journal.lagSeconds);
    }
    const { items } = await running.get();
    escalations.reset();
    inFlight.reset();
    for (const level of [1, 2, 3]) escalations.set({ level: String(level) }, items.filter((i) => i.escalationLevel === level).length);
    for (const item of items) inFlight.inc({ status: item.status });
  };

  const plugin: FastifyPluginAsync = async (app) => {
    app.addHook('onResponse', async (request, reply) => {
      latency.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });

    app.get(
      '/metrics',
      { schema: { tags: ['health'], summary: "Prometheus metrics: API, Corridor, and the worker's Temporal SDK metrics" } },
      async (request, reply) => {
        const refused = scrapeRefusal(request, config.metricsToken);
        if (refused)
          return reply
            .code(refused)
            .type('text/plain; charset=utf-8')
            .send(
              refused === 401
                ? 'send "Authorization: Bearer <CORRIDOR_METRICS_TOKEN>"\n'
                : 'metrics are served to this machine only; set CORRIDOR_METRICS_TOKEN to scrape from elsewhere\n',
            );
        try {
          await update();
        } catch (error) {
          // Temporal unreachable: still answer with the API's own metrics; the scrape shows the gap.
          warn('could not refresh Corridor figures for /metrics', error);
        }
        const worker = await workerMetrics(config.workerMetricsPort);
        return reply.type(registry.contentType).send(`${await registry.metrics()}${worker ? `\n${worker}` : ''}`);
      },
    );
  };
  // The latency hook must see every route of the API, not only this plugin's.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}

const LOOPBACK = /^(127\.[0-9.]+|::1|::ffff:127\.[0-9.]+)$/;
const digest = (value: string) => createHash('sha256').update(value).digest();

/** 401 or 403 when this request may not scrape, else undefined. */
function scrapeRefusal(request: FastifyRequest, token: string | undefined): 401 | 403 | undefined {
  if (!token) return LOOPBACK.test(request.ip) ? undefined : 403;
  const given = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  // Compared as digests: equal lengths, and time that says nothing about the token.
  return given !== undefined && timingSafeEqual(digest(given), digest(token)) ? undefined : 401;
}

/** The worker's Temporal SDK metrics, if a worker exposes them on this machine. */
async function workerMetrics(port: number): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(WORKER_SCRAPE_TIMEOUT_MS) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}
