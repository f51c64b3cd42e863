// Textual forms of the identifiers a declaration carries. Workflow-safe: regexes only.
// Each pattern applies to the normalised value (trimmed; codes upper-cased).

/** Movement reference number: 2-digit year, country of departure, 13 letters or digits, 1 check digit (see mrn-format.ts). */
export const MRN_PATTERN = /^[0-9]{2}[A-Z]{2}[A-Z0-9]{13}[0-9]$/;

/** NCTS customs office reference number: country of the office, then 6 letters or digits. */
export const OFFICE_CODE = /^[A-Z]{2}[A-Z0-9]{6}$/;

/**
 * Local reference number, chosen by the declarant (NCTS an..22). No spaces, slashes or `|`, so it
 * can travel in URLs and in the `tin|lrn` string the MRN is derived from. Case is kept: it is the
 * declarant's own reference.
 */
export const LRN = /^[A-Za-z0-9._-]{1,22}$/;

/**
 * Taxpayer identification number: Togo NIF (10 digits), Burkina IFU (8 digits and a letter),
 * and neighbours' forms such as `12345/R`; letters and digits with inner `/` or `-`, 3–17 long.
 */
export const TIN = /^[A-Z0-9](?:[A-Z0-9/-]{1,15})[A-Z0-9]$/;

/**
 * Guarantee reference number, following NCTS: 2-digit year of issue, ISO 3166 country of the
 * guarantee office, 13 letters or digits. The last character is not verified as an NCTS check
 * character: the guarantors of the corridor do not compute one, and the national system that
 * holds the guarantee is the authority on whether it exists.
 */
export const GRN = /^[0-9]{2}[A-Z]{2}[A-Z0-9]{13}$/;

/** Access code of a guarantee (NCTS an4), kept exactly as given: it is a secret. */
export const ACCESS_CODE = /^[A-Za-z0-9]{4}$/;

/** Harmonized System subheading: 6 digits; the first two are the chapter. */
export const HS_CODE = /^[0-9]{6}$/;

/** UN/ECE Recommendation 21 package kind code. */
export const PACKAGE_KIND_CODE = /^[A-Z0-9]{2}$/;

/** Vehicle registration after normalisation: letters and digits in groups separated by one space or dash. */
export const REGISTRATION = /^[A-Z0-9]+(?:[ -][A-Z0-9]+)*$/;

/** Route identifiers in the reference data, e.g. `lome-ouaga`. */
export const ROUTE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Border post identifiers in the reference data, e.g. `PCJ-CINKASSE`. */
export const BORDER_POST_ID = /^[A-Z0-9]+(?:-[A-Z0-9]+)*$/;
