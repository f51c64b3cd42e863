// MRN allocation. Uses node:crypto, which the workflow sandbox cannot load: workflows never
// allocate MRNs (the API does, before the workflow starts, and the MRN is the workflow id), so
// workflows import mrn-format.ts instead of this module.
import { createHash } from 'node:crypto';
import { LRN, TIN } from './formats.ts';
import { isIsoCountryCode } from './iso3166.ts';
import { mrnCheckCharacter } from './mrn-format.ts';
import type { CountryCode } from './types.ts';

export { MRN_PATTERN, isValidMrn, mrnCheckCharacter } from './mrn-format.ts';

const SERIAL_LENGTH = 13;
const SERIAL_SPACE = 36n ** BigInt(SERIAL_LENGTH);

/**
 * The 13 characters in the middle of the MRN, derived from declarant TIN + LRN only, so that the
 * same submission always lands on the same movement. 36^13 ≈ 1.7·10^20 values: about a 3·10^-5
 * chance of any collision after 100 million movements. TIN and LRN must be in normalised form
 * (as validateDeclaration returns them); neither may contain `|`, so `tin|lrn` is unambiguous.
 */
export function movementSerial(tin: string, lrn: string): string {
  if (!TIN.test(tin)) throw new RangeError(`movementSerial: ${JSON.stringify(tin)} is not a normalised TIN`);
  if (!LRN.test(lrn)) throw new RangeError(`movementSerial: ${JSON.stringify(lrn)} is not a valid LRN`);
  const digest = createHash('sha256').update(`${tin}|${lrn}`, 'utf8').digest();
  // 128 bits reduced mod 36^13 (≈2^67): the bias of the reduction is below 2^-60, negligible.
  const n = BigInt(`0x${digest.subarray(0, 16).toString('hex')}`) % SERIAL_SPACE;
  return n.toString(36).toUpperCase().padStart(SERIAL_LENGTH, '0');
}

export interface MrnRequest {
  /** Declarant's TIN, normalised. */
  tin: string;
  lrn: string;
  /** Calendar year of lodging, e.g. 2026; only its last two digits appear in the MRN. */
  year: number;
  departureCountry: CountryCode;
}

/**
 * NCTS-form MRN: yy + country of departure + movementSerial(tin, lrn) + check character.
 * Year and country are inputs, so a resubmission of the same TIN + LRN gives the same MRN only
 * with the same lodging year and departure country: callers that must treat a resubmission
 * across a year boundary (or with another departure country) as the same movement compare
 * `movementSerial` rather than the whole MRN.
 */
export function allocateMrn(request: MrnRequest): string {
  const { tin, lrn, year, departureCountry } = request;
  if (!Number.isInteger(year) || year < 2000 || year > 2099) {
    throw new RangeError(`allocateMrn: year must be a calendar year between 2000 and 2099, got ${year}`);
  }
  if (!/^[A-Z]{2}$/.test(departureCountry) || !isIsoCountryCode(departureCountry)) {
    throw new RangeError(`allocateMrn: ${JSON.stringify(departureCountry)} is not an ISO 3166 country code`);
  }
  const first17 = `${String(year % 100).padStart(2, '0')}${departureCountry}${movementSerial(tin, lrn)}`;
  return first17 + mrnCheckCharacter(first17);
}
