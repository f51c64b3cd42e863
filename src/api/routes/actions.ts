// Officers', declarants' and supervisors' acts: POST /transits/:mrn/<action>, each a workflow
// Update. The workflow decides whether the act is in order, at the right office, by the right
// role; the API only checks the body's shape and passes the actor from the token.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../../domain/canonical-json.ts';
import type { UpdateDefinition } from '@temporalio/common';
import { validateDeclaration } from '../../domain/declaration.ts';
import { declarationContentHash } from '../../domain/declaration-hash.ts';
import type { ReferenceData } from '../../domain/types.ts';
import type { TransitClient } from '../../client/transits.ts';
import * as m from '../../../workflows/messages.ts';
import type { ActionName } from '../../../workflows/procedure.ts';
import { actLimits, controlResultValues, enquiryOutcomes, incidentKinds, recoveryDecisions, type ActBodies } from '../../../workflows/acts.ts';
import { OFFICE_CODE, REGISTRATION } from '../../domain/formats.ts';
import { roadNetwork } from '../../domain/route-plan.ts';
import { bilingual } from '../../domain/words.ts';
import { actorOf } from '../authentication.ts';
import type { Actor } from '../../auth/actor.ts';
import { badRequest } from '../errors.ts';
import { MrnParams, idempotencyKeyOf, refusalToApiError } from './common.ts';
import { fallbackActions, fallbackProblem, PAPER_NUMBER, PAPER_NUMBER_EXAMPLE, type FallbackMark } from '../../../workflows/fallback.ts';
import { countryNames, isCorridorCountry, type CountryCode } from '../../domain/countries.ts';
import type { JournalStatus } from '../../interconnection/journal-status.ts';
import { conflict } from '../errors.ts';

const text = (max: number, what: string) => z.string().trim().min(1, `${what} cannot be empty`).max(max, `at most ${max} characters`);
const seal = z.string().trim().regex(actLimits.sealPattern, 'a seal identifier is 1 to 40 letters, digits or dashes');
const remarks = text(actLimits.remarksChars, 'remarks').optional();
const sealsIntact = z.boolean({ error: 'say whether the seals were found intact (true or false)' });
// The fallback procedure (workflows/fallback.ts): the paper document's number, and the time written on it.
const fallback = z
  .object(
    {
      paperNumber: z
        .string({ error: `the fallback paper document's number is required, e.g. ${PAPER_NUMBER_EXAMPLE}` })
        .trim()
        .toUpperCase()
        .regex(PAPER_NUMBER, `expected office-DS-year-6-digit serial, e.g. ${PAPER_NUMBER_EXAMPLE}`),
      recordedAt: z.iso.datetime({ offset: true, error: "expected the paper's time as ISO 8601, e.g. 2026-11-27T10:00:00Z" }).optional(),
    },
    { error: `expected {paperNumber, recordedAt?}, e.g. {"paperNumber": "${PAPER_NUMBER_EXAMPLE}"}` },
  )
  .optional();

