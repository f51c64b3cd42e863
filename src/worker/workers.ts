// Builds the Workers of one process: `transits` runs the workflows and Corridor's own
// activities; each `national-XX` runs one country's national system activities with that
// country's settings only, so a country's worker can run next to its own system.
import { Client } from '@temporalio/client';
import { type NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createArchiveActivities } from '../../activities/archive.ts';
import { createCorridorActivities } from '../../activities/corridor.ts';
import { createNationalActivities } from '../../activities/national.ts';
import { createJournalActivities, httpJournalReader } from '../../activities/journal.ts';
import { createNationalReconciliationActivities, createReconciliationListActivities } from '../../activities/reconciliation.ts';
import { ensureReconciliationSchedule } from '../reconciliation/schedule.ts';
import { movementsToCompare } from '../reconciliation/reconcile.ts';
import { sqliteComparisonMemory } from '../reconciliation/memory.ts';
import { loadReferenceData } from '../domain/reference-data.ts';
import type { ReferenceData } from '../domain/types.ts';
import type { Config } from '../config/env.ts';
import type { Logger } from '../logging/logger.ts';
import { createHttpNationalClient } from '../national/client.ts';
import { corridorAuthorization } from '../national/credential.ts';
import { corridorDataConverter } from '../codec/data-converter.ts';
import { TransitClient } from '../client/transits.ts';
import { openArchive } from '../archive/open.ts';
import { ensureArchiver } from '../archive/start.ts';
import { queueName, type QueueRole } from './queues.ts';
import { activityWorkerTuning, workflowWorkerTuning } from './tuning.ts';
import { withBundleGlobals } from './bundle-globals.ts';
import { PROMISE_STACKS_OFF, promiseStacksOff } from './node-args.ts';
import { transitsWorkerIdentity } from '../temporal/lifecycle-baseline.ts';
import { vouchPublicKeys } from '../auth/act-keys.ts';

export interface WorkerSetup {
  config: Config;
  connection: NativeConnection;
  namespace: string;
  roles: QueueRole[];
  /** Required when `transits` is among the roles. */
  workflowBundle?: WorkflowBundleOption;
  /** Reference data (offices, routes) for planning movements lodged in a national system; loaded when absent. */
  reference?: ReferenceData;
  logger: Logger;
}

export async function createWorkers(setup: WorkerSetup): Promise<Worker[]> {
  const { config, connection, namespace, logger } = setup;
  // The codec runs here, outside the workflow sandbox: the bundle only ever sees clear payloads.
  const dataConverter = corridorDataConverter(config.codec.keys);
  return Promise.all(
    setup.roles.map(async (role) => {
      const taskQueue = queueName(role, config);
      if (role.kind === 'transits') {
        if (!setup.workflowBundle) throw new Error('the transits queue needs the workflow bundle');
        const vouchKeys = vouchPublicKeys(config);
        // An operator compares these with the keys the API and each country's worker hold: a mismatch refuses every act.
        logger.info({ queue: taskQueue, publicKeys: vouchKeys }, 'acts are checked against these public keys');
        if (config.workflowStackFrames === 0 && !promiseStacksOff()) {
          // Started by hand without Corridor's node flags: every promise of every movement still pays for a stack capture.
          logger.warn(
            { queue: taskQueue, nodeOptions: `--require ${PROMISE_STACKS_OFF}` },
            'worker started without its node flags: workflow threads capture a stack per promise (about a seventh of the CPU); start it with NODE_OPTIONS set to nodeOptions',
          );
        }
        const client = new Client({ connection, namespace, dataConverter });
        const worker = await Worker.create({
          connection,
          namespace,
          taskQueue,
          dataConverter,
          // Says which lifecycle baseline it runs: the starters start new movements on none above it.
          identity: transitsWorkerIdentity(),
          // The public keys acts are checked against come from this process's configuration, never from a payload.
          workflowBundle: withBundleGlobals(setup.workflowBundle, {
            vouchKeys,
            encodeFailures: config.codec.keys !== undefined,
            stackFrames: config.workflowStackFrames,
          }),
          activities: {
            ...createCorridorActivities({
              notifyUrl: config.notifyUrl,
              notifySecret: config.notifySecret,
              logger: logger.child({ queue: taskQueue }),
              transits: new TransitClient(client, config, namespace),
            }),
            ...createArchiveActivities({
              client,
              namespace,
              taskQueue,
              openStore: () => openArchive(config),
              pollMs: config.archive.pollMs,
              retentionDays: config.archive.retentionDays,
              logger: logger.child({ queue: taskQueue, archive: true }),
            }),
            ...createReconciliationListActivities({ client, config }),
          },
          ...workflowWorkerTuning,
        });
        // The archiver runs as long as Corridor does; starting it again finds the running one.
        await ensureArchiver(client, config);
        // The worker that runs the reconciliation keeps its schedule at this configuration, but
        // leaves an operator's pause in place.
        const schedule = await ensureReconciliationSchedule(client, config, (note) =>
          logger.warn(
            { note },
            'rapprochement suspendu par un opérateur : laissé suspendu / reconciliation paused by an operator: left paused (temporal schedule toggle --unpause to resume)',
          ),
        );
        logger.info({ schedule }, 'reconciliation schedule');
        return worker;
      }
      const { url, token } = config.national[role.country];
      // The credential as a header, so the client keeps its kept-alive node:http transport (a
      // wrapped fetch made every national call go through undici).
      const client = createHttpNationalClient({ country: role.country, baseUrl: url, timeoutMs: config.national.timeoutMs, token });
      // The journal consumer vouches for its own country's events with its own country's key.
      const temporal = new Client({ connection, namespace, dataConverter });
      const transits = new TransitClient(temporal, config, namespace, { consumerOf: role.country });
      const journal = createJournalActivities({
        country: role.country,
        read: httpJournalReader(url, corridorAuthorization(url, token)),
        transits,
        reference: setup.reference ?? loadReferenceData(),
        logger: logger.child({ queue: taskQueue, journal: role.country }),
      });
      const worker = await Worker.create({
        connection,
        namespace,
        taskQueue,
        dataConverter,
        activities: {
          ...createNationalActivities(client, logger.child({ queue: taskQueue })),
          ...journal,
          ...createNationalReconciliationActivities({
            country: role.country,
            system: client,
            transits,
            list: (closedWithinDays, at, listing) => movementsToCompare(temporal, config, closedWithinDays, at, listing),
            memory: sqliteComparisonMemory(config.dataDir, role.country),
            logger: logger.child({ queue: taskQueue, reconciliation: true }),
          }),
        },
        ...activityWorkerTuning,
      });
      // The country's journal feed runs as long as Corridor does; starting it again finds the running one.
      await transits.ensureJournalFeed(role.country);
      return worker;
    }),
  );
}
