import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import { planRoute } from '../../src/domain/route-plan.ts';
import type { ReferenceData } from '../../src/domain/types.ts';

const reference = loadReferenceData();

function plan(codes: string[], data: ReferenceData = reference) {
  const result = planRoute(codes, data);
  if (!result.ok) assert.fail(`expected a plan, got ${JSON.stringify(result.errors)}`);
  return result.plan;
}

function errors(codes: string[], data: ReferenceData = reference) {
  const result = planRoute(codes, data);
  assert.equal(result.ok, false, 'expected route errors');
  return result.ok ? [] : result.errors;
}

describe('planRoute on the known routes', () => {
  test('Lomé Port → Ouagadougou: road, crossing at the PCJ, road, with the time limits of the reference data', () => {
    const p = plan(['TGLFW001', 'TGCKS001', 'BFCKN001', 'BFOUA001']);
    assert.equal(p.routeId, 'lome-ouaga');
    assert.equal(p.referenceVersion, 'v1');
    assert.deepEqual(p.legs, [
      { from: 'TGLFW001', to: 'TGCKS001', kind: 'road', timeLimitHours: 72 },
      { from: 'TGCKS001', to: 'BFCKN001', kind: 'crossing', borderPost: 'PCJ-CINKASSE' },
      { from: 'BFCKN001', to: 'BFOUA001', kind: 'road', timeLimitHours: 48 },
    ]);
    assert.deepEqual(
      p.offices.map((o) => o.code),
      ['TGLFW001', 'TGCKS001', 'BFCKN001', 'BFOUA001'],
    );
    assert.equal(p.departureCountry, 'TG');
    assert.deepEqual(p.countries, ['TG', 'BF']);
    assert.equal(p.departureOffice.code, 'TGLFW001');
    assert.equal(p.destinationOffice.code, 'BFOUA001');
    assert.equal(p.destinationOffice.name, 'Ouagadougou');
    assert.equal(p.endsWith, 'DES');
  });

  test('routes toward Mali and Niger end at an office of exit', () => {
    assert.equal(plan(['TGLFW001', 'TGCKS001', 'BFCKN001', 'BFFAR001']).endsWith, 'EXT');
    const kantchari = plan(['TGLFW001', 'TGCKS001', 'BFCKN001', 'BFKAN001']);
    assert.equal(kantchari.routeId, 'lome-kantchari');
    assert.equal(kantchari.endsWith, 'EXT');
    assert.equal(kantchari.legs[2]!.timeLimitHours, 72);
  });

  test('the reverse routes depart from Burkina with the same time limits', () => {
    const p = plan(['BFOUA001', 'BFCKN001', 'TGCKS001', 'TGLFW001']);
    assert.equal(p.routeId, 'ouaga-lome');
    assert.equal(p.departureCountry, 'BF');
    assert.deepEqual(p.countries, ['BF', 'TG']);
    assert.deepEqual(
      p.legs.map((l) => l.timeLimitHours ?? l.borderPost),
      [48, 'PCJ-CINKASSE', 72],
    );
    assert.equal(plan(['BFBOB001', 'BFCKN001', 'TGCKS001', 'TGLFW001']).routeId, 'bobo-lome');
  });

  test('every route of the reference data plans to itself', () => {
    for (const route of reference.routes) assert.equal(plan(route.offices).routeId, route.id);
  });

  test('the plan is plain JSON and shares nothing with the reference data', () => {
    const p = plan(['TGLFW001', 'TGCKS001', 'BFCKN001', 'BFBOB001']);
    assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
    p.offices[0]!.roles.push('TRA');
    assert.deepEqual(reference.offices.TGLFW001!.roles, ['DEP', 'DES']);
  });
});

describe('planRoute errors', () => {
  test('the first office must be an office of departure', () => {
    const [error] = errors(['TGCKS001', 'BFCKN001', 'BFOUA001']);
    assert.equal(error!.path, 'route[0]');
    assert.match(error!.message, /TGCKS001 .* is not an office of departure/);
  });

  test('the last office must be an office of destination or exit', () => {
    const withTransitOnly: ReferenceData = {
      ...reference,
      offices: { ...reference.offices, BFCKN001: { ...reference.offices.BFCKN001!, roles: ['TRA'] } },
    };
    const found = errors(['TGLFW001', 'TGCKS001', 'BFCKN001'], withTransitOnly);
    assert.deepEqual(
      found.map((e) => e.path),
      ['route[2]'],
    );
    assert.match(found[0]!.message, /neither an office of destination nor an office of exit/);
  });

  test('an unknown office is named', () => {
    const found = errors(['TGLFW001', 'TGCKS001', 'BFCKN001', 'BFXXX001']);
    assert.deepEqual(found, [{ path: 'route[3]', message: 'BFXXX001 is not a known customs office (reference data v1)' }]);
  });

  test('a change of country without a border post is refused, saying where the route goes instead', () => {
    const found = errors(['TGLFW001', 'BFOUA001']);
    assert.deepEqual(
      found.map((e) => e.path),
      ['route[1]'],
    );
    assert.match(
      found[0]!.message,
      /does not follow TGLFW001 .* on any known route: the country changes from TG to BF without passing a border post; after TGLFW001 comes TGCKS001/,
    );
  });

  test('offices out of order: every office that does not follow its predecessor is named', () => {
    // BFCKN001 → TGCKS001 is a real leg (the crossing toward Togo), so route[2] is not at fault.
    const found = errors(['TGLFW001', 'BFCKN001', 'TGCKS001', 'BFOUA001']);
    assert.deepEqual(
      found.map((e) => e.path),
      ['route[1]', 'route[3]'],
    );
  });

  test('consecutive legs that do not make up a known route are refused with the known routes', () => {
    const found = errors(['TGLFW001', 'TGCKS001']);
    assert.deepEqual(
      found.map((e) => e.path),
      ['route'],
    );
    assert.match(found[0]!.message, /TGLFW001 → TGCKS001 is not a known route; known routes from TGLFW001: lome-ouaga/);
  });

  test('fewer than two offices is refused', () => {
    assert.deepEqual(
      errors(['TGLFW001']).map((e) => e.path),
      ['route'],
    );
    assert.deepEqual(
      errors([]).map((e) => e.path),
      ['route'],
    );
  });

  test('every problem is reported at once', () => {
    const found = errors(['BFFAR001', 'NOPE0001', 'TGLFW001']);
    assert.deepEqual(
      found.map((e) => e.path),
      ['route[1]', 'route[0]'],
    );
  });

  test('names of Object.prototype are not offices', () => {
    assert.deepEqual(
      errors(['TGLFW001', 'constructor']).map((e) => e.path),
      ['route[1]'],
    );
  });
});