// The limits and value lists come from workflows/acts.ts, where the workflow reads them too.
const bodies = {
  release: z.object({
    seals: z.array(seal).min(1, 'at least one seal is affixed at release').max(actLimits.sealsPerAct),
    controlResult: z.literal('SATISFACTORY', { error: 'a release is given on a satisfactory control (SATISFACTORY)' }).optional(),
    timeLimitHours: z.number().positive('expected a positive number of hours').max(actLimits.timeLimitHoursMax).optional(),
  }),
  'border-arrival': z.object({ sealsIntact: z.boolean().optional(), remarks, fallback }),
  exit: z.object({ sealsIntact: z.boolean().optional(), remarks, fallback }),
  entry: z.object({ sealsIntact, remarks, seals: z.array(seal).min(1).max(actLimits.sealsPerAct).optional(), fallback }),
  arrival: z.object({ sealsIntact, remarks, fallback }),
  'control-results': z
    .object({
      result: z.enum(controlResultValues, { error: 'expected SATISFACTORY or DISCREPANCIES' }),
      sealsIntact,
      discrepancies: z.array(text(actLimits.discrepancyChars, 'a discrepancy')).max(actLimits.discrepanciesPerAct).default([]),
    })
    .refine((b) => b.result === 'SATISFACTORY' || b.discrepancies.length > 0, {
      path: ['discrepancies'],
      message: 'describe at least one discrepancy',
    }),
  'resolve-discrepancy': z.object({ resolution: text(actLimits.resolutionChars, 'resolution') }),
  incident: z
    .object({
      kind: z.enum(incidentKinds, { error: `expected ${incidentKinds.join(', ')}` }),
      description: text(actLimits.descriptionChars, 'description'),
      place: text(actLimits.remarksChars, 'place').optional(),
      observations: text(actLimits.descriptionChars, 'observations').optional(),
      newTrailer: z.object({ registration: z.string().trim().toUpperCase().regex(REGISTRATION, 'expected a registration such as TG 1234 AB') }).optional(),
      newVehicle: z
        .object({
          registration: z.string().trim().toUpperCase().regex(REGISTRATION, 'expected a registration such as TG 1234 AB'),
          nationality: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166 alpha-2 code such as TG'),
        })
        .optional(),
      newSeals: z.array(seal).min(1).max(actLimits.sealsPerAct).optional(),
      extendHours: z.number().positive().max(actLimits.incidentExtensionHoursMax, `at most ${actLimits.incidentExtensionHoursMax} hours`).optional(),
    })
    .refine((b) => b.kind !== 'TRANSHIPMENT' || (b.newVehicle && b.newSeals), {
      path: ['newVehicle'],
      message: 'a transhipment names the new vehicle and the new seals',
    }),
  cancel: z.object({ reason: text(actLimits.reasonChars, 'reason') }),
  acknowledge: z.object({ note: text(actLimits.noteChars, 'note').optional() }),
  extend: z.object({
    hours: z.number().positive('expected a positive number of hours').max(actLimits.extensionHoursMax, `at most ${actLimits.extensionHoursMax} hours`),
    reason: text(actLimits.reasonChars, 'reason'),
  }),
  'enquiry-answer': z.object({
    answer: text(actLimits.answerChars, 'answer'),
    outcome: z.enum(enquiryOutcomes, { error: `expected ${enquiryOutcomes.join(', ')}` }),
  }),
  recovery: z.object({
    decision: z.enum(recoveryDecisions, { error: `expected ${recoveryDecisions.join(' or ')}` }),
    reason: text(actLimits.reasonChars, 'reason'),
  }),
  divert: z.object({
    office: z.string().trim().toUpperCase().regex(OFFICE_CODE, 'expected the code of the new office of destination or exit, such as BFBOB001'),
    reason: text(actLimits.reasonChars, 'reason'),
  }),
} as const;

// Each schema must produce exactly the act's fields as the workflow defines them (workflows/acts.ts).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SchemasMatchActs = { [A in keyof ActBodies]: Same<z.output<(typeof bodies)[A]>, ActBodies[A]> };
const schemasMatchActs: SchemasMatchActs = {
  release: true,
  'border-arrival': true,
  exit: true,
  entry: true,
  arrival: true,
  'control-results': true,
  'resolve-discrepancy': true,
  incident: true,
  cancel: true,
  acknowledge: true,
  extend: true,
  'enquiry-answer': true,
  recovery: true,
  divert: true,
};
void schemasMatchActs;

const updates: Record<Exclude<ActionName, 'amend'>, UpdateDefinition<m.ActionResult, [never]>> = {
  release: m.releaseUpdate,
  'border-arrival': m.borderArrivalUpdate,
  exit: m.exitUpdate,
  entry: m.entryUpdate,
  arrival: m.arrivalUpdate,
  'control-results': m.controlResultsUpdate,
  'resolve-discrepancy': m.resolveDiscrepancyUpdate,
  incident: m.incidentUpdate,
  cancel: m.cancelUpdate,
  acknowledge: m.acknowledgeUpdate,
  extend: m.extendUpdate,
  'enquiry-answer': m.enquiryAnswerUpdate,
  recovery: m.recoveryUpdate,
  divert: m.divertUpdate,
} as Record<Exclude<ActionName, 'amend'>, UpdateDefinition<m.ActionResult, [never]>>;

