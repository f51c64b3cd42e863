// Forwarding latency on the national path: from the moment an officer records an act in one
// national system (its journal event's `at`, source `officer`) to the moment the other system
// holds what it needs (the corresponding event, source `interconnection`, in the other
// country's journal, by its own `at`). Both times are the systems' own clocks, read from their
// journals, so the figure is what the two administrations would see, not what Corridor thinks.
import type { CountryCode } from '../../src/domain/countries.ts';
import { percentile } from '../../src/simulation/simulate.ts';
import { corridorAuthorization } from '../../src/national/credential.ts';

/** One journal event, as GET /v1/events answers it (the fields the pairing reads). */
export interface JournalEntry {
  sequence: number;
  id: string;
  type: string;
  mrn: string;
  at: string;
  source: 'officer' | 'interconnection';
  /** The record's state after the event: WRITTEN_OFF once the departure system wrote off its leg. */
  state?: string;
}

/**
 * What the interconnection forwards, as a table: an officer's act of one of `acts` in one
 * country is answered by a `forwarded` event in the other. Pairs whose forwarded type no
 * system publishes yet (the exit and entry notices) simply find nothing and count from the
 * run where they appear. When several acts lead to one forward (the destination's control
 * results, or its discharge when an officer keys it, both lead to the departure's write-off),
 * the latest of them before the forward is the one it answers.
 */
export const FORWARDS: readonly { name: string; acts: readonly string[]; forwarded: string }[] = [
  { name: 'release → AAR', acts: ['RELEASED'], forwarded: 'AAR_RECEIVED' },
  { name: 'exit → exit notice', acts: ['EXIT_CONFIRMED'], forwarded: 'EXIT_NOTICE_RECEIVED' },
  { name: 'entry → entry notice', acts: ['ENTRY_ACCEPTED'], forwarded: 'ENTRY_NOTICE_RECEIVED' },
  // Movements begun before the guarantee's shares (and a movement whose entry notice was refused) are written off after the discharge.
  { name: 'discharge → write-off', acts: ['CONTROL_RESULTS', 'DISCHARGED'], forwarded: 'WRITTEN_OFF' },
];

export interface ForwardingSample {
  pair: string;
  mrn: string;
  from: CountryCode;
  to: CountryCode;
  ms: number;
}

/** Pairs every forwarded event of the given movements with the officer's act it answers. */
export function pairForwards(journals: Record<CountryCode, JournalEntry[]>, mrns: ReadonlySet<string>): ForwardingSample[] {
  const samples: ForwardingSample[] = [];
  const countries = Object.keys(journals) as CountryCode[];
  for (const to of countries) {
    for (const forwarded of journals[to]) {
      if (forwarded.source !== 'interconnection' || !mrns.has(forwarded.mrn)) continue;
      const rule = FORWARDS.find((r) => r.forwarded === forwarded.type);
      if (!rule) continue;
      const landed = Date.parse(forwarded.at);
      let best: { from: CountryCode; at: number } | undefined;
      for (const from of countries) {
        if (from === to) continue;
        for (const act of journals[from]) {
          if (act.source !== 'officer' || act.mrn !== forwarded.mrn || !rule.acts.includes(act.type)) continue;
          const at = Date.parse(act.at);
          if (at <= landed && (!best || at > best.at)) best = { from, at };
        }
      }
      if (best) samples.push({ pair: rule.name, mrn: forwarded.mrn, from: best.from, to, ms: landed - best.at });
    }
  }
  return samples;
}

export interface ForwardingFigure {
  pair: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** p50/p95/p99 per pair (in the table's order) and over all pairs. */
export function forwardingFigures(samples: ForwardingSample[]): ForwardingFigure[] {
  const row = (pair: string, values: number[]): ForwardingFigure => ({
    pair,
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: Math.max(...values),
  });
  const rows: ForwardingFigure[] = [];
  for (const rule of FORWARDS) {
    const values = samples.filter((s) => s.pair === rule.name).map((s) => s.ms);
    if (values.length) rows.push(row(rule.name, values));
  }
  if (samples.length)
    rows.push(
      row(
        'all forwards',
        samples.map((s) => s.ms),
      ),
    );
  return rows;
}

/**
 * Reads a national system's whole journal with its cursor (GET /v1/events?after=&limit=), with
 * Corridor's credential of that system, as the journal consumer reads it.
 */
export async function readJournal(baseUrl: string, token: string | undefined, after = 0): Promise<JournalEntry[]> {
  const events: JournalEntry[] = [];
  let cursor = after;
  const headers = corridorAuthorization(baseUrl, token);
  for (;;) {
    const url = new URL('/v1/events', baseUrl);
    url.searchParams.set('after', String(cursor));
    url.searchParams.set('limit', '500');
    const response = await fetch(url, { headers });
    if (!response.ok) throw new Error(`the journal at ${url.origin} answered ${response.status}`);
    const page = (await response.json()) as { events: JournalEntry[]; lastSequence: number };
    events.push(...page.events);
    if (page.events.length === 0 || page.lastSequence <= cursor) return events;
    cursor = page.lastSequence;
  }
}

/** The newest sequence of a journal, so a phase reads only what it caused. */
export async function journalHead(baseUrl: string, token: string | undefined): Promise<number> {
  const url = new URL('/v1/events', baseUrl);
  url.searchParams.set('after', String(Number.MAX_SAFE_INTEGER));
  url.searchParams.set('limit', '1');
  const response = await fetch(url, { headers: corridorAuthorization(baseUrl, token) });
  if (!response.ok) throw new Error(`the journal at ${url.origin} answered ${response.status}`);
  return ((await response.json()) as { headSequence: number }).headSequence;
}

export interface Journals {
  urls: Record<CountryCode, string>;
  /** Corridor's credential of each system, for a journal that asks for one. */
  tokens: Partial<Record<CountryCode, string>>;
}

/** Every system's newest sequence, so a phase reads only what it caused. */
export async function journalHeads(journals: Journals): Promise<Record<CountryCode, number>> {
  const countries = Object.keys(journals.urls) as CountryCode[];
  return Object.fromEntries(await Promise.all(countries.map(async (c) => [c, await journalHead(journals.urls[c], journals.tokens[c])] as const))) as Record<
    CountryCode,
    number
  >;
}

/**
 * A lifecycle returns once Corridor shows the movement DISCHARGED. The departure system writes
 * off its leg with the entry notice (or, for a movement whose notice failed, after the
 * discharge). Reads both journals from `heads` until every given movement's departure record is
 * WRITTEN_OFF, or `timeoutMs` pass (what is missing then is counted as missing).
 */
export async function readUntilWrittenOff(
  source: Journals,
  heads: Record<CountryCode, number>,
  mrns: ReadonlySet<string>,
  timeoutMs = 30_000,
): Promise<{ journals: Record<CountryCode, JournalEntry[]>; writtenOff: string[] }> {
  const countries = Object.keys(source.urls) as CountryCode[];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const journals = Object.fromEntries(
      await Promise.all(countries.map(async (c) => [c, await readJournal(source.urls[c], source.tokens[c], heads[c])] as const)),
    ) as Record<CountryCode, JournalEntry[]>;
    const writtenOff = new Set(
      Object.values(journals)
        .flat()
        .filter((e) => e.state === 'WRITTEN_OFF')
        .map((e) => e.mrn),
    );
    if ([...mrns].every((m) => writtenOff.has(m)) || Date.now() > deadline) return { journals, writtenOff: [...mrns].filter((m) => writtenOff.has(m)) };
    await new Promise((r) => setTimeout(r, 500));
  }
}
