// The cluster profile's Temporal: PostgreSQL checked, binaries built once, schema created or
// migrated, configuration written from the repo's template, server started, namespace and
// search attributes registered, and Temporal's Web UI server beside it.
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { findServerBinaries, findUiServer, type ServerBinaries } from './binaries.ts';
import { ensureNamespace } from './namespace.ts';
import { checkPostgres, describeTarget, postgresTarget, type PostgresTarget } from './postgres.ts';
import { describeOutcome, ensureSchema } from './schema.ts';
import { clusterPorts, writeServerConfig, type ClusterPorts } from './server-config.ts';
import { startClusterServer, type RunningServer } from './server.ts';
import { startUiServer, type RunningUiServer } from './ui-server.ts';

type Say = (line: string) => void;

export interface ClusterOptions {
  pgUrl: string;
  /** The frontend's gRPC port; the server takes the block of ports after it. */
  port: number;
  historyShards: number;
  retentionDays: number;
  namespace: string;
  /** Where the rendered configuration and the logs go. */
  dir: string;
  say?: Say;
  env?: NodeJS.ProcessEnv;
}

export interface PreparedCluster {
  target: PostgresTarget;
  binaries: ServerBinaries;
  ports: ClusterPorts;
  configFile: string;
  logFile: string;
  address: string;
}

/** Everything before the server runs; idempotent, so every start goes through it. */
export async function prepareCluster(options: ClusterOptions): Promise<PreparedCluster> {
  const say = options.say ?? (() => undefined);
  const target = postgresTarget(options.pgUrl);
  const version = await checkPostgres(target);
  say(`corridor: PostgreSQL ${version} at ${describeTarget(target)}`);
  const binaries = await findServerBinaries({ say, ...(options.env ? { env: options.env } : {}) });
  for (const outcome of await ensureSchema(binaries.sqlTool, target)) say(`corridor: ${describeOutcome(outcome)}`);
  const ports = clusterPorts(options.port);
  const configFile = writeServerConfig({ target, historyShards: options.historyShards, ports, dir: options.dir });
  return { target, binaries, ports, configFile, logFile: path.join(options.dir, 'temporal-server.log'), address: `127.0.0.1:${ports.frontend}` };
}

export function runServer(prepared: PreparedCluster): Promise<RunningServer> {
  return startClusterServer({ binary: prepared.binaries.server, configFile: prepared.configFile, logFile: prepared.logFile, port: prepared.ports.frontend });
}

export interface RunningCluster {
  prepared: PreparedCluster;
  server: RunningServer;
  ui: RunningUiServer | undefined;
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions & { ui?: { port: number; codecEndpoint: string } }): Promise<RunningCluster> {
  const say = options.say ?? (() => undefined);
  const prepared = await prepareCluster(options);
  say(`corridor: starting the Temporal server on ${prepared.address} (${options.historyShards} history shards; log ${prepared.logFile})`);
  const server = await runServer(prepared);
  const connection = await Connection.connect({ address: prepared.address });
  try {
    const { created, added } = await ensureNamespace(connection, options.namespace, options.retentionDays);
    if (created) say(`corridor: namespace ${options.namespace} created (retention ${options.retentionDays} days)`);
    if (added.length > 0) say(`corridor: registered search attributes ${added.join(', ')}`);
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    await connection.close();
  }
  let ui: RunningUiServer | undefined;
  if (options.ui) {
    try {
      const binary = await findUiServer({ say, ...(options.env ? { env: options.env } : {}) });
      ui = await startUiServer({
        binary,
        temporalAddress: prepared.address,
        namespace: options.namespace,
        port: options.ui.port,
        codecEndpoint: options.ui.codecEndpoint,
        dir: path.join(options.dir, 'ui'),
      });
    } catch (error) {
      await server.stop();
      throw error;
    }
  }
  return {
    prepared,
    server,
    ui,
    async stop() {
      await ui?.stop();
      await server.stop();
    },
  };
}