const summaries: Record<ActionName, string> = {
  release: 'Release for transit (autorisation de départ en transit): seals, control result, time limit — officer at the office of departure',
  'border-arrival': 'Arrival of the truck at the border post (PCJ) — officer at the post',
  exit: 'Exit confirmed (at the border post, or at the final exit office) — officer of the country being left',
  entry: 'Entry accepted into the next country — officer at the post, entry side',
  arrival: 'Arrival at the office of destination or exit, with seal check — officer there',
  'control-results': 'Control results at destination; discrepancies hold the movement — officer there',
  'resolve-discrepancy': 'Discrepancy resolved; the movement is discharged — officer at destination',
  incident:
    "Procès-verbal d'incident (breakdown, accident, seals broken, transhipment with new vehicle and seals, partial loss), sent to the departure country's system and to each system ahead — officer of the country where the truck is",
  amend: 'Amend the declaration before release — the declarant',
  cancel: 'Cancel the declaration before release; the guarantee reservation is released — the declarant',
  acknowledge: 'Acknowledge the current escalation level (no more reminders for it) — supervisor of the country',
  extend: 'Extend the time limit, with a reason — supervisor of the country',
  'enquiry-answer': "Record the principal's answer to the enquiry — officer at the office of departure",
  recovery:
    "Decide the recovery the overdue ladder proposed (confirm: the claim goes to this country's system, on its share of the guarantee, with the penalty; waive: no claim, the movement stays under enquiry) — collector of the country where the goods were last known",
  divert:
    'Divert the movement (déroutement, changement de bureau de destination) to another office of destination or exit, with the reason: the route is planned again from where the truck is with the reference data, a new time limit is set for the new leg, the AAR is withdrawn from a country the truck will no longer enter (its share of the guarantee released) and sent to one it now will, and each system is told; 400 with the reason when no route joins — supervisor of the country where the truck is, or the officer of the office where it stands',
};

const ActionAnswer = z.object({
  mrn: z.string(),
  status: z.string(),
  currentOffice: z.string(),
  nextDeadline: z.string().optional(),
  at: z.string().optional(),
  message: z.string().optional(),
  fr: z.string().optional(),
  en: z.string().optional(),
});

const inProgress = { fr: 'acte accepté, en cours', en: 'act accepted, in progress' };

/**
 * What makes two requests the same act: the action, its body and who sends it. The key is the
 * update id, so Temporal answers a repeated key with the first act's result; the actor in the
 * hash makes that first answer go back to its own actor only: anyone else reusing the key
 * (guessed, or seen in a log) gets IDEMPOTENCY_KEY_REUSED and learns nothing (issue 18).
 */
function requestHash(action: string, body: object, actor: Actor): string {
  return createHash('sha256')
    .update(`${action}\n${canonicalJson(actor)}\n${canonicalJson(body)}`)
    .digest('base64url');
}

export interface ActionRouteDeps {
  transits: TransitClient;
  reference: ReferenceData;
  /** How Corridor's consumer sees a country's journal: a fallback act is taken only while it cannot be read. */
  journalStatus: (country: CountryCode) => Promise<JournalStatus>;
}

const fallbackDescription = ` Fallback procedure (procédure de secours): while the office's national system cannot be reached (its journal unreadable, GET /interconnection), add \`fallback: {paperNumber, recordedAt?}\` — the paper document's number (office-DS-year-serial, e.g. ${PAPER_NUMBER_EXAMPLE}) and its time (default: now). The act takes effect at once with that time and is written into the national system once it answers; the movement shows \`waitingForSystems\` meanwhile. 409 FALLBACK_NOT_ALLOWED while the system answers: key the act in SYDONIA.`;

/**
 * Checks an act marked as a fallback act before it goes to the movement: the paper number drawn
 * up at the officer's own office, and the office's national system really out of reach. Returns
 * the mark as the workflow takes it, with the paper's time.
 */
async function admitFallback(action: string, mark: FallbackMark, actor: Actor, deps: ActionRouteDeps): Promise<FallbackMark> {
  const now = Date.now();
  const problem = fallbackProblem(action, mark, actor.office, now);
  if (problem) {
    const field = /^([\w.]+): /.exec(problem.en)?.[1];
    if (problem.code === 'INVALID_INPUT') throw badRequest(problem, [{ path: field ?? 'fallback', message: problem.en }]);
    throw conflict(problem.code, problem);
  }
  const country = actor.office ? deps.reference.offices[actor.office]?.country : undefined;
  // Not an officer at an office of the corridor: the movement refuses the act with the usual reason.
  if (!isCorridorCountry(country)) return mark;
  const journal = await deps.journalStatus(country);
  if (journal.state !== 'unreadable') {
    const system = countryNames[country].system;
    throw conflict('FALLBACK_NOT_ALLOWED', {
      fr: `${system.fr} répond : saisissez l'acte dans ${system.fr}. La procédure de secours n'est ouverte que lorsque Corridor ne peut pas joindre le système national.`,
      en: `${system.en} is answering: key the act in ${system.en}. The fallback procedure is open only while Corridor cannot reach the national system.`,
    });
  }
  return { paperNumber: mark.paperNumber, recordedAt: new Date(mark.recordedAt ?? now).toISOString() };
}

