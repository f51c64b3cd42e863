// The forwarding latency of the interconnection: for acts keyed in one national system, the
// time until the other system held what it needs (the AAR, an exit or entry notice, the
// write-off), summarised per direction from the indicators projection.
import type { ForwardRow } from '../indicators/projection.ts';
import { percentile } from '../simulation/simulate.ts';

export interface ForwardingFigures {
  from: string;
  to: string;
  count: number;
  p50Seconds: number;
  p95Seconds: number;
  p99Seconds: number;
  maxSeconds: number;
}

export function forwardingFigures(rows: ForwardRow[]): ForwardingFigures[] {
  const byDirection = new Map<string, number[]>();
  for (const row of rows) {
    const key = `${row.from_country}>${row.to_country}`;
    const list = byDirection.get(key) ?? [];
    list.push(row.latency_ms / 1000);
    byDirection.set(key, list);
  }
  return [...byDirection.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, values]) => {
      const [from, to] = key.split('>') as [string, string];
      return {
        from,
        to,
        count: values.length,
        p50Seconds: percentile(values, 50),
        p95Seconds: percentile(values, 95),
        p99Seconds: percentile(values, 99),
        maxSeconds: Math.max(...values),
      };
    });
}
