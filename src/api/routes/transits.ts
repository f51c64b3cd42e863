// Declarations and reading movements: POST /transits, GET /transits/:mrn, GET /transits.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { declarationSchema, validateDeclaration } from '../../domain/declaration.ts';
import { declarationContentHash } from '../../domain/declaration-hash.ts';
import { allocateMrn } from '../../domain/mrn.ts';
import type { ReferenceData } from '../../domain/types.ts';
import { type TransitClient, TransitNotFound } from '../../client/transits.ts';
import type { PageTokens } from '../page-tokens.ts';
import type { ArchiveStore } from '../../archive/store.ts';
import { listWithArchive } from '../../archive/listing.ts';
import { expectedActions } from '../../../workflows/procedure.ts';
import { waitingForSystems } from '../../../workflows/fallback.ts';
import { transitStatuses, type TransitState } from '../../../workflows/model.ts';
import type { Actor } from '../../auth/actor.ts';
import { bilingual } from '../../domain/words.ts';
import { amountAtRisk, type AmountAtRisk } from '../../domain/amount-at-risk.ts';
import type { CountryCode } from '../../domain/countries.ts';
import { REGISTRATION, TIN } from '../../domain/formats.ts';
import { visibilityRefusal } from './common.ts';
import { assertCanRead, scopeFor } from '../access.ts';
import { actorOf, requireRole } from '../authentication.ts';
import { ApiError, badRequest, forbidden, notFound } from '../errors.ts';
import { MrnParams, OfficeCodeParam, idempotencyKeyOf, refusalToApiError } from './common.ts';

export interface TransitRouteDeps {
  transits: TransitClient;
  reference: ReferenceData;
  pageTokens: PageTokens;
  /** Closed movements, read from here once Temporal's retention has removed them. */
  archive: ArchiveStore;
}

const LodgeAnswer = z.object({
  mrn: z.string(),
  status: z.enum(transitStatuses),
  amountReservedXof: z.number().optional(),
  reason: z.string().optional(),
  /** French then English in one line, for clients written before fr and en. */
  message: z.string(),
  fr: z.string(),
  en: z.string(),
});

const ListQuery = z.object({
  status: z.enum(transitStatuses).optional(),
  office: OfficeCodeParam.optional(),
  currentOffice: OfficeCodeParam.optional(),
  // As the declaration normalises them, so that a filter finds what was lodged, and nothing that
  // is not a TIN or a registration reaches Temporal's visibility query.
  declarant: z.string().trim().toUpperCase().regex(TIN, 'expected a TIN: 3 to 17 letters or digits, inner / or - allowed').optional(),
  vehicle: z.string().trim().toUpperCase().max(20, 'at most 20 characters').regex(REGISTRATION, 'expected a registration such as TG 1234 AB').optional(),
  overdue: z.enum(['true', 'false'], { error: 'expected true or false' }).optional(),
  // Up to Temporal's own page limit (frontend.visibilityMaxPageSize): a supervisor's report of
  // every overdue movement is then one visibility scan, not one per hundred.
  pageSize: z.coerce.number().int().min(1).max(1000).default(50),
  pageToken: z.string().max(4000).optional(),
});

