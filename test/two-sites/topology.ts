// The corridor on two sites, as deployed (README, "Two sites"):
//
//   Lomé (this test's own network namespace)        Ouagadougou (a namespace of its own)
//   Temporal dev server, workflow worker, API,  ══link══  Burkina's national system (sandbox)
//   Togo's national system and its worker        veth   and its worker (national-BF: activities
//                                                        and the journal consumer)
//
// The link is a veth pair the test cuts, restores or impairs; Burkina's officers reach their own
// system over their site's local network (a second pair), so they keep recording while the link
// is down. Burkina's processes are real child processes run with `ip netns exec`.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEVELOPMENT_USER_SECRET } from '../../src/national/sandbox/users.ts';
import { stopChild } from '../../src/process/stop-child.ts';
import { NationalScreens } from '../../src/simulation/national-screens.ts';
import { createSite, type Site } from '../harness/netns.ts';
import { freePort } from '../harness/ports.ts';
import { startStack, tempDir, temporalAddress, type Stack } from '../harness/stack.ts';
import { forwardTcp, type Forwarder } from '../harness/tcp-forward.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface TwoSites {
  stack: Stack;
  ouaga: Site;
  /** The officers' screens: Togo's system from Lomé, Burkina's over Ouagadougou's local network. */
  screens: NationalScreens;
  /** Burkina's system as its own officers and administrators reach it, and the sandbox's admin credential. */
  burkinaLocal: { url: string; adminHeaders: Record<string, string>; corridorHeaders: Record<string, string> };
  stop(): Promise<void>;
}

/** A process at Ouagadougou: what it says goes to a log file in the run's kept logs, its tail kept for errors. */
interface SiteProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  tail(): string;
}

function keepOutput(name: string, child: ChildProcess, logDir: string): SiteProcess {
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile);
  let tail = '';
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      tail = (tail + chunk.toString()).slice(-2000);
    });
  child.on('exit', (code, signal) => log.end(`\n[${name} ended: ${signal ?? `exit ${code}`}]\n`));
  return { name, child, logFile, tail: () => tail };
}

