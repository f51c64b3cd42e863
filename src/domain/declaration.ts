// The transit declaration: its zod schema and the validation that refuses a bad declaration with
// every error at once. Uses zod: for the API and activities, never for workflow code (workflows
// receive the validated Declaration and its PlannedRoute as input).
// About 430 lines: the schema is the declaration's field list, and its checks sit beside the
// fields they check so that a declarant's error and the field that raised it are one read.
import { z } from 'zod';
import { ACCESS_CODE, GRN, HS_CODE, LRN, OFFICE_CODE, PACKAGE_KIND_CODE, REGISTRATION, TIN } from './formats.ts';
import { isIsoCountryCode } from './iso3166.ts';
import { containerNumberProblem } from './iso6346.ts';
import { lookup, planRoute } from './route-plan.ts';
import type { Declaration, FieldError, GoodsItem, PlannedRoute, ReferenceData, ValueBasis } from './types.ts';

export const VALUE_BASES = ['CIF', 'FOB', 'EXW'] as const satisfies readonly ValueBasis[];

/** Bounds that refuse absurd input with a field path instead of letting it reach a national system. */
export const DECLARATION_LIMITS = {
  goodsItems: 999,
  containers: 10,
  routeOffices: 10,
  packageCount: 999_999,
  /** Per goods item; more than any road vehicle carries. */
  massKg: 100_000,
  /**
   * Per goods item. Keeps the sum over 999 items (≈10^15) below Number.MAX_SAFE_INTEGER, so the
   * amount at risk computed from it stays exact.
   */
  valueXof: 1_000_000_000_000,
} as const;

// ---- field builders --------------------------------------------------------------------------

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'true/false';
  return `a ${typeof value}`;
}

/** Type errors say what was expected; other issues keep the message of the check that raised them. */
function expecting(what: string, optional = false) {
  return (issue: { code: string; input?: unknown }) => {
    if (issue.code !== 'invalid_type') return undefined;
    if (issue.input === undefined) return `required: ${what}`;
    const omit = optional && issue.input === null ? ' (leave the field out when there is none)' : '';
    return `expected ${what}, got ${kindOf(issue.input)}${omit}`;
  };
}

const CONTROL_CHARACTER = /\p{Cc}/u;

function text(what: string, max: number) {
  return z
    .string({ error: expecting(what) })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(max, `at most ${max} characters`)
    .refine((v) => !CONTROL_CHARACTER.test(v), 'must not contain control characters (line breaks, tabs)')
    .meta({ description: what });
}

/** Codes are compared upper-case, so `tglfw001` and `TGLFW001` are the same office and the same content hash. */
function code(what: string, pattern: RegExp, hint: string) {
  return z
    .string({ error: expecting(what) })
    .trim()
    .toUpperCase()
    .regex(pattern, `expected ${what}: ${hint}`)
    .meta({ description: `${what}: ${hint}` });
}

function country(what: string) {
  return z
    .string({ error: expecting(`${what} (ISO 3166-1 alpha-2 code)`) })
    .trim()
    .toUpperCase()
    .superRefine((v, ctx) => {
      if (!/^[A-Z]{2}$/.test(v)) ctx.addIssue({ code: 'custom', message: `expected ${what} as an ISO 3166-1 alpha-2 code such as TG, BF, ML or NE` });
      else if (!isIsoCountryCode(v)) ctx.addIssue({ code: 'custom', message: `${v} is not an ISO 3166-1 alpha-2 country code` });
    })
    .meta({ description: `${what}, ISO 3166-1 alpha-2`, examples: ['TG', 'BF'] });
}

/**
 * An integer without z.int(): zod's integer check aborts the whole parse path, which would hide
 * the cross-field errors (net above gross, containers or sealed vehicle) of the same declaration.
 */
function wholeNumber(what: string, message: string) {
  return z
    .number({ error: expecting(what) })
    .refine(Number.isInteger, message)
    .meta({ description: what, type: 'integer' });
}

function positiveNumber(what: string, max: number) {
  return z
    .number({ error: expecting(what) })
    .positive(`${what} must be above 0`)
    .max(max, `${what} above ${max} is not plausible for one goods item`)
    .meta({ description: what });
}

