// Temporal connection settings come from @temporalio/envconfig (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE and the TOML profile file), as for Temporal's own tools.
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from '../config/env.ts';
import { corridorDataConverter } from '../codec/data-converter.ts';

export interface TemporalSettings {
  connectionOptions: NativeConnectionOptions & { address: string };
  namespace: string;
  /** True when Corridor runs its own dev server (TEMPORAL_ADDRESS not set). */
  embedded: boolean;
  /** Encrypts payloads when CORRIDOR_CODEC_KEYS is set; every client must use it to read what workers write. */
  dataConverter: DataConverter;
}

export function temporalSettings(config: Config, env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const loaded = loadClientConnectConfig({ overrideEnvVars: definedOnly(env) });
  const address = loaded.connectionOptions.address;
  return {
    connectionOptions: { ...loaded.connectionOptions, address: address ?? `127.0.0.1:${config.temporal.devPort}` },
    namespace: loaded.namespace ?? 'default',
    embedded: !address,
    dataConverter: corridorDataConverter(config.codec.keys),
  };
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export async function connectClient(settings: TemporalSettings): Promise<Client> {
  const { address, tls, apiKey, metadata } = settings.connectionOptions;
  const connection = await Connection.connect({
    address,
    ...(tls !== undefined ? { tls } : {}),
    ...(apiKey !== undefined && typeof apiKey === 'string' ? { apiKey } : {}),
    ...(metadata ? { metadata } : {}),
  });
  return new Client({ connection, namespace: settings.namespace, dataConverter: settings.dataConverter });
}

export function connectWorkerConnection(settings: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect(settings.connectionOptions);
}
