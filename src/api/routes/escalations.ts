// GET /escalations: movements with an open escalation (overdue, control results missing) or a
// border alert, for supervisors — from Temporal visibility (Overdue, EscalationLevel, BorderAlert).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { corridorCountries, countryOf as countryName } from '../../domain/countries.ts';
import type { ReferenceData } from '../../domain/types.ts';
import type { ListFilters, TransitClient } from '../../client/transits.ts';
import type { PageTokens } from '../page-tokens.ts';
import { countryOf, officesOfCountry } from '../access.ts';
import { requireRole } from '../authentication.ts';
import { forbidden } from '../errors.ts';
import { OfficeCodeParam } from './common.ts';

const Query = z.object({
  country: z.enum(corridorCountries, { error: `expected ${corridorCountries.join(' or ')}` }).optional(),
  office: OfficeCodeParam.optional(),
  level: z.coerce
    .number()
    .int()
    .min(1, 'levels are 1 (overdue), 2 (supervisor), 3 (enquiry)')
    .max(3, 'levels are 1 (overdue), 2 (supervisor), 3 (enquiry)')
    .optional(),
  kind: z.enum(['escalation', 'border-alert'], { error: 'expected escalation or border-alert' }).default('escalation'),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  pageToken: z.string().max(4000).optional(),
});

export const escalationRoutes =
  ({ transits, reference, pageTokens }: { transits: TransitClient; reference: ReferenceData; pageTokens: PageTokens }): FastifyPluginAsync =>
  async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/escalations',
      {
        schema: {
          tags: ['supervision'],
          summary: 'Movements with an open escalation (or a border alert), by country, office and level',
          description:
            'kind=escalation (default): overdue on the road (levels 1 overdue, 2 country supervisor, 3 enquiry) or control results missing after arrival (level 2). kind=border-alert: trucks at a border post past the dwell target. Filters apply to the office where the movement is expected (currentOffice). Supervisors see their own country; regional supervisors both.',
          querystring: Query,
        },
      },
      async (request) => {
        const actor = requireRole(request, 'supervisor', 'regional', 'officer');
        const q = request.query;
        const own = countryOf(actor);
        if (actor.role !== 'regional' && q.country && q.country !== own) {
          throw forbidden({
            fr: `vous supervisez les services ${countryName(own, 'fr')}, pas ceux ${countryName(q.country, 'fr')}`,
            en: `you supervise ${countryName(own, 'en')}, not ${countryName(q.country, 'en')}`,
          });
        }
        const country = actor.role === 'regional' ? q.country : own;
        const office = actor.role === 'officer' ? actor.office : q.office;
        const filters: ListFilters = {
          running: true,
          ...(q.kind === 'border-alert' ? { borderAlert: true } : { overdue: true }),
          ...(q.level !== undefined ? { level: q.level } : {}),
          ...(office ? { currentOffice: office } : {}),
          ...(country ? { currentOffices: officesOfCountry(reference, country) } : {}),
        };
        return pageTokens.list(transits, filters, q.pageSize, q.pageToken);
      },
    );
  };