/** A positive whole number of francs, within the per-item limit. */
function xofAmount(description: string) {
  return wholeNumber('the value in XOF', 'expected a whole number of XOF (the franc CFA has no subunit)')
    .positive('the value must be above 0 XOF')
    .max(DECLARATION_LIMITS.valueXof, `above ${DECLARATION_LIMITS.valueXof} XOF is not plausible for one goods item`)
    .meta({ description, type: 'integer' });
}

// ---- shapes ------------------------------------------------------------------------------------

const addressShape = {
  street: text('street and number', 70),
  city: text('city', 35),
  country: country('country'),
};

const partyShape = {
  tin: code('a taxpayer identification number (NIF/IFU)', TIN, '3 to 17 letters or digits, e.g. 1000123456 or 00012345X'),
  name: text('name', 70),
  address: z.strictObject(addressShape, { error: expecting('an address {street, city, country}') }),
};

const party = (what: string, optional = false) => z.strictObject(partyShape, { error: expecting(`the ${what} {tin, name, address}`, optional) });

const registration = z
  .string({ error: expecting('a registration plate') })
  .trim()
  .toUpperCase()
  // Plates are searched by officers: one spelling per plate, however it was typed.
  .overwrite((v) => v.replace(/\s+/g, ' '))
  .max(20, 'at most 20 characters')
  .regex(REGISTRATION, 'expected a registration plate of letters and digits, e.g. TG 4417 AB or 11 LL 2345')
  .meta({ description: 'registration plate as shown on the vehicle', examples: ['11 LL 2345', 'TG 4417 AB'] });

const transportShape = {
  registration,
  nationality: country('the nationality of the vehicle'),
  trailer: z.strictObject({ registration }, { error: expecting('a trailer {registration}', true) }).optional(),
};

const officeCode = code('an office reference number', OFFICE_CODE, 'country code then 6 letters or digits, e.g. TGLFW001');

const containerNumber = z
  .string({ error: expecting('a container number (ISO 6346)') })
  // Container numbers are painted as `CSQU 305438 3`; officers and scanners copy them either way.
  .overwrite((v) => v.replace(/[\s-]/g, '').toUpperCase())
  .superRefine((v, ctx) => {
    const problem = containerNumberProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ description: 'ISO 6346 container number with its check digit', examples: ['CSQU3054383'] });

const guaranteeShape = {
  grn: code('a guarantee reference number (GRN)', GRN, '2-digit year, country code, 13 letters or digits, e.g. 26TG0000000000001').superRefine((v, ctx) => {
    if (GRN.test(v) && !isIsoCountryCode(v.slice(2, 4))) {
      ctx.addIssue({ code: 'custom', message: `${v.slice(2, 4)} (characters 3–4 of the GRN) is not an ISO 3166-1 country code` });
    }
  }),
  accessCode: z
    .string({ error: expecting('the access code of the guarantee') })
    .regex(ACCESS_CODE, 'expected the 4-letter-or-digit access code given by the guarantor')
    .meta({ description: 'access code of the guarantee (4 letters or digits, case-sensitive)' }),
};

const TOP_LEVEL_FIELDS = [
  'lrn',
  'declarant',
  'principal',
  'carrier',
  'transport',
  'route',
  'containers',
  'sealedVehicle',
  'goodsItems',
  'guarantee',
  'currency',
] as const;

