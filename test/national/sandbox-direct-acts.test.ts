// The sandbox as SYDONIA's own screens: declarants lodge and officers record their acts in
// their national system with their own credential, under the system's rules; Corridor's calls
// for the same movement land on the same record instead of making a second one.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateDeclaration } from '../../src/domain/declaration.ts';
import { allocateMrn } from '../../src/domain/mrn.ts';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import type { Sandbox } from '../../src/national/sandbox/server.ts';
import {
  atRisk,
  balance,
  bigGuarantee,
  guaranteed,
  journal,
  lodgeable,
  movement,
  newMrn,
  post,
  postAs,
  sandbox,
  smallGuarantee,
  userToken,
} from './helpers.ts';

const G = bigGuarantee.TG.grn;
const DECLARANT_TIN = '1000555555';
const timeLimit = '2026-12-01T10:00:00.000Z';
const releaseBody = { office: 'TGLFW001', seals: ['TG-S-0001'], timeLimit, controlResult: 'SATISFACTORY' };

const declarantToken = (tin = DECLARANT_TIN) => userToken({ sub: `declarant.${tin}`, role: 'declarant', tin });
const officerToken = (office: string, sub = `agent.${office.toLowerCase()}`) => userToken({ sub, role: 'officer', office });

async function lodge(sb: Sandbox, decl: Record<string, unknown>, token?: string) {
  return postAs(sb, token ?? (await declarantToken()), '/v1/declarations', { declaration: decl });
}

/** What Corridor sends for the same declaration: the normalised form its API validated. */
function normalised(decl: Record<string, unknown>) {
  const checked = validateDeclaration(decl, loadReferenceData());
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.declaration;
}

