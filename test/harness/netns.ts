// A second site for the two-site tests: a Linux network namespace joined to this one (the test
// process's site) by the "link" between the capitals, which a test cuts (`ip link set … down`),
// restores, or slows and makes lossy while everything runs. A second veth pair stands for the
// site's own local network: the officers at that site reach their own national system over it,
// so they keep working while the link is cut.
//
// The link passes through a third namespace of its own, where the link emulator
// (tools/link-emulator) relays every frame between two TAP devices, each bridged to one veth end:
//
//   here ── veth ── [bridge ── TAP] ══ emulator ══ [TAP ── bridge] ── veth ── there
//   (this site)          link namespace: delay, loss, each way              (the site)
//
// The emulator is what `tc netem` would be on the veth ends, in user space, because this kernel
// (and CI's, of the same kind) has no sch_netem. It is always there, with no impairment until a
// test asks, so the cut, the slow and the clean link are one topology. Needs root, iproute2,
// /dev/net/tun and Go (to build the emulator once); `namespacesUnavailable()` says why not, so a
// test can skip saying so.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { controlLink, goMissing, linkEmulatorBinary, type LinkStats, parseStats } from './link-emulator.ts';

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

let checked: string | undefined | null = null;

/**
 * Why the two sites cannot be built here, or undefined when they can: not root, no iproute2, no
 * network namespaces, no TAP devices (/dev/net/tun) or bridges for the link, or no Go to build
 * the link emulator with. A link emulator that does not compile is a failure, not a reason to skip.
 */
export function namespacesUnavailable(): string | undefined {
  if (checked !== null) return checked;
  const probe = `cor-probe-${randomBytes(3).toString('hex')}`;
  let step = 'create a network namespace (is iproute2 installed? .ci/run installs it)';
  try {
    if (process.platform !== 'linux') checked = `network namespaces are Linux's; this is ${process.platform}`;
    else if (process.getuid?.() !== 0) checked = 'network namespaces need root (CI runs these tests as root)';
    else {
      ip('netns', 'add', probe);
      step = 'create a TAP device for the link emulator (is /dev/net/tun there?)';
      ip('-n', probe, 'tuntap', 'add', 'dev', 'corprobe', 'mode', 'tap');
      step = 'create a bridge for the link (is the kernel built with bridges?)';
      ip('-n', probe, 'link', 'add', 'corprobebr', 'type', 'bridge');
      checked = goMissing();
    }
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    checked = `cannot ${step}: ${message}`;
  } finally {
    try {
      ip('netns', 'del', probe);
    } catch {}
  }
  if (checked === undefined) linkEmulatorBinary();
  return checked;
}

/**
 * Why the link cannot be slowed or made lossy here, or undefined when it can. The link emulator,
 * always on the link, delays and drops in user space, so this kernel's lack of `tc netem`
 * (sch_netem) does not matter: wherever the two sites can be built, the link can be impaired.
 */
export function impairmentUnavailable(): string | undefined {
  return namespacesUnavailable();
}

export interface Impairment {
  /**
   * Added to each way of the link, so a round trip takes twice this (netem's `delay` on both ends).
   * IP only: ARP crosses at once (tools/link-emulator says why).
   */
  delayMs: number;
  /** Packets lost at random, in each way. */
  lossPercent: number;
}

export interface Site {
  /** The namespace's name, for `ip netns exec`. */
  ns: string;
  /** This site's address on the link, and the other site's. */
  here: string;
  there: string;
  /** The other site's address on its local network (its officers' way to their own system). */
  thereLocal: string;
  /** Cuts the link: both ends down, so neither side can reach the other. */
  cut(): void;
  restore(): void;
  /** Slows the link and makes it lossy, each way; applied when this returns. */
  impair(impairment: Impairment): void;
  clearImpairment(): void;
  /** What crossed the link and what it lost, since the site was made: ab is here → there. */
  linkStats(): LinkStats;
  /** Runs `node --import tsx <args>` inside the site, as its own process (stdout and stderr piped). */
  spawnNode(args: string[], env: NodeJS.ProcessEnv, cwd: string): ChildProcess;
  destroy(): void;
}

/**
 * Makes a site named after `label` (a few letters) in a namespace of its own, on a random
 * 10.x.y.0/29 so parallel test files never share addresses: .1/.2 the link, .5/.6 the site's
 * local network (reached from here only by the test, standing in for the officers' screens).
 */
