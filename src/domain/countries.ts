// The countries of the corridor, in one list: configuration, the national system contract,
// reference data, tokens and the words people read all take it from here. Workflow-safe.

export const corridorCountries = ['TG', 'BF'] as const;
export type CountryCode = (typeof corridorCountries)[number];

export function isCorridorCountry(value: unknown): value is CountryCode {
  return typeof value === 'string' && (corridorCountries as readonly string[]).includes(value);
}

/**
 * How a country is named in sentences: "le système du Togo", "les superviseurs du Burkina Faso"
 * read better than "du pays TG". `of` carries the French preposition and article it takes.
 */
export const countryNames: Record<CountryCode, { fr: string; of: string; en: string; system: { fr: string; en: string } }> = {
  TG: { fr: 'Togo', of: 'du Togo', en: 'Togo', system: { fr: 'SYDONIA Togo', en: 'ASYCUDA Togo' } },
  BF: { fr: 'Burkina Faso', of: 'du Burkina Faso', en: 'Burkina Faso', system: { fr: 'SYDONIA Burkina', en: 'ASYCUDA Burkina' } },
};

/** "du Togo" / "Togo" for a corridor country; the code itself for any other. */
export function countryOf(code: string | undefined, lang: 'fr' | 'en'): string {
  if (!isCorridorCountry(code)) return lang === 'fr' ? `du pays ${code ?? '?'}` : (code ?? '?');
  return lang === 'fr' ? countryNames[code].of : countryNames[code].en;
}