/**
 * Waits for `check`; a process of the site that ends meanwhile fails the wait at once, with what
 * it said, instead of leaving the test to wait out its limit.
 */
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, watched: SiteProcess[] = []): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const said = () => watched.map((p) => `--- ${p.name} (${p.logFile}), last words:\n${p.tail()}`).join('\n');
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    const ended = watched.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (ended) throw new Error(`${what}: ${ended.name} ended (${ended.child.signalCode ?? `exit ${ended.child.exitCode}`}) first\n${said()}`);
    await sleep(200);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms\n${said()}`);
}

/**
 * A step of the teardown that does not end in 30 s is named on stderr and left, so the namespace
 * still goes. Seen once (a run whose test failed seconds after the last discharge): Lomé's
 * worker's shutdown (worker.run() not resolving), cause not found.
 */
async function within(what: string, step: Promise<unknown> | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      process.stderr.write(`two sites: ${what} did not end within 30 s; going on\n`);
      resolve();
    }, 30_000);
  });
  const began = Date.now();
  await Promise.race([step, late]);
  clearTimeout(timer);
  // A slow step is named too, so the one that hangs now and then can be told from the others.
  const took = Date.now() - began;
  if (took > 5_000 && took < 30_000) process.stderr.write(`two sites: ${what} took ${took} ms\n`);
}

export interface TwoSitesOptions {
  /** Extra CORRIDOR_* variables for both sites (compressed time limits…). */
  env?: Record<string, string>;
  /** A Temporal server of the test's own, at Lomé, instead of the run's shared one. */
  temporalAddress?: string;
}

export async function startTwoSites(options: TwoSitesOptions = {}): Promise<TwoSites> {
  const { env = {} } = options;
  const cluster = options.temporalAddress ?? temporalAddress();
  const ouaga = createSite('ouaga');
  let forwarder: Forwarder | undefined;
  let stack: Stack | undefined;
  const site: SiteProcess[] = [];
  const logDir = tempDir('ouaga-logs');
  const stop = async () => {
    try {
      ouaga.clearImpairment();
      ouaga.restore();
      for (const { child } of site) await within('stopping a process at Ouagadougou', stopChild(child, { graceMs: 10_000 }));
      // One step: the stack's stop stops its worker itself, so a worker that hangs is waited for once, not twice.
      await within("stopping the stack at Lomé (API, worker, Togo's sandbox)", stack?.stop());
      await within('closing the forwarder to Temporal', forwarder?.close());
    } finally {
      ouaga.destroy();
    }
  };
  try {
    // Burkina's worker reaches the cluster at Lomé over the link, as it would a remote frontend.
    forwarder = await forwardTcp(ouaga.here, cluster);
    const port = await freePort();
    const token = randomBytes(24).toString('base64url');
    const adminToken = randomBytes(24).toString('base64url');
    stack = await startStack({ env, temporalAddress: cluster, elsewhere: { BF: { url: `http://${ouaga.there}:${port}`, token } } });

    // Ouagadougou: the sandbox listens on every address of its site (the link and the local
    // network), so it needs its own Corridor credential; its worker calls it over the site's loopback.
    const common = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      // Warnings and errors only, in the kept logs: enough to tell why a process did not come up.
      CORRIDOR_LOG_LEVEL: process.env.CORRIDOR_LOG_LEVEL && process.env.CORRIDOR_LOG_LEVEL !== 'silent' ? process.env.CORRIDOR_LOG_LEVEL : 'warn',
      // One data folder for both sites here only so that the act keys (`<data>/act-keys/`) match;
      // deployed, each site holds its own and the worker is given the public keys.
      CORRIDOR_DATA_DIR: stack.env.CORRIDOR_DATA_DIR ?? '',
      CORRIDOR_NATIONAL_BF_TOKEN: token,
    };
    const sandbox = ouaga.spawnNode(
      ['src/cli/main.ts', 'sandbox', '--country', 'BF'],
      { ...common, CORRIDOR_NATIONAL_BF_URL: `http://0.0.0.0:${port}`, CORRIDOR_SANDBOX_ADMIN_TOKEN: adminToken },
      ROOT,
    );
    site.push(keepOutput('sandbox-BF', sandbox, logDir));
    const localUrl = `http://${ouaga.thereLocal}:${port}`;
    await until('the Burkina sandbox at Ouagadougou answers', async () => (await fetch(`${localUrl}/health`)).ok, 60_000, site);
    const worker = ouaga.spawnNode(
      ['src/cli/main.ts', 'worker', '--queues', 'national-BF'],
      {
        ...stack.env,
        ...common,
        TEMPORAL_ADDRESS: forwarder.address,
        TEMPORAL_NAMESPACE: 'default',
        CORRIDOR_NATIONAL_BF_URL: `http://127.0.0.1:${port}`,
        CORRIDOR_WORKER_METRICS_PORT: String(await freePort()),
      },
      ROOT,
    );
    site.push(keepOutput('worker-national-BF', worker, logDir));
    // Started only once it polls, so a test's clock starts with both sides working (a worker that
    // cannot reach the cluster waits for it, saying so in its log).
    const queue = stack.config.taskQueues.national.BF;
    await until(
      "Burkina's worker at Ouagadougou polls its queue",
      async () =>
        ((await stack!.client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: queue }, taskQueueType: 2 })).pollers ?? []).length >
        0,
      120_000,
      site,
    );
    const screens = new NationalScreens({ TG: stack.sandboxes.TG.url, BF: localUrl }, DEVELOPMENT_USER_SECRET);
    return {
      stack,
      ouaga,
      screens,
      burkinaLocal: { url: localUrl, adminHeaders: { authorization: `Bearer ${adminToken}` }, corridorHeaders: { authorization: `Bearer ${token}` } },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
