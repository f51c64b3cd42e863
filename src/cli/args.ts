// Flags of the `corridor` subcommands, the bench and the scripts: --name value, --name=value, --flag.
// node:util's parseArgs does the parsing; each command declares its flags, so a misspelt one
// is refused instead of silently ignored.
import { parseArgs } from 'node:util';

export type Flags = Record<string, string | true>;

/** A command's flags: `string` takes a value, `boolean` is a switch. */
export type FlagSpec = Record<string, 'string' | 'boolean'>;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseFlags(argv: string[], spec: FlagSpec): { positional: string[]; flags: Flags } {
  const options = Object.fromEntries(Object.entries(spec).map(([name, type]) => [name, { type }]));
  const parse = () => {
    try {
      return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    } catch (error) {
      throw usageErrorFrom(error, spec);
    }
  };
  const { values, positionals } = parse();
  const flags: Flags = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string') flags[name] = value;
    else if (value === true) flags[name] = true;
  }
  return { positional: positionals, flags };
}

/** parseArgs's errors name the option in their own words; say it the way the rest of the CLI does. */
function usageErrorFrom(error: unknown, spec: FlagSpec): Error {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string' || !error.code.startsWith('ERR_PARSE_ARGS_')) return error as Error;
  const option = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1];
  const known = Object.keys(spec).map((name) => `--${name}`);
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown flag ${option ?? ''}; ${known.length ? `expected ${known.join(', ')}` : 'this command takes none'}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      // `--role` at the end or followed by another flag; `--keep=yes` for a switch.
      return spec[option?.replace(/^--/, '') ?? ''] === 'boolean'
        ? new UsageError(`${option} takes no value`)
        : new UsageError(`${option ?? 'a flag'} needs a value`);
    default:
      return new UsageError(error.message);
  }
}

export function stringFlag(flags: Flags, name: string, fallback?: string): string {
  const value = flags[name];
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`--${name} is required`);
  }
  if (value === true) throw new UsageError(`--${name} needs a value`);
  return value;
}

export function intFlag(flags: Flags, name: string, fallback: number, min = 1): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw === true || !Number.isInteger(value) || value < min) throw new UsageError(`--${name} expects a whole number ≥ ${min}, got ${String(raw)}`);
  return value;
}
