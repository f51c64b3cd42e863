// `corridor <command>`: one entry point for every process of the corridor.
import { ConfigError } from '../config/env.ts';
import { TemporalCliUnavailable } from '../temporal/cli.ts';
import { parseFlags, UsageError, type Flags, type FlagSpec } from './args.ts';

type Command = (flags: Flags, positional: string[]) => Promise<void>;

const commands: Record<string, { summary: string; flags: FlagSpec; load: () => Promise<Command> }> = {
  start: {
    summary: 'run the whole corridor: Temporal, both sandboxes, worker, API',
    flags: { profile: 'string' },
    load: async () => (await import('./start.ts')).start,
  },
  worker: {
    summary: 'run a worker (--queues transits,national-TG,national-BF)',
    flags: { queues: 'string' },
    load: async () => (await import('../worker/main.ts')).runWorker,
  },
  api: { summary: 'run the HTTP API', flags: {}, load: async () => (await import('../api/main.ts')).runApi },
  sandbox: {
    summary: "run one country's national system sandbox (--country TG|BF)",
    flags: { country: 'string' },
    load: async () => (await import('../national/sandbox-main.ts')).runSandbox,
  },
  simulate: {
    summary: 'drive transits (--route lome-ouaga --count N --concurrency C --via national|corridor)',
    flags: { route: 'string', count: 'string', concurrency: 'string', api: 'string', via: 'string' },
    load: async () => (await import('../simulation/simulate.ts')).simulate,
  },
  reconcile: {
    summary:
      "run the reconciliation now: each national system's records against Corridor's states (--days N closed this far back, default CORRIDOR_RECONCILIATION_CLOSED_WITHIN_DAYS)",
    flags: { days: 'string', every: 'string' },
    load: async () => (await import('../reconciliation/main.ts')).runReconcile,
  },
  token: {
    summary: 'print a development bearer token (--role declarant|officer|supervisor|regional)',
    flags: { role: 'string', user: 'string', office: 'string', country: 'string', tin: 'string', ttl: 'string' },
    load: async () => (await import('../auth/token-cli.ts')).printToken,
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`);
  return `usage: corridor <command> [flags]\n\n${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(usage());
    process.exit(name ? 64 : 0);
  }
  const { flags, positional } = parseFlags(rest, command.flags);
  await (await command.load())(flags, positional);
}

main().catch((error: unknown) => {
  // Operators get one line that names what is wrong, not a stack trace.
  if (error instanceof ConfigError || error instanceof UsageError || error instanceof TemporalCliUnavailable) {
    process.stderr.write(`corridor: ${error.message}\n`);
    process.exit(error instanceof UsageError ? 64 : 2);
  }
  process.stderr.write(`corridor: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