function goodsItemShape(reference: ReferenceData | undefined) {
  return {
    hsCode: z
      .string({
        error: (issue) =>
          issue.code !== 'invalid_type'
            ? undefined
            : issue.input === undefined
              ? 'required: the 6-digit HS code'
              : `expected the HS code as text of 6 digits such as "100630" (as text, leading zeros survive), got ${kindOf(issue.input)}`,
      })
      .trim()
      .regex(HS_CODE, 'expected a 6-digit Harmonized System code, e.g. 100630 for rice')
      .superRefine((v, ctx) => {
        if (reference && HS_CODE.test(v) && !lookup(reference.hsChapters, v.slice(0, 2))) {
          ctx.addIssue({ code: 'custom', message: `${v}: chapter ${v.slice(0, 2)} does not exist in the Harmonized System; check the first two digits` });
        }
      })
      .meta({ description: 'Harmonized System subheading, 6 digits', examples: ['100630'] }),
    description: text('description of the goods', 512),
    packageKind: code('a package kind', PACKAGE_KIND_CODE, 'a UN/ECE Recommendation 21 code such as BG (bag), CT (carton), PK (package)').superRefine(
      (v, ctx) => {
        if (reference && PACKAGE_KIND_CODE.test(v) && !lookup(reference.packageKinds, v)) {
          const known = Object.keys(reference.packageKinds).join(', ');
          ctx.addIssue({ code: 'custom', message: `${v} is not a known package kind; use one of ${known}` });
        }
      },
    ),
    packageCount: wholeNumber('the number of packages', 'expected a whole number of packages')
      .min(1, 'the number of packages must be at least 1')
      .max(DECLARATION_LIMITS.packageCount, `at most ${DECLARATION_LIMITS.packageCount} packages per goods item`),
    grossMassKg: positiveNumber('the gross mass in kg', DECLARATION_LIMITS.massKg),
    netMassKg: positiveNumber('the net mass in kg', DECLARATION_LIMITS.massKg),
    customsValueXof: xofAmount(
      'the customs value in XOF: the CIF value of the item at the border (cost, insurance and freight to the point of entry), the base of duties and taxes. With valueBasis FOB or EXW leave it out (or send the sum): it is invoiceValueXof + freightXof + insuranceXof. The declaration Corridor returns carries the customs value in valueXof',
    ).optional(),
    valueXof: xofAmount(
      'the customs value in XOF under its first name, still accepted: a declaration with only valueXof has valueXof as its customs value (CIF). Send valueXof or customsValueXof; if both, they must be equal. The declaration Corridor returns always carries the customs value here, in valueXof',
    ).optional(),
    valueBasis: z
      .enum(VALUE_BASES, { error: `expected the basis of the value: ${VALUE_BASES.join(', ')}` })
      .optional()
      .meta({
        description:
          'basis of the declared price: CIF (the default: customsValueXof is the value), or FOB / EXW with invoiceValueXof, freightXof and insuranceXof, whose sum is the customs value',
      }),
    invoiceValueXof: xofAmount('the invoiced price in XOF on valueBasis FOB or EXW').optional(),
    freightXof: wholeNumber('the freight in XOF', 'expected a whole number of XOF (the franc CFA has no subunit)')
      .min(0, 'the freight cannot be negative')
      .max(DECLARATION_LIMITS.valueXof, `above ${DECLARATION_LIMITS.valueXof} XOF is not plausible for one goods item`)
      .meta({
        description: 'with valueBasis FOB or EXW: transport (for EXW also loading and handling) up to the point of entry into the UEMOA, in XOF',
        type: 'integer',
      })
      .optional(),
    insuranceXof: wholeNumber('the insurance in XOF', 'expected a whole number of XOF (the franc CFA has no subunit)')
      .min(0, 'the insurance cannot be negative')
      .max(DECLARATION_LIMITS.valueXof, `above ${DECLARATION_LIMITS.valueXof} XOF is not plausible for one goods item`)
      .meta({ description: 'with valueBasis FOB or EXW: insurance up to the point of entry, in XOF (0 when not insured)', type: 'integer' })
      .optional(),
  };
}

// ---- the value of a goods item ------------------------------------------------------------------

const NON_CIF_FIELDS = ['invoiceValueXof', 'freightXof', 'insuranceXof'] as const;

/**
 * The rule of the customs value (docs/guarantee.md): CIF (the default) declares it directly, in
 * customsValueXof or, for clients written before it existed, valueXof; FOB and EXW declare the
 * invoiced price with freight and insurance to the border, and the customs value is their sum.
 * Only numbers are compared: a field of the wrong type already has its own error.
 */
