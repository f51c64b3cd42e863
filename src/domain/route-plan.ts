// Resolving a declared route against reference data. Workflow-safe: pure TypeScript, reference
// data comes in as an argument.
import type { CountryCode, FieldError, LegDefinition, Office, PlannedLeg, PlannedRoute, ReferenceData } from './types.ts';

export type RoutePlanResult = { ok: true; plan: PlannedRoute } | { ok: false; errors: FieldError[] };

/** Own-property lookup: a code like `constructor` must not find Object.prototype. */
export function lookup<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function findLeg(reference: ReferenceData, from: string, to: string): LegDefinition | undefined {
  return reference.legs.find((leg) => leg.from === from && leg.to === to);
}

function describe(office: Office): string {
  return `${office.code} (${office.name}, ${office.country})`;
}

function arrow(codes: readonly string[]): string {
  return codes.join(' → ');
}

/**
 * Checks a route given as office codes in travel order and resolves it to a known route. Errors use
 * the paths of a declaration (`route`, `route[2]`) and say what would be accepted instead.
 * Every check runs, so all problems are reported together.
 */
export function planRoute(codes: readonly string[], reference: ReferenceData): RoutePlanResult {
  const errors: FieldError[] = [];
  if (codes.length < 2) {
    errors.push({
      path: 'route',
      message: 'a route lists at least the office of departure and the office of destination or exit',
    });
  }

  const offices = codes.map((code, i) => {
    const office = lookup(reference.offices, code);
    if (!office) {
      errors.push({ path: `route[${i}]`, message: `${code} is not a known customs office (reference data ${reference.version})` });
    }
    return office;
  });

  const first = offices[0];
  if (first && !first.roles.includes('DEP')) {
    errors.push({
      path: 'route[0]',
      message: `${describe(first)} is not an office of departure (its roles: ${first.roles.join(', ')}); the route must start where the goods are released for transit`,
    });
  }
  const lastIndex = codes.length - 1;
  const last = offices[lastIndex];
  if (lastIndex > 0 && last && !last.roles.includes('DES') && !last.roles.includes('EXT')) {
    errors.push({
      path: `route[${lastIndex}]`,
      message: `${describe(last)} is neither an office of destination nor an office of exit (its roles: ${last.roles.join(', ')}); the route must end at one`,
    });
  }

  for (let i = 1; i < codes.length; i++) {
    const from = offices[i - 1];
    const to = offices[i];
    if (!from || !to || findLeg(reference, from.code, to.code)) continue;
    const next = reference.legs.filter((leg) => leg.from === from.code).map((leg) => leg.to);
    const expected = next.length > 0 ? `; after ${from.code} comes ${next.join(' or ')}` : `; no route continues after ${from.code}`;
    const border = from.country !== to.country ? `: the country changes from ${from.country} to ${to.country} without passing a border post` : '';
    errors.push({
      path: `route[${i}]`,
      message: `${describe(to)} does not follow ${describe(from)} on any known route${border}${expected}`,
    });
  }

  if (errors.length > 0) return { ok: false, errors };

  const known = reference.routes.find((route) => route.offices.length === codes.length && route.offices.every((code, i) => code === codes[i]));
  if (!known) {
    const sameStart = reference.routes.filter((route) => route.offices[0] === codes[0]);
    const options = sameStart.map((route) => `${route.id} (${arrow(route.offices)})`).join('; ');
    return {
      ok: false,
      errors: [
        {
          path: 'route',
          message: `${arrow(codes)} is not a known route${options ? `; known routes from ${codes[0]}: ${options}` : ''}`,
        },
      ],
    };
  }

  return { ok: true, plan: buildPlan(known.id, offices as Office[], reference) };
}

function buildPlan(routeId: string, offices: Office[], reference: ReferenceData): PlannedRoute {
  const legs: PlannedLeg[] = [];
  for (let i = 1; i < offices.length; i++) {
    const leg = findLeg(reference, offices[i - 1]!.code, offices[i]!.code)!;
    legs.push(
      leg.kind === 'road'
        ? { from: leg.from, to: leg.to, kind: 'road', timeLimitHours: leg.timeLimitHours }
        : { from: leg.from, to: leg.to, kind: 'crossing', borderPost: leg.borderPost },
    );
  }
  const countries: CountryCode[] = [];
  for (const office of offices) if (!countries.includes(office.country)) countries.push(office.country);
  const departureOffice = offices[0]!;
  const destinationOffice = offices[offices.length - 1]!;
  // Copies, so that the plan handed to a workflow shares nothing with the loaded reference data.
  const copy = (office: Office): Office => ({ ...office, roles: [...office.roles] });
  return {
    routeId,
    referenceVersion: reference.version,
    offices: offices.map(copy),
    legs,
    departureCountry: departureOffice.country,
    countries,
    departureOffice: copy(departureOffice),
    destinationOffice: copy(destinationOffice),
    endsWith: destinationOffice.roles.includes('DES') ? 'DES' : 'EXT',
  };
}

