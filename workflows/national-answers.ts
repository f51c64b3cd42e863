// What a national system's answer means to the procedure: a business refusal (the system said
// no, with its reason) is the act's refusal or a value to act on; anything else (the system is
// down) is left to Temporal's retries.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { words } from '../src/domain/words.ts';
import { refusalOf, type NationalRefusal } from './failures.ts';

export type { NationalRefusal };

/** A national system's refusal (or a call it could not understand), as the activity reported it; undefined for anything else. */
export function nationalRefusal(error: unknown): NationalRefusal | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? refusalOf(cause) : undefined;
}

/** Runs a national call; a refusal comes back as a value instead of an exception. */
export async function nationalRefusalOr<T>(call: () => Promise<T>): Promise<T | { refusal: NationalRefusal }> {
  try {
    return await call();
  } catch (error) {
    const refusal = nationalRefusal(error);
    if (!refusal) throw error;
    return { refusal };
  }
}

/** Runs a national call for an act; a business refusal becomes the act's refusal, with the system's reason. */
export async function nationalCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const refusal = nationalRefusal(error);
    if (!refusal) throw error;
    throw nationalRefusalFailure(refusal);
  }
}

/**
 * A national system's refusal as the act's refusal. Its reason may quote declared values,
 * balances or TINs: it is in the details (a payload, encrypted with a key ring) for the one who
 * acted, and never in the message, which the history keeps in clear unless failures are encoded.
 */
export function nationalRefusalFailure(refusal: NationalRefusal): ApplicationFailure {
  const w = words('NATIONAL_REFUSAL', `Le système national a refusé : ${refusal.reason}`, `The national system refused: ${refusal.reason}`);
  return ApplicationFailure.create({
    type: w.code,
    message: `Le système national a refusé l'acte (${refusal.code}) / The national system refused the act (${refusal.code})`,
    // details keep the system's own code and reason, as clients have read them since the start.
    details: [{ fr: w.fr, en: w.en, code: refusal.code, reason: refusal.reason }],
    nonRetryable: true,
  });
}