describe('a declarant lodging directly in the national system', () => {
  test('gets the MRN Corridor would allocate, registered and guaranteed in one step, published as one event', async (t) => {
    const sb = await sandbox(t, { country: 'TG' });
    const decl = lodgeable([10_000_000]);
    const answer = await lodge(sb, decl);
    assert.equal(answer.status, 201, answer.text);
    const mrn = allocateMrn({ tin: DECLARANT_TIN, lrn: String(decl.lrn), year: new Date().getUTCFullYear(), departureCountry: 'TG' });
    assert.equal(answer.json.mrn, mrn);
    assert.equal(answer.json.state, 'GUARANTEED');
    assert.equal(answer.json.lrn, decl.lrn);
    assert.equal(answer.json.declarantTin, DECLARANT_TIN);
    assert.equal(answer.json.reservation.amountXof, atRisk('TG', [10_000_000]));
    assert.equal(answer.json.reservation.status, 'RESERVED');
    assert.equal((await balance(sb, G)).reservedXof, answer.json.reservation.amountXof);

    const { events } = await journal(sb);
    assert.equal(events.length, 1, 'one event: registration and reservation are one act here');
    const [registered] = events;
    assert.equal(registered!.type, 'DECLARATION_REGISTERED');
    assert.equal(registered!.source, 'officer');
    assert.equal(registered!.officer, `declarant.${DECLARANT_TIN}`);
    assert.equal(registered!.state, 'GUARANTEED');
    assert.deepEqual(registered!.data.guarantee, { grn: G, amountXof: answer.json.reservation.amountXof });
    assert.equal(registered!.data.lrn, decl.lrn);
    assert.equal(registered!.data.declarantTin, DECLARANT_TIN);
    assert.equal(registered!.data.reference, answer.json.reference);
    assert.deepEqual(registered!.data.declaration, { ...normalised(decl), guarantee: { grn: G, accessCode: '****' } }, 'the declaration as stored');
  });

  test('the same declaration again is the same movement; the same LRN with other content is refused', async (t) => {
    const sb = await sandbox(t);
    const decl = lodgeable([10_000_000]);
    const first = await lodge(sb, decl);
    assert.equal(first.status, 201, first.text);
    // Normalisation makes a lower-cased office the same content.
    const again = await lodge(sb, { ...decl, route: ['tglfw001', 'TGCKS001', 'BFCKN001', 'BFOUA001'] });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.json, first.json);
    assert.equal((await balance(sb, G)).reservationCounts.reserved, 1, 'reserved once');
    assert.equal((await journal(sb)).events.length, 1);

    const other = await lodge(sb, { ...decl, goodsItems: [{ ...(decl.goodsItems[0] as object), valueXof: 11_000_000 }] });
    assert.equal(other.status, 409, other.text);
    assert.equal(other.json.code, 'MOVEMENT_EXISTS');
    assert.equal((await journal(sb)).events.length, 1);
  });

  test('a declaration with mistakes is answered 400 with every field at fault, and nothing is recorded', async (t) => {
    const sb = await sandbox(t);
    const decl = lodgeable();
    const answer = await lodge(sb, { ...decl, containers: ['MSCU1234565'], route: ['TGLFW001', 'XXNOPE01'] });
    assert.equal(answer.status, 400, answer.text);
    assert.equal(answer.json.code, 'REQUEST_INVALID');
    const paths = answer.json.errors.map((e: { path: string }) => e.path);
    assert.ok(paths.includes('/declaration/containers/0'), paths.join(', '));
    assert.ok(
      paths.some((p: string) => p.startsWith('/declaration/route')),
      paths.join(', '),
    );
    assert.equal((await journal(sb)).headSequence, 0);
  });

  test("a route departing from another country is that country's to register; nothing stays when the guarantee refuses", async (t) => {
    const sb = await sandbox(t, { country: 'TG' });
    const fromBurkina = { ...lodgeable([1_000_000], bigGuarantee.BF), route: ['BFOUA001', 'BFCKN001', 'TGCKS001', 'TGLFW001'] };
    const mismatch = await lodge(sb, fromBurkina);
    assert.equal(mismatch.status, 409, mismatch.text);
    assert.equal(mismatch.json.code, 'MRN_COUNTRY_MISMATCH');

    const tooBig = lodgeable([100_000_000], smallGuarantee);
    const refused = await lodge(sb, tooBig);
    assert.equal(refused.json.code, 'GUARANTEE_INSUFFICIENT');
    const mrn = allocateMrn({ tin: DECLARANT_TIN, lrn: String(tooBig.lrn), year: new Date().getUTCFullYear(), departureCountry: 'TG' });
    assert.equal((await movement(sb, mrn)).state, undefined, 'no record was kept');
    assert.equal((await balance(sb, smallGuarantee.grn)).reservedXof, 0);
    assert.equal((await journal(sb)).headSequence, 0);
  });

  test('a declarant lodges, amends and cancels only their own declarations; an officer does not lodge', async (t) => {
    const sb = await sandbox(t);
    const decl = lodgeable([1_000_000]);
    const inAnotherName = await lodge(sb, decl, await declarantToken('1000777777'));
    assert.equal(inAnotherName.status, 403, inAnotherName.text);
    assert.equal(inAnotherName.json.code, 'USER_NOT_PERMITTED');
    const byOfficer = await lodge(sb, decl, await officerToken('TGLFW001'));
    assert.equal(byOfficer.json.code, 'USER_NOT_PERMITTED');

    const { mrn } = (await lodge(sb, decl)).json as { mrn: string };
    const stranger = await declarantToken('1000777777');
    const amend = await postAs(sb, stranger, `/v1/movements/${mrn}/amend`, { declaration: decl });
    assert.equal(amend.json.code, 'USER_NOT_PERMITTED');
    const cancel = await postAs(sb, stranger, `/v1/movements/${mrn}/cancel`, { reason: 'pas le mien' });
    assert.equal(cancel.json.code, 'USER_NOT_PERMITTED');
    const release = await postAs(sb, await declarantToken(), `/v1/movements/${mrn}/release-for-transit`, releaseBody);
    assert.equal(release.json.code, 'USER_NOT_PERMITTED', "release is an officer's act");

    const own = await postAs(sb, await declarantToken(), `/v1/movements/${mrn}/cancel`, { reason: 'le client a renoncé' });
    assert.equal(own.status, 200, own.text);
    assert.equal(own.json.state, 'CANCELLED');
    assert.equal((await balance(sb, G)).reservedXof, 0);
  });
});

