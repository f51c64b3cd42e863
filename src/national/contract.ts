// The contract between Corridor and a national customs system (Togo's or Burkina Faso's
// ASYCUDA World, or the sandbox standing in for it). Every request and answer is defined
// here once; the sandbox's routes, the typed client, the activities and the OpenAPI
// document (docs/national-system-contract.openapi.json) are all derived from this file,
// so the name of a step is the same everywhere.
// One file on purpose (about 950 lines): it is the declarative source everything else is
// generated from, and a reader checks the whole contract in one place.
//
// Workflows must not import this file at run time (it pulls in zod); `import type` is fine.
import { z } from 'zod';
import { corridorCountries } from '../domain/countries.ts';
import { GRN, MRN_PATTERN, OFFICE_CODE } from '../domain/formats.ts';

export const contractVersion = '1.0.0';

/**
 * Descriptions and component names of the contract's schemas. A registry of our own, not
 * zod's global one, so that the generated document holds exactly the contract whatever
 * else the process has loaded.
 */
export const contractRegistry = z.registry<{ id?: string; description?: string }>();

/** A copy of `schema` carrying a description in the contract's registry. */
function doc<T extends z.ZodType>(schema: T, description: string): T {
  const copy = schema.clone() as T;
  contractRegistry.add(copy, { description });
  return copy;
}

/** A named schema: it becomes `#/components/schemas/<id>` in the OpenAPI document. */
function component<T extends z.ZodType>(id: string, schema: T, description: string): T {
  contractRegistry.add(schema, { id, description });
  return schema;
}

// ---------------------------------------------------------------------------------------
// Identifiers and small values

export { corridorCountries as nationalCountries };
export const Country = z.enum(corridorCountries);
export type NationalCountry = z.output<typeof Country>;

export const Mrn = z.string().regex(MRN_PATTERN, 'expected an MRN: 18 characters (2-digit year, country of departure, 13 characters, check digit)');
export const Grn = z.string().regex(GRN, 'expected a guarantee reference number such as 26TG0000000000001');
export const OfficeCode = z.string().regex(OFFICE_CODE, 'expected an office reference number such as TGCKS001');
export const Timestamp = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date and time, e.g. 2026-11-27T10:00:00Z' });
export const CalendarDate = z.iso.date({ error: 'expected an ISO 8601 date, e.g. 2027-12-31' });
/** Amounts are whole francs: the CFA franc (XOF) has no minor unit (ISO 4217 exponent 0). */
export const AmountXof = z.number().int('expected whole francs (XOF has no minor unit)').nonnegative('expected 0 or more');
export const Tin = z.string().trim().min(1, 'expected a taxpayer identification number');
export const Reason = z.string().trim().min(1, 'expected a reason a person can read').max(2000);
export const NationalReference = doc(z.string(), "The national system's own reference of its record of the movement, e.g. TG-2026-000042.");

const mrnField = doc(Mrn, 'Movement reference number (MRN), the key of the movement in every system.');
const grnField = doc(Grn, 'Guarantee reference number (GRN).');
const officeField = doc(OfficeCode, 'Office reference number of the customs office where the step took place; it must be an office of this country.');
const fallbackField = doc(
  z
    .object({
      paperNumber: doc(
        z.string().min(1).max(40),
        'Number of the paper document drawn up under the fallback procedure (document de secours), e.g. BFCKN001-DS-2025-000123.',
      ),
      recordedAt: doc(Timestamp, "The paper's time: when the officer recorded the act on paper."),
      officer: doc(z.string().min(1).max(100), 'The officer who recorded it, as Corridor knows them.'),
    })
    .optional(),
  "Set when Corridor writes a fallback act: the officer recorded it in Corridor while this system could not be reached (procédure de secours). The record keeps it in the event's data (`fallback`).",
);

const atField = doc(
  Timestamp.optional(),
  'When the officer recorded the step (the national system keeps its own time of recording as well). Defaults to the time of the call.',
);
const sealsIntactField = doc(z.boolean(), 'Whether the seals were found present and intact.');

export const ControlResult = doc(
  z.enum(['SATISFACTORY', 'DISCREPANCIES']),
  'Outcome of the control: SATISFACTORY, or DISCREPANCIES found (which hold the movement at destination until resolved).',
);

// ---------------------------------------------------------------------------------------
// The declaration as the national system sees it

/**
 * The full Corridor declaration, stored as sent. The national system reads only what it
 * needs (goods values for the amount at risk, the guarantee, the principal's TIN); every
 * other field passes through untouched, so the contract does not have to change when the
 * declaration grows.
 */
const DeclarationSchema = z.looseObject({
  lrn: z.string().min(1).optional(),
  principal: z.looseObject({ tin: Tin }).optional(),
  route: z.array(OfficeCode).optional(),
  goodsItems: z
    .array(
      z.looseObject({
        hsCode: doc(z.string().regex(/^\d{6,10}$/, 'expected an HS code of 6 to 10 digits'), "The item's HS code: its duty rate in this country's tariff."),
        valueXof: doc(AmountXof, 'Customs value of the item in CFA francs (XOF): the base of duties and taxes.'),
      }),
    )
    .min(1, 'expected at least one goods item'),
  guarantee: z.looseObject({
    grn: grnField,
    accessCode: doc(z.string().min(1), 'Access code of the guarantee (never echoed back: records show ****).'),
  }),
});

/** The declaration as a caller passes it: any object with at least these fields (Corridor's declaration model fits). */
export interface DeclarationInput {
  readonly lrn?: string;
  readonly principal?: { readonly tin: string };
  readonly route?: readonly string[];
  readonly goodsItems: ReadonlyArray<{ readonly hsCode: string; readonly valueXof: number }>;
  readonly guarantee: { readonly grn: string; readonly accessCode: string };
}

/** The declaration as the national system keeps it: the fields it reads, and everything else as sent. */
export type Declaration = z.output<typeof DeclarationSchema>;

export const Declaration = component(
  'Declaration',
  // Typed for callers without an index signature, so that interfaces such as Corridor's own
  // declaration type are accepted as they are.
  DeclarationSchema as unknown as z.ZodType<Declaration, DeclarationInput>,
  "The transit declaration (Corridor's declaration model: lrn, declarant, principal, carrier, transport, route, containers or sealedVehicle, goodsItems, guarantee). The national system reads goodsItems[].hsCode and valueXof, guarantee and principal.tin and stores the rest as sent.",
);

// ---------------------------------------------------------------------------------------
// Answers

