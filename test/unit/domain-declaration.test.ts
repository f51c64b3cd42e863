import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { declarationSchema, DECLARATION_LIMITS, formatPath, validateDeclaration } from '../../src/domain/declaration.ts';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import type { Declaration, FieldError } from '../../src/domain/types.ts';

const reference = loadReferenceData();
const base = JSON.parse(readFileSync(new URL('../../examples/declarations/lome-ouaga.json', import.meta.url), 'utf8'));
const sealedBase = JSON.parse(readFileSync(new URL('../../examples/declarations/lome-bobo.json', import.meta.url), 'utf8'));

/** A copy of the valid lome-ouaga declaration, changed by `edit`. */
function variant(edit: (d: any) => void, from: unknown = base): any {
  const copy = structuredClone(from);
  edit(copy);
  return copy;
}

function accepted(input: unknown): Declaration {
  const result = validateDeclaration(input, reference);
  if (!result.ok) assert.fail(`expected the declaration to be accepted, got ${JSON.stringify(result.errors, null, 2)}`);
  return result.declaration;
}

function refused(input: unknown): FieldError[] {
  const result = validateDeclaration(input, reference);
  assert.equal(result.ok, false, 'expected the declaration to be refused');
  return result.ok ? [] : result.errors;
}

/** Refused with exactly one error, at `path`, whose message matches. */
function refusedAt(input: unknown, path: string, message?: RegExp): void {
  const errors = refused(input);
  assert.deepEqual(
    errors.map((e) => e.path),
    [path],
    JSON.stringify(errors),
  );
  if (message) assert.match(errors[0]!.message, message);
}

describe('a valid declaration', () => {
  test('is accepted with its planned route', () => {
    const result = validateDeclaration(base, reference);
    assert.ok(result.ok);
    assert.equal(result.plan.routeId, 'lome-ouaga');
    assert.equal(result.declaration.lrn, 'GTC-26-LFW-004187');
  });

  test('is normalised: codes upper-cased, text trimmed, plate spacing collapsed, defaults filled', () => {
    const d = accepted(
      variant((d) => {
        d.declarant.tin = ' 1000164587 ';
        d.declarant.name = '  Golfe Transit et Consignation SARL ';
        d.declarant.address.country = 'tg';
        d.transport.registration = ' 11   ll 2345 ';
        d.route = ['tglfw001', 'TGCKS001', 'bfckn001', 'BFOUA001'];
        d.containers = ['mscu 712403 6', 'MSCU-712418-6'];
        d.goodsItems[0].packageKind = 'bg';
        d.guarantee.grn = '26tg0000000000001';
      }),
    );
    assert.equal(d.declarant.tin, '1000164587');
    assert.equal(d.declarant.name, 'Golfe Transit et Consignation SARL');
    assert.equal(d.declarant.address.country, 'TG');
    assert.equal(d.transport.registration, '11 LL 2345');
    assert.deepEqual(d.route, ['TGLFW001', 'TGCKS001', 'BFCKN001', 'BFOUA001']);
    assert.deepEqual(d.containers, ['MSCU7124036', 'MSCU7124186']);
    assert.equal(d.goodsItems[0]!.packageKind, 'BG');
    assert.equal(d.guarantee.grn, '26TG0000000000001');
    assert.equal(d.sealedVehicle, false);
    assert.equal(d.currency, 'XOF');
  });
});

describe('lrn', () => {
  test('letters, digits, dots, dashes and underscores up to 22 characters', () => {
    accepted(variant((d) => (d.lrn = 'A.b-C_1234567890123456')));
  });
  test('refused with a space, a slash or over 22 characters, or missing', () => {
    refusedAt(
      variant((d) => (d.lrn = 'GTC 26')),
      'lrn',
      /1 to 22 letters, digits/,
    );
    refusedAt(
      variant((d) => (d.lrn = 'GTC/26')),
      'lrn',
    );
    refusedAt(
      variant((d) => (d.lrn = 'A'.repeat(23))),
      'lrn',
    );
    refusedAt(
      variant((d) => delete d.lrn),
      'lrn',
      /^required: the LRN/,
    );
  });
});