export const transitRoutes =
  ({ transits, reference, pageTokens, archive }: TransitRouteDeps): FastifyPluginAsync =>
  async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/transits',
      {
        schema: {
          tags: ['declarations'],
          summary: 'Lodge a transit declaration (déclaration de transit)',
          description:
            "Validates the declaration (every error at once, with its field path), allocates the MRN from the declarant TIN and LRN, registers it in the departure country's system and reserves the guarantee. 201: new movement accepted; 200: the same declaration again, the existing movement; 202: still registering; 409: the same LRN with other content; 422: rejected by the national system (e.g. guarantee insufficient), nothing reserved.",
          body: declarationSchema,
          response: { 200: LodgeAnswer, 201: LodgeAnswer, 202: LodgeAnswer, 422: LodgeAnswer.extend({ error: z.string() }) },
        },
        // The schema documents the body; validateDeclaration checks it, with the reference checks, all at once.
        validatorCompiler: () => (data) => ({ value: data }),
      },
      async (request, reply) => {
        const actor = requireRole(request, 'declarant');
        const checked = validateDeclaration(request.body, reference);
        if (!checked.ok)
          throw badRequest(
            { fr: `la déclaration a ${checked.errors.length} erreur(s)`, en: `the declaration has ${checked.errors.length} error(s)` },
            checked.errors,
          );
        const { declaration, plan } = checked;
        if (declaration.declarant.tin !== actor.tin) {
          throw forbidden({
            fr: `declarant.tin ${declaration.declarant.tin} n'est pas le déclarant connecté (${actor.tin})`,
            en: `declarant.tin ${declaration.declarant.tin} is not the signed-in declarant (${actor.tin})`,
          });
        }
        const mrn = await mrnFor(transits, declaration.declarant.tin, declaration.lrn, plan.departureCountry);
        const outcome = await transits
          .lodge({ mrn, declaration, declarationHash: declarationContentHash(declaration), route: plan, actor, ...requestIdOf(request.headers) })
          .catch((error: unknown) => {
            throw refusalToApiError(error);
          });
        const body = {
          mrn: outcome.mrn,
          status: outcome.status,
          ...(outcome.amountReservedXof !== undefined ? { amountReservedXof: outcome.amountReservedXof } : {}),
          ...(outcome.reason ? { reason: outcome.reason } : {}),
        };
        if (outcome.status === 'REJECTED') {
          const said = { fr: `déclaration rejetée : ${outcome.reason ?? ''}`, en: `declaration rejected: ${outcome.reason ?? ''}` };
          return reply.code(422).send({ ...body, error: 'DECLARATION_REJECTED', message: bilingual(said), ...said });
        }
        const code = outcome.outcome === 'created' ? 201 : outcome.outcome === 'existing' ? 200 : 202;
        const said =
          code === 201
            ? { fr: 'déclaration acceptée, montant imputé sur la caution', en: 'declaration accepted, guarantee reserved' }
            : code === 200
              ? { fr: 'cette déclaration a déjà été déposée', en: 'this declaration was already lodged' }
              : { fr: 'enregistrement en cours auprès du système national', en: 'registration in progress with the national system' };
        return reply
          .code(code)
          .header('location', `/transits/${outcome.mrn}`)
          .send({ ...body, message: bilingual(said), ...said });
      },
    );

    app.get(
      '/transits/:mrn',
      {
        schema: {
          tags: ['supervision'],
          summary: "One movement's state and timeline (the workflow's `state` query)",
          description:
            "Also lists `allowedActions`: what the signed-in user may do now. A closed movement that Temporal's retention has removed is read from the archive, in the same shape.",
          params: MrnParams,
        },
      },
      async (request) => {
        const actor = actorOf(request);
        const state = await readState(transits, archive, request.params.mrn);
        assertCanRead(actor, state);
        return {
          ...state,
          allowedActions: allowedActionsFor(state, actor),
          ...amountsAtRiskOf(state, reference),
          // The fallback acts still waiting for their national system: the movement's flag (procédure de secours).
          waitingForSystems: waitingForSystems(state.fallbackActs),
        };
      },
    );

    app.get(
      '/transits',
      {
        schema: {
          tags: ['supervision'],
          summary: 'List movements (Temporal visibility, then the archive), newest first',
          description:
            'Filters: status, office (anywhere on the route), currentOffice, declarant (TIN), vehicle, overdue. Page with pageToken from the previous answer. After the movements Temporal holds come the closed ones its retention has removed, from the archive.',
          querystring: ListQuery,
        },
      },
      async (request) => {
        const actor = actorOf(request);
        const q = request.query;
        const filters = {
          ...(q.status ? { status: q.status } : {}),
          ...(q.office ? { office: q.office } : {}),
          ...(q.currentOffice ? { currentOffice: q.currentOffice } : {}),
          ...(q.declarant ? { declarant: q.declarant } : {}),
          ...(q.vehicle ? { vehicle: q.vehicle } : {}),
          ...(q.overdue ? { overdue: q.overdue === 'true' } : {}),
          ...scopeFor(actor, reference),
        };
        return listWithArchive({ pageTokens, transits, archive }, filters, q.pageSize, q.pageToken).catch((error: unknown) => {
          throw visibilityRefusal(
            error,
            Object.keys(q).filter((k) => k !== 'pageSize'),
          );
        });
      },
    );
  };

/** The workflow's state while Temporal holds the movement; its archived record after. */
export async function readState(transits: TransitClient, archive: ArchiveStore, mrn: string): Promise<TransitState> {
  try {
    return await transits.state(mrn);
  } catch (error) {
    if (!(error instanceof TransitNotFound)) throw error;
    const archived = await archive.get(mrn);
    if (archived) return archived.state;
    throw notFound({ fr: `aucun mouvement ${mrn}`, en: `no movement with MRN ${mrn}` });
  }
}

export function allowedActionsFor(state: TransitState, actor: Actor) {
  return expectedActions(state, state.legs, state.endsWith)
    .filter((e) => e.role === actor.role)
    .filter((e) =>
      e.role === 'officer'
        ? !!actor.office && (e.offices ?? []).includes(actor.office)
        : e.role === 'declarant'
          ? actor.tin === state.declaration.declarantTin
          : actor.country === e.country,
    )
    .map((e) => e.action);
}

/**
 * The MRN carries the lodging year. A declarant who resubmits in January what they lodged in
 * December must land on the same movement, so January looks for last year's MRN first.
 */
async function mrnFor(transits: TransitClient, tin: string, lrn: string, departureCountry: ReferenceData['offices'][string]['country']) {
  const now = new Date();
  const current = allocateMrn({ tin, lrn, year: now.getUTCFullYear(), departureCountry });
  if (now.getUTCMonth() !== 0) return current;
  const previous = allocateMrn({ tin, lrn, year: now.getUTCFullYear() - 1, departureCountry });
  return (await transits.exists(previous)) ? previous : current;
}

function requestIdOf(headers: Record<string, unknown>): { requestId?: string } {
  const key = idempotencyKeyOf(headers, false);
  return key ? { requestId: key } : {};
}

export { ApiError };

/**
 * Each country of the route's amount at risk, item by item from its own tariff (duty rate and
 * where it came from, base, each tax): what that country reserves as its share of the guarantee.
 */
function amountsAtRiskOf(state: TransitState, reference: ReferenceData): { amountsAtRisk?: Partial<Record<CountryCode, AmountAtRisk>> } {
  const goods = state.declaration.goods;
  if (!goods) return {};
  const countries = [...new Set(state.route.map((office) => office.country))].filter((c): c is CountryCode => c in reference.tariffs);
  return { amountsAtRisk: Object.fromEntries(countries.map((country) => [country, amountAtRisk(reference.tariffs[country], goods)])) };
}
