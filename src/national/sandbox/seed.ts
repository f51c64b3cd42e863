// What a sandbox starts with: its guarantors and guarantees (the amount at risk comes from the
// country's tariff in the reference data). One GRN serves the whole corridor (caution unique):
// each country's seed holds every corridor guarantee, with its own guarantor's cover of it.
// Read from data/sandbox/<country>.json; validated when loaded so a typo fails at start.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AmountXof, CalendarDate, Country, Grn, Tin, type NationalCountry } from '../contract.ts';

export const SandboxSeed = z
  .object({
    country: Country,
    system: z.string().min(1),
    guarantors: z.array(z.object({ id: z.string().min(1), name: z.string().min(1), city: z.string().min(1) })).min(1),
    guarantees: z.array(
      z.object({
        grn: Grn,
        guarantor: z.string().min(1),
        accessCode: z.string().min(4, 'expected an access code of at least 4 characters'),
        principalTin: Tin.nullable().default(null),
        referenceAmountXof: AmountXof,
        expiresOn: CalendarDate,
        note: z.string().optional(),
      }),
    ),
  })
  .superRefine((seed, ctx) => {
    const guarantorIds = new Set(seed.guarantors.map((g) => g.id));
    const grns = new Set<string>();
    seed.guarantees.forEach((g, i) => {
      if (!guarantorIds.has(g.guarantor)) {
        ctx.addIssue({ code: 'custom', path: ['guarantees', i, 'guarantor'], message: `no guarantor with id ${g.guarantor}` });
      }
      if (grns.has(g.grn)) ctx.addIssue({ code: 'custom', path: ['guarantees', i, 'grn'], message: `${g.grn} appears twice` });
      grns.add(g.grn);
    });
  });
export type SandboxSeed = z.output<typeof SandboxSeed>;
export type SandboxSeedInput = z.input<typeof SandboxSeed>;

/** data/sandbox/<country>.json in this repository. */
export function defaultSeedPath(country: NationalCountry): string {
  return fileURLToPath(new URL(`../../../data/sandbox/${country}.json`, import.meta.url));
}

/** Parses a seed given as an object or as the path of a JSON file. */
export function loadSeed(seed: SandboxSeedInput | string): SandboxSeed {
  const raw: unknown = typeof seed === 'string' ? JSON.parse(readFileSync(seed, 'utf8')) : seed;
  const parsed = SandboxSeed.safeParse(raw);
  if (!parsed.success) {
    const where = typeof seed === 'string' ? seed : 'seed';
    throw new Error(`${where} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
