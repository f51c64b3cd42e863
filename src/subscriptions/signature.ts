// The signature on every webhook Corridor sends (subscriptions and supervisors' notifications):
//   X-Corridor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" under the secret>
// The timestamp is inside the signed text so a captured delivery cannot be replayed later with a
// new time; the receiver refuses a signature older than its tolerance. Same scheme as Stripe's,
// which receivers' libraries already know how to check.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-corridor-signature';
export const DELIVERY_ID_HEADER = 'x-corridor-delivery-id';

/** A new signing secret: 32 random bytes, prefixed so a leaked one is recognisable in a scan. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function signatureHeader(secret: string, body: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

/**
 * The documented check a receiver makes (the README and the OpenAPI show the same steps): take
 * t and v1 from the header, recompute the HMAC over "<t>.<body exactly as received>", compare in
 * constant time, and refuse a t further than `toleranceSeconds` from now.
 */
export function verifySignature(secret: string, header: string | undefined, body: string, toleranceSeconds = 300, now: Date = new Date()): boolean {
  if (!header) return false;
  const parts = new Map(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1');
  if (!Number.isInteger(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return false;
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  return timingSafeEqual(Buffer.from(hmac(secret, t, body), 'hex'), Buffer.from(v1, 'hex'));
}

function hmac(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}
