// Writes the Temporal server's configuration from the template kept in the repo
// (config/temporal-cluster.yaml.tmpl), so what runs is what is reviewed.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PostgresTarget } from './postgres.ts';

export const TEMPLATE = fileURLToPath(new URL('../../config/temporal-cluster.yaml.tmpl', import.meta.url));
const DYNAMIC_CONFIG = fileURLToPath(new URL('../../config/temporal-dynamicconfig.yaml', import.meta.url));

/** The server's ports: a block of nine from the frontend's gRPC port. */
export interface ClusterPorts {
  frontend: number;
  history: number;
  matching: number;
  worker: number;
  frontendHttp: number;
  frontendMembership: number;
  historyMembership: number;
  matchingMembership: number;
  workerMembership: number;
}

export const PORT_BLOCK = 9;

export function clusterPorts(frontend: number): ClusterPorts {
  return {
    frontend,
    history: frontend + 1,
    matching: frontend + 2,
    worker: frontend + 3,
    frontendHttp: frontend + 4,
    frontendMembership: frontend + 5,
    historyMembership: frontend + 6,
    matchingMembership: frontend + 7,
    workerMembership: frontend + 8,
  };
}

export interface ServerConfigInput {
  target: PostgresTarget;
  historyShards: number;
  ports: ClusterPorts;
  /** Where the rendered files go. */
  dir: string;
}

export function renderServerConfig(template: string, input: Omit<ServerConfigInput, 'dir'> & { dynamicConfigFile: string }): string {
  const { target, ports } = input;
  const values: Record<string, string | number> = {
    HISTORY_SHARDS: input.historyShards,
    PG_DATABASE: target.database,
    PG_VISIBILITY_DATABASE: target.visibilityDatabase,
    PG_ADDRESS: `${target.host}:${target.port}`,
    PG_USER: target.user,
    PG_PASSWORD: target.password,
    FRONTEND_PORT: ports.frontend,
    FRONTEND_HTTP_PORT: ports.frontendHttp,
    FRONTEND_MEMBERSHIP_PORT: ports.frontendMembership,
    HISTORY_PORT: ports.history,
    HISTORY_MEMBERSHIP_PORT: ports.historyMembership,
    MATCHING_PORT: ports.matching,
    MATCHING_MEMBERSHIP_PORT: ports.matchingMembership,
    WORKER_PORT: ports.worker,
    WORKER_MEMBERSHIP_PORT: ports.workerMembership,
    FRONTEND_ADDRESS: `127.0.0.1:${ports.frontend}`,
    FRONTEND_HTTP_ADDRESS: `127.0.0.1:${ports.frontendHttp}`,
    DYNAMIC_CONFIG_FILE: input.dynamicConfigFile,
  };
  return fillTemplate(template.replace(/^\{\{PG_TLS\}\}\n/gm, tlsBlock(target)), values, TEMPLATE);
}

/** Replaces every {{NAME}}; an unknown name is an error, so a template and its code cannot drift apart silently. */
export function fillTemplate(template: string, values: Record<string, string | number>, source: string): string {
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${source}: unknown placeholder {{${name}}}`);
    // A JSON string is a valid YAML double-quoted scalar, whatever it holds (a password with quotes…).
    return typeof value === 'number' ? String(value) : JSON.stringify(value);
  });
}

function tlsBlock(target: PostgresTarget): string {
  if (target.tls === 'disable') return '';
  const lines = ['        tls:', '          enabled: true', `          enableHostVerification: ${target.tls === 'verify-full'}`];
  if (target.caFile) lines.push(`          caFile: ${JSON.stringify(target.caFile)}`);
  return `${lines.join('\n')}\n`;
}

/** Renders into `dir`; the file holds the database password, so only its owner reads it. */
export function writeServerConfig(input: ServerConfigInput): string {
  mkdirSync(input.dir, { recursive: true });
  const dynamicConfigFile = path.join(input.dir, 'dynamicconfig.yaml');
  copyFileSync(DYNAMIC_CONFIG, dynamicConfigFile);
  const file = path.join(input.dir, 'temporal.yaml');
  writeFileSync(file, renderServerConfig(readFileSync(TEMPLATE, 'utf8'), { ...input, dynamicConfigFile }), { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