describe('declarant, principal and carrier', () => {
  test('TINs in the forms of Togo, Burkina and their neighbours are accepted', () => {
    accepted(
      variant((d) => {
        d.declarant.tin = '1000164587';
        d.principal.tin = '00012345X';
        d.carrier.tin = '12345/R';
      }),
    );
  });
  test('a TIN too short, with other characters or a leading slash is refused', () => {
    refusedAt(
      variant((d) => (d.declarant.tin = 'X1')),
      'declarant.tin',
      /taxpayer identification number/,
    );
    refusedAt(
      variant((d) => (d.principal.tin = '1000|164587')),
      'principal.tin',
    );
    refusedAt(
      variant((d) => (d.carrier.tin = '/12345R')),
      'carrier.tin',
    );
  });
  test('a name is required, at most 70 characters, on one line', () => {
    refusedAt(
      variant((d) => (d.declarant.name = '   ')),
      'declarant.name',
      /must not be empty/,
    );
    refusedAt(
      variant((d) => (d.declarant.name = 'N'.repeat(71))),
      'declarant.name',
      /at most 70 characters/,
    );
    refusedAt(
      variant((d) => (d.declarant.name = 'Golfe\nTransit')),
      'declarant.name',
      /control characters/,
    );
    accepted(variant((d) => (d.declarant.name = 'N'.repeat(70))));
  });
  test('several problems of one field come as one error', () => {
    refusedAt(
      variant((d) => (d.declarant.name = `${'N'.repeat(35)}\t${'N'.repeat(35)}`)),
      'declarant.name',
      /at most 70 characters; must not contain control characters/,
    );
  });
  test('street and city are required', () => {
    refusedAt(
      variant((d) => delete d.principal.address.street),
      'principal.address.street',
      /^required/,
    );
    refusedAt(
      variant((d) => (d.principal.address.city = 'C'.repeat(36))),
      'principal.address.city',
      /at most 35/,
    );
  });
  test('the address country is checked against ISO 3166-1', () => {
    accepted(variant((d) => (d.carrier.address.country = 'ML')));
    refusedAt(
      variant((d) => (d.carrier.address.country = 'XX')),
      'carrier.address.country',
      /XX is not an ISO 3166-1 alpha-2 country code/,
    );
    refusedAt(
      variant((d) => (d.carrier.address.country = 'HV')),
      'carrier.address.country',
    );
    refusedAt(
      variant((d) => (d.carrier.address.country = 'BFA')),
      'carrier.address.country',
      /such as TG, BF/,
    );
  });
  test('the carrier is optional, but null is refused with a hint', () => {
    const d = accepted(variant((d) => delete d.carrier));
    assert.equal(d.carrier, undefined);
    refusedAt(
      variant((d) => (d.carrier = null)),
      'carrier',
      /got null \(leave the field out when there is none\)/,
    );
  });
  test('declarant and principal are required', () => {
    refusedAt(
      variant((d) => delete d.principal),
      'principal',
      /^required: the principal/,
    );
  });
});

describe('transport', () => {
  test('plates of Togo, Burkina, Mali and Niger are accepted, trailer optional', () => {
    for (const registration of ['TG 4417 BH', '11 LL 2345', 'AK-2514-MD', '8G 4521 RN']) accepted(variant((d) => (d.transport.registration = registration)));
    accepted(variant((d) => delete d.transport.trailer));
  });
  test('a plate with other characters is refused', () => {
    refusedAt(
      variant((d) => (d.transport.registration = 'TG_4417!')),
      'transport.registration',
      /registration plate/,
    );
    refusedAt(
      variant((d) => (d.transport.trailer.registration = '')),
      'transport.trailer.registration',
    );
  });
  test('the nationality is an ISO 3166-1 code', () => {
    accepted(variant((d) => (d.transport.nationality = 'NE')));
    refusedAt(
      variant((d) => (d.transport.nationality = 'RN')),
      'transport.nationality',
      /not an ISO 3166-1/,
    );
  });
});

