// Which callback URLs a subscription may name, and the address a delivery connects to.
// A subscription must never become a way to make Corridor call its own services or a private
// network (SSRF): https to public addresses only, unless the operator lists the host
// (CORRIDOR_SUBSCRIPTIONS_ALLOWED_HOSTS), or the API runs as the embedded development profile,
// where loopback is allowed so the demo and the tests can receive.
// DNS rebinding: names are resolved and checked at subscription time, and again at every
// delivery inside the connection's own lookup, so the address connected to is the address that
// was checked (no second resolution between the check and the connection).
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { words, type Words } from '../domain/words.ts';

export interface UrlPolicy {
  /** The embedded development profile: loopback receivers (http or https) are allowed. */
  allowLoopback: boolean;
  /** Host names or addresses the operator allows whatever they resolve to (lower case). */
  allowedHosts: readonly string[];
}

export type Resolve = (host: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (host) => dnsLookup(host, { all: true, verbatim: true });

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

// Everything that is not the public internet: private, shared, link-local, documentation,
// benchmarking, multicast, reserved, unspecified, and their IPv6 counterparts.
const notPublic = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  notPublic.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  notPublic.addSubnet(net, bits, 'ipv6');

/** An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is. */
function normalise(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export function isLoopbackAddress(address: string): boolean {
  const a = normalise(address);
  return loopback.check(a.address, a.family);
}

export function isPublicAddress(address: string): boolean {
  const a = normalise(address);
  return !notPublic.check(a.address, a.family);
}

/** Why this address may not receive, or undefined when it may. */
export function addressRefusal(address: string, policy: UrlPolicy): Words | undefined {
  if (isPublicAddress(address)) return undefined;
  if (policy.allowLoopback && isLoopbackAddress(address)) return undefined;
  return words(
    'CALLBACK_ADDRESS_NOT_PUBLIC',
    `l'adresse ${address} n'est pas publique (boucle locale, réseau privé ou réservé) : refusée`,
    `address ${address} is not public (loopback, private or reserved network): refused`,
  );
}

export type Vetted = { ok: true; url: URL; addresses: string[] } | { ok: false; reason: Words };

/** Checks a callback URL and what its host resolves to now. */
export async function vetCallbackUrl(raw: string, policy: UrlPolicy, resolve: Resolve = systemResolve): Promise<Vetted> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('CALLBACK_URL_INVALID', `« ${raw} » n'est pas une URL`, `"${raw}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return refuse('CALLBACK_URL_SCHEME', 'https:// attendu', 'expected https://');
  if (url.username || url.password) {
    return refuse(
      'CALLBACK_URL_CREDENTIALS',
      "pas d'identifiants dans l'URL : la signature authentifie Corridor",
      'no credentials in the URL: the signature authenticates Corridor',
    );
  }
  const host = hostOf(url);
  if (policy.allowedHosts.includes(host)) return { ok: true, url, addresses: [] };
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await resolve(host)).map((a) => a.address);
  } catch {
    return refuse('CALLBACK_HOST_UNKNOWN', `le nom ${host} ne se résout pas`, `host ${host} does not resolve`);
  }
  if (addresses.length === 0) return refuse('CALLBACK_HOST_UNKNOWN', `le nom ${host} ne se résout pas`, `host ${host} does not resolve`);
  for (const address of addresses) {
    const refusal = addressRefusal(address, policy);
    if (refusal) return { ok: false, reason: refusal };
  }
  // Plain http only to loopback in development: anywhere else the body would cross a network in clear.
  if (url.protocol === 'http:' && !(policy.allowLoopback && addresses.every(isLoopbackAddress))) {
    return refuse(
      'CALLBACK_URL_SCHEME',
      'https:// attendu (http seulement en boucle locale, en développement)',
      'expected https:// (http only on loopback, in development)',
    );
  }
  return { ok: true, url, addresses };
}

/** The URL's host name without IPv6 brackets, lower case. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

function refuse(code: string, fr: string, en: string): Vetted {
  return { ok: false, reason: words(code, fr, en) };
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that resolves the host, refuses it when any address may not
 * receive, and hands the connection the very address it checked (see the comment at the top).
 */
export function pinnedLookup(policy: UrlPolicy, resolve: Resolve = systemResolve) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    const found: Promise<LookupAddress[]> = isIP(host) ? Promise.resolve([{ address: host, family: isIP(host) }]) : resolve(host);
    found.then(
      (addresses) => {
        if (!policy.allowedHosts.includes(host)) {
          for (const a of addresses) {
            const refusal = addressRefusal(a.address, policy);
            if (refusal) return callback(Object.assign(new Error(refusal.en), { code: 'ECALLBACKREFUSED' }), []);
          }
        }
        if (addresses.length === 0) return callback(Object.assign(new Error(`${host} does not resolve`), { code: 'ENOTFOUND' }), []);
        if (options.all) return callback(null, addresses);
        return callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}