export const actionRoutes =
  (deps: ActionRouteDeps): FastifyPluginAsync =>
  async (plain) => {
    const { transits, reference } = deps;
    const app = plain.withTypeProvider<ZodTypeProvider>();

    const answer = async (mrn: string, update: UpdateDefinition<m.ActionResult, [never]>, input: unknown, key: string) => {
      const outcome = await transits.act(mrn, update, input as never, key).catch((error: unknown) => {
        throw refusalToApiError(error);
      });
      return outcome;
    };

    // What an act needs besides its body: a diversion is planned on the reference data's offices and legs.
    const network = roadNetwork(reference);
    const extras: Partial<Record<ActionName, object>> = { divert: { network } };

    for (const [action, body] of Object.entries(bodies) as [Exclude<ActionName, 'amend'>, z.ZodType][]) {
      app.post(
        `/transits/:mrn/${action}`,
        {
          // Other acts' schemas would drop a fallback mark without a word: an officer learns instead that this act waits for the system.
          preValidation: async (request) => {
            const mark = (request.body as { fallback?: unknown } | undefined)?.fallback;
            const problem = mark === undefined ? undefined : fallbackProblem(action, mark as FallbackMark, undefined, Date.now());
            if (problem?.code === 'FALLBACK_NOT_FOR_THIS_ACT') throw conflict(problem.code, problem);
          },
          schema: {
            tags: ['actions'],
            summary: summaries[action],
            description:
              'Send an Idempotency-Key header: a retried request with the same key is the same act, answered once. 409: out of order (the reason names the next step); 403: wrong office, role or country.' +
              ((fallbackActions as readonly string[]).includes(action) ? fallbackDescription : ''),
            params: MrnParams,
            body,
            response: { 200: ActionAnswer, 202: ActionAnswer },
          },
        },
        async (request, reply) => {
          const actor = actorOf(request);
          const key = idempotencyKeyOf(request.headers)!;
          const body = request.body as { fallback?: FallbackMark };
          // The paper's time filled in here stays out of the request's hash: a retried request is the same act.
          const sent = body.fallback ? { ...body, fallback: await admitFallback(action, body.fallback, actor, deps) } : body;
          const outcome = await answer(
            request.params.mrn,
            updates[action],
            { ...sent, ...extras[action], actor, requestHash: requestHash(action, body, actor) },
            key,
          );
          if (!outcome.completed) {
            return reply.code(202).send({ mrn: request.params.mrn, status: 'PROCESSING', currentOffice: '', message: bilingual(inProgress), ...inProgress });
          }
          return outcome.result!;
        },
      );
    }

    app.post(
      '/transits/:mrn/amend',
      {
        schema: {
          tags: ['actions'],
          summary: summaries.amend,
          description:
            'The whole amended declaration, validated like a new one; same LRN, same route. The guarantee is re-reserved for the new amount at risk.',
          params: MrnParams,
          response: { 200: ActionAnswer, 202: ActionAnswer },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const key = idempotencyKeyOf(request.headers)!;
        const checked = validateDeclaration(request.body, reference);
        if (!checked.ok)
          throw badRequest(
            { fr: `la déclaration rectifiée a ${checked.errors.length} erreur(s)`, en: `the amended declaration has ${checked.errors.length} error(s)` },
            checked.errors,
          );
        const { declaration, plan } = checked;
        const declarationHash = declarationContentHash(declaration);
        const input: m.AmendInput = { actor, declaration, declarationHash, route: plan, requestHash: requestHash('amend', { declarationHash }, actor) };
        const outcome = await answer(request.params.mrn, m.amendUpdate as UpdateDefinition<m.ActionResult, [never]>, input, key);
        if (!outcome.completed)
          return reply.code(202).send({ mrn: request.params.mrn, status: 'PROCESSING', currentOffice: '', message: bilingual(inProgress), ...inProgress });
        return outcome.result!;
      },
    );
  };
