import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import { planDiversion, planRoute, roadNetwork } from '../../src/domain/route-plan.ts';
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

describe('planDiversion: the road from where the truck is to a new office of destination or exit', () => {
  const network = roadNetwork(reference);

  test('after entering Burkina at Cinkansé, Ouagadougou gives way to Bobo-Dioulasso: one road leg, 72 h, the lome-bobo route', () => {
    const result = planDiversion(['TGLFW001', 'TGCKS001', 'BFCKN001'], 'BFBOB001', network);
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.routeId, 'lome-bobo');
    assert.deepEqual(result.legs, [{ from: 'BFCKN001', to: 'BFBOB001', kind: 'road', timeLimitHours: 72 }]);
    assert.deepEqual(
      result.offices.map((o) => o.code),
      ['TGLFW001', 'TGCKS001', 'BFCKN001', 'BFBOB001'],
    );
    assert.equal(result.endsWith, 'DES');
  });

  test('still in Togo, toward Niger: road, crossing, road, ending at an office of exit', () => {
    const result = planDiversion(['TGLFW001'], 'BFKAN001', network);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(
      result.legs.map((leg) => `${leg.from}>${leg.to}:${leg.kind}`),
      ['TGLFW001>TGCKS001:road', 'TGCKS001>BFCKN001:crossing', 'BFCKN001>BFKAN001:road'],
    );
    assert.equal(result.endsWith, 'EXT');
  });

  test('no route back over the border post already crossed, nor through an office where no officer would act', () => {
    const back = planDiversion(['TGLFW001', 'TGCKS001', 'BFCKN001'], 'TGLFW001', network);
    assert.equal(back.ok, false);
    assert.match(back.ok ? '' : back.fr, /aucun itinéraire ne relie le bureau BFCKN001 au bureau TGLFW001/);
    assert.match(back.ok ? '' : back.en, /no route joins office BFCKN001 to office TGLFW001/);
    // Ouagadougou → Cinkansé → Bobo-Dioulasso would pass Cinkansé by road twice without a crossing.
    assert.equal(planDiversion(['BFOUA001'], 'BFBOB001', network).ok, false);
  });

  test('an unknown office, or one that neither ends nor exits a transit, is refused with the reason', () => {
    const unknown = planDiversion(['TGLFW001'], 'BFZZZ001', network);
    assert.match(unknown.ok ? '' : unknown.fr, /n'est pas un bureau de douane connu/);
    // An office of transit only (a reference version where Cinkansé were not an office of exit).
    const transitOnly = { ...network, offices: network.offices.map((o) => (o.code === 'BFCKN001' ? { ...o, roles: ['TRA' as const] } : o)) };
    const notAnEnd = planDiversion(['TGLFW001'], 'BFCKN001', transitOnly);
    assert.match(notAnEnd.ok ? '' : notAnEnd.fr, /n'est ni un bureau de destination ni un bureau de sortie/);
  });
});
