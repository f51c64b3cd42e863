// Temporal connection settings come from @temporalio/envconfig (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE and the TOML profile file), as for Temporal's own tools.
import { setTimeout as sleep } from 'node:timers/promises';
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

export interface PatientConnectOptions {
  /** Told of each failed attempt before the wait that follows it. */
  onRetry(error: unknown, retryInMs: number, attempt: number): void;
  /** Ends the waiting (the process is asked to stop): the last error is thrown. */
  signal?: AbortSignal;
  /** Longest wait between attempts (15 s). */
  maxDelayMs?: number;
}

/**
 * A worker at the other capital may start while the link to the cluster is down, or before the
 * cluster is up after a power cut: it waits for the cluster, saying so at each attempt, instead
 * of exiting and leaving its country's queue without a poller until someone restarts it.
 * Without `patient`, one attempt (the first error is thrown).
 */
export async function connectWorkerConnection(settings: TemporalSettings, patient?: PatientConnectOptions): Promise<NativeConnection> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await NativeConnection.connect(settings.connectionOptions);
    } catch (error) {
      if (!patient || patient.signal?.aborted) throw error;
      const retryInMs = Math.min(patient.maxDelayMs ?? 15_000, 500 * 2 ** Math.min(attempt - 1, 10));
      patient.onRetry(error, retryInMs, attempt);
      try {
        await sleep(retryInMs, undefined, patient.signal ? { signal: patient.signal } : {});
      } catch {
        throw error;
      }
    }
  }
}
