// Plain data shapes of the transit domain. Workflow-safe: types only, no runtime imports.

/** The countries whose customs systems Corridor interconnects (offices, MRN prefix, task queues). */
import type { CountryCode } from './countries.ts';

export type { CountryCode };

/** Any ISO 3166-1 alpha-2 code (addresses and vehicle nationality may be outside the corridor). */
export type IsoCountryCode = string;

/** NCTS office roles: departure, destination, transit (entry), exit. */
export type OfficeRole = 'DEP' | 'DES' | 'TRA' | 'EXT';

export interface Office {
  /** Office reference number, NCTS form `[A-Z]{2}[A-Z0-9]{6}`, starting with the office's country. */
  code: string;
  /** French name, as officers know the office. */
  name: string;
  country: CountryCode;
  roles: OfficeRole[];
  /** Shared by the two juxtaposed offices of one border post (PCJ), e.g. `PCJ-CINKASSE`. */
  borderPost?: string;
}

/** A leg as the reference data defines it: road legs carry a time limit, border crossings do not. */
export type LegDefinition =
  | { from: string; to: string; kind: 'road'; timeLimitHours: number }
  | { from: string; to: string; kind: 'crossing'; borderPost: string };

export interface RouteDefinition {
  id: string;
  name: string;
  /** Office codes in travel order. */
  offices: string[];
}

export interface PackageKind {
  /** UN/ECE Recommendation 21 code, e.g. BG. */
  code: string;
  name: string;
  nameEn: string;
}

export interface HsChapter {
  /** Two digits, e.g. `10`. */
  chapter: string;
  title: string;
}

/** The taxes of the amount at risk, by their customs names (see docs/guarantee.md). */
export type LevyCode = 'RS' | 'PCS' | 'PC';

/**
 * One country's tariff for the amount at risk, as loaded from `tariff-<country>.json`. Rates are
 * integer basis points (1 % = 100), converted from the exact decimal texts of the file, so the
 * computation never meets a floating-point rate.
 */
export interface CountryTariff {
  country: CountryCode;
  /** Reference data version the tariff was loaded from: recorded with each amount computed. */
  version: string;
  /** `illustrative` until the administration provides its own tariff. */
  status: 'illustrative' | 'official';
  /** Customs duty (DD) by HS chapter (2 digits): every chapter of the HS is present. */
  dutyByChapter: Record<string, number>;
  /** Customs duty by HS heading (4 digits), where it departs from its chapter. */
  dutyByHeading: Record<string, number>;
  /** Redevance statistique, PCS (UEMOA), PC (CEDEAO): on the customs value. */
  levies: Record<LevyCode, number>;
  /** TVA, on the customs value plus DD, RS, PCS and PC. */
  vat: number;
}

/**
 * Reference data once loaded and checked. Plain JSON (records, not Maps) so it can be logged,
 * snapshotted or passed around; look entries up with `Object.hasOwn` guards (see route-plan.ts).
 */
export interface ReferenceData {
  version: string;
  offices: Record<string, Office>;
  legs: LegDefinition[];
  routes: RouteDefinition[];
  packageKinds: Record<string, PackageKind>;
  hsChapters: Record<string, HsChapter>;
  /** One tariff per corridor country: each computes its own amount at risk. */
  tariffs: Record<CountryCode, CountryTariff>;
}

export interface PlannedLeg {
  from: string;
  to: string;
  kind: 'road' | 'crossing';
  /** Present on road legs: hours from release (or the previous office) to arrival at `to`. */
  timeLimitHours?: number;
  /** Present on crossings: the juxtaposed border post where both countries act. */
  borderPost?: string;
}

/** The route of one movement, resolved against reference data. JSON-serialisable: it is workflow input. */
export interface PlannedRoute {
  routeId: string;
  referenceVersion: string;
  offices: Office[];
  legs: PlannedLeg[];
  departureCountry: CountryCode;
  /** Countries in travel order, each once: the departure country first. */
  countries: CountryCode[];
  departureOffice: Office;
  /** The last office: destination (DES) or exit toward a third country (EXT). */
  destinationOffice: Office;
  endsWith: 'DES' | 'EXT';
}

/** One problem with an input, addressed by its field path, e.g. `goodsItems[0].netMassKg` (`''` = the whole input). */
export interface FieldError {
  path: string;
  message: string;
}

export interface Address {
  street: string;
  city: string;
  country: IsoCountryCode;
}

export interface Party {
  tin: string;
  name: string;
  address: Address;
}

export interface Transport {
  registration: string;
  nationality: IsoCountryCode;
  /** The schema's `.optional()` also admits an explicit undefined. */
  trailer?: { registration: string } | undefined;
}

/**
 * The basis of the price the declarant knows: CIF (cost, insurance, freight to the border: the
 * customs value itself), FOB (free on board at the port of loading) or EXW (ex works). A FOB or
 * EXW price becomes the customs value once freight and insurance to the border are added.
 */
export type ValueBasis = 'CIF' | 'FOB' | 'EXW';

interface GoodsItemFields {
  hsCode: string;
  description: string;
  packageKind: string;
  packageCount: number;
  grossMassKg: number;
  netMassKg: number;
  /**
   * The customs value: the CIF value of the item at the border, in whole francs, the base of the
   * duties and taxes. Declared as customsValueXof or (before that name existed) valueXof, or
   * computed from a FOB or EXW price. It keeps the name valueXof here because national systems,
   * the workflow, the console and existing clients read and edit it under that name.
   */
  valueXof: number;
}

/** A CIF value is the customs value as declared. */
interface CifValue {
  valueBasis: 'CIF';
}

/** A FOB or EXW price, with what brings it to the border: valueXof (the customs value) = invoice + freight + insurance. */
interface NonCifValue {
  valueBasis: 'FOB' | 'EXW';
  /** The price on valueBasis, as invoiced. */
  invoiceValueXof: number;
  /** Transport (and, for EXW, loading and handling) up to the point of entry into the UEMOA. */
  freightXof: number;
  /** Insurance up to the point of entry; 0 when the goods are not insured. */
  insuranceXof: number;
}

export type GoodsItem = GoodsItemFields & (CifValue | NonCifValue);

export interface Guarantee {
  grn: string;
  accessCode: string;
}

/**
 * A transit declaration as accepted (validated and normalised). Field names are the public contract.
 * Normalised means: codes upper-cased and trimmed, `containers` is `[]` for a sealed vehicle and
 * `sealedVehicle` is `false` when containers are listed, `currency` is always `XOF`.
 */
export interface Declaration {
  lrn: string;
  declarant: Party;
  principal: Party;
  /** Absent when the principal carries the goods; the schema's `.optional()` also admits an explicit undefined. */
  carrier?: Party | undefined;
  transport: Transport;
  route: string[];
  containers: string[];
  sealedVehicle: boolean;
  goodsItems: GoodsItem[];
  guarantee: Guarantee;
  currency: 'XOF';
}