function checkValue(item: Record<string, unknown>, report: (path: string, message: string) => void): void {
  const { customsValueXof, valueXof, valueBasis } = item;
  const given = (field: string) => item[field] !== undefined;
  if (valueBasis === undefined || valueBasis === 'CIF') {
    for (const field of NON_CIF_FIELDS) {
      if (given(field)) report(field, `a CIF value already includes freight and insurance: leave ${field} out, or declare valueBasis FOB or EXW`);
    }
    if (!given('customsValueXof') && !given('valueXof')) {
      report(
        'customsValueXof',
        'required: the customs value in XOF (CIF at the border), or valueBasis FOB or EXW with invoiceValueXof, freightXof and insuranceXof',
      );
    } else if (typeof customsValueXof === 'number' && typeof valueXof === 'number' && customsValueXof !== valueXof) {
      report(
        'valueXof',
        `valueXof (${valueXof}) differs from customsValueXof (${customsValueXof}); valueXof is the former name of customsValueXof: send one of them`,
      );
    }
    return;
  }
  if (valueBasis !== 'FOB' && valueBasis !== 'EXW') return; // its own error says what is accepted
  for (const field of NON_CIF_FIELDS) {
    if (!given(field)) report(field, `required with valueBasis ${valueBasis}: the customs value is invoiceValueXof + freightXof + insuranceXof`);
  }
  const parts = NON_CIF_FIELDS.map((field) => item[field]);
  if (!parts.every((v) => typeof v === 'number' && Number.isInteger(v))) return;
  const sum = (parts as number[]).reduce((a, b) => a + b, 0);
  if (sum > DECLARATION_LIMITS.valueXof) {
    report(
      'customsValueXof',
      `the customs value ${sum} XOF (invoice + freight + insurance) is above ${DECLARATION_LIMITS.valueXof} XOF, not plausible for one goods item`,
    );
  }
  for (const field of ['customsValueXof', 'valueXof'] as const) {
    const stated = item[field];
    if (typeof stated === 'number' && stated !== sum) {
      report(
        field,
        `${field} (${stated}) is not invoiceValueXof + freightXof + insuranceXof (${parts.join(' + ')} = ${sum}); leave it out and Corridor computes it`,
      );
    }
  }
}

type CheckedGoodsItem = Omit<GoodsItem, 'valueXof' | 'valueBasis' | 'invoiceValueXof' | 'freightXof' | 'insuranceXof'> & {
  customsValueXof?: number | undefined;
  valueXof?: number | undefined;
  valueBasis?: ValueBasis | undefined;
  invoiceValueXof?: number | undefined;
  freightXof?: number | undefined;
  insuranceXof?: number | undefined;
};

/**
 * Every accepted item carries its customs value in valueXof and its valueBasis. customsValueXof is
 * not repeated in the result: a client that edits valueXof in a declaration Corridor returned and
 * sends it again (an amendment, the bench) would otherwise send two values that disagree. Runs
 * only on an item checkValue passed.
 */
function normaliseValue(item: CheckedGoodsItem): GoodsItem {
  const { customsValueXof, valueXof, valueBasis, invoiceValueXof, freightXof, insuranceXof, ...goods } = item;
  if (valueBasis === 'FOB' || valueBasis === 'EXW') {
    const customsValue = invoiceValueXof! + freightXof! + insuranceXof!;
    return {
      ...goods,
      valueXof: customsValue,
      valueBasis,
      invoiceValueXof: invoiceValueXof!,
      freightXof: freightXof!,
      insuranceXof: insuranceXof!,
    };
  }
  const customsValue = customsValueXof ?? valueXof!;
  return { ...goods, valueXof: customsValue, valueBasis: 'CIF' };
}

// ---- schema ------------------------------------------------------------------------------------

/**
 * The declaration schema. With reference data it also checks offices, routes, HS chapters and
 * package kinds; without, only the structure (enough for OpenAPI documents). Prefer
 * validateDeclaration, which formats every error with its field path.
 */
