// Fault injection: what the sandbox does to a contract call before (and after) handling it,
// so that Corridor's retries, timeouts and idempotency are exercised against a real service.
import { z } from 'zod';
import { Timestamp } from '../contract.ts';

export const Faults = z.object({
  /** Added to every contract call before it is handled. */
  latencyMs: z.number().int().min(0).max(600_000).default(0),
  /** Share of contract calls answered 503 before doing anything (0: none, 1: all). */
  errorRate: z.number().min(0).max(1).default(0),
  /** Every contract call inside [from, to) is answered 503. */
  outage: z
    .object({ from: Timestamp, to: Timestamp })
    .refine((w) => Date.parse(w.from) <= Date.parse(w.to), { message: 'expected from before to', path: ['to'] })
    .nullable()
    .default(null),
  /**
   * The call is committed, then the answer waits this long: a client whose timeout is
   * shorter gives up although the effect happened — the answer is lost. Mutating calls only.
   */
  delayAfterCommitMs: z.number().int().min(0).max(600_000).default(0),
});
export type Faults = z.output<typeof Faults>;
export type FaultsInput = z.input<typeof Faults>;

export interface InjectedFailure {
  reason: string;
  retryAfterSeconds?: number;
}

/** The fault to answer with before handling a call, if any. */
export function failureBefore(faults: Faults, now: Date, random: () => number = Math.random): InjectedFailure | undefined {
  if (faults.outage) {
    const from = Date.parse(faults.outage.from);
    const to = Date.parse(faults.outage.to);
    if (now.getTime() >= from && now.getTime() < to) {
      return {
        reason: `the national system is in an outage until ${faults.outage.to} (injected fault)`,
        retryAfterSeconds: Math.max(1, Math.ceil((to - now.getTime()) / 1000)),
      };
    }
  }
  if (faults.errorRate > 0 && random() < faults.errorRate) {
    return { reason: 'the national system failed to answer (injected fault)' };
  }
  return undefined;
}
