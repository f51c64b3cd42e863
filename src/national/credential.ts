// Corridor's credential of a national system, on every call (reads and the journal included):
// a national system tells Corridor from anyone else by it. In development one machine runs
// both sides with no CORRIDOR_NATIONAL_<CC>_TOKEN set, so a sandbox listening on loopback and
// Corridor calling a loopback URL both fall back to one published development credential; a
// system reachable from another machine gets only the configured token (the sandbox refuses
// to start beyond loopback without one).
import { isLoopbackHost } from '../config/env.ts';

/** Published on purpose: it only ever opens a sandbox that listens on this machine. */
export const DEVELOPMENT_CORRIDOR_CREDENTIAL = 'corridor-sandbox-development-credential';

/** The credential Corridor sends to the system at `baseUrl`: the configured token, else the development one on loopback only. */
export function corridorCredential(baseUrl: string, token: string | undefined): string | undefined {
  if (token) return token;
  return isLoopbackHost(new URL(baseUrl).hostname) ? DEVELOPMENT_CORRIDOR_CREDENTIAL : undefined;
}

/** The Authorization header Corridor sends to the system at `baseUrl` (none when it has no credential of it). */
export function corridorAuthorization(baseUrl: string, token: string | undefined): Record<string, string> {
  const credential = corridorCredential(baseUrl, token);
  return credential ? { authorization: `Bearer ${credential}` } : {};
}