export const movementStates = [
  // departure country's record
  'REGISTERED',
  'GUARANTEED',
  'RELEASED',
  'AT_BORDER',
  'EXITED',
  'WRITTEN_OFF',
  'CANCELLED',
  // a next country's record, created from the AAR
  'AAR_RECEIVED',
  'ENTERED',
  'ARRIVED',
  'HELD',
  'CONTROLLED',
  'DISCHARGED',
] as const;
export const MovementState = component(
  'MovementState',
  z.enum(movementStates),
  'State of the national record. Departure: REGISTERED → GUARANTEED → RELEASED → (AT_BORDER) → EXITED → WRITTEN_OFF, or CANCELLED before release. Next country (from the AAR): AAR_RECEIVED → (AT_BORDER) → ENTERED → ARRIVED → CONTROLLED (or HELD on discrepancies) → (EXITED at an exit office) → DISCHARGED.',
);
export type MovementState = z.output<typeof MovementState>;

export const MovementRole = doc(
  z.enum(['DEPARTURE', 'ARRIVAL']),
  'DEPARTURE: the declaration was registered in this system; ARRIVAL: this system created its record from the AAR (destination, or transit to an exit office).',
);
export type MovementRole = z.output<typeof MovementRole>;

export const GuaranteeShare = component(
  'GuaranteeShare',
  z.object({
    grn: Grn,
    status: doc(
      z.enum(['RESERVED', 'RELEASED', 'REFUSED']),
      "RESERVED: this country's share of the one guarantee is now held here; RELEASED: given back (its leg written off, or discharged); REFUSED: it could not be reserved (code and reason say why; the call itself was done).",
    ),
    amountXof: doc(AmountXof.nullable(), "This country's amount at risk, from its own tariff; null when refused."),
    code: z.string().nullable(),
    reason: z.string().nullable(),
  }),
  "What a call did to this country's share of the movement's guarantee (caution unique: one GRN, one share per country of the route).",
);
export type GuaranteeShare = z.output<typeof GuaranteeShare>;

export const MovementAck = component(
  'MovementAck',
  z.object({
    mrn: mrnField,
    reference: NationalReference,
    country: Country,
    role: MovementRole,
    state: MovementState,
    guaranteeShare: doc(GuaranteeShare.optional(), "Present when the call reserved or released this country's share of the guarantee."),
  }),
  "The national system's reference and the record's state after the call.",
);
export type MovementAck = z.output<typeof MovementAck>;

export const AmendmentAck = component(
  'AmendmentAck',
  MovementAck.extend({
    reservation: doc(
      z.object({ grn: Grn, amountXof: AmountXof }).nullable(),
      'The reservation that replaced the previous one when the movement was guaranteed (the amount at risk of the amended declaration); null when nothing was reserved yet.',
    ),
  }),
  'The record after an amendment, with the reservation that now covers it.',
);
export type AmendmentAck = z.output<typeof AmendmentAck>;

export const operationNames = [
  'lodgeDeclaration',
  'registerDeclaration',
  'reserveGuarantee',
  'releaseGuarantee',
  'claimGuarantee',
  'recordRelease',
  'receiveAar',
  'recordBorderArrival',
  'confirmExit',
  'acceptEntry',
  'receiveExitNotice',
  'receiveEntryNotice',
  'receiveIncident',
  'recordArrival',
  'recordControlResults',
  'discharge',
  'writeOff',
  'cancel',
  'amend',
  'divert',
  'withdrawAar',
  'getMovement',
  'getGuarantee',
  'listEvents',
] as const;
export type OperationName = (typeof operationNames)[number];
export const OperationNameSchema = z.enum(operationNames);

export const MovementEvent = component(
  'MovementEvent',
  z.object({
    seq: z.number().int().positive(),
    operation: OperationNameSchema,
    state: MovementState,
    at: Timestamp,
    recordedAt: Timestamp,
    office: OfficeCode.nullable(),
    source: doc(
      z.enum(['officer', 'interconnection']),
      'officer: keyed in this system by one of its users (officer or declarant); interconnection: written by Corridor.',
    ),
    officer: doc(z.string().nullable(), 'The user of this system who keyed the step; null when Corridor wrote it.'),
    sequence: doc(z.number().int().positive(), "The step's sequence in this system's journal (GET /v1/events)."),
    data: z.record(z.string(), z.unknown()),
  }),
  "One step of the record, in order: the operation that made it, the state after it, when it happened (at) and when the system recorded it. The same rows as the system's journal, read for one MRN.",
);

export const ReservationStatus = doc(
  z.enum(['RESERVED', 'RELEASED', 'CLAIMED']),
  'RESERVED: the amount at risk is held on the guarantee; RELEASED: given back; CLAIMED: taken by recovery.',
);

export const Reservation = component(
  'Reservation',
  z.object({
    grn: grnField,
    mrn: mrnField,
    amountXof: doc(AmountXof, 'Amount at risk reserved on the guarantee, in XOF.'),
    declaredValueXof: doc(AmountXof, "Sum of the goods items' declared values, in XOF."),
    ratePercent: doc(
      z.number(),
      "The amount at risk as a percentage of the customs value (two decimals), computed item by item from this country's tariff: duty by HS code, levies, VAT.",
    ),
    status: ReservationStatus,
    reservedAt: Timestamp,
    closedAt: Timestamp.nullable(),
    reason: z.string().nullable(),
  }),
  'A reservation of the amount at risk of one movement on one guarantee.',
);
export type Reservation = z.output<typeof Reservation>;

export const GuaranteeBalance = component(
  'GuaranteeBalance',
  z.object({
    grn: grnField,
    guarantor: z.object({ id: z.string(), name: z.string() }),
    principalTin: doc(Tin.nullable(), 'When set, only movements of this principal may use the guarantee.'),
    referenceAmountXof: doc(AmountXof, 'Reference amount of the guarantee (montant de référence), in XOF.'),
    reservedXof: doc(AmountXof, 'Sum of the open reservations.'),
    claimedXof: doc(AmountXof, 'Sum taken by recovery.'),
    availableXof: doc(AmountXof, 'referenceAmountXof − reservedXof − claimedXof.'),
    expiresOn: doc(CalendarDate, 'Last day of validity (inclusive).'),
    expired: z.boolean(),
  }),
  'Balance of a guarantee. Amounts are whole CFA francs (XOF) and always exact: availableXof = referenceAmountXof − reservedXof − claimedXof.',
);
export type GuaranteeBalance = z.output<typeof GuaranteeBalance>;

export const Guarantee = component(
  'Guarantee',
  GuaranteeBalance.extend({
    reservationCounts: z.object({
      reserved: z.number().int().nonnegative(),
      released: z.number().int().nonnegative(),
      claimed: z.number().int().nonnegative(),
    }),
    reservations: doc(
      z.array(Reservation),
      'Open reservations (status RESERVED), newest first, at most 1,000; or the reservations of one movement when asked with ?mrn=.',
    ),
  }),
  'A guarantee with its balance and open reservations.',
);
export type Guarantee = z.output<typeof Guarantee>;

