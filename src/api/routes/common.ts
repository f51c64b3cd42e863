import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { TransitNotFound, TransitRefusal } from '../../client/transits.ts';
import { ApiError, badRequest, conflict, notFound } from '../errors.ts';

export const MrnParams = z.object({
  mrn: z.string().regex(/^[0-9]{2}[A-Z]{2}[A-Z0-9]{13}[0-9]$/, 'expected an MRN: 18 characters such as 26TG0A1B2C3D4E5F67'),
});

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
  if (error instanceof TransitNotFound) return notFound(error.message);
  if (error instanceof TransitRefusal) {
    const status = statusOfRefusal[error.code] ?? 409;
    const details: Record<string, unknown> = { ...error.details };
    if (status === 403) return new ApiError(403, error.code, error.message, details);
    if (status === 400) return badRequest(error.message, [{ path: '(body)', message: error.message }]);
    if (status === 422) return new ApiError(422, error.code, error.message, details);
    return conflict(error.code, error.message, details);
  }
  return error;
}

export { ApiError };
