// Which task queues a worker process polls: `transits` (workflows and Corridor's own
// activities) and one `national-XX` per country (that country's system, its own credentials).
import { countries, type Config, type CountryCode } from '../config/env.ts';
import { UsageError } from '../cli/args.ts';

export type QueueRole = { kind: 'transits' } | { kind: 'national'; country: CountryCode };

/** Accepts the short names (`transits`, `national-TG`) whatever the configured prefix. */
export function parseQueues(list: string | undefined, config: Config): QueueRole[] {
  if (!list) return [{ kind: 'transits' }, ...countries.map((country) => ({ kind: 'national' as const, country }))];
  return list.split(',').map((raw) => {
    const name = raw.trim();
    if (name === 'transits' || name === config.taskQueues.transits) return { kind: 'transits' as const };
    const country = countries.find((c) => name === `national-${c}` || name === config.taskQueues.national[c]);
    if (country) return { kind: 'national' as const, country };
    throw new UsageError(`--queues: unknown queue "${name}" (expected transits, ${countries.map((c) => `national-${c}`).join(', ')})`);
  });
}

export function queueName(role: QueueRole, config: Config): string {
  return role.kind === 'transits' ? config.taskQueues.transits : config.taskQueues.national[role.country];
}