/** The part of the reference data a diversion is planned on: offices and legs, small enough to travel with the act. */
export interface RoadNetwork {
  version: string;
  offices: Office[];
  legs: LegDefinition[];
  routes: { id: string; offices: string[] }[];
}

export function roadNetwork(reference: ReferenceData): RoadNetwork {
  return {
    version: reference.version,
    offices: Object.values(reference.offices),
    legs: reference.legs,
    routes: reference.routes.map((route) => ({ id: route.id, offices: route.offices })),
  };
}

export type DiversionPlanResult =
  | { ok: true; routeId: string; offices: Office[]; legs: PlannedLeg[]; countries: CountryCode[]; endsWith: 'DES' | 'EXT' }
  | { ok: false; fr: string; en: string };

/**
 * The road from `from` (where the truck is) to `to` (the new office of destination or exit),
 * fewest legs first, never through an office the movement has already passed (`passed`, in
 * travel order, ending with `from`): a truck does not go back through a border post it crossed.
 * The whole route is `passed` followed by the new road. Pure: the workflow calls it.
 */
export function planDiversion(passed: readonly string[], to: string, network: RoadNetwork): DiversionPlanResult {
  const office = network.offices.find((o) => o.code === to);
  const from = passed[passed.length - 1]!;
  if (!office) {
    return {
      ok: false,
      fr: `office : ${to} n'est pas un bureau de douane connu (données de référence ${network.version})`,
      en: `office: ${to} is not a known customs office (reference data ${network.version})`,
    };
  }
  if (!office.roles.includes('DES') && !office.roles.includes('EXT')) {
    return {
      ok: false,
      fr: `office : ${to} (${office.name}) n'est ni un bureau de destination ni un bureau de sortie`,
      en: `office: ${to} (${office.name}) is neither an office of destination nor an office of exit`,
    };
  }
  // Breadth first over the legs, fewest legs first. A route alternates as the known routes do: a
  // road leg, then a border crossing, then a road leg… so every office on it is one where officers
  // act (the truck is replanned from an office it reached by road's end or a crossing's far side).
  const key = (office: string, afterRoad: boolean) => `${office}:${afterRoad}`;
  const previous = new Map<string, { leg: LegDefinition; from: string }>();
  const seen = new Set(passed.slice(0, -1));
  const visited = new Set([key(from, false)]);
  let frontier: { office: string; afterRoad: boolean }[] = [{ office: from, afterRoad: false }];
  let reached: string | undefined;
  while (frontier.length > 0 && !reached) {
    const next: typeof frontier = [];
    for (const at of frontier) {
      for (const leg of network.legs) {
        if (leg.from !== at.office || seen.has(leg.to) || leg.to === from) continue;
        if ((leg.kind === 'road') === at.afterRoad) continue;
        const k = key(leg.to, leg.kind === 'road');
        if (visited.has(k)) continue;
        visited.add(k);
        previous.set(k, { leg, from: key(at.office, at.afterRoad) });
        if (leg.to === to && leg.kind === 'road') reached = k;
        next.push({ office: leg.to, afterRoad: leg.kind === 'road' });
      }
    }
    frontier = next;
  }
  if (!reached) {
    return {
      ok: false,
      fr: `office : aucun itinéraire ne relie le bureau ${from} au bureau ${to} sans revenir sur un bureau déjà franchi (données de référence ${network.version}) ; déroutement impossible`,
      en: `office: no route joins office ${from} to office ${to} without going back over an office already passed (reference data ${network.version}); the diversion is refused`,
    };
  }
  const road: LegDefinition[] = [];
  for (let k: string | undefined = reached; k !== key(from, false); ) {
    const step: { leg: LegDefinition; from: string } = previous.get(k!)!;
    road.unshift(step.leg);
    k = step.from;
  }
  const codes = [...passed, ...road.map((leg) => leg.to)];
  const offices = codes.map((code) => {
    const found = network.offices.find((o) => o.code === code)!;
    return { ...found, roles: [...found.roles] };
  });
  const countries: CountryCode[] = [];
  for (const o of offices) if (!countries.includes(o.country)) countries.push(o.country);
  const known = network.routes.find((route) => route.offices.length === codes.length && route.offices.every((code, i) => code === codes[i]));
  return {
    ok: true,
    routeId: known?.id ?? `diverted:${arrow(codes)}`,
    offices,
    legs: road.map((leg) =>
      leg.kind === 'road'
        ? { from: leg.from, to: leg.to, kind: 'road', timeLimitHours: leg.timeLimitHours }
        : { from: leg.from, to: leg.to, kind: 'crossing', borderPost: leg.borderPost },
    ),
    countries,
    endsWith: office.roles.includes('DES') ? 'DES' : 'EXT',
  };
}
