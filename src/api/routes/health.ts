// GET /health: Temporal reachable, each national system reachable, a worker polling each task queue,
// and the transits' workflow tasks taken in time (a worker that polls but has stalled is red too).
// Anyone (a load balancer) gets the verdict, {status} with 200 or 503; which part fails, and the
// addresses and queue names that say it, only an operator signed in as supervisor or regional.
import type { FastifyPluginAsync } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../../config/env.ts';
import { countries } from '../../config/env.ts';
import { countryOf } from '../../domain/countries.ts';
import { readJournalStatus } from '../../interconnection/journal-status.ts';
import { describeQueue, workflowBacklog } from '../../temporal/task-queue.ts';

type PartState = { ok: boolean; detail: string };

// A poller is "recent" when the server saw it within the last minute (it long-polls for up to a minute).
const POLLER_FRESH_MS = 70_000;
const CHECK_TIMEOUT_MS = 3_000;

export interface HealthDeps {
  config: Config;
  client: Client;
  namespace: string;
}

export const healthRoutes =
  (deps: HealthDeps): FastifyPluginAsync =>
  async (app) => {
    app.get(
      '/health',
      { schema: { tags: ['health'], summary: 'State of every part Corridor needs (details for supervisors and regional)' } },
      async (request, reply) => {
        const parts = await checkAll(deps);
        const failing = Object.entries(parts)
          .filter(([, state]) => !state.ok)
          .map(([name]) => name);
        const status = failing.length === 0 ? 'ok' : 'degraded';
        const operator = request.actor?.role === 'regional' || request.actor?.role === 'supervisor';
        return reply.code(failing.length === 0 ? 200 : 503).send(operator ? { status, failing, parts } : { status });
      },
    );
  };

export async function checkAll(deps: HealthDeps): Promise<Record<string, PartState>> {
  const { config } = deps;
  const checks: [string, Promise<PartState>][] = [['temporal', checkTemporal(deps)]];
  for (const country of countries) checks.push([`national-system-${country}`, checkNationalSystem(config.national[country].url)]);
  checks.push([`worker:${config.taskQueues.transits}`, checkPollers(deps, config.taskQueues.transits, 'workflow')]);
  checks.push([`queue:${config.taskQueues.transits}`, checkWorkflowBacklog(deps, config.taskQueues.transits)]);
  for (const country of countries) {
    checks.push([`worker:${config.taskQueues.national[country]}`, checkPollers(deps, config.taskQueues.national[country], 'activity')]);
  }
  for (const country of countries) checks.push([`journal-${country}`, checkJournal(deps, country)]);
  const results = await Promise.all(checks.map(async ([name, check]) => [name, await check] as const));
  return Object.fromEntries(results);
}

/** A country's journal: read by Corridor's consumer, and its oldest unconsumed act within the limit. */
async function checkJournal({ client, config }: HealthDeps, country: (typeof countries)[number]): Promise<PartState> {
  try {
    const journal = await readJournalStatus(client, config.taskQueues.transits, country, config.journalMaxLagSeconds);
    const name = { fr: `journal ${countryOf(country, 'fr')}`, en: `${countryOf(country, 'en')}'s journal` };
    switch (journal.state) {
      case 'ok':
        return { ok: true, detail: `${name.en}: ${journal.backlog ?? 0} event(s) behind, lag ${journal.lagSeconds ?? 0} s` };
      case 'late':
        return {
          ok: false,
          detail: `${name.fr} en retard de ${journal.lagSeconds} s (limite ${config.journalMaxLagSeconds} s), ${journal.backlog} événement(s) en attente / ${name.en} is ${journal.lagSeconds} s behind (limit ${config.journalMaxLagSeconds} s), ${journal.backlog} event(s) waiting`,
        };
      default:
        return { ok: false, detail: `${name.fr} illisible / ${name.en} cannot be read: ${journal.problem ?? journal.state}` };
    }
  } catch (error) {
    return { ok: false, detail: `journal ${country}: ${message(error)}` };
  }
}

async function checkTemporal({ client }: HealthDeps): Promise<PartState> {
  try {
    const info = await client.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () => client.workflowService.getSystemInfo({}));
    return { ok: true, detail: `server ${info.serverVersion || 'reachable'}` };
  } catch (error) {
    return { ok: false, detail: `unreachable: ${message(error)}` };
  }
}

async function checkNationalSystem(url: string): Promise<PartState> {
  try {
    const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    return response.ok ? { ok: true, detail: url } : { ok: false, detail: `${url} answered ${response.status}` };
  } catch (error) {
    return { ok: false, detail: `${url} unreachable: ${message(error)}` };
  }
}

async function checkPollers({ client, namespace }: HealthDeps, taskQueue: string, kind: 'workflow' | 'activity'): Promise<PartState> {
  try {
    const response = await describeQueue(client, namespace, taskQueue, { kind, deadlineMs: CHECK_TIMEOUT_MS });
    const fresh = (response.pollers ?? []).filter((poller) => {
      const seconds = Number(poller.lastAccessTime?.seconds ?? 0);
      return Date.now() - seconds * 1000 < POLLER_FRESH_MS;
    });
    return fresh.length > 0 ? { ok: true, detail: `${fresh.length} ${kind} poller(s)` } : { ok: false, detail: `no ${kind} worker polling ${taskQueue}` };
  } catch (error) {
    return { ok: false, detail: `could not describe ${taskQueue}: ${message(error)}` };
  }
}

/**
 * The workflow task queue's oldest waiting task, from the server's own statistics
 * (DescribeTaskQueue with reportStats): a worker that still polls but no longer completes its
 * tasks (the SDK core stall, an overwhelmed worker) leaves them waiting there, which no poller
 * check sees.
 */
async function checkWorkflowBacklog({ client, namespace, config }: HealthDeps, taskQueue: string): Promise<PartState> {
  const limit = config.workflowQueueMaxWaitSeconds;
  try {
    const { waiting, oldestSeconds: seconds } = await workflowBacklog(client, namespace, taskQueue, CHECK_TIMEOUT_MS);
    if (seconds > limit) {
      return {
        ok: false,
        detail: `file ${taskQueue} : la plus ancienne tâche attend depuis ${seconds} s (limite ${limit} s), ${waiting} en attente ; le worker de workflows est arrêté ou bloqué / queue ${taskQueue}: its oldest task has waited ${seconds} s (limit ${limit} s), ${waiting} waiting; the workflow worker is stopped or stalled`,
      };
    }
    return { ok: true, detail: `${waiting} workflow task(s) waiting, oldest ${seconds} s` };
  } catch (error) {
    return { ok: false, detail: `could not describe ${taskQueue}: ${message(error)}` };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
