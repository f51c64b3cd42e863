// Loads the versioned reference data files and refuses them loudly, naming file and entry, when
// anything is off: a wrong office role or a missing leg would otherwise surface much later as a
// movement stuck at a border. Uses zod and node:fs: not for workflow code (workflows receive a
// PlannedRoute instead). About 340 lines: one loader and one set of checks per file kind (offices,
// routes, legs, package kinds, HS chapters, tariffs), kept together so the version folder loads as one.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { corridorCountries } from './countries.ts';
import { BORDER_POST_ID, OFFICE_CODE, PACKAGE_KIND_CODE, ROUTE_ID } from './formats.ts';
import { findLeg, lookup } from './route-plan.ts';
import type { CountryCode, CountryTariff, HsChapter, LegDefinition, Office, PackageKind, ReferenceData, RouteDefinition } from './types.ts';

export { planRoute, type RoutePlanResult } from './route-plan.ts';

export const REFERENCE_DATA_VERSION = 'v1';

/** `data/reference/<version>` of this repository. */
export function referenceDataDir(version: string = REFERENCE_DATA_VERSION): string {
  return fileURLToPath(new URL(`../../data/reference/${version}/`, import.meta.url));
}

export class ReferenceDataError extends Error {
  constructor(
    readonly dir: string,
    readonly problems: string[],
  ) {
    super(`reference data in ${dir} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ReferenceDataError';
  }
}

const text = z.string().trim().min(1, 'must not be empty');
const officeCode = z.string().regex(OFFICE_CODE, 'expected an office reference number such as TGLFW001');

const officesFile = z.strictObject({
  version: z.string(),
  note: z.string().optional(),
  offices: z
    .array(
      z.strictObject({
        code: officeCode,
        name: text,
        country: z.enum(corridorCountries, { error: `expected ${corridorCountries.join(' or ')} (the corridor countries)` }),
        roles: z.array(z.enum(['DEP', 'DES', 'TRA', 'EXT'], { error: 'expected a role among DEP, DES, TRA, EXT' })).min(1, 'an office needs at least one role'),
        borderPost: z.string().regex(BORDER_POST_ID, 'expected a border post id such as PCJ-CINKASSE').optional(),
      }),
    )
    .min(1, 'no offices'),
});

const routesFile = z.strictObject({
  version: z.string(),
  note: z.string().optional(),
  legs: z
    .array(
      z.discriminatedUnion(
        'kind',
        [
          z.strictObject({
            from: officeCode,
            to: officeCode,
            kind: z.literal('road'),
            timeLimitHours: z.number().positive('a road leg needs a positive time limit in hours'),
          }),
          z.strictObject({
            from: officeCode,
            to: officeCode,
            kind: z.literal('crossing'),
            borderPost: z.string().regex(BORDER_POST_ID, 'expected a border post id such as PCJ-CINKASSE'),
          }),
        ],
        { error: 'expected kind "road" (with timeLimitHours) or "crossing" (with borderPost)' },
      ),
    )
    .min(1, 'no legs'),
  routes: z
    .array(
      z.strictObject({
        id: z.string().regex(ROUTE_ID, 'expected a route id such as lome-ouaga'),
        name: text,
        offices: z.array(officeCode).min(2, 'a route joins at least two offices'),
      }),
    )
    .min(1, 'no routes'),
});

const packageKindsFile = z.strictObject({
  version: z.string(),
  source: z.string().optional(),
  packageKinds: z
    .array(z.strictObject({ code: z.string().regex(PACKAGE_KIND_CODE, 'expected a 2-character UN/ECE Rec 21 code'), name: text, nameEn: text }))
    .min(1, 'no package kinds'),
});

const hsChaptersFile = z.strictObject({
  version: z.string(),
  source: z.string().optional(),
  chapters: z.array(z.strictObject({ chapter: z.string().regex(/^[0-9]{2}$/, 'expected a 2-digit chapter'), title: text })).min(1, 'no chapters'),
});

/**
 * The bands of the UEMOA common external tariff (TEC): categories 0 to 4. A duty rate outside them
 * is a typing error in the file, not a tariff.
 */
export const TEC_DUTY_BANDS_PERCENT = ['0', '5', '10', '20', '35'] as const;

/** The VAT base the computation implements (amount-at-risk.ts); a file stating another is refused. */
export const VAT_BASE = ['customsValue', 'DD', 'RS', 'PCS', 'PC'] as const;

/**
 * A rate in percent as an exact decimal text, at most two decimals ("0.8", "18"): as a JSON number
 * it would be a binary fraction before it was ever a rate.
 */
const percent = z
  .string({ error: 'expected the rate in percent as text, e.g. "0.8" (exact decimal, not a JSON number)' })
  .regex(/^(0|[1-9][0-9]?|100)(\.[0-9]{1,2})?$/, 'expected a rate in percent from "0" to "100" with at most two decimals, e.g. "0.8"')
  .refine((v) => Number(v) <= 100, 'a rate above 100 % is not plausible');

const dutyBand = z.enum(TEC_DUTY_BANDS_PERCENT, {
  error: `expected a UEMOA common external tariff band in percent: ${TEC_DUTY_BANDS_PERCENT.map((b) => `"${b}"`).join(', ')}`,
});

const tariffFile = z.strictObject({
  version: z.string(),
  country: z.enum(corridorCountries, { error: `expected ${corridorCountries.join(' or ')} (the corridor countries)` }),
  status: z.enum(['illustrative', 'official'], { error: 'expected "illustrative" or "official"' }),
  note: z.string().optional(),
  levies: z.strictObject({ RS: percent, PCS: percent, PC: percent }),
  vat: z.strictObject({
    ratePercent: percent,
    base: z
      .array(z.string())
      .refine((base) => base.join() === VAT_BASE.join(), `the computation applies VAT on ${JSON.stringify(VAT_BASE)}; state exactly that base`),
  }),
  chapters: z.array(z.strictObject({ chapter: z.string().regex(/^[0-9]{2}$/, 'expected a 2-digit chapter'), dutyPercent: dutyBand })).min(1, 'no chapters'),
  headings: z
    .array(
      z.strictObject({
        heading: z.string().regex(/^[0-9]{4}$/, 'expected a 4-digit HS heading'),
        dutyPercent: dutyBand,
        note: z.string().optional(),
      }),
    )
    .default([]),
});

/** "0.8" → 80: integer basis points from the exact decimal text, without a floating-point step. */
export function percentToBasisPoints(rate: string): number {
  const [units = '0', decimals = ''] = rate.split('.');
  return Number(units) * 100 + Number(decimals.padEnd(2, '0'));
}

type Problems = string[];

/** `offices[3] (BFOUA001).roles[0]`: the index alone is hard to find in a file of hundreds of entries. */
function entryPath(data: unknown, issuePath: readonly PropertyKey[]): string {
  let out = '';
  let node: unknown = data;
  for (const key of issuePath) {
    out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
    node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === 'number' && node !== null && typeof node === 'object') {
      const label = ['code', 'id', 'chapter', 'heading'].map((k) => (node as Record<string, unknown>)[k]).find((v) => typeof v === 'string');
      if (label) out += ` (${label as string})`;
    }
  }
  return out || '(file)';
}

function readFile<S extends z.ZodType>(dir: string, file: string, schema: S, version: string, problems: Problems): z.output<S> | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  } catch (error) {
    problems.push(`${file}: cannot be read as JSON: ${(error as Error).message}`);
    return undefined;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const reason = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
      problems.push(`${file}: ${entryPath(raw, issue.path)}: ${reason}`);
    }
    return undefined;
  }
  const data = parsed.data as { version: string };
  if (data.version !== version) problems.push(`${file}: version is ${JSON.stringify(data.version)} but the file is in folder ${version}`);
  return parsed.data;
}

function indexBy<T>(file: string, list: 'offices' | 'packageKinds' | 'chapters', items: T[], key: (item: T) => string, problems: Problems) {
  const record: Record<string, T> = {};
  items.forEach((item, i) => {
    const k = key(item);
    if (Object.hasOwn(record, k)) problems.push(`${file}: ${list}[${i}] (${k}): duplicate of an earlier entry`);
    else record[k] = item;
  });
  return record;
}

function checkOffices(offices: Record<string, Office>, problems: Problems): void {
  const entries = Object.values(offices);
  entries.forEach((office, i) => {
    const at = `offices.json: offices[${i}] (${office.code})`;
    if (!office.code.startsWith(office.country)) problems.push(`${at}: the code must start with its country ${office.country}`);
    if (new Set(office.roles).size !== office.roles.length) problems.push(`${at}: roles are listed twice`);
    if (office.borderPost && !entries.some((other) => other !== office && other.borderPost === office.borderPost && other.country !== office.country)) {
      problems.push(`${at}: border post ${office.borderPost} has no juxtaposed office in the other country`);
    }
  });
}

function checkLegs(legs: LegDefinition[], offices: Record<string, Office>, problems: Problems): void {
  legs.forEach((leg, i) => {
    const at = `routes.json: legs[${i}] (${leg.from} → ${leg.to})`;
    const from = lookup(offices, leg.from);
    const to = lookup(offices, leg.to);
    if (!from) problems.push(`${at}: ${leg.from} is not in offices.json`);
    if (!to) problems.push(`${at}: ${leg.to} is not in offices.json`);
    if (legs.findIndex((other) => other.from === leg.from && other.to === leg.to) !== i) problems.push(`${at}: duplicate leg`);
    if (leg.from === leg.to) problems.push(`${at}: a leg joins two different offices`);
    if (!from || !to) return;
    if (leg.kind === 'road' && from.country !== to.country) {
      problems.push(`${at}: a road leg stays in one country (${from.country} → ${to.country}); a change of country is a crossing at a border post`);
    }
    if (leg.kind === 'crossing') {
      if (from.country === to.country) problems.push(`${at}: a crossing changes country, both offices are in ${from.country}`);
      if (!from.roles.includes('EXT')) problems.push(`${at}: ${from.code} must have role EXT to let goods leave ${from.country}`);
      if (!to.roles.includes('TRA')) problems.push(`${at}: ${to.code} must have role TRA to let goods enter ${to.country}`);
      if (from.borderPost !== leg.borderPost || to.borderPost !== leg.borderPost) {
        problems.push(`${at}: both offices must belong to border post ${leg.borderPost}`);
      }
    }
  });
}

function checkRoutes(routes: RouteDefinition[], reference: ReferenceData, problems: Problems): void {
  routes.forEach((route, i) => {
    const at = `routes.json: routes[${i}] (${route.id})`;
    if (routes.findIndex((other) => other.id === route.id) !== i) problems.push(`${at}: duplicate route id`);
    if (routes.findIndex((other) => other.offices.join() === route.offices.join()) !== i) {
      problems.push(`${at}: same offices as an earlier route; a declared route must resolve to one route id`);
    }
    if (new Set(route.offices).size !== route.offices.length) problems.push(`${at}: an office appears twice`);
    route.offices.forEach((code, j) => {
      if (!lookup(reference.offices, code)) problems.push(`${at}: offices[${j}] ${code} is not in offices.json`);
      if (j > 0 && !findLeg(reference, route.offices[j - 1]!, code)) {
        problems.push(`${at}: no leg ${route.offices[j - 1]} → ${code} in legs`);
      }
    });
    const first = lookup(reference.offices, route.offices[0]!);
    const last = lookup(reference.offices, route.offices[route.offices.length - 1]!);
    if (first && !first.roles.includes('DEP')) problems.push(`${at}: starts at ${first.code}, which has no DEP role`);
    if (last && !last.roles.includes('DES') && !last.roles.includes('EXT')) problems.push(`${at}: ends at ${last.code}, which has neither DES nor EXT role`);
  });
}

/**
 * A country's tariff must price every chapter of the HS and nothing else: a declared item whose
 * chapter had no rate would have no amount at risk, and nothing covers it on the guarantee.
 */
function loadTariff(
  dir: string,
  country: CountryCode,
  version: string,
  hsChapters: Record<string, HsChapter> | undefined,
  problems: Problems,
): CountryTariff | undefined {
  const file = `tariff-${country}.json`;
  const tariff = readFile(dir, file, tariffFile, version, problems);
  if (!tariff) return undefined;
  if (tariff.country !== country) problems.push(`${file}: country is ${tariff.country} but the file is named for ${country}`);
  const dutyByChapter: Record<string, number> = {};
  tariff.chapters.forEach((entry, i) => {
    const at = `${file}: chapters[${i}] (${entry.chapter})`;
    if (Object.hasOwn(dutyByChapter, entry.chapter)) problems.push(`${at}: duplicate of an earlier entry`);
    else if (hsChapters && !lookup(hsChapters, entry.chapter)) problems.push(`${at}: not a chapter of hs-chapters.json`);
    else dutyByChapter[entry.chapter] = percentToBasisPoints(entry.dutyPercent);
  });
  if (hsChapters) {
    const missing = Object.keys(hsChapters).filter((chapter) => !Object.hasOwn(dutyByChapter, chapter));
    if (missing.length > 0) problems.push(`${file}: chapters: no duty rate for chapter(s) ${missing.join(', ')}; every HS chapter needs one`);
  }
  const dutyByHeading: Record<string, number> = {};
  tariff.headings.forEach((entry, i) => {
    const at = `${file}: headings[${i}] (${entry.heading})`;
    const rate = percentToBasisPoints(entry.dutyPercent);
    const chapter = entry.heading.slice(0, 2);
    if (Object.hasOwn(dutyByHeading, entry.heading)) problems.push(`${at}: duplicate of an earlier entry`);
    else if (!Object.hasOwn(dutyByChapter, chapter)) problems.push(`${at}: chapter ${chapter} has no rate in chapters`);
    else if (dutyByChapter[chapter] === rate) problems.push(`${at}: same rate as chapter ${chapter}; an exception that changes nothing hides the real ones`);
    else dutyByHeading[entry.heading] = rate;
  });
  return {
    country,
    version,
    status: tariff.status,
    dutyByChapter,
    dutyByHeading,
    levies: { RS: percentToBasisPoints(tariff.levies.RS), PCS: percentToBasisPoints(tariff.levies.PCS), PC: percentToBasisPoints(tariff.levies.PC) },
    vat: percentToBasisPoints(tariff.vat.ratePercent),
  };
}

/**
 * Reads and checks `offices.json`, `routes.json`, `package-kinds.json`, `hs-chapters.json` and
 * `tariff-<country>.json` of one version folder (default: this repository's current version).
 * Throws ReferenceDataError listing every problem found.
 */
export function loadReferenceData(dir: string = referenceDataDir()): ReferenceData {
  const version = path.basename(path.resolve(dir));
  const problems: Problems = [];
  const offices = readFile(dir, 'offices.json', officesFile, version, problems);
  const routes = readFile(dir, 'routes.json', routesFile, version, problems);
  const packageKinds = readFile(dir, 'package-kinds.json', packageKindsFile, version, problems);
  const hsChapters = readFile(dir, 'hs-chapters.json', hsChaptersFile, version, problems);
  const chapterIndex = hsChapters ? indexBy('hs-chapters.json', 'chapters', hsChapters.chapters as HsChapter[], (c) => c.chapter, problems) : undefined;
  const tariffs: Partial<Record<CountryCode, CountryTariff>> = {};
  for (const country of corridorCountries) {
    const tariff = loadTariff(dir, country, version, chapterIndex, problems);
    if (tariff) tariffs[country] = tariff;
  }
  if (!offices || !routes || !packageKinds || !chapterIndex || corridorCountries.some((c) => !tariffs[c])) throw new ReferenceDataError(dir, problems);

  const reference: ReferenceData = {
    version,
    offices: indexBy('offices.json', 'offices', offices.offices as Office[], (o) => o.code, problems),
    legs: routes.legs as LegDefinition[],
    routes: routes.routes,
    packageKinds: indexBy('package-kinds.json', 'packageKinds', packageKinds.packageKinds as PackageKind[], (k) => k.code, problems),
    hsChapters: chapterIndex,
    tariffs: tariffs as Record<CountryCode, CountryTariff>,
  };
  checkOffices(reference.offices, problems);
  checkLegs(reference.legs, reference.offices, problems);
  checkRoutes(reference.routes, reference, problems);
  if (problems.length > 0) throw new ReferenceDataError(dir, problems);
  return reference;
}
