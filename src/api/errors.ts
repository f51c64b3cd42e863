// Errors are values with a status, a code and the words a person reads ({code, fr, en}, French
// first); one handler (./error-handler.ts) turns them into responses.
import { bilingual } from '../domain/words.ts';

export interface FieldError {
  path: string;
  message: string;
}

/** What a refusal says: French and English, or one technical line that reads the same in both. */
export type Said = string | { fr: string; en: string };

export class ApiError extends Error {
  readonly fr: string;
  readonly en: string;

  constructor(
    readonly statusCode: number,
    readonly code: string,
    said: Said,
    readonly details?: Record<string, unknown>,
  ) {
    const w = typeof said === 'string' ? { fr: said, en: said } : said;
    super(bilingual(w));
    this.fr = w.fr;
    this.en = w.en;
    this.name = 'ApiError';
  }
}

export const badRequest = (said: Said, errors: FieldError[]) => new ApiError(400, 'INVALID_REQUEST', said, { errors });
export const unauthorized = (said: Said) => new ApiError(401, 'UNAUTHENTICATED', said);
export const forbidden = (said: Said) => new ApiError(403, 'FORBIDDEN', said);
export const notFound = (said: Said) => new ApiError(404, 'NOT_FOUND', said);
export const conflict = (code: string, said: Said, details?: Record<string, unknown>) => new ApiError(409, code, said, details);