describe('route', () => {
  test('each known route is accepted', () => {
    for (const route of reference.routes) {
      const input = variant((d) => (d.route = route.offices));
      const result = validateDeclaration(input, reference);
      assert.ok(result.ok, route.id);
      assert.equal(result.plan.routeId, route.id);
    }
  });
  test('an office reference number in the wrong form', () => {
    refusedAt(
      variant((d) => (d.route[3] = 'BFOUA01')),
      'route[3]',
      /office reference number: country code then 6 letters or digits/,
    );
  });
  test('an unknown office', () => {
    refusedAt(
      variant((d) => (d.route[3] = 'BFOUA009')),
      'route[3]',
      /BFOUA009 is not a known customs office/,
    );
  });
  test('the first office must have role DEP', () => {
    refusedAt(
      variant((d) => (d.route = ['TGCKS001', 'BFCKN001', 'BFOUA001'])),
      'route[0]',
      /not an office of departure/,
    );
  });
  test('consecutive offices must form a known route; a change of country must pass a border post', () => {
    refusedAt(
      variant((d) => (d.route = ['TGLFW001', 'TGCKS001', 'BFOUA001'])),
      'route[2]',
      /BFOUA001 .* does not follow TGCKS001 .* country changes from TG to BF without passing a border post; after TGCKS001 comes BFCKN001 or TGLFW001/,
    );
    refusedAt(
      variant((d) => (d.route = ['TGLFW001', 'TGCKS001', 'BFCKN001'])),
      'route',
      /is not a known route; known routes from TGLFW001/,
    );
  });
  test('between 2 and 10 offices', () => {
    refusedAt(
      variant((d) => (d.route = ['TGLFW001'])),
      'route',
      /at least the office of departure/,
    );
    refusedAt(
      variant((d) => (d.route = Array(11).fill('TGLFW001'))),
      'route',
      /at most 10 offices/,
    );
  });
  test('a malformed office is reported once, by its form', () => {
    const errors = refused(variant((d) => (d.route = ['TGLFW001', 'TGCKS01', 'BFCKN001', 'BFOUA001'])));
    assert.deepEqual(
      errors.map((e) => e.path),
      ['route[1]'],
    );
  });
});

describe('containers or sealed vehicle', () => {
  test('containers alone, or a sealed vehicle alone, are accepted', () => {
    accepted(base);
    const sealed = accepted(sealedBase);
    assert.deepEqual(sealed.containers, []);
    assert.equal(sealed.sealedVehicle, true);
    accepted(variant((d) => (d.containers = []), sealedBase));
    accepted(variant((d) => (d.sealedVehicle = false)));
  });
  test('both is refused, saying to choose', () => {
    refusedAt(
      variant((d) => (d.sealedVehicle = true)),
      'sealedVehicle',
      /either in containers or in a sealed vehicle, not both/,
    );
  });
  test('neither is refused, saying what to declare', () => {
    refusedAt(
      variant((d) => delete d.containers),
      'containers',
      /list the containers .* or set sealedVehicle to true/,
    );
    refusedAt(
      variant((d) => (d.containers = [])),
      'containers',
      /list the containers/,
    );
    refusedAt(
      variant((d) => (d.sealedVehicle = false), sealedBase),
      'containers',
      /list the containers/,
    );
  });
  test('container numbers must carry a right ISO 6346 check digit', () => {
    refusedAt(
      variant((d) => (d.containers[1] = 'MSCU7124187')),
      'containers[1]',
      /check digit should be 6, not 7/,
    );
    refusedAt(
      variant((d) => (d.containers[0] = 'MSCU712403')),
      'containers[0]',
      /4 letters then 7 digits/,
    );
  });
  test('a container listed twice is refused', () => {
    refusedAt(
      variant((d) => (d.containers = ['MSCU7124036', 'mscu 712403 6'])),
      'containers[1]',
      /already listed at containers\[0\]/,
    );
  });
  test('at most 10 containers', () => {
    refusedAt(
      variant((d) => (d.containers = Array.from({ length: 11 }, (_, i) => `MSCU71240${String(i).padStart(2, '0')}`))),
      'containers',
      /at most 10 containers/,
    );
  });
  test('sealedVehicle must be true or false', () => {
    refusedAt(
      variant((d) => (d.sealedVehicle = 'yes'), sealedBase),
      'sealedVehicle',
      /expected true or false, got text/,
    );
  });
});

