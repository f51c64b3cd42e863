// What the figures were measured on: they mean little without the machine and the versions.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface Machine {
  host: string;
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  os: string;
  loadAverageAtStart: number[];
  versions: { node: string; temporalSdk: string; fastify: string; betterSqlite3: string; corridor: string };
}

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function describeMachine(): Machine {
  return {
    host: os.hostname(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
    versions: {
      node: process.version,
      temporalSdk: versionOf('@temporalio/worker'),
      fastify: versionOf('fastify'),
      betterSqlite3: versionOf('better-sqlite3'),
      corridor: (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version,
    },
  };
}