export const GuaranteeOperation = component(
  'GuaranteeOperation',
  z.object({
    mrn: mrnField,
    grn: grnField,
    amountXof: doc(AmountXof, 'The amount this call reserved, released or claimed, in XOF.'),
    reservation: Reservation,
    guarantee: GuaranteeBalance,
    movement: MovementAck,
  }),
  "Result of a reservation, release or claim: the amount, the reservation, the guarantee's balance after it, and the movement's state.",
);
export type GuaranteeOperation = z.output<typeof GuaranteeOperation>;

export const Movement = component(
  'Movement',
  MovementAck.extend({
    lrn: z.string(),
    declarantTin: Tin,
    departureCountry: Country,
    departureReference: NationalReference.nullable(),
    declaration: Declaration,
    version: doc(z.number().int().positive(), '1 at registration (or AAR), +1 per amendment.'),
    seals: z.array(z.string()),
    timeLimit: Timestamp.nullable(),
    guarantee: z.object({ grn: Grn, amountAtRiskXof: AmountXof, status: ReservationStatus }).nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    events: z.array(MovementEvent),
  }),
  "The national system's record of a movement, with its history.",
);
export type Movement = z.output<typeof Movement>;

// ---------------------------------------------------------------------------------------
// The journal: the ordered record of the transit events this system published

export const journalEventTypes = [
  'DECLARATION_REGISTERED',
  'GUARANTEE_RESERVED',
  'GUARANTEE_RELEASED',
  'GUARANTEE_CLAIMED',
  'RELEASED',
  'AAR_RECEIVED',
  'BORDER_ARRIVAL',
  'EXIT_CONFIRMED',
  'ENTRY_ACCEPTED',
  'EXIT_NOTICE_RECEIVED',
  'ENTRY_NOTICE_RECEIVED',
  'ARRIVED',
  'CONTROL_RESULTS',
  'DISCHARGED',
  'WRITTEN_OFF',
  'AMENDED',
  'CANCELLED',
  'DIVERTED',
  'AAR_WITHDRAWN',
  // The procès-verbal d'incident the country where the truck is drew up (receiveIncident).
  'INCIDENT',
] as const;
export const JournalEventType = component('JournalEventType', z.enum(journalEventTypes), 'The act an event records.');
export type JournalEventType = z.output<typeof JournalEventType>;

/** The journal event each mutating operation publishes when it changes a record (a replay or a refusal publishes none). */
export const journalEventOf = {
  lodgeDeclaration: 'DECLARATION_REGISTERED',
  registerDeclaration: 'DECLARATION_REGISTERED',
  reserveGuarantee: 'GUARANTEE_RESERVED',
  releaseGuarantee: 'GUARANTEE_RELEASED',
  claimGuarantee: 'GUARANTEE_CLAIMED',
  recordRelease: 'RELEASED',
  receiveAar: 'AAR_RECEIVED',
  recordBorderArrival: 'BORDER_ARRIVAL',
  confirmExit: 'EXIT_CONFIRMED',
  acceptEntry: 'ENTRY_ACCEPTED',
  receiveExitNotice: 'EXIT_NOTICE_RECEIVED',
  receiveEntryNotice: 'ENTRY_NOTICE_RECEIVED',
  receiveIncident: 'INCIDENT',
  recordArrival: 'ARRIVED',
  recordControlResults: 'CONTROL_RESULTS',
  discharge: 'DISCHARGED',
  writeOff: 'WRITTEN_OFF',
  amend: 'AMENDED',
  cancel: 'CANCELLED',
  divert: 'DIVERTED',
  withdrawAar: 'AAR_WITHDRAWN',
} as const satisfies Record<Exclude<OperationName, 'getMovement' | 'getGuarantee' | 'listEvents'>, JournalEventType>;

export const EventSource = doc(
  z.enum(['officer', 'interconnection']),
  'officer: keyed in this system by one of its users (an officer, or a declarant for lodging, amendment and cancellation); interconnection: written by Corridor.',
);

export const JournalEvent = component(
  'JournalEvent',
  z.object({
    sequence: doc(z.number().int().positive(), 'Strictly increasing in this system, never reused: the cursor of the journal.'),
    id: doc(z.string(), 'Globally unique and stable: country and sequence, e.g. TG-000000000123. Corridor uses it as the workflow update id.'),
    type: JournalEventType,
    mrn: mrnField,
    office: doc(OfficeCode.nullable(), 'Office where the act was recorded, when it has one.'),
    officer: doc(z.string().nullable(), 'The user of this system who keyed the act (sub of their credential); null when Corridor wrote it.'),
    at: doc(Timestamp, 'When this system recorded the act: the time dwell times and deadlines are measured with.'),
    source: EventSource,
    state: doc(MovementState, "The record's state after the act."),
    data: doc(
      z.record(z.string(), z.unknown()),
      "The act's data. DECLARATION_REGISTERED: reference, lrn, declarantTin, declaration (as stored, access code masked) and guarantee {grn, amountXof} when lodged directly (null otherwise); GUARANTEE_*: grn, amountXof, reason; RELEASED: seals, timeLimit, controlResult; AAR_RECEIVED: departureCountry, departureReference, seals, timeLimit; BORDER_ARRIVAL/EXIT_CONFIRMED/ENTRY_ACCEPTED/ARRIVED: sealsIntact, and fallback {paperNumber, recordedAt, officer} when Corridor wrote a fallback act; EXIT_NOTICE_RECEIVED/ENTRY_NOTICE_RECEIVED: country and office where the other system recorded the act, sealsIntact, recordedAt; INCIDENT: country, office, kind, place, description, observations, newVehicle, newTrailer, newSeals, extendHours, recordedAt; CONTROL_RESULTS: controlResult, sealsIntact, discrepancies; DISCHARGED: alternativeProof; AMENDED: version, reservation; CANCELLED: reason, released; DIVERTED: office, route, reason, timeLimit; AAR_WITHDRAWN: reason, released. occurredAt: the time of the act given with the call, when one was.",
    ),
  }),
  "One transit event of this system's journal, written in the same transaction as the act it records.",
);
export type JournalEvent = z.output<typeof JournalEvent>;

export const JournalPage = component(
  'JournalPage',
  z.object({
    events: z.array(JournalEvent),
    lastSequence: doc(
      z.number().int().nonnegative(),
      'The cursor to ask from next time (after=lastSequence): the sequence of the last event of this page, or `after` when the page is empty.',
    ),
    headSequence: doc(
      z.number().int().nonnegative(),
      'The sequence of the newest event of the journal (0 when empty): more pages wait when it is above lastSequence.',
    ),
  }),
  'A page of the journal, oldest first.',
);
export type JournalPage = z.output<typeof JournalPage>;