describe('goods items', () => {
  test('at least one, at most 999', () => {
    refusedAt(
      variant((d) => (d.goodsItems = [])),
      'goodsItems',
      /at least one goods item/,
    );
    refusedAt(
      variant((d) => (d.goodsItems = Array(DECLARATION_LIMITS.goodsItems + 1).fill(d.goodsItems[0]))),
      'goodsItems',
      /at most 999 goods items/,
    );
    accepted(variant((d) => (d.goodsItems = Array(DECLARATION_LIMITS.goodsItems).fill(d.goodsItems[0]))));
  });
  test('hsCode: 6 digits, as text, of an existing chapter', () => {
    accepted(variant((d) => (d.goodsItems[0].hsCode = '010121')));
    refusedAt(
      variant((d) => (d.goodsItems[0].hsCode = '1006')),
      'goodsItems[0].hsCode',
      /6-digit Harmonized System code/,
    );
    refusedAt(
      variant((d) => (d.goodsItems[0].hsCode = 100630)),
      'goodsItems[0].hsCode',
      /as text of 6 digits/,
    );
    refusedAt(
      variant((d) => (d.goodsItems[1].hsCode = '770000')),
      'goodsItems[1].hsCode',
      /chapter 77 does not exist/,
    );
    refusedAt(
      variant((d) => (d.goodsItems[1].hsCode = '990000')),
      'goodsItems[1].hsCode',
      /chapter 99 does not exist/,
    );
  });
  test('description: required, at most 512 characters', () => {
    refusedAt(
      variant((d) => (d.goodsItems[0].description = '')),
      'goodsItems[0].description',
      /must not be empty/,
    );
    refusedAt(
      variant((d) => (d.goodsItems[0].description = 'x'.repeat(513))),
      'goodsItems[0].description',
      /at most 512/,
    );
  });
  test('packageKind: a code of the reference data', () => {
    accepted(variant((d) => (d.goodsItems[0].packageKind = 'PX')));
    refusedAt(
      variant((d) => (d.goodsItems[0].packageKind = 'ZZ')),
      'goodsItems[0].packageKind',
      /ZZ is not a known package kind; use one of .*BG/,
    );
    refusedAt(
      variant((d) => (d.goodsItems[0].packageKind = 'BAG')),
      'goodsItems[0].packageKind',
      /UN\/ECE Recommendation 21/,
    );
  });
  test('packageCount: a whole number from 1', () => {
    refusedAt(
      variant((d) => (d.goodsItems[0].packageCount = 0)),
      'goodsItems[0].packageCount',
      /at least 1/,
    );
    refusedAt(
      variant((d) => (d.goodsItems[0].packageCount = 2.5)),
      'goodsItems[0].packageCount',
      /whole number of packages/,
    );
    refusedAt(
      variant((d) => (d.goodsItems[0].packageCount = '360')),
      'goodsItems[0].packageCount',
      /got text/,
    );
  });
  test('masses: above 0, plausible, net not above gross', () => {
    accepted(variant((d) => (d.goodsItems[0].netMassKg = d.goodsItems[0].grossMassKg)));
    accepted(
      variant((d) => {
        d.goodsItems[0].grossMassKg = 0.5;
        d.goodsItems[0].netMassKg = 0.45;
      }),
    );
    refusedAt(
      variant((d) => (d.goodsItems[0].grossMassKg = 0)),
      'goodsItems[0].grossMassKg',
      /above 0/,
    );
    refusedAt(
      variant((d) => (d.goodsItems[0].netMassKg = -3)),
      'goodsItems[0].netMassKg',
      /above 0/,
    );
    refusedAt(
      variant((d) => {
        d.goodsItems[0].grossMassKg = 1e9;
        d.goodsItems[0].netMassKg = 1;
      }),
      'goodsItems[0].grossMassKg',
      /not plausible/,
    );
    refusedAt(
      variant((d) => (d.goodsItems[1].netMassKg = 8051)),
      'goodsItems[1].netMassKg',
      /net mass \(8051 kg\) is above the gross mass \(8050 kg\)/,
    );
  });
  test('valueXof: whole francs above 0, plausible', () => {
    refusedAt(
      variant((d) => (d.goodsItems[0].valueXof = 0)),
      'goodsItems[0].valueXof',
      /above 0 XOF/,
    );
    refusedAt(
      variant((d) => (d.goodsItems[0].valueXof = 100.5)),
      'goodsItems[0].valueXof',
      /whole number of XOF/,
    );
    refusedAt(
      variant((d) => (d.goodsItems[0].valueXof = 1e13)),
      'goodsItems[0].valueXof',
      /not plausible/,
    );
    accepted(variant((d) => (d.goodsItems[0].valueXof = DECLARATION_LIMITS.valueXof)));
  });
});

