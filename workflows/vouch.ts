// Who may put an act into a movement. Anyone holding a Temporal client can send an update or a
// signal with any actor in it; the workflow believes an act only when it is vouched for by one
// of the parties entitled to record acts:
//   - `corridor`: Corridor's API, for acts keyed in Corridor (every update);
//   - `TG`, `BF`: that country's journal consumer, for acts recorded in that country's system
//     (the nationalEvent signal), and only for that country's offices.
// A vouch is an Ed25519 signature (RFC 8032: deterministic, pure JavaScript here, so this module
// runs inside the workflow sandbox). Verifying needs only PUBLIC keys, which the worker writes
// into the workflow bundle at start (src/worker/bundle-globals.ts): never from workflow input or a
// payload, where an attacker could choose them. The signer's side is src/auth/act-signature.ts;
// the signed bytes are built here, once, for both.
import { canonicalJson } from '../src/domain/canonical-json.ts';
import { words, type Words } from '../src/domain/words.ts';
import type { NationalEvent } from './model.ts';
import { verifyEd25519 } from './vouch-crypto.ts';

/** The signature of an act, carried next to it in the update's input or as the signal's second argument. */
export interface Vouch {
  /** Who vouches: `corridor` (the API) or a country code (its journal consumer). */
  by: string;
  /** When it was signed (ISO 8601): an act's vouch is refused when too old or from the future. */
  at: string;
  /** Ed25519 signature, hex. */
  sig: string;
}

/** The party that vouches for acts keyed in Corridor. */
export const API_VOUCHER = 'corridor';

/** The global the worker defines at the top of the bundle: voucher → public key (hex). */
export const VOUCH_KEYS_GLOBAL = '__corridorVouchKeys';

/**
 * How far a vouched update's time may be from the workflow's time. The update id is signed too,
 * and the server answers a reused update id with the first outcome, so a copied signature can
 * neither run another act nor the same one twice; the window bounds how long a signature taken
 * from a rejected request stays usable.
 */
export const ACT_VOUCH_MAX_AGE_MS = 60 * 60 * 1000;
const ACT_VOUCH_MAX_AHEAD_MS = 5 * 60 * 1000;

const utf8 = new TextEncoder();

/** The bytes an update's vouch signs: the movement, the update and its id, the whole input (actor and body), the time. */
export function actMessage(args: { mrn: string; update: string; updateId: string; at: string; input: Record<string, unknown> }): Uint8Array {
  const { vouch: _vouch, ...input } = args.input;
  return utf8.encode(`corridor/act/v1\n${canonicalJson({ mrn: args.mrn, update: args.update, updateId: args.updateId, at: args.at, input })}`);
}

/** The bytes a national event's vouch signs: the whole event as the journal published it, who vouches, the time. */
export function eventMessage(event: NationalEvent, by: string, at: string): Uint8Array {
  return utf8.encode(`corridor/national-event/v1\n${canonicalJson({ by, at, event })}`);
}

function injectedKey(by: string): Uint8Array | undefined {
  const keys = (globalThis as Record<string, unknown>)[VOUCH_KEYS_GLOBAL] as Readonly<Record<string, string>> | undefined;
  const hex = keys && Object.hasOwn(keys, by) ? keys[by] : undefined;
  return typeof hex === 'string' && /^[0-9a-f]{64}$/.test(hex) ? hexBytes(hex) : undefined;
}

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function signedBy(vouch: unknown, by: string, message: (at: string) => Uint8Array): boolean {
  const v = vouch as Partial<Vouch> | undefined;
  if (!v || v.by !== by || typeof v.at !== 'string' || typeof v.sig !== 'string' || !/^[0-9a-f]{128}$/.test(v.sig)) return false;
  const key = injectedKey(by);
  if (!key) return false;
  try {
    return verifyEd25519(hexBytes(v.sig), message(v.at), key);
  } catch {
    return false;
  }
}

const notVouched = words(
  'NOT_VOUCHED',
  "l'acte n'est garanti ni par l'API de Corridor ni par le système national de son pays",
  "the act is vouched for neither by Corridor's API nor by its country's national system",
);

/**
 * Why an update must be refused before anything else is looked at, or undefined when Corridor's
 * API signed exactly this input, for this movement, this update and this update id, recently.
 */
export function actVouchRefusal(args: { mrn: string; update: string; updateId: string; input: Record<string, unknown>; now: number }): Words | undefined {
  const vouch = args.input.vouch as Partial<Vouch> | undefined;
  if (!signedBy(vouch, API_VOUCHER, (at) => actMessage({ ...args, at }))) return notVouched;
  const at = Date.parse(vouch!.at!);
  if (!(args.now - at <= ACT_VOUCH_MAX_AGE_MS && at - args.now <= ACT_VOUCH_MAX_AHEAD_MS)) {
    return words('NOT_VOUCHED', "la garantie de l'acte a expiré : renvoyez la requête", "the act's vouch has expired: send the request again");
  }
  return undefined;
}

/**
 * Whether the journal consumer of the event's own country signed this very event for this
 * movement. No time window: the event id is signed and a movement applies each id once.
 */
export function eventVouched(mrn: string, event: NationalEvent, vouch: unknown): boolean {
  if (!event || event.mrn !== mrn || typeof event.country !== 'string') return false;
  return signedBy(vouch, event.country, (at) => eventMessage(event, event.country, at));
}