export function createSite(label: string): Site {
  const unavailable = namespacesUnavailable();
  if (unavailable) throw new Error(unavailable);
  const tag = randomBytes(3).toString('hex');
  const ns = `cor-${label}-${tag}`;
  const linkNs = `${ns}-link`;
  // This site's and the other site's ends of the link, and their peers in the link's namespace.
  const [wanHere, wanThere, wanHerePeer, wanTherePeer] = [`w${tag}a`, `w${tag}b`, `w${tag}c`, `w${tag}d`];
  const [bridgeHere, bridgeThere, tapHere, tapThere] = [`b${tag}a`, `b${tag}b`, `t${tag}a`, `t${tag}b`];
  const [lanHere, lanThere] = [`l${tag}a`, `l${tag}b`];
  const net = `10.${randomInt(100, 250)}.${randomInt(0, 32) * 8}`;
  const [here, there, lanHereAddress, thereLocal] = [`${net}.1`, `${net}.2`, `${net}.5`, `${net}.6`];
  const controlDir = mkdtempSync(path.join(os.tmpdir(), `corridor-link-${tag}-`));
  const control = path.join(controlDir, 'control.sock');
  let emulator: ChildProcess | undefined;
  let destroyed = false;

  // A test process that ends without its `after` (a crash, a timeout, Ctrl-C, a runner's SIGTERM)
  // still leaves nothing behind. (Killed outright, it closes the emulator's stdin, and the
  // emulator ends on its own; only the namespaces remain then.)
  process.once('exit', () => destroy());
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      destroy();
      // Nobody else handles it: the signal's own ending, as if this listener were not there.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });

  function destroy(): void {
    if (destroyed) return;
    destroyed = true;
    if (emulator?.pid && emulator.exitCode === null && emulator.signalCode === null) {
      try {
        process.kill(emulator.pid, 'SIGKILL');
      } catch {}
    }
    // Deleting a namespace deletes the devices in it, and each veth pair with its end there.
    for (const name of [ns, linkNs]) {
      try {
        ip('netns', 'del', name);
      } catch {}
    }
    // The link namespace lingers until the emulator, killed, has gone: this side's ends go now.
    for (const dev of [wanHere, lanHere]) {
      try {
        ip('link', 'del', dev);
      } catch {}
    }
    rmSync(controlDir, { recursive: true, force: true });
  }

  try {
    ip('netns', 'add', ns);
    ip('netns', 'add', linkNs);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    // The site's local network: a plain veth pair, never impaired.
    ip('link', 'add', lanHere, 'type', 'veth', 'peer', 'name', lanThere, 'netns', ns);
    // The link: each end a veth pair whose other end is bridged, in the link's namespace, to a TAP.
    ip('link', 'add', wanHere, 'type', 'veth', 'peer', 'name', wanHerePeer, 'netns', linkNs);
    ip('-n', linkNs, 'link', 'add', wanTherePeer, 'type', 'veth', 'peer', 'name', wanThere, 'netns', ns);
    for (const bridge of [bridgeHere, bridgeThere]) ip('-n', linkNs, 'link', 'add', bridge, 'type', 'bridge');
    emulator = startEmulator(linkNs, tapHere, tapThere, control);
    // The emulator makes its TAPs; once it answers, they exist and it relays between them.
    controlLink(control, 'ping');
    for (const [bridge, ports] of [
      [bridgeHere, [wanHerePeer, tapHere]],
      [bridgeThere, [wanTherePeer, tapThere]],
    ] as const) {
      for (const port of ports) ip('-n', linkNs, 'link', 'set', port, 'master', bridge, 'up');
      ip('-n', linkNs, 'link', 'set', bridge, 'up');
    }
    for (const [a, b, addressA, addressB] of [
      [wanHere, wanThere, here, there],
      [lanHere, lanThere, lanHereAddress, thereLocal],
    ] as const) {
      ip('addr', 'add', `${addressA}/30`, 'dev', a);
      ip('-n', ns, 'addr', 'add', `${addressB}/30`, 'dev', b);
      ip('link', 'set', a, 'up');
      ip('-n', ns, 'link', 'set', b, 'up');
    }
  } catch (error) {
    destroy();
    throw error;
  }

  return {
    ns,
    here,
    there,
    thereLocal,
    cut() {
      ip('link', 'set', wanHere, 'down');
      ip('-n', ns, 'link', 'set', wanThere, 'down');
    },
    restore() {
      ip('link', 'set', wanHere, 'up');
      ip('-n', ns, 'link', 'set', wanThere, 'up');
      // A link brought up again has lost its address routes on neither side; nothing else to redo.
    },
    impair({ delayMs, lossPercent }) {
      controlLink(control, `delay=${delayMs} loss=${lossPercent}`);
    },
    clearImpairment() {
      if (destroyed) return;
      try {
        controlLink(control, 'clear');
      } catch {}
    },
    linkStats() {
      return parseStats(controlLink(control, 'stats'));
    },
    spawnNode(args, env, cwd) {
      return spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    },
    destroy,
  };
}

/**
 * Starts the emulator in the link's namespace. Its stdin stays open for as long as this process
 * lives (it ends when stdin does); what it says goes to this process's stderr only if it fails.
 */
function startEmulator(linkNs: string, tapHere: string, tapThere: string, control: string): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', linkNs, linkEmulatorBinary(), 'relay', '-a', tapHere, '-b', tapThere, '-control', control], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let said = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      said = (said + chunk.toString()).slice(-4000);
    });
  }
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGKILL') process.stderr.write(`link emulator in ${linkNs} ended (${signal ?? `exit ${code}`}); it said:\n${said}\n`);
  });
  // It must not keep a test file's process alive by itself: the file ends, `exit` kills it.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  return child;
}