describe('an officer recording in their national system', () => {
  test('acts at their own office only', async (t) => {
    const sb = await sandbox(t);
    const { mrn } = await guaranteed(sb);
    assert.equal((await post(sb, `/v1/movements/${mrn}/release-for-transit`, releaseBody)).status, 200);
    const atLome = await officerToken('TGLFW001');
    const wrong = await postAs(sb, atLome, `/v1/movements/${mrn}/border-arrival`, { office: 'TGCKS001' });
    assert.equal(wrong.status, 403, wrong.text);
    assert.equal(wrong.json.code, 'OFFICER_NOT_AT_OFFICE');
    assert.match(wrong.json.reason, /TGLFW001/);
    assert.equal((await movement(sb, mrn)).state, 'RELEASED', 'nothing changed');

    const atCinkasse = await officerToken('TGCKS001');
    const right = await postAs(sb, atCinkasse, `/v1/movements/${mrn}/border-arrival`, { office: 'TGCKS001' });
    assert.equal(right.status, 200, right.text);
    assert.equal(right.json.state, 'AT_BORDER');
  });

  test('releases for transit only at the office of departure', async (t) => {
    const sb = await sandbox(t);
    const { mrn } = await guaranteed(sb);
    const atCinkasse = await officerToken('TGCKS001');
    const notDeparture = await postAs(sb, atCinkasse, `/v1/movements/${mrn}/release-for-transit`, { ...releaseBody, office: 'TGCKS001' });
    assert.equal(notDeparture.status, 409, notDeparture.text);
    assert.equal(notDeparture.json.code, 'OFFICE_NOT_DEPARTURE');
    assert.equal((await movement(sb, mrn)).state, 'GUARANTEED');

    const released = await postAs(sb, await officerToken('TGLFW001', 'agent.adjovi'), `/v1/movements/${mrn}/release-for-transit`, releaseBody);
    assert.equal(released.status, 200, released.text);
    const event = (await journal(sb)).events.at(-1)!;
    assert.deepEqual([event.type, event.source, event.officer, event.office], ['RELEASED', 'officer', 'agent.adjovi', 'TGLFW001']);
  });

  test("receives no hand-keyed AAR: it comes from the departure country's system", async (t) => {
    const sb = await sandbox(t, { country: 'BF' });
    const aar = { departureCountry: 'TG', lrn: 'LRN-1', declarantTin: DECLARANT_TIN, declaration: lodgeable(), seals: ['TG-S-0001'], timeLimit };
    const answer = await postAs(sb, await officerToken('BFCKN001'), `/v1/movements/${newMrn('TG')}/aar`, aar);
    assert.equal(answer.status, 403, answer.text);
    assert.equal(answer.json.code, 'USER_NOT_PERMITTED');
  });
});

describe("Corridor's calls after a direct lodging", () => {
  test('registerDeclaration and reserveGuarantee answer the existing record and reservation; the guarantee is reserved once', async (t) => {
    const sb = await sandbox(t);
    const decl = lodgeable([8_000_000]);
    const lodged = await lodge(sb, decl);
    assert.equal(lodged.status, 201, lodged.text);
    const { mrn, reference, reservation } = lodged.json;
    const reservedBefore = await balance(sb, G);

    // What Corridor's workflow sends once the journal told it of the lodging (or its own API took it too).
    const declaration = normalised(decl);
    const registered = await post(sb, '/v1/movements', { mrn, lrn: declaration.lrn, declarantTin: declaration.declarant.tin, declaration });
    assert.equal(registered.status, 200, registered.text);
    assert.equal(registered.json.reference, reference);
    assert.equal(registered.json.state, 'GUARANTEED');

    const reserved = await post(sb, `/v1/guarantees/${G}/reservations`, { mrn, accessCode: bigGuarantee.TG.accessCode });
    assert.equal(reserved.status, 200, reserved.text);
    assert.deepEqual(reserved.json.reservation, reservation);
    assert.equal(reserved.json.movement.state, 'GUARANTEED');

    const reservedAfter = await balance(sb, G);
    assert.equal(reservedAfter.reservedXof, reservedBefore.reservedXof, 'reserved once');
    assert.equal(reservedAfter.reservationCounts.reserved, 1);
    assert.equal((await journal(sb)).events.length, 1, 'nothing more to publish');

    // With a wrong access code the existing reservation is not given away.
    const wrongCode = await post(sb, `/v1/guarantees/${G}/reservations`, { mrn, accessCode: '0000' });
    assert.equal(wrongCode.json.code, 'GUARANTEE_UNKNOWN');
    // Other content for the same MRN is still a conflict.
    const changed = await post(sb, '/v1/movements', {
      mrn,
      lrn: declaration.lrn,
      declarantTin: declaration.declarant.tin,
      declaration: { ...declaration, containers: ['MSCU1234566', 'TGHU1234563'] },
    });
    assert.equal(changed.json.code, 'MOVEMENT_EXISTS');
  });
});