export function makeDeclarationSchema(reference?: ReferenceData) {
  const goodsItem = z
    .strictObject(goodsItemShape(reference), { error: expecting('a goods item object') })
    .superRefine(
      (item, ctx) => {
        const { grossMassKg, netMassKg } = item as { grossMassKg: unknown; netMassKg: unknown };
        // Only between two valid masses: a gross mass of 0 is already reported on its own.
        if (typeof grossMassKg === 'number' && typeof netMassKg === 'number' && grossMassKg > 0 && netMassKg > grossMassKg) {
          ctx.addIssue({
            code: 'custom',
            path: ['netMassKg'],
            message: `the net mass (${netMassKg} kg) is above the gross mass (${grossMassKg} kg); the gross mass includes the packaging`,
          });
        }
        checkValue(item as Record<string, unknown>, (path, message) => ctx.addIssue({ code: 'custom', path: [path], message }));
      },
      // Runs even when another field of the item is wrong, so both problems are reported together.
      { when: (payload) => payload.value !== null && typeof payload.value === 'object' },
    )
    .transform(normaliseValue);

  const route = z
    .array(officeCode, { error: expecting('the route as a list of office reference numbers') })
    .min(2, 'a route lists at least the office of departure and the office of destination or exit')
    .max(DECLARATION_LIMITS.routeOffices, `at most ${DECLARATION_LIMITS.routeOffices} offices`)
    .superRefine((codes, ctx) => {
      if (!reference || codes.length < 2) return;
      const malformed = new Set(codes.flatMap((c, i) => (OFFICE_CODE.test(c) ? [] : [i])));
      const result = planRoute(codes, reference);
      if (result.ok) return;
      for (const error of result.errors) {
        const index = /^route\[(\d+)\]$/.exec(error.path)?.[1];
        if (index !== undefined && malformed.has(Number(index))) continue; // its format error says more
        ctx.addIssue({ code: 'custom', path: index === undefined ? [] : [Number(index)], message: error.message });
      }
    })
    .meta({
      description: 'office reference numbers in travel order: departure first, destination or exit last',
      examples: [['TGLFW001', 'TGCKS001', 'BFCKN001', 'BFOUA001']],
    });

  const containers = z
    .array(containerNumber, { error: expecting('a list of container numbers') })
    .max(DECLARATION_LIMITS.containers, `at most ${DECLARATION_LIMITS.containers} containers on one road vehicle`)
    .superRefine((numbers, ctx) => {
      numbers.forEach((n, i) => {
        const first = numbers.indexOf(n);
        if (first !== i) ctx.addIssue({ code: 'custom', path: [i], message: `${n} is already listed at containers[${first}]` });
      });
    })
    .default([])
    .meta({ description: 'ISO 6346 numbers of the containers carrying the goods; leave out (or []) for a sealed vehicle' });

  return z
    .strictObject(
      {
        lrn: z
          .string({ error: expecting('the LRN, your own reference for this declaration') })
          .trim()
          .regex(LRN, 'expected the LRN as 1 to 22 letters, digits, dots, dashes or underscores')
          .meta({ description: 'local reference number: the declarant’s own reference, unique per declarant' }),
        declarant: party('declarant'),
        principal: party('principal'),
        carrier: party('carrier', true).optional(),
        transport: z.strictObject(transportShape, { error: expecting('the means of transport {registration, nationality, trailer?}') }),
        route,
        containers,
        sealedVehicle: z
          .boolean({ error: expecting('true or false') })
          .default(false)
          .meta({ description: 'true when the goods travel in an approved sealed vehicle rather than in containers' }),
        goodsItems: z
          .array(goodsItem, { error: expecting('a list of goods items') })
          .min(1, 'declare at least one goods item')
          .max(DECLARATION_LIMITS.goodsItems, `at most ${DECLARATION_LIMITS.goodsItems} goods items per declaration`),
        guarantee: z.strictObject(guaranteeShape, { error: expecting('the guarantee {grn, accessCode}') }),
        currency: z
          .literal('XOF', { error: 'values are declared in XOF (ISO 4217, franc CFA BCEAO), as valueXof says; convert before declaring' })
          .default('XOF')
          .meta({ description: 'currency of every value: always XOF' }),
      },
      { error: expecting('the declaration as a JSON object') },
    )
    .superRefine(
      (value, ctx) => {
        const { containers: listed, sealedVehicle } = value as { containers?: unknown; sealedVehicle?: unknown };
        if (!Array.isArray(listed) || (sealedVehicle !== undefined && typeof sealedVehicle !== 'boolean')) return;
        if (listed.length > 0 && sealedVehicle === true) {
          ctx.addIssue({
            code: 'custom',
            path: ['sealedVehicle'],
            message: 'goods travel either in containers or in a sealed vehicle, not both: remove the containers or set sealedVehicle to false',
          });
        } else if (listed.length === 0 && sealedVehicle !== true) {
          ctx.addIssue({
            code: 'custom',
            path: ['containers'],
            message: 'list the containers (ISO 6346 numbers), or set sealedVehicle to true for goods loaded directly in an approved sealed vehicle',
          });
        }
      },
      { when: (payload) => payload.value !== null && typeof payload.value === 'object' && !Array.isArray(payload.value) },
    );
}

