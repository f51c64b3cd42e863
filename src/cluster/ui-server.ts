// Temporal's Web UI server against the cluster profile's server, configured from
// config/temporal-ui.yaml.tmpl to decode payloads through Corridor's codec endpoint.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../process/stop-child.ts';
import { fillTemplate } from './server-config.ts';

const TEMPLATE = fileURLToPath(new URL('../../config/temporal-ui.yaml.tmpl', import.meta.url));
const ENVIRONMENT = 'corridor';

export interface UiServerOptions {
  binary: string;
  temporalAddress: string;
  namespace: string;
  port: number;
  /** The codec endpoint as the operator's browser reaches it, e.g. http://127.0.0.1:8080/codec. */
  codecEndpoint: string;
  dir: string;
}

export interface RunningUiServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startUiServer(options: UiServerOptions): Promise<RunningUiServer> {
  mkdirSync(options.dir, { recursive: true });
  const url = `http://127.0.0.1:${options.port}`;
  const yaml = fillTemplate(
    readFileSync(TEMPLATE, 'utf8'),
    {
      TEMPORAL_ADDRESS: options.temporalAddress,
      UI_PORT: options.port,
      NAMESPACE: options.namespace,
      UI_ORIGIN: url,
      CODEC_ENDPOINT: options.codecEndpoint,
      CODEC_LOGIN: `${options.codecEndpoint}/login`,
    },
    TEMPLATE,
  );
  writeFileSync(path.join(options.dir, `${ENVIRONMENT}.yaml`), yaml);
  const out = openSync(path.join(options.dir, 'ui-server.log'), 'a');
  const child = spawn(options.binary, ['--root', options.dir, '--config', '.', '--env', ENVIRONMENT, 'start'], { stdio: ['ignore', out, out] });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Temporal Web UI server exited at start-up; see ${path.join(options.dir, 'ui-server.log')}`);
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the Temporal Web UI server did not answer on ${url} within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return {
    url,
    process: child,
    stop: () => stopChild(child, { graceMs: 10_000 }),
  };
}