export const LodgementAck = component(
  'LodgementAck',
  MovementAck.extend({
    lrn: z.string(),
    declarantTin: Tin,
    reservation: Reservation,
  }),
  'The departure record created (or found again) by a direct lodging, with the reservation of its amount at risk.',
);
export type LodgementAck = z.output<typeof LodgementAck>;

export const Health = component('Health', z.object({ status: z.literal('ok'), country: Country, contractVersion: z.string() }), 'The system is up.');

// ---------------------------------------------------------------------------------------
// Refusals and errors

/**
 * Business refusals: machine-readable `code`, human `reason`. A refusal is final for the
 * call (retrying it gives the same answer); the workflow decides what to do with it.
 */
export const refusalCodes = {
  MOVEMENT_UNKNOWN: { status: 404, meaning: 'No record of this MRN in this system.' },
  GUARANTEE_UNKNOWN: {
    status: 404,
    meaning: 'No guarantee with this GRN in this system, or (when reserving) not with this access code: both answer the same.',
  },
  RESERVATION_UNKNOWN: { status: 404, meaning: 'This movement never reserved on this guarantee.' },
  MOVEMENT_EXISTS: { status: 409, meaning: 'The MRN is already known here with different content.' },
  MOVEMENT_STATE: { status: 409, meaning: 'The record is not in a state that allows this step (e.g. discharge before arrival).' },
  MRN_COUNTRY_MISMATCH: {
    status: 409,
    meaning: "The MRN's country of departure does not fit this call (a declaration registers in its departure country; an AAR goes to another country).",
  },
  OFFICE_NOT_NATIONAL: { status: 409, meaning: 'The office is not an office of this country.' },
  GUARANTEE_ACCESS_CODE_INVALID: {
    status: 409,
    meaning: 'Kept for earlier clients; no longer answered: a wrong access code answers GUARANTEE_UNKNOWN, so a guess learns nothing of whose guarantee it is.',
  },
  GUARANTEE_LOCKED: {
    status: 409,
    meaning: 'Five wrong access codes within 15 minutes: the guarantee refuses every reservation until 15 minutes after the first of them.',
  },
  GUARANTEE_EXPIRED: { status: 409, meaning: 'The guarantee is past its expiry date.' },
  GUARANTEE_INSUFFICIENT: { status: 409, meaning: "The amount at risk exceeds the guarantee's available balance; nothing was reserved." },
  GUARANTEE_PRINCIPAL_MISMATCH: { status: 409, meaning: 'The guarantee belongs to another principal.' },
  RESERVATION_CLOSED: { status: 409, meaning: 'The reservation was already released or claimed.' },
  OFFICE_NOT_DEPARTURE: { status: 409, meaning: "Release for transit is recorded at the office of departure (the first office of the declaration's route)." },
  OFFICER_NOT_AT_OFFICE: { status: 403, meaning: "An officer records acts at their own office only: the call's office is not the officer's." },
  USER_NOT_PERMITTED: {
    status: 403,
    meaning: "This user may not record this act (an officer's act by a declarant, a declarant's act on another declarant's declaration, an AAR keyed by hand).",
  },
} as const;
export type RefusalCode = keyof typeof refusalCodes;
export const RefusalCodeSchema = z.enum(Object.keys(refusalCodes) as [RefusalCode, ...RefusalCode[]]);

export const Refusal = component(
  'Refusal',
  z.object({ code: RefusalCodeSchema, reason: z.string() }),
  'A business refusal: nothing was changed by the call. Repeating the call with the same Idempotency-Key returns the same refusal.',
);
export type Refusal = z.output<typeof Refusal>;

/** Answers that are not business outcomes: the call was malformed, or the system is unavailable. */
export const errorCodes = {
  REQUEST_INVALID: { status: 400, meaning: 'The request does not match the contract; `errors` lists every field at fault.' },
  UNAUTHENTICATED: {
    status: 401,
    meaning:
      "The Authorization credential is neither Corridor's nor a valid credential of a user of this system (expired, wrong signature, incomplete claims).",
  },
  ROUTE_UNKNOWN: { status: 404, meaning: 'No such route.' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, meaning: 'This Idempotency-Key was used before for a different call.' },
  INTERNAL: { status: 500, meaning: 'Unexpected failure of the national system.' },
  UNAVAILABLE: { status: 503, meaning: 'The system is unavailable; nothing was done. Retry with the same Idempotency-Key.' },
} as const;
export type ErrorCode = keyof typeof errorCodes;

export const ErrorAnswer = component(
  'ErrorAnswer',
  z.object({
    code: z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]),
    reason: z.string(),
    errors: z
      .array(
        z.object({
          in: z.enum(['body', 'params', 'querystring', 'headers']),
          path: doc(z.string(), 'JSON pointer to the field, e.g. /declaration/goodsItems/0/valueXof.'),
          message: z.string(),
        }),
      )
      .optional(),
  }),
  'The call was not processed as a business step (malformed, key reused, unavailable).',
);
export type ErrorAnswer = z.output<typeof ErrorAnswer>;

export const IdempotencyHeaders = z.looseObject({
  'idempotency-key': doc(
    z.string({ error: 'expected an Idempotency-Key header' }).min(1, 'expected an Idempotency-Key header').max(255),
    'Unique per logical call (Corridor sends workflowId:activityId). A repeated key returns the first answer byte for byte and changes nothing; the same key with a different call is 422.',
  ),
});

// ---------------------------------------------------------------------------------------
// Operations

const MrnParams = z.object({ mrn: mrnField });
const GrnParams = z.object({ grn: grnField });
const GrnMrnParams = z.object({ grn: grnField, mrn: mrnField });
const NoParams = z.object({});

type Method = 'GET' | 'POST';

export interface OperationDefinition<
  P extends z.ZodObject = z.ZodObject,
  B extends z.ZodObject | undefined = z.ZodObject | undefined,
  Q extends z.ZodObject | undefined = z.ZodObject | undefined,
  R extends z.ZodType = z.ZodType,
  M extends boolean = boolean,
> {
  method: Method;
  /** fastify route syntax; path parameters are the keys of `params`. */
  path: string;
  params: P;
  body: B;
  query: Q;
  response: R;
  /** 201 when the call creates a record; 200 otherwise. */
  status: 200 | 201;
  /** Mutating calls need an Idempotency-Key. */
  mutating: M;
  tag: 'movements' | 'guarantees' | 'journal';
  summary: string;
  description: string;
  refusals: readonly RefusalCode[];
}

