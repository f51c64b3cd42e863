import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MRN_PATTERN, OFFICE_CODE } from '../../domain/formats.ts';
import { TransitNotFound, TransitRefusal } from '../../client/transits.ts';
import { ApiError, badRequest, notFound } from '../errors.ts';
import { unknownMovement } from '../../../workflows/procedure.ts';

export const MrnParams = z.object({
  mrn: z.string().regex(MRN_PATTERN, 'expected an MRN: 18 characters such as 26TG0A1B2C3D4E5F67'),
});

export const OfficeCodeParam = z.string().regex(OFFICE_CODE, 'expected an office reference number such as TGCKS001');

const KEY = /^[A-Za-z0-9._:-]{1,200}$/;

/**
 * The Idempotency-Key header: the same key is the same act, answered once. Without one, each
 * request is its own act (a client that retries should send one).
 */
export function idempotencyKeyOf(headers: Record<string, unknown>, generate = true): string | undefined {
  const raw = headers['idempotency-key'];
  if (raw === undefined) return generate ? randomUUID() : undefined;
  if (typeof raw !== 'string' || !KEY.test(raw)) {
    throw badRequest('Idempotency-Key is not valid', [
      { path: 'headers.idempotency-key', message: 'expected 1 to 200 letters, digits, dots, dashes, colons or underscores' },
    ]);
  }
  return raw;
}

const GRPC_INVALID_ARGUMENT = 3;

/**
 * Temporal refusing a list's visibility query (INVALID_ARGUMENT) is the request's fault, not the
 * server's: a 400 naming the filters, never a 500 (which clients and proxies would retry).
 */
export function visibilityRefusal(error: unknown, filters: string[]): unknown {
  const codeOf = (e: unknown) => (e as { code?: unknown } | undefined)?.code;
  // gRPC's INVALID_ARGUMENT, on the error itself or on the cause Temporal's ServiceError wraps.
  if (codeOf(error) !== GRPC_INVALID_ARGUMENT && codeOf((error as { cause?: unknown } | undefined)?.cause) !== GRPC_INVALID_ARGUMENT) return error;
  const named = filters.length > 0 ? filters.join(', ') : '(filters)';
  return badRequest(
    { fr: `filtre refusé par la recherche des mouvements : ${named}`, en: `filter refused by the movement search: ${named}` },
    filters.map((path) => ({ path: `query.${path}`, message: 'not a value the movement search accepts' })),
  );
}

/** The workflow's refusal codes, as HTTP answers. */
const statusOfRefusal: Record<string, number> = {
  OUT_OF_ORDER: 409,
  LRN_CONFLICT: 409,
  NATIONAL_REFUSAL: 409,
  WRONG_OFFICE: 403,
  WRONG_ROLE: 403,
  NOT_YOURS: 403,
  INVALID_INPUT: 400,
  IDEMPOTENCY_KEY_REUSED: 422,
};

export function refusalToApiError(error: unknown): unknown {
  if (error instanceof TransitNotFound) return notFound(unknownMovement(error.mrn));
  // Someone who may not read the movement gets, byte for byte, the answer for an unknown MRN.
  if (error instanceof TransitRefusal && error.code === 'STRANGER') return notFound({ fr: error.fr, en: error.en });
  if (error instanceof TransitRefusal && error.code === 'IDEMPOTENCY_KEY_REUSED') {
    // The header is what the client must change: named as a field, like any other refused input.
    return new ApiError(
      422,
      error.code,
      { fr: error.fr, en: error.en },
      {
        errors: [{ path: 'headers.idempotency-key', message: 'already used for another request (another act, body or person); send a new key' }],
      },
    );
  }
  if (error instanceof TransitRefusal) {
    const status = statusOfRefusal[error.code] ?? 409;
    const said = { fr: error.fr, en: error.en };
    const details: Record<string, unknown> = { ...error.details };
    // The workflow's input refusals start with the field they are about ("seals: …").
    if (status === 400) return badRequest(said, [{ path: /^([\w.[\]-]+): /.exec(error.en)?.[1] ?? '(body)', message: error.en }]);
    return new ApiError(status, error.code, said, details);
  }
  return error;
}

export { ApiError };
