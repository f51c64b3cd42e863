// `npm run worker -- --queues transits,national-TG,national-BF` (all three by default).
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { loadConfig, type CountryCode } from '../config/env.ts';
import { createLogger } from '../logging/logger.ts';
import { connectWorkerConnection, temporalSettings } from '../temporal/connection.ts';
import { stringFlag, type Flags } from '../cli/args.ts';
import { stopWhenOrphaned } from '../cli/orphan.ts';
import { buildWorkflowBundle } from './bundle.ts';
import { limitWorkflowThreadHeap } from './heap.ts';
import { parseQueues, queueName } from './queues.ts';
import { createWorkers } from './workers.ts';
import { startStallWatch } from './stall-watch.ts';
import { coreLog, finer } from './core-log.ts';
import { workflowBacklog } from '../temporal/task-queue.ts';

/**
 * SDK warnings about how Corridor is meant to run, which nobody can act on: the national-TG and
 * national-BF workers run activities only, by design, and the SDK warns about each at start.
 * Still logged, at debug.
 */
const EXPECTED_SDK_WARNINGS = new Set(['No workflows registered, not polling for workflow tasks']);
const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

export async function runWorker(flags: Flags): Promise<void> {
  // Two passes: the queues say which countries this process serves, and it reads the national
  // settings (URL, credential) of those countries only; a national-TG worker never sees BF's.
  const roles = parseQueues(flags.queues === undefined ? undefined : stringFlag(flags, 'queues'), loadConfig(process.env, { countries: [] }));
  const served = roles.flatMap((role): CountryCode[] => (role.kind === 'national' ? [role.country] : []));
  const config = loadConfig(process.env, { countries: served });
  const logger = createLogger('worker', config.logLevel, config.logFormat);
  const sdkLevel: LogLevel = config.logLevel === 'debug' || config.logLevel === 'trace' ? 'DEBUG' : 'WARN';
  const core = coreLog(config.sdkCoreLog);
  Runtime.install({
    // Let through the finest of what the worker's level and the core's setting ask for.
    logger: new DefaultLogger(finer(sdkLevel, core.finest), (entry) => {
      // The core's lines at their own level; the TypeScript SDK's below WARN at debug, as before.
      const ownLevel = entry.meta?.sdkComponent === 'core' || entry.level === 'WARN' || entry.level === 'ERROR';
      const level = !EXPECTED_SDK_WARNINGS.has(entry.message) && ownLevel ? PINO_LEVEL[entry.level] : 'debug';
      logger[level](entry.meta ?? {}, entry.message);
    }),
    telemetryOptions: {
      // Through the logger above (JSON, `sdkComponent: core`), not printed by the core on stderr.
      logging: { filter: core.filter, forward: {} },
      metrics: { prometheus: { bindAddress: `127.0.0.1:${config.workerMetricsPort}` } },
    },
  });

  const settings = temporalSettings(config);
  // The SDK's Runtime already holds SIGINT and SIGTERM for the workers it will run; while there
  // are none yet, a stop request ends the waiting for the cluster here.
  const stopWaiting = new AbortController();
  const stop = () => stopWaiting.abort();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, stop);
  let connection: Awaited<ReturnType<typeof connectWorkerConnection>>;
  try {
    connection = await connectWorkerConnection(settings, {
      signal: stopWaiting.signal,
      onRetry: (error, retryInMs, attempt) =>
        logger.warn(
          {
            address: settings.connectionOptions.address,
            attempt,
            retryInSeconds: retryInMs / 1000,
            error: error instanceof Error ? error.message : String(error),
          },
          'cluster Temporal injoignable, nouvel essai / Temporal cluster unreachable, trying again',
        ),
    });
  } catch (error) {
    if (stopWaiting.signal.aborted) {
      logger.info('worker stopped while waiting for the Temporal cluster');
      return;
    }
    throw error;
  } finally {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, stop);
  }
  const started = Date.now();
  const needsBundle = roles.some((role) => role.kind === 'transits');
  if (needsBundle) limitWorkflowThreadHeap(config);
  const workflowBundle = !needsBundle ? undefined : config.workflowBundlePath ? { codePath: config.workflowBundlePath } : await buildWorkflowBundle();
  if (workflowBundle) logger.info({ seconds: (Date.now() - started) / 1000 }, 'workflow bundle built');
  const workers = await createWorkers({
    config,
    connection,
    namespace: settings.namespace,
    roles,
    ...(workflowBundle ? { workflowBundle } : {}),
    logger,
  });
  logger.info({ queues: roles.map((role) => queueName(role, config)), namespace: settings.namespace }, 'worker polling');
  // Each Worker stops gracefully on SIGINT/SIGTERM (the SDK's Runtime installs the handlers),
  // and when the supervisor is gone.
  if (process.env.CORRIDOR_SUPERVISED)
    stopWhenOrphaned(() => {
      for (const worker of workers) worker.shutdown();
    });
  let stalled = false;
  const stopWatch =
    needsBundle && config.workerStallExitSeconds !== undefined
      ? startStallWatch({
          metricsUrl: `http://127.0.0.1:${config.workerMetricsPort}/metrics`,
          taskQueue: config.taskQueues.transits,
          stalledAfterMs: config.workerStallExitSeconds * 1000,
          waitingTasks: async () =>
            (await workflowBacklog(new Client({ connection, namespace: settings.namespace }), settings.namespace, config.taskQueues.transits, 5_000)).waiting,
          onStall: ({ stuckForSeconds, waitingTasks, slots }) => {
            const figures = { stuckForSeconds, waitingTasks, slotsUsed: slots.used, slotsAvailable: slots.available, exitCode: STALLED_EXIT_CODE };
            if (slots.available === 0)
              logger.error(
                figures,
                'worker bloqué : toutes ses places de tâches de workflow sont prises et aucune ne se libère ; il s’arrête pour être relancé / ' +
                  'worker stalled: every workflow task slot held and none freed; exiting to be started again',
              );
            else
              logger.error(
                figures,
                `places de tâches de workflow perdues : ${slots.used} tenue(s) sans qu'aucune tâche ne se termine depuis ${stuckForSeconds} s, leurs mouvements attendent ; le worker s’arrête pour être relancé / ` +
                  `workflow task slots lost: ${slots.used} held with no task completed for ${stuckForSeconds} s, their movements waiting; exiting to be started again`,
              );
            stalled = true;
            for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
            // A slot lost in the core may keep the shutdown from ending: the exit does not wait for it.
            setTimeout(() => process.exit(STALLED_EXIT_CODE), 15_000).unref();
          },
        })
      : () => undefined;
  await Promise.all(workers.map((worker) => worker.run()));
  stopWatch();
  await connection.close();
  if (stalled) process.exit(STALLED_EXIT_CODE);
  logger.info('worker stopped');
}

/** EX_SOFTWARE: a supervisor restarts it like any other failure; the log line before says why. */
const STALLED_EXIT_CODE = 70;
