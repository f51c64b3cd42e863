// What the SDK's core (its Rust side: polling, workflow tasks, the sticky cache) logs, and where.
// Left alone, the core prints its warnings on stderr as plain text, beside the worker's JSON
// lines; here they go through the worker's own logger (pino, JSON, `sdkComponent: core`), at the
// level CORRIDOR_SDK_CORE_LOG asks: a level for the whole core, or Rust's EnvFilter directives for
// one part of it, e.g. `temporalio_sdk_core::worker::workflow::workflow_stream=debug`, how the
// lost workflow task slots were found (src/temporal/state-query.ts).

const LEVELS = ['ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'] as const;
export type CoreLevel = (typeof LEVELS)[number];

const DIRECTIVE = /^(?:[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*=)?(?:error|warn|info|debug|trace|off)$/i;

/** Why the setting is not a core log filter, or undefined when it is one. */
export function coreLogProblem(value: string): string | undefined {
  const directives = value.split(',').map((d) => d.trim());
  const bad = directives.find((d) => !DIRECTIVE.test(d));
  return bad === undefined
    ? undefined
    : `"${bad}": expected a level (error, warn, info, debug, trace) or directives such as temporalio_sdk_core=debug, comma-separated`;
}

export interface CoreLog {
  /** The filter the SDK's Runtime takes (EnvFilter syntax). */
  filter: string;
  /** The most detailed level any directive asks for: the Runtime's logger must let it through. */
  finest: CoreLevel;
}

/** The Runtime's filter for a valid CORRIDOR_SDK_CORE_LOG: a bare level is the whole core's (the SDK's default is WARN); directives are added to it. */
export function coreLog(value: string): CoreLog {
  const directives = value.split(',').map((d) => d.trim().toLowerCase());
  const bare = directives.filter((d) => !d.includes('='));
  const core = bare.at(-1) ?? 'warn';
  const targeted = directives.filter((d) => d.includes('='));
  // As the SDK's makeTelemetryFilterString writes it (not imported: the configuration, which checks
  // the setting, is loaded by processes that never load the worker's native module).
  const filter = [`error,temporalio_sdk_core=${core},temporalio_client=${core},temporalio_common=${core}`, ...targeted].join(',');
  const asked = directives.map((d) => d.slice(d.indexOf('=') + 1).toUpperCase()).filter((l): l is CoreLevel => (LEVELS as readonly string[]).includes(l));
  return { filter, finest: asked.reduce(finer, 'WARN') };
}

/** The more detailed of two levels. */
export function finer(a: CoreLevel, b: CoreLevel): CoreLevel {
  return LEVELS.indexOf(b) > LEVELS.indexOf(a) ? b : a;
}
