// Runs the Temporal server of the cluster profile (all four services in one process) and
// stops it; its output goes to a log file beside its configuration.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { Connection } from '@temporalio/client';
import { stopChild } from '../process/stop-child.ts';

export interface RunningServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startClusterServer(options: { binary: string; configFile: string; logFile: string; port: number }): Promise<RunningServer> {
  const out = openSync(options.logFile, 'a');
  // No authorizer in this profile: the frontend listens on 127.0.0.1 only. A multi-host
  // deployment puts mTLS and an authorizer in front (see the README).
  const child = spawn(options.binary, ['--config-file', options.configFile, '--allow-no-auth', 'start'], { stdio: ['ignore', out, out] });
  const address = `127.0.0.1:${options.port}`;
  const deadline = Date.now() + 180_000;
  while (!(await serving(address))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the Temporal server exited at start-up${lastFailure(options.logFile)}; see ${options.logFile}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the Temporal server did not answer on ${address} within 180 s${lastFailure(options.logFile)}; see ${options.logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return {
    address,
    process: child,
    stop: () => stopChild(child, { graceMs: 20_000 }),
  };
}

async function serving(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

/** The server's own reason, from the last fatal or error line of its JSON log. */
function lastFailure(logFile: string): string {
  let lines: string[];
  try {
    lines = readFileSync(logFile, 'utf8').trim().split('\n').slice(-200).reverse();
  } catch {
    return '';
  }
  for (const level of ['fatal', 'error']) {
    for (const line of lines) {
      try {
        const entry = JSON.parse(line) as { level?: string; msg?: string; error?: string };
        if (entry.level === level) return `: ${entry.msg}${entry.error ? ` (${entry.error})` : ''}`;
      } catch {
        // not a JSON line
      }
    }
  }
  return '';
}
