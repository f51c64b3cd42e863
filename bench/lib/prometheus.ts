// Reads a Prometheus text endpoint (the worker's Temporal SDK metrics) and compares two
// readings, so a phase's figures are its own and not the process's whole life.

/** Series name with its labels, as written in the exposition (`name{a="x"}`) → value. */
export type Scrape = Map<string, number>;

export async function scrape(url: string | undefined): Promise<Scrape | undefined> {
  if (!url) return undefined;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) return undefined;
    return parse(await response.text());
  } catch {
    return undefined;
  }
}

export function parse(text: string): Scrape {
  const series: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    const value = Number(line.slice(cut + 1));
    if (Number.isFinite(value)) series.set(line.slice(0, cut), value);
  }
  return series;
}

export function difference(before: Scrape | undefined, after: Scrape | undefined): Scrape | undefined {
  if (!after) return undefined;
  const out: Scrape = new Map();
  for (const [key, value] of after) out.set(key, value - (before?.get(key) ?? 0));
  return out;
}

function labelsOf(key: string): Record<string, string> {
  const open = key.indexOf('{');
  if (open < 0) return {};
  const labels: Record<string, string> = {};
  for (const match of key.slice(open + 1, -1).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]!] = match[2]!;
  return labels;
}

function nameOf(key: string): string {
  const open = key.indexOf('{');
  return open < 0 ? key : key.slice(0, open);
}

/** Sum of every series of a metric whose labels match. */
export function total(scrape: Scrape | undefined, name: string, match: Record<string, string> = {}): number {
  if (!scrape) return Number.NaN;
  let sum = 0;
  for (const [key, value] of scrape) {
    if (nameOf(key) !== name) continue;
    const labels = labelsOf(key);
    if (Object.entries(match).every(([k, v]) => labels[k] === v)) sum += value;
  }
  return sum;
}

/** The same sum, split by one label's values. */
export function byLabel(scrape: Scrape | undefined, name: string, label: string, match: Record<string, string> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  if (!scrape) return out;
  for (const [key, value] of scrape) {
    if (nameOf(key) !== name) continue;
    const labels = labelsOf(key);
    if (!Object.entries(match).every(([k, v]) => labels[k] === v)) continue;
    const group = labels[label] ?? '';
    out[group] = (out[group] ?? 0) + value;
  }
  return out;
}

/** A histogram's count and mean over the phase (`<name>_sum` / `<name>_count`). */
export function histogram(scrape: Scrape | undefined, name: string, match: Record<string, string> = {}): { count: number; mean: number } {
  const count = total(scrape, `${name}_count`, match);
  const sum = total(scrape, `${name}_sum`, match);
  return { count, mean: count > 0 ? sum / count : Number.NaN };
}