/** Structure only (no reference data): for OpenAPI documents and type inference. */
export const declarationSchema = makeDeclarationSchema();

/** What the API accepts (before normalisation). */
export type DeclarationInput = z.input<typeof declarationSchema>;

// The hand-written Declaration (types.ts, importable by workflows) and the schema must not drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesDeclarationType: Same<z.output<typeof declarationSchema>, Declaration> = true;
void schemaMatchesDeclarationType;

// ---- errors --------------------------------------------------------------------------------------

/** `['goodsItems', 0, 'netMassKg']` → `goodsItems[0].netMassKg`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out;
}

const FIELDS_BY_PLACE: Record<string, readonly string[]> = {
  '': TOP_LEVEL_FIELDS,
  declarant: Object.keys(partyShape),
  principal: Object.keys(partyShape),
  carrier: Object.keys(partyShape),
  'declarant.address': Object.keys(addressShape),
  'principal.address': Object.keys(addressShape),
  'carrier.address': Object.keys(addressShape),
  transport: Object.keys(transportShape),
  'transport.trailer': ['registration'],
  'goodsItems[]': Object.keys(goodsItemShape(undefined)),
  guarantee: Object.keys(guaranteeShape),
};

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function unknownFieldMessage(place: readonly PropertyKey[], key: string): string {
  const fields = FIELDS_BY_PLACE[formatPath(place).replace(/\[\d+\]/g, '[]')] ?? [];
  const close = fields.find((f) => f.toLowerCase() === key.toLowerCase()) ?? fields.find((f) => editDistance(f, key) <= 2);
  const hint = close ? `; did you mean ${close}?` : fields.length ? `; accepted here: ${fields.join(', ')}` : '';
  return `unknown field ${JSON.stringify(key)}${hint}`;
}

function toFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const errors: FieldError[] = [];
  // One error per field: a person fixes a field once, so its problems are read together.
  const byPath = new Map<string, { error: FieldError; messages: Set<string> }>();
  const add = (path: string, message: string) => {
    const known = byPath.get(path);
    if (!known) {
      const error = { path, message };
      byPath.set(path, { error, messages: new Set([message]) });
      errors.push(error);
    } else if (!known.messages.has(message)) {
      known.messages.add(message);
      known.error.message += `; ${message}`;
    }
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add(formatPath([...issue.path, key]), unknownFieldMessage(issue.path, key));
    } else {
      add(formatPath(issue.path), issue.message);
    }
  }
  // Document order, so a person reads the errors top to bottom as the declaration is laid out.
  const rank = (path: string) => {
    const top = /^[A-Za-z]+/.exec(path)?.[0] ?? '';
    const i = (TOP_LEVEL_FIELDS as readonly string[]).indexOf(top);
    return i === -1 ? (top ? TOP_LEVEL_FIELDS.length : -1) : i;
  };
  const index = (path: string) => Number(/^[A-Za-z]+\[(\d+)\]/.exec(path)?.[1] ?? -1);
  return errors
    .map((error, i) => ({ error, i }))
    .sort((a, b) => rank(a.error.path) - rank(b.error.path) || index(a.error.path) - index(b.error.path) || a.i - b.i)
    .map(({ error }) => error);
}

// ---- validation ---------------------------------------------------------------------------------

export type DeclarationValidation = { ok: true; declaration: Declaration; plan: PlannedRoute } | { ok: false; errors: FieldError[] };

const schemas = new WeakMap<ReferenceData, ReturnType<typeof makeDeclarationSchema>>();

/**
 * Validates a declaration as received (parsed JSON) against reference data. On success returns the
 * normalised declaration and its planned route; otherwise every error found, each with its field
 * path, schema and reference checks together.
 */
export function validateDeclaration(input: unknown, reference: ReferenceData): DeclarationValidation {
  let schema = schemas.get(reference);
  if (!schema) {
    schema = makeDeclarationSchema(reference);
    schemas.set(reference, schema);
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error.issues) };
  const planned = planRoute(parsed.data.route, reference);
  if (!planned.ok) return { ok: false, errors: planned.errors }; // unreachable: the schema ran the same checks
  return { ok: true, declaration: parsed.data, plan: planned.plan };
}