describe('guarantee', () => {
  test('GRN: year, ISO country, 13 letters or digits; access code: 4 characters', () => {
    accepted(variant((d) => (d.guarantee = { grn: '26BF0000000000001', accessCode: 'a1B2' })));
    refusedAt(
      variant((d) => (d.guarantee.grn = '26TG000000000001')),
      'guarantee.grn',
      /2-digit year, country code, 13 letters or digits/,
    );
    refusedAt(
      variant((d) => (d.guarantee.grn = '26XX0000000000001')),
      'guarantee.grn',
      /XX .* is not an ISO 3166-1 country code/,
    );
    refusedAt(
      variant((d) => (d.guarantee.accessCode = '123')),
      'guarantee.accessCode',
      /4-letter-or-digit access code/,
    );
    refusedAt(
      variant((d) => delete d.guarantee.accessCode),
      'guarantee.accessCode',
      /^required/,
    );
  });
  test('the access code is not echoed in the error', () => {
    const [error] = refused(variant((d) => (d.guarantee.accessCode = 'SECRET')));
    assert.doesNotMatch(error!.message, /SECRET/);
  });
});

describe('currency', () => {
  test('XOF is accepted and is the default', () => {
    assert.equal(accepted(variant((d) => (d.currency = 'XOF'))).currency, 'XOF');
  });
  test('another currency is refused, pointing at XOF', () => {
    refusedAt(
      variant((d) => (d.currency = 'EUR')),
      'currency',
      /declared in XOF \(ISO 4217/,
    );
  });
});

describe('unknown fields', () => {
  test('are refused, with a suggestion when close to a real field', () => {
    refusedAt(
      variant((d) => (d.goodsItems[0].netMass = 3)),
      'goodsItems[0].netMass',
      /unknown field "netMass"; did you mean netMassKg\?/,
    );
    refusedAt(
      variant((d) => (d.Route = d.route)),
      'Route',
      /did you mean route\?/,
    );
    refusedAt(
      variant((d) => (d.transport.trailer.plate = 'x')),
      'transport.trailer.plate',
      /unknown field "plate"/,
    );
    refusedAt(
      variant((d) => (d.consignee = {})),
      'consignee',
      /accepted here: lrn, declarant, principal/,
    );
  });
});

describe('every error at once', () => {
  test('schema, cross-field and reference errors are reported together, in document order', () => {
    const errors = refused(
      variant((d) => {
        d.lrn = 'has space';
        d.principal = 5;
        d.route = ['TGLFW001', 'BFOUA001'];
        d.sealedVehicle = true;
        d.goodsItems[0].packageCount = 1.5;
        d.goodsItems[0].netMassKg = 99999;
        d.goodsItems[1].hsCode = '770000';
        d.guarantee.grn = 'nope';
        d.extra = true;
      }),
    );
    assert.deepEqual(
      errors.map((e) => e.path),
      [
        'lrn',
        'principal',
        'route[1]',
        'sealedVehicle',
        'goodsItems[0].packageCount',
        'goodsItems[0].netMassKg',
        'goodsItems[1].hsCode',
        'guarantee.grn',
        'extra',
      ],
    );
  });
  test('input that is not an object is refused at the root', () => {
    assert.deepEqual(refused(null), [{ path: '', message: 'expected the declaration as a JSON object, got null' }]);
    assert.deepEqual(
      refused([]).map((e) => e.path),
      [''],
    );
  });
  test('an empty object names every required field', () => {
    assert.deepEqual(
      refused({}).map((e) => e.path),
      ['lrn', 'declarant', 'principal', 'transport', 'route', 'containers', 'goodsItems', 'guarantee'],
    );
  });
});

describe('schema export', () => {
  test('the structural schema converts to JSON Schema for OpenAPI', () => {
    const json = z.toJSONSchema(declarationSchema, { io: 'input' }) as { properties: Record<string, unknown>; required: string[] };
    assert.deepEqual(json.required.sort(), ['declarant', 'goodsItems', 'guarantee', 'lrn', 'principal', 'route', 'transport']);
    assert.ok(json.properties.containers);
  });
  test('formatPath writes paths as people read them', () => {
    assert.equal(formatPath(['goodsItems', 0, 'netMassKg']), 'goodsItems[0].netMassKg');
    assert.equal(formatPath(['route', 2]), 'route[2]');
    assert.equal(formatPath([]), '');
  });
});