function operation<P extends z.ZodObject, B extends z.ZodObject | undefined, Q extends z.ZodObject | undefined, R extends z.ZodType, const M extends boolean>(
  definition: OperationDefinition<P, B, Q, R, M>,
): OperationDefinition<P, B, Q, R, M> {
  return definition;
}

const stateRefusals = ['MOVEMENT_UNKNOWN', 'MOVEMENT_STATE', 'USER_NOT_PERMITTED'] as const;
const officeStepRefusals = ['MOVEMENT_UNKNOWN', 'MOVEMENT_STATE', 'OFFICE_NOT_NATIONAL', 'OFFICER_NOT_AT_OFFICE', 'USER_NOT_PERMITTED'] as const;

/** Every call of the contract, in lifecycle order. The one list everything else is made from. */
export const operations = {
  lodgeDeclaration: operation({
    method: 'POST',
    path: '/v1/declarations',
    params: NoParams,
    body: z.object({
      declaration: doc(
        z.looseObject({}),
        "Corridor's declaration model, checked in full by this system (every field at fault listed at once, 400); lodged by the declarant named in it.",
      ),
    }),
    query: undefined,
    response: LodgementAck,
    status: 201,
    mutating: true,
    tag: 'movements',
    summary: 'Lodge a transit declaration directly in this system (declarant): register it and reserve its guarantee in one step',
    description:
      "The declarant's own screen of the national system. The MRN is allocated as Corridor allocates it (declarant TIN + LRN, lodging year, country of departure from the route), so lodging here or through Corridor gives the same movement; the route must depart from this country (MRN_COUNTRY_MISMATCH). The record is registered and the amount at risk reserved on the guarantee in one transaction (state GUARANTEED): a guarantee refusal leaves nothing. The same declaration lodged again answers 200 with the existing record; the same LRN with other content is refused (MOVEMENT_EXISTS). Publishes one DECLARATION_REGISTERED event carrying the reservation.",
    refusals: [
      'MOVEMENT_EXISTS',
      'MOVEMENT_STATE',
      'MRN_COUNTRY_MISMATCH',
      'USER_NOT_PERMITTED',
      'GUARANTEE_UNKNOWN',
      'GUARANTEE_ACCESS_CODE_INVALID',
      'GUARANTEE_EXPIRED',
      'GUARANTEE_PRINCIPAL_MISMATCH',
      'GUARANTEE_INSUFFICIENT',
    ],
  }),
  registerDeclaration: operation({
    method: 'POST',
    path: '/v1/movements',
    params: NoParams,
    body: z.object({ mrn: mrnField, lrn: z.string().min(1), declarantTin: Tin, declaration: Declaration }),
    query: undefined,
    response: MovementAck,
    status: 201,
    mutating: true,
    tag: 'movements',
    summary: 'Register a transit declaration in the country of departure',
    description:
      'Creates the departure record (state REGISTERED) with the national reference. Registering the same MRN again with the same content answers 200 with the existing record, including a record the declarant lodged directly (POST /v1/declarations); with different content it is refused (MOVEMENT_EXISTS).',
    refusals: ['MOVEMENT_EXISTS', 'MRN_COUNTRY_MISMATCH', 'USER_NOT_PERMITTED'],
  }),
  reserveGuarantee: operation({
    method: 'POST',
    path: '/v1/guarantees/:grn/reservations',
    params: GrnParams,
    body: z.object({ mrn: mrnField, accessCode: z.string().min(1) }),
    query: undefined,
    response: GuaranteeOperation,
    status: 201,
    mutating: true,
    tag: 'guarantees',
    summary: 'Compute the amount at risk of a registered movement and reserve it on the guarantee',
    description:
      'The amount at risk is computed by the national system from the registered declaration (illustrative rule: duties and taxes at a flat rate of the declared value, set per country, rounded up to the franc). The movement goes from REGISTERED to GUARANTEED. A refusal reserves nothing. A movement that already holds an open reservation on the same guarantee (e.g. lodged directly) answers that reservation (200) and reserves nothing more.',
    refusals: [
      'MOVEMENT_UNKNOWN',
      'MOVEMENT_STATE',
      'USER_NOT_PERMITTED',
      'GUARANTEE_UNKNOWN',
      'GUARANTEE_ACCESS_CODE_INVALID',
      'GUARANTEE_EXPIRED',
      'GUARANTEE_PRINCIPAL_MISMATCH',
      'GUARANTEE_INSUFFICIENT',
    ],
  }),
  releaseGuarantee: operation({
    method: 'POST',
    path: '/v1/guarantees/:grn/reservations/:mrn/release',
    params: GrnMrnParams,
    body: z.object({ reason: Reason.optional() }),
    query: undefined,
    response: GuaranteeOperation,
    status: 200,
    mutating: true,
    tag: 'guarantees',
    summary: 'Release the reservation of a movement (after discharge and write-off, or on cancellation)',
    description:
      'Gives the reserved amount back to the guarantee. A movement still GUARANTEED (not yet released for transit) returns to REGISTERED. Releasing twice is refused (RESERVATION_CLOSED) unless it is the same Idempotency-Key.',
    refusals: ['GUARANTEE_UNKNOWN', 'RESERVATION_UNKNOWN', 'RESERVATION_CLOSED', 'USER_NOT_PERMITTED'],
  }),
  claimGuarantee: operation({
    method: 'POST',
    path: '/v1/guarantees/:grn/reservations/:mrn/claim',
    params: GrnMrnParams,
    body: z.object({
      reason: Reason,
      penaltyXof: doc(
        AmountXof.optional(),
        'The penalty added to the duties and taxes, claimed on the same guarantee (capped at what it still has available).',
      ),
    }),
    query: undefined,
    response: GuaranteeOperation,
    status: 200,
    mutating: true,
    tag: 'guarantees',
    summary: "Claim this country's share of the guarantee for a movement under recovery",
    description:
      'The reservation is consumed: its amount moves from reserved to claimed, with the penalty. Claiming twice is refused (RESERVATION_CLOSED) unless it is the same Idempotency-Key.',
    refusals: ['GUARANTEE_UNKNOWN', 'RESERVATION_UNKNOWN', 'RESERVATION_CLOSED', 'USER_NOT_PERMITTED'],
  }),
  recordRelease: operation({
    method: 'POST',
    path: '/v1/movements/:mrn/release-for-transit',
    params: MrnParams,
    body: z.object({
      office: officeField,
      seals: doc(z.array(z.string().min(1)), 'Identifiers of the seals affixed.'),
      timeLimit: doc(Timestamp, 'Time limit (délai de route) by which the goods must reach the next office.'),
      controlResult: ControlResult,
      at: atField,
    }),
    query: undefined,
    response: MovementAck,
    status: 200,
    mutating: true,
    tag: 'movements',
    summary: "Record the departure office's release for transit (mainlevée transit)",
    description: 'Control result, seals and time limit. GUARANTEED → RELEASED. An officer records it at the office of departure only.',
    refusals: [...officeStepRefusals, 'OFFICE_NOT_DEPARTURE'],
  }),
  receiveAar: operation({
    method: 'POST',
    path: '/v1/movements/:mrn/aar',
    params: MrnParams,
    body: z.object({
      departureCountry: Country,
      departureReference: NationalReference.optional(),
      lrn: z.string().min(1),
      declarantTin: Tin,
      declaration: Declaration,
      seals: z.array(z.string().min(1)),
      timeLimit: Timestamp,
      guarantee: doc(
        z.object({ grn: Grn }).optional(),
        "The movement's guarantee (caution unique): this system reserves its own share on it, from its own tariff, in the same transaction. The access code was checked by the departure country; the interconnection's credential vouches for it. A share that cannot be reserved does not refuse the AAR: the answer's guaranteeShare says REFUSED and why.",
      ),
    }),
    query: undefined,
    response: MovementAck,
    status: 201,
    mutating: true,
    tag: 'movements',
    summary: "Receive the anticipated arrival record (AAR) and create this country's record of the movement",
    description:
      'Nobody keys the declaration again: this system creates its own record (state AAR_RECEIVED) from the AAR. Receiving the same MRN again with the same content answers 200 with the existing record.',
    refusals: ['MOVEMENT_EXISTS', 'MRN_COUNTRY_MISMATCH', 'USER_NOT_PERMITTED'],
  }),
  recordBorderArrival: operation({
    method: 'POST',
    path: '/v1/movements/:mrn/border-arrival',
    params: MrnParams,
    body: z.object({ office: officeField, at: atField, fallback: fallbackField }),
    query: undefined,
    response: MovementAck,
    status: 200,
    mutating: true,
    tag: 'movements',
    summary: 'Record the arrival of the truck at the border post (PCJ)',
    description: "Departure record: RELEASED → AT_BORDER. Next country's record: AAR_RECEIVED → AT_BORDER.",
    refusals: officeStepRefusals,
  }),
  confirmExit: operation({
    method: 'POST',
    path: '/v1/movements/:mrn/exit',
    params: MrnParams,
    body: z.object({ office: officeField, sealsIntact: sealsIntactField, at: atField, fallback: fallbackField }),
    query: undefined,
    response: MovementAck,
    status: 200,
    mutating: true,
    tag: 'movements',
    summary: 'Confirm the exit of the goods from the country at an exit office',
    description:
      "Departure record: RELEASED or AT_BORDER → EXITED. Next country's record on a route ending at an exit office (to Mali or Niger): CONTROLLED → EXITED, then discharge.",
    refusals: officeStepRefusals,
  }),
  acceptEntry: operation({
    method: 'POST',
    path: '/v1/movements/:mrn/entry',
    params: MrnParams,
    body: z.object({ office: officeField, sealsIntact: sealsIntactField, at: atField, fallback: fallbackField }),
    query: undefined,
    response: MovementAck,
    status: 200,
    mutating: true,
    tag: 'movements',
    summary: 'Accept the entry of the goods into the country at the border post',
    description: "Next country's record: AAR_RECEIVED or AT_BORDER → ENTERED.",
    refusals: officeStepRefusals,
  }),
  receiveExitNotice: operation({
    method: 'POST',
    path: '/v1/movements/:mrn/exit-notice',
    params: MrnParams,
    body: z.object({
      country: doc(Country, 'The country whose system recorded the exit.'),
      office: doc(OfficeCode, 'The exit office, in that country.'),
      sealsIntact: sealsIntactField,
      recordedAt: doc(Timestamp, 'When that system recorded the exit.'),
    }),
    query: undefined,
    response: MovementAck,
    status: 200,
    mutating: true,
    tag: 'movements',
    summary: 'Receive the exit notice: the country the truck left confirmed its exit',
    description:
      "Sent through the interconnection to the country of entry, so its officers at the border post know the goods left the other side. The record's state does not change; a record received by AAR takes it in any state.",
    refusals: ['MOVEMENT_UNKNOWN', 'MOVEMENT_STATE', 'USER_NOT_PERMITTED'],
  }),
  receiveEntryNotice: operation({
    method: 'POST',
    path: '/v1/movements/:mrn/entry-notice',
    params: MrnParams,
    body: z.object({
      country: doc(Country, 'The country whose system accepted the entry.'),
      office: doc(OfficeCode, 'The entry office, in that country.'),
      sealsIntact: sealsIntactField,
      recordedAt: doc(Timestamp, 'When that system accepted the entry.'),
      writeOffLeg: doc(
        z.boolean().default(false),
        "The goods left this country's territory: write off its leg (record → WRITTEN_OFF) and release its share of the guarantee, in the same transaction.",
      ),
    }),
    query: undefined,
    response: MovementAck,
    status: 200,
    mutating: true,
    tag: 'movements',
    summary: 'Receive the entry notice: the next country accepted the goods at the border post',
    description:
      "Sent through the interconnection to the country of exit: its territory is left behind. The record's state does not change; a departure record takes it once released.",
    refusals: ['MOVEMENT_UNKNOWN', 'MOVEMENT_STATE', 'USER_NOT_PERMITTED'],
  }),
  receiveIncident: operation({
    method: 'POST',
    path: '/v1/movements/:mrn/incident',
    params: MrnParams,
    body: z.object({
      country: doc(Country, 'The country where the truck is, whose officer drew up the report.'),
      office: doc(OfficeCode, 'The office of the officer who drew up the report, in that country.'),
      kind: doc(
        z.enum(['BREAKDOWN', 'ACCIDENT', 'SEALS_BROKEN', 'TRANSHIPMENT', 'PARTIAL_LOSS', 'OTHER']),
        'Panne, accident, scellés rompus, transbordement, perte partielle, autre.',
      ),
      place: doc(z.string().nullable().default(null), 'Where it happened (lieu), as the officer wrote it.'),
      description: doc(Reason, 'What happened, as the officer wrote it.'),
      observations: doc(z.string().nullable().default(null), 'What the officer saw (constatations).'),
      newVehicle: doc(
        z
          .object({ registration: z.string().min(1), nationality: Country.or(z.string().length(2)) })
          .nullable()
          .default(null),
        'Transhipment: the vehicle the goods were moved to.',
      ),
      newTrailer: doc(
        z
          .object({ registration: z.string().min(1) })
          .nullable()
          .default(null),
        'Transhipment: the new trailer, when there is one.',
      ),
      newSeals: doc(
        z.array(z.string().min(1)).default([]),
        'Transhipment (or seals replaced): the seals now on the goods. The record takes them: the next seal check compares with these.',
      ),
      extendHours: doc(z.number().positive().nullable().default(null), 'Hours the incident added to the time limit of the leg, if any.'),
      recordedAt: doc(Timestamp, 'When the report was recorded where it was drawn up.'),
    }),
    query: undefined,
    response: MovementAck,
    status: 200,
    mutating: true,
    tag: 'movements',
    summary: "Receive the incident report (procès-verbal d'incident) drawn up by the country where the truck is",
    description:
      "Sent through the interconnection to the departure country's system and to each system still ahead of the truck. The record's state does not change; a transhipment replaces the record's vehicle, trailer and seals, so the next office checks the new ones.",
    refusals: ['MOVEMENT_UNKNOWN', 'MOVEMENT_STATE', 'USER_NOT_PERMITTED'],
  }),
  recordArrival: operation({
    method: 'POST',
    path: '/v1/movements/:mrn/arrival',
    params: MrnParams,
    body: z.object({ office: officeField, sealsIntact: sealsIntactField, at: atField, fallback: fallbackField }),
    query: undefined,
    response: MovementAck,
    status: 200,
    mutating: true,
    tag: 'movements',
    summary: 'Record the arrival of the goods at the office of destination (or the exit office)',
    description: 'ENTERED → ARRIVED.',
    refusals: officeStepRefusals,
  }),
  recordControlResults: operation({
    method: 'POST',
    path: '/v1/movements/:mrn/control-results',
    params: MrnParams,
    body: z.object({
      office: officeField,
      controlResult: ControlResult,
      sealsIntact: sealsIntactField,
      discrepancies: doc(z.array(z.string().min(1)).default([]), 'Discrepancies found, in words.'),
      at: atField,
    }),
    query: undefined,
    response: MovementAck,
    status: 200,
    mutating: true,
    tag: 'movements',
    summary: 'Record the control results at destination (or at the exit office)',
    description: 'ARRIVED or HELD → CONTROLLED when satisfactory; → HELD when discrepancies were found (recorded again once resolved).',
    refusals: officeStepRefusals,
  }),
  discharge: operation({
    method: 'POST',
    path: '/v1/movements/:mrn/discharge',
    params: MrnParams,
    body: z.object({
      office: officeField.optional(),
      alternativeProof: doc(
        Reason.optional(),
        "Alternative proof of arrival accepted during an enquiry (e.g. the destination's stamped copy). With it, the movement is discharged from any open state of a record received by AAR, without arrival and control results.",
      ),
    }),
    query: undefined,
    response: MovementAck,
    status: 200,
    mutating: true,
    tag: 'movements',
    summary: 'Discharge the movement (apurement)',
    description:
      "Next country's record: CONTROLLED (or EXITED at an exit office) → DISCHARGED. Discharge before arrival and satisfactory control results is refused, unless an alternative proof of arrival is given.",
    refusals: officeStepRefusals,
  }),
  writeOff: operation({
    method: 'POST',
    path: '/v1/movements/:mrn/write-off',
    params: MrnParams,
    body: z.object({}),
    query: undefined,
    response: MovementAck,
    status: 200,
    mutating: true,
    tag: 'movements',
    summary: 'Write off the departure record once the destination has discharged the movement',
    description:
      "Departure record: RELEASED, AT_BORDER or EXITED → WRITTEN_OFF (the departure system writes off on the destination's confirmation, whether or not an exit was recorded). The guarantee is released by its own call.",
    refusals: stateRefusals,
  }),
  cancel: operation({
    method: 'POST',
    path: '/v1/movements/:mrn/cancel',
    params: MrnParams,
    body: z.object({ reason: Reason }),
    query: undefined,
    response: MovementAck,
    status: 200,
    mutating: true,
    tag: 'movements',
    summary: 'Cancel the declaration before release for transit',
    description: 'REGISTERED or GUARANTEED → CANCELLED; an open reservation is released in the same step.',
    refusals: stateRefusals,
  }),
  amend: operation({
    method: 'POST',
    path: '/v1/movements/:mrn/amend',
    params: MrnParams,
    body: z.object({ declaration: Declaration }),
    query: undefined,
    response: AmendmentAck,
    status: 200,
    mutating: true,
    tag: 'movements',
    summary: 'Amend the declaration before release for transit',
    description:
      'Replaces the declaration (version + 1). When the movement is GUARANTEED, the amount at risk is computed again and the reservation replaced on the (possibly new) guarantee; if the new reservation is refused, nothing changes.',
    refusals: [
      'USER_NOT_PERMITTED',
      'MOVEMENT_UNKNOWN',
      'MOVEMENT_STATE',
      'GUARANTEE_UNKNOWN',
      'GUARANTEE_ACCESS_CODE_INVALID',
      'GUARANTEE_EXPIRED',
      'GUARANTEE_PRINCIPAL_MISMATCH',
      'GUARANTEE_INSUFFICIENT',
    ],
  }),
  divert: operation({
    method: 'POST',
    path: '/v1/movements/:mrn/diversion',
    params: MrnParams,
    body: z.object({
      office: doc(OfficeCode, 'The new office of destination or exit (changement de bureau de destination).'),
      route: doc(z.array(OfficeCode).min(2), 'The whole route after the diversion, office codes in travel order, from the office of departure.'),
      reason: Reason,
      timeLimit: doc(Timestamp.nullable(), "The time limit of the new leg, when the truck is on it; null when it is set later (at the next country's entry)."),
      at: atField,
    }),
    query: undefined,
    response: MovementAck,
    status: 200,
    mutating: true,
    tag: 'movements',
    summary: 'Record a diversion (déroutement): the movement now goes to another office of destination or exit',
    description:
      "Sent through the interconnection to the departure system and to every next system still on the route. The record keeps its state; its declaration's route and its time limit become the new ones. The same diversion sent again changes nothing.",
    refusals: ['MOVEMENT_UNKNOWN', 'MOVEMENT_STATE', 'USER_NOT_PERMITTED'],
  }),
  withdrawAar: operation({
    method: 'POST',
    path: '/v1/movements/:mrn/aar-withdrawal',
    params: MrnParams,
    body: z.object({ reason: Reason }),
    query: undefined,
    response: MovementAck,
    status: 200,
    mutating: true,
    tag: 'movements',
    summary: 'Withdraw the AAR: after a diversion the truck will not enter this country',
    description:
      "A record received by AAR, the goods not entered yet: AAR_RECEIVED → CANCELLED, and this country's share of the guarantee, if it holds one, is released in the same step (guaranteeShare). Withdrawing a record already withdrawn answers it as it is.",
    refusals: ['MOVEMENT_UNKNOWN', 'MOVEMENT_STATE', 'USER_NOT_PERMITTED'],
  }),
  getMovement: operation({
    method: 'GET',
    path: '/v1/movements/:mrn',
    params: MrnParams,
    body: undefined,
    query: undefined,
    response: Movement,
    status: 200,
    mutating: false,
    tag: 'movements',
    summary: "Read this system's record of a movement, with its history",
    description: 'The access code of the guarantee is masked.',
    refusals: ['MOVEMENT_UNKNOWN'],
  }),
  getGuarantee: operation({
    method: 'GET',
    path: '/v1/guarantees/:grn',
    params: GrnParams,
    body: undefined,
    query: z.object({ mrn: doc(Mrn.optional(), 'Only the reservations of this movement.') }),
    response: Guarantee,
    status: 200,
    mutating: false,
    tag: 'guarantees',
    summary: "Read a guarantee's balance and reservations",
    description: 'availableXof = referenceAmountXof − reservedXof − claimedXof, in whole CFA francs.',
    refusals: ['GUARANTEE_UNKNOWN'],
  }),
  listEvents: operation({
    method: 'GET',
    path: '/v1/events',
    params: NoParams,
    body: undefined,
    query: z.object({
      after: doc(z.coerce.number().int().nonnegative().default(0), 'Answer the events after this sequence (the cursor); 0 from the beginning.'),
      limit: doc(z.coerce.number().int().min(1).max(1000).default(100), 'At most this many events (1–1000, default 100).'),
      wait: doc(
        z.coerce.number().int().min(0).max(30).default(0),
        'Long poll: when nothing follows `after`, hold the call up to this many seconds (0–30, default 0) and answer as soon as an event is committed.',
      ),
    }),
    response: JournalPage,
    status: 200,
    mutating: false,
    tag: 'journal',
    summary: "Read this system's journal of transit events, oldest first, from a cursor",
    description:
      'Every act recorded here, by its officers and declarants or written by Corridor, in the order it was committed, each event in the same transaction as its act. Read with a cursor: ask after the last sequence handled. An empty page after `wait` seconds means nothing new.',
    refusals: [],
  }),
} satisfies Record<OperationName, OperationDefinition>;

