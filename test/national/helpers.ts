import { amountAtRisk } from '../../src/domain/amount-at-risk.ts';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
// Shared by the national system tests: a real sandbox on a free port with its own SQLite
// file, a sample declaration, and plain HTTP calls (the tests speak the contract directly,
// except where they test the client).
import { randomBytes } from 'node:crypto';
import { mrnCheckCharacter } from '../../src/domain/mrn-format.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { createLogger } from '../../src/logging/logger.ts';
import type { NationalCountry } from '../../src/national/contract.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/national/sandbox/server.ts';
import { DEVELOPMENT_USER_SECRET } from '../../src/national/sandbox/users.ts';
import { corridorAuthorization } from '../../src/national/credential.ts';
import { SignJWT } from 'jose';

export const silent = createLogger('test', process.env.CORRIDOR_LOG_LEVEL ?? 'silent');

/** A folder of its own, removed when the test ends. */
export function tempDir(t: TestContext, name = 'national'): string {
  const dir = mkdtempSync(path.join(process.env.CORRIDOR_TEST_TMP ?? os.tmpdir(), `${name}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A sandbox on a free port with a fresh store; closed when the test ends. */
export async function sandbox(
  t: TestContext,
  options: Partial<SandboxOptions> & { country?: NationalCountry } = {},
): Promise<Sandbox & { headers: Record<string, string> }> {
  const country = options.country ?? 'TG';
  const sb = await startSandbox({
    country,
    host: '127.0.0.1',
    port: 0,
    dbPath: options.dbPath ?? path.join(tempDir(t, `sandbox-${country}`), 'sandbox.sqlite'),
    logger: silent,
    ...options,
  });
  t.after(() => sb.close());
  return withCorridorCredential(sb, options.corridorToken);
}

/** A sandbox with Corridor's credential of it as headers, which `http` sends unless told otherwise. */
export function withCorridorCredential<S extends { url: string }>(sb: S, corridorToken?: string): S & { headers: Record<string, string> } {
  return Object.assign(sb, { headers: corridorAuthorization(sb.url, corridorToken) });
}

/** A well-formed MRN departing from `country`, with its check digit. */
export function newMrn(country: NationalCountry = 'TG'): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const body = `26${country}${[...randomBytes(13)].map((b) => alphabet[b % alphabet.length]).join('')}`;
  return `${body}${mrnCheckCharacter(body)}`;
}

export const bigGuarantee = { TG: { grn: '26TG0000000000001', accessCode: '1234' }, BF: { grn: '26BF0000000000001', accessCode: '4321' } } as const;
export const smallGuarantee = { grn: '26TG0000000000002', accessCode: '2345' } as const; // 1,000,000 XOF
export const expiredGuarantee = { grn: '26TG0000000000003', accessCode: '3456' } as const;
export const principalGuarantee = { grn: '26TG0000000000004', accessCode: '4567', principalTin: '1000166012' } as const;

const referenceData = loadReferenceData();

/** A country's amount at risk of rice items (HS 100630, as declaration() declares them) with these customs values, from its tariff. */
export function atRisk(country: 'TG' | 'BF', values: number[]): number {
  return amountAtRisk(
    referenceData.tariffs[country],
    values.map((valueXof) => ({ hsCode: '100630', valueXof })),
  ).totalXof;
}

/** A declaration of the Lomé Port → Ouagadougou route with the given goods values (XOF). */
export function declaration(
  values: number[] = [12_000_000, 3_500_000],
  guarantee: { grn: string; accessCode: string } = bigGuarantee.TG,
  principalTin = '1000999999',
): Record<string, unknown> & { goodsItems: Array<{ hsCode: string; valueXof: number }>; guarantee: { grn: string; accessCode: string } } {
  const party = (tin: string, name: string) => ({ tin, name, address: { street: 'Boulevard du 13 janvier', city: 'Lomé', country: 'TG' } });
  return {
    lrn: `LRN-${randomBytes(4).toString('hex')}`,
    declarant: party('1000555555', 'Transit Express Lomé'),
    principal: party(principalTin, 'Sahel Import SARL'),
    transport: { registration: 'TG-4521-AB', nationality: 'TG', trailer: { registration: 'TG-7788-RM' } },
    route: ['TGLFW001', 'TGCKS001', 'BFCKN001', 'BFOUA001'],
    containers: ['MSCU1234565'],
    goodsItems: values.map((valueXof, i) => ({
      hsCode: '100630',
      description: `riz semi-blanchi, lot ${i + 1}`,
      packageKind: 'BG',
      packageCount: 400,
      grossMassKg: 20_100,
      netMassKg: 20_000,
      valueXof,
    })),
    guarantee: { ...guarantee },
  };
}

export interface HttpAnswer {
  status: number;
  text: string;
  json: any;
  headers: Headers;
  ms: number;
}

export async function http(
  base: string | { url: string },
  method: string,
  pathname: string,
  body?: unknown,
  idempotencyKey?: string,
  extraHeaders: Record<string, string> = {},
): Promise<HttpAnswer> {
  const url = `${typeof base === 'string' ? base : base.url}${pathname}`;
  // Corridor's credential unless the test names another caller: the sandbox answers no anonymous call.
  const credential = typeof base === 'object' && 'headers' in base ? (base.headers as Record<string, string>) : corridorAuthorization(url, undefined);
  const headers: Record<string, string> = { ...credential, ...extraHeaders };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
  const started = performance.now();
  const response = await fetch(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json, headers: response.headers, ms: performance.now() - started };
}

let keys = 0;
/** A fresh Idempotency-Key. */
export const key = (label = 'k') => `${label}-${process.pid}-${++keys}-${randomBytes(3).toString('hex')}`;

export const post = (sb: { url: string }, pathname: string, body: unknown, idempotencyKey: string = key()) => http(sb, 'POST', pathname, body, idempotencyKey);
export const get = (sb: { url: string }, pathname: string) => http(sb, 'GET', pathname);

export async function register(sb: Sandbox, mrn: string, decl = declaration(), declarantTin = '1000555555'): Promise<HttpAnswer> {
  return post(sb, '/v1/movements', { mrn, lrn: String(decl.lrn), declarantTin, declaration: decl });
}

export async function reserve(sb: Sandbox, mrn: string, guarantee: { grn: string; accessCode: string } = bigGuarantee.TG, k?: string) {
  return post(sb, `/v1/guarantees/${guarantee.grn}/reservations`, { mrn, accessCode: guarantee.accessCode }, k);
}

export async function balance(sb: Sandbox, grn: string) {
  const answer = await get(sb, `/v1/guarantees/${grn}`);
  if (answer.status !== 200) throw new Error(`GET guarantee ${grn}: ${answer.status} ${answer.text}`);
  return answer.json as {
    referenceAmountXof: number;
    reservedXof: number;
    claimedXof: number;
    availableXof: number;
    reservationCounts: { reserved: number; released: number; claimed: number };
    reservations: Array<{ mrn: string; amountXof: number; status: string }>;
  };
}

export async function movement(sb: Sandbox, mrn: string) {
  return (await get(sb, `/v1/movements/${mrn}`)).json as {
    state: string;
    reference: string;
    version: number;
    events: Array<{ operation: string; state: string; office: string | null; at: string; data: Record<string, unknown> }>;
    declaration: Record<string, any>;
    guarantee: { grn: string; amountAtRiskXof: number; status: string } | null;
  };
}

export async function calls(sb: Sandbox, query = '') {
  return (await get(sb, `/admin/calls${query}`)).json.calls as Array<{
    idempotencyKey: string;
    operation: string;
    status: number;
    outcome: string;
    replays: number;
    answer: unknown;
  }>;
}

/** Register a TG movement and reserve its guarantee; returns the MRN and the reservation answer. */
export async function guaranteed(sb: Sandbox, values?: number[], guarantee: { grn: string; accessCode: string } = bigGuarantee.TG) {
  const mrn = newMrn('TG');
  const registered = await register(sb, mrn, declaration(values, guarantee));
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${registered.text}`);
  const reserved = await reserve(sb, mrn, guarantee);
  if (reserved.status !== 201) throw new Error(`reserve: ${reserved.status} ${reserved.text}`);
  return { mrn, reservation: reserved.json };
}

/** A user of the national system, as their credential names them. */
export type UserClaims = { sub: string; role: 'officer'; office: string } | { sub: string; role: 'declarant'; tin: string };

/** The credential of a user of the national system (HS256, signed with the sandbox's user secret). */
export async function userToken(claims: UserClaims, secret = DEVELOPMENT_USER_SECRET, expiresIn = '1h'): Promise<string> {
  const { sub, ...rest } = claims;
  return new SignJWT(rest)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/** A mutating call keyed in by a user of the national system. */
export const postAs = (sb: { url: string }, token: string, pathname: string, body: unknown, idempotencyKey: string = key()) =>
  http(sb, 'POST', pathname, body, idempotencyKey, { authorization: `Bearer ${token}` });

/** A declaration that passes Corridor's full validation (the helper's default container has a wrong check digit on purpose elsewhere). */
export function lodgeable(
  values?: number[],
  guarantee?: { grn: string; accessCode: string },
  principalTin?: string,
): ReturnType<typeof declaration> & { lrn: string; route: string[] } {
  const decl = declaration(values, guarantee, principalTin);
  return { ...decl, lrn: String(decl.lrn), route: decl.route as string[], containers: ['MSCU1234566'] };
}

export interface JournalEventAnswer {
  sequence: number;
  id: string;
  type: string;
  mrn: string;
  office: string | null;
  officer: string | null;
  at: string;
  source: 'officer' | 'interconnection';
  state: string;
  data: Record<string, any>;
}

/** One page of the journal. */
export async function journal(sb: { url: string }, query = '') {
  const answer = await get(sb, `/v1/events${query}`);
  if (answer.status !== 200) throw new Error(`GET /v1/events${query}: ${answer.status} ${answer.text}`);
  return answer.json as { events: JournalEventAnswer[]; lastSequence: number; headSequence: number };
}
