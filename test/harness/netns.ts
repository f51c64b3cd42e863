// A second site for the two-site tests: a Linux network namespace joined to this one (the test
// process's site) by a veth pair, the "link" between the capitals, which a test cuts
// (`ip link set … down`), restores, or slows and makes lossy (`tc qdisc … netem`) while
// everything runs. A second veth pair stands for the site's own local network: the officers at
// that site reach their own national system over it, so they keep working while the link is cut.
// Needs root and iproute2; `namespacesUnavailable()` says why not, so a test can skip saying so.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function tc(...args: string[]): void {
  execFileSync('tc', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

let checked: string | undefined | null = null;

/** Why namespaces cannot be made here (not root, no iproute2, no CAP_SYS_ADMIN), or undefined when they can. */
export function namespacesUnavailable(): string | undefined {
  if (checked !== null) return checked;
  const probe = `cor-probe-${randomBytes(3).toString('hex')}`;
  try {
    if (process.platform !== 'linux') checked = `network namespaces are Linux's; this is ${process.platform}`;
    else if (process.getuid?.() !== 0) checked = 'network namespaces need root (CI runs these tests as root)';
    else {
      ip('netns', 'add', probe);
      ip('netns', 'del', probe);
      checked = undefined;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    checked = `cannot create a network namespace (is iproute2 installed? .ci/run installs it): ${message}`;
  }
  return checked;
}

let netemChecked: string | undefined | null = null;

/**
 * Why the link cannot be slowed or made lossy here, or undefined when it can: `tc netem` needs the
 * kernel's sch_netem (CONFIG_NET_SCH_NETEM), which some kernels (this development machine's
 * among them) are built without, though namespaces and veth pairs work.
 */
export function impairmentUnavailable(): string | undefined {
  if (netemChecked !== null) return netemChecked;
  const unavailable = namespacesUnavailable();
  if (unavailable) {
    netemChecked = unavailable;
    return netemChecked;
  }
  const probe = `cor-netem-${randomBytes(3).toString('hex')}`;
  try {
    ip('netns', 'add', probe);
    execFileSync('ip', ['netns', 'exec', probe, 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms'], { stdio: ['ignore', 'pipe', 'pipe'] });
    netemChecked = undefined;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    netemChecked = `this kernel cannot slow a link: tc netem failed (${stderr || String(error)}); it needs sch_netem (CONFIG_NET_SCH_NETEM)`;
  } finally {
    try {
      ip('netns', 'del', probe);
    } catch {}
  }
  return netemChecked;
}

export interface Impairment {
  /** Added one way on each end, so a round trip takes twice this. */
  delayMs: number;
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
  impair(impairment: Impairment): void;
  clearImpairment(): void;
  /** Runs `node --import tsx <args>` inside the site, as its own process. */
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
  const [wanHere, wanThere, lanHere, lanThere] = [`w${tag}a`, `w${tag}b`, `l${tag}a`, `l${tag}b`];
  const net = `10.${randomInt(100, 250)}.${randomInt(0, 32) * 8}`;
  const [here, there, lanHereAddress, thereLocal] = [`${net}.1`, `${net}.2`, `${net}.5`, `${net}.6`];
  ip('netns', 'add', ns);
  try {
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    for (const [a, b, addressA, addressB] of [
      [wanHere, wanThere, here, there],
      [lanHere, lanThere, lanHereAddress, thereLocal],
    ] as const) {
      ip('link', 'add', a, 'type', 'veth', 'peer', 'name', b, 'netns', ns);
      ip('addr', 'add', `${addressA}/30`, 'dev', a);
      ip('-n', ns, 'addr', 'add', `${addressB}/30`, 'dev', b);
      ip('link', 'set', a, 'up');
      ip('-n', ns, 'link', 'set', b, 'up');
    }
  } catch (error) {
    destroy();
    throw error;
  }

  // A test process that ends without its `after` (a crash, a timeout) still leaves no namespace behind.
  process.once('exit', () => destroy());

  function destroy(): void {
    // Deleting the namespace deletes its ends of both pairs, and with them this side's.
    try {
      ip('netns', 'del', ns);
    } catch {}
    for (const dev of [wanHere, lanHere]) {
      try {
        ip('link', 'del', dev);
      } catch {}
    }
  }

  const netem = (action: 'replace' | 'del', extra: string[] = []) => {
    for (const [prefix, dev] of [
      [[], wanHere],
      [['ip', 'netns', 'exec', ns], wanThere],
    ] as const) {
      const args = ['qdisc', action, 'dev', dev, 'root', ...(action === 'replace' ? ['netem', ...extra] : [])];
      if (prefix.length) execFileSync(prefix[0], [...prefix.slice(1), 'tc', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      else tc(...args);
    }
  };

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
      netem('replace', ['delay', `${delayMs}ms`, 'loss', `${lossPercent}%`]);
    },
    clearImpairment() {
      try {
        netem('del');
      } catch {}
    },
    spawnNode(args, env, cwd) {
      return spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    },
    destroy,
  };
}
