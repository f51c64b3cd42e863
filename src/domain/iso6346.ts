// ISO 6346 check digits. Workflow-safe: pure TypeScript, no imports.
// The same algorithm computes the NCTS MRN check character (see mrn-format.ts).

const LETTER_VALUES: ReadonlyMap<string, number> = (() => {
  // Letters count from 10 upwards, skipping multiples of 11 so that no letter weighs like a
  // remainder of 0 and a single mistyped letter always changes the check digit.
  const values = new Map<string, number>();
  let value = 10;
  for (let code = 65; code <= 90; code++) {
    if (value % 11 === 0) value++;
    values.set(String.fromCharCode(code), value);
    value++;
  }
  return values;
})();

/** Value of one character: digits as themselves, letters A=10, B=12 … Z=38. Throws on anything else. */
export function iso6346CharacterValue(character: string): number {
  if (character.length === 1 && character >= '0' && character <= '9') return character.charCodeAt(0) - 48;
  const value = LETTER_VALUES.get(character);
  if (value === undefined) throw new RangeError(`ISO 6346: ${JSON.stringify(character)} is not a digit or capital letter`);
  return value;
}

/** Check digit over any run of digits and capital letters: Σ value·2^i, mod 11, and a remainder of 10 gives 0. */
export function iso6346CheckDigit(characters: string): number {
  let sum = 0;
  let weight = 1;
  for (const character of characters) {
    sum += iso6346CharacterValue(character) * weight;
    weight *= 2;
  }
  return (sum % 11) % 10;
}

const CONTAINER_SHAPE = /^[A-Z]{3}[A-Z][0-9]{7}$/;

/**
 * Why a container number is not acceptable, or undefined when it is. Expects the compact
 * upper-case form (CSQU3054383); callers normalise spacing first.
 */
export function containerNumberProblem(value: string): string | undefined {
  if (!CONTAINER_SHAPE.test(value)) {
    return `${JSON.stringify(value)} is not a container number: expected 4 letters then 7 digits, e.g. CSQU3054383 (owner code, equipment category U, 6-digit serial number, check digit)`;
  }
  if (value[3] !== 'U') {
    return `${value}: the 4th letter is the equipment category and must be U for a freight container (found ${value[3]})`;
  }
  const expected = iso6346CheckDigit(value.slice(0, 10));
  const given = Number(value[10]);
  if (expected !== given) {
    return `${value}: the check digit should be ${expected}, not ${given}; a character was probably mistyped (ISO 6346)`;
  }
  return undefined;
}

export function isValidContainerNumber(value: string): boolean {
  return containerNumberProblem(value) === undefined;
}