export type Operations = typeof operations;

/** The fields a body or query schema adds; an empty body adds none. */
type InputOf<S> = S extends z.ZodObject<infer Shape> ? (keyof Shape extends never ? object : z.input<S>) : object;
type OutputOf<S> = S extends z.ZodObject<infer Shape> ? (keyof Shape extends never ? object : z.output<S>) : object;

/** What a caller passes for one operation: path parameters, query and body fields in one object. */
export type OperationRequest<K extends OperationName> = InputOf<Operations[K]['params']> & InputOf<Operations[K]['body']> & InputOf<Operations[K]['query']>;

/** The parsed request as the national system handles it (defaults applied). */
export type ParsedOperationRequest<K extends OperationName> = OutputOf<Operations[K]['params']> &
  OutputOf<Operations[K]['body']> &
  OutputOf<Operations[K]['query']>;

export type OperationResponse<K extends OperationName> = z.output<Operations[K]['response']>;

export type MutatingOperationName = {
  [K in OperationName]: Operations[K]['mutating'] extends true ? K : never;
}[OperationName];
export type ReadOperationName = Exclude<OperationName, MutatingOperationName>;

export function isMutating(name: OperationName): name is MutatingOperationName {
  return operations[name].mutating;
}

/** Path parameter names of an operation, in the order they appear in its path. */
export function pathParameters(name: OperationName): string[] {
  return [...operations[name].path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
}

/**
 * The contract's own words on rules that cross operations; the OpenAPI document's
 * description is made from this.
 */
export const contractDescription = [
  "The interface between Corridor and a national customs system (Togo's or Burkina Faso's ASYCUDA World). Corridor ships a sandbox that implements it; an adapter to a real ASYCUDA World gateway implements the same contract.",
  '',
  '**Idempotency.** Every mutating call carries an `Idempotency-Key` header. The system stores the key, the call and its answer in the same transaction as the effect: a repeated key returns the first answer byte for byte (header `Idempotent-Replayed: true`) and changes nothing, including when the first answer was a refusal. The same key with a different call is refused with 422.',
  '',
  '**Answers.** 200/201: done. 404 and 409: business refusal `{code, reason}`; nothing was changed. 400: malformed request, every field at fault listed. 422: Idempotency-Key reused for another call. 503: unavailable, nothing was done; retry with the same key.',
  '',
  '**Amount at risk and the one guarantee** (caution unique). Each system computes its own amount at risk from its own tariff, item by item: duty by HS code (UEMOA common external tariff), the levies RS, PCS and PC, and VAT on the customs value plus duty and levies, each tax rounded up to the franc (docs/guarantee.md; the tariffs shipped are illustrative). One GRN is accepted in every country of the route; each system reserves its own share on it: the departure system when the guarantee is reserved, each next system when it receives the AAR. A share is released when the goods left the territory (the entry notice with writeOffLeg) or at discharge, and claimed by the country where the goods went missing. Guarantee amounts are whole CFA francs: availableXof = referenceAmountXof − reservedXof − claimedXof.',
  '',
  "**Guarantor's safeguards.** A wrong access code answers exactly as an unknown guarantee (GUARANTEE_UNKNOWN, the same words); five wrong codes within 15 minutes lock the guarantee (GUARANTEE_LOCKED) until 15 minutes after the first of them; a guarantee held by a named principal refuses any other (GUARANTEE_PRINCIPAL_MISMATCH).",
  '',
  "**Who calls.** Every operation but `/health` needs a credential, reads and the journal included. A call with Corridor's credential of this system (`Authorization: Bearer <token>`) is Corridor's: the interconnection writes what the other country recorded (source `interconnection`). A call with the credential of a user of this system — an HS256 JWT with `sub`, `role` (`officer` with `office`, or `declarant` with `tin`) — is that user's act, under the system's own rules: an officer records at their own office (OFFICER_NOT_AT_OFFICE), release for transit at the office of departure (OFFICE_NOT_DEPARTURE); a declarant lodges, amends and cancels their own declarations only (USER_NOT_PERMITTED). A missing credential, or one that does not verify, is 401.",
  '',
  '**Journal.** Every act is published in the journal (GET /v1/events) in the transaction that records it: no act without its event, no event without its act, and a replayed call publishes nothing.',
  '',
  '**Refusal codes.**',
  ...Object.entries(refusalCodes).map(([code, { status, meaning }]) => `- \`${code}\` (${status}): ${meaning}`),
].join('\n');
