// Form and check character of an MRN. Workflow-safe: pure TypeScript (allocation, which hashes,
// lives in mrn.ts).
import { iso6346CheckDigit } from './iso6346.ts';
import { MRN_PATTERN } from './formats.ts';
import { isIsoCountryCode } from './iso3166.ts';

export { MRN_PATTERN };

const MRN_BODY = /^[0-9]{2}[A-Z]{2}[A-Z0-9]{13}$/;

/**
 * The check character of an MRN from its first 17 characters, by the ISO 6346 method as NCTS
 * prescribes (weights 2^0…2^16, sum mod 11, 10 → 0). Throws on anything that is not 17 MRN characters.
 */
export function mrnCheckCharacter(first17: string): string {
  if (!MRN_BODY.test(first17)) {
    throw new RangeError(`expected the first 17 characters of an MRN (e.g. 26TG…), got ${JSON.stringify(first17)}`);
  }
  return String(iso6346CheckDigit(first17));
}

/** True for an 18-character MRN whose country is an ISO 3166 code and whose check character is right. */
export function isValidMrn(value: string): boolean {
  if (!MRN_PATTERN.test(value)) return false;
  if (!isIsoCountryCode(value.slice(2, 4))) return false;
  return mrnCheckCharacter(value.slice(0, 17)) === value[17];
}
