// The names of the failures the workflow and the activities raise, shared with the client that
// turns them into HTTP answers: one list, so a renamed failure cannot silently become a 500.

/** Refusals of an act by the workflow (ApplicationFailure type). */
export const refusalCodes = [
  'OUT_OF_ORDER',
  'WRONG_OFFICE',
  'WRONG_ROLE',
  'NOT_YOURS',
  'INVALID_INPUT',
  'LRN_CONFLICT',
  'NATIONAL_REFUSAL',
  'NOT_VOUCHED',
] as const;
export type RefusalCode = (typeof refusalCodes)[number];

/** What a national activity reports when it fails (ApplicationFailure type). */
export const nationalFailureTypes = {
  /** A business refusal: non-retryable; details[0] = { code, reason, country, operation }. */
  refusal: 'NationalRefusal',
  /** No usable answer (timeout, transport, 5xx): retried with the same Idempotency-Key. */
  unavailable: 'NationalUnavailable',
  /** The system and Corridor disagree on the contract (400, 422, malformed answer): non-retryable. */
  protocol: 'NationalProtocolError',
} as const;
export type NationalFailureType = (typeof nationalFailureTypes)[keyof typeof nationalFailureTypes];

/** A national system's refusal, as the procedure reads it: the system's code and its reason. */
export interface NationalRefusal {
  code: string;
  reason: string;
}

/**
 * The refusal a national activity's failure carries (a business refusal, or a call the system
 * could not understand); undefined for any other failure, which is left to Temporal's retries.
 */
export function refusalOf(failure: { type?: string | null | undefined; details?: unknown[] | null | undefined; message: string }): NationalRefusal | undefined {
  if (failure.type !== nationalFailureTypes.refusal && failure.type !== nationalFailureTypes.protocol) return undefined;
  const details = (failure.details?.[0] ?? {}) as { code?: string; reason?: string };
  return { code: details.code ?? 'REFUSED', reason: details.reason ?? failure.message };
}
