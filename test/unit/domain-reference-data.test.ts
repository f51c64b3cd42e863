import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { loadReferenceData, percentToBasisPoints, referenceDataDir, ReferenceDataError } from '../../src/domain/reference-data.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'corridor-reference-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let copies = 0;
/** A copy of v1 in a folder named v1, with one file edited. */
function variant(file: string, edit: (json: any) => void): string {
  const dir = path.join(scratch, String(copies++), 'v1');
  cpSync(referenceDataDir('v1'), dir, { recursive: true });
  const json = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  edit(json);
  writeFileSync(path.join(dir, file), JSON.stringify(json));
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    loadReferenceData(dir);
  } catch (error) {
    assert.ok(error instanceof ReferenceDataError, String(error));
    assert.match(error.message, /reference data in .* is invalid/);
    return error.problems;
  }
  return assert.fail('expected the reference data to be refused');
}

describe('reference data v1', () => {
  const reference = loadReferenceData();

  test('loads the offices of the design with their countries, roles and border posts', () => {
    assert.equal(reference.version, 'v1');
    assert.deepEqual(Object.keys(reference.offices).sort(), ['BFBOB001', 'BFCKN001', 'BFFAR001', 'BFKAN001', 'BFOUA001', 'TGCKS001', 'TGLFW001']);
    assert.deepEqual(reference.offices.TGCKS001, {
      code: 'TGCKS001',
      name: 'Cinkassé (PCJ, côté Togo)',
      country: 'TG',
      roles: ['EXT', 'TRA'],
      borderPost: 'PCJ-CINKASSE',
    });
    assert.equal(reference.offices.BFCKN001!.borderPost, 'PCJ-CINKASSE');
  });

  test('has the six routes, each of four offices', () => {
    assert.deepEqual(reference.routes.map((r) => r.id).sort(), ['bobo-lome', 'lome-bobo', 'lome-faramana', 'lome-kantchari', 'lome-ouaga', 'ouaga-lome']);
    for (const route of reference.routes) assert.equal(route.offices.length, 4, route.id);
  });

  test('has the HS chapters 01–97 without the reserved chapter 77', () => {
    const chapters = Object.keys(reference.hsChapters);
    assert.equal(chapters.length, 96);
    assert.ok(!chapters.includes('77'));
    assert.equal(reference.hsChapters['10']!.title, 'Céréales');
  });

  test('has UN/ECE Rec 21 package kinds used on the corridor', () => {
    for (const code of ['BG', 'CT', 'PK', 'BL', 'SA', 'PX', 'VR', 'NE']) assert.ok(reference.packageKinds[code], code);
  });

  test('has an illustrative tariff per corridor country, every HS chapter priced in a CET band, rates in basis points', () => {
    for (const country of ['TG', 'BF'] as const) {
      const tariff = reference.tariffs[country];
      assert.equal(tariff.country, country);
      assert.equal(tariff.version, 'v1');
      assert.equal(tariff.status, 'illustrative');
      assert.deepEqual(Object.keys(tariff.dutyByChapter).sort(), Object.keys(reference.hsChapters).sort());
      for (const rate of [...Object.values(tariff.dutyByChapter), ...Object.values(tariff.dutyByHeading)]) {
        assert.ok([0, 500, 1000, 2000, 3500].includes(rate), String(rate));
      }
      // RS 1 %, PCS 0.8 %, PC 0.5 %, TVA 18 %.
      assert.deepEqual(tariff.levies, { RS: 100, PCS: 80, PC: 50 });
      assert.equal(tariff.vat, 1800);
      // Heading exceptions: rice 10 % in cereals at 5 %, cement 20 % in chapter 25 at 5 %, cars 20 % in chapter 87 at 10 %.
      assert.deepEqual([tariff.dutyByHeading['1006'], tariff.dutyByChapter['10']], [1000, 500]);
      assert.deepEqual([tariff.dutyByHeading['2523'], tariff.dutyByChapter['25']], [2000, 500]);
      assert.deepEqual([tariff.dutyByHeading['8703'], tariff.dutyByChapter['87']], [2000, 1000]);
    }
  });

  test('percent texts become basis points without a floating-point step', () => {
    assert.deepEqual(['0', '0.5', '0.8', '1', '18', '35', '12.25', '100'].map(percentToBasisPoints), [0, 50, 80, 100, 1800, 3500, 1225, 10000]);
  });
});

describe('tariff refused loudly, naming file and entry', () => {
  test('a duty rate that is not a band of the UEMOA common external tariff', () => {
    const dir = variant('tariff-TG.json', (j) => (j.chapters[9].dutyPercent = '15'));
    assert.deepEqual(problemsOf(dir), [
      'tariff-TG.json: chapters[9] (10).dutyPercent: expected a UEMOA common external tariff band in percent: "0", "5", "10", "20", "35"',
    ]);
  });

  test('a heading exception outside the bands, too', () => {
    const dir = variant('tariff-BF.json', (j) => (j.headings[0].dutyPercent = '12.5'));
    assert.deepEqual(problemsOf(dir), [
      'tariff-BF.json: headings[0] (1006).dutyPercent: expected a UEMOA common external tariff band in percent: "0", "5", "10", "20", "35"',
    ]);
  });

  test('a chapter without a duty rate: its goods would have no amount at risk', () => {
    const dir = variant('tariff-TG.json', (j) => (j.chapters = j.chapters.filter((c: { chapter: string }) => c.chapter !== '84')));
    assert.deepEqual(problemsOf(dir), ['tariff-TG.json: chapters: no duty rate for chapter(s) 84; every HS chapter needs one']);
  });

  test('a chapter that is not in the HS, or listed twice', () => {
    const dir = variant('tariff-TG.json', (j) => j.chapters.push({ chapter: '77', dutyPercent: '5' }, { chapter: '01', dutyPercent: '5' }));
    assert.deepEqual(problemsOf(dir), [
      'tariff-TG.json: chapters[96] (77): not a chapter of hs-chapters.json',
      'tariff-TG.json: chapters[97] (01): duplicate of an earlier entry',
    ]);
  });

  test('a rate written as a JSON number (binary fraction), or with too many decimals', () => {
    const dir = variant('tariff-BF.json', (j) => {
      j.levies.PCS = 0.8;
      j.vat.ratePercent = '18.005';
    });
    assert.deepEqual(problemsOf(dir), [
      'tariff-BF.json: levies.PCS: expected the rate in percent as text, e.g. "0.8" (exact decimal, not a JSON number)',
      'tariff-BF.json: vat.ratePercent: expected a rate in percent from "0" to "100" with at most two decimals, e.g. "0.8"',
    ]);
  });

  test('a heading exception that changes nothing, or in a chapter without a rate', () => {
    const dir = variant('tariff-TG.json', (j) => j.headings.push({ heading: '1001', dutyPercent: '5' }, { heading: '7701', dutyPercent: '5' }));
    assert.deepEqual(problemsOf(dir), [
      'tariff-TG.json: headings[4] (1001): same rate as chapter 10; an exception that changes nothing hides the real ones',
      'tariff-TG.json: headings[5] (7701): chapter 77 has no rate in chapters',
    ]);
  });

  test('a VAT base the computation does not apply', () => {
    const dir = variant('tariff-TG.json', (j) => (j.vat.base = ['customsValue', 'DD']));
    assert.deepEqual(problemsOf(dir), [
      'tariff-TG.json: vat.base: the computation applies VAT on ["customsValue","DD","RS","PCS","PC"]; state exactly that base',
    ]);
  });

  test("a file naming another country than its name, or missing a country's levy", () => {
    const dir = variant('tariff-BF.json', (j) => (j.country = 'TG'));
    assert.deepEqual(problemsOf(dir), ['tariff-BF.json: country is TG but the file is named for BF']);
    const noLevy = variant('tariff-TG.json', (j) => delete j.levies.PC);
    assert.equal(problemsOf(noLevy).length, 1);
    assert.match(problemsOf(noLevy)[0]!, /^tariff-TG\.json: levies\.PC: /);
  });

  test('a missing tariff file', () => {
    const dir = variant('tariff-BF.json', () => {});
    unlinkSync(path.join(dir, 'tariff-BF.json'));
    assert.equal(problemsOf(dir).length, 1);
    assert.match(problemsOf(dir)[0]!, /^tariff-BF\.json: cannot be read as JSON/);
  });
});

describe('reference data refused loudly, naming file and entry', () => {
  test('an unknown role', () => {
    const dir = variant('offices.json', (j) => (j.offices[1].roles = ['EXT', 'TRANSIT']));
    assert.deepEqual(problemsOf(dir), ['offices.json: offices[1] (TGCKS001).roles[1]: expected a role among DEP, DES, TRA, EXT']);
  });

  test('an office code that does not start with its country', () => {
    const dir = variant('offices.json', (j) => (j.offices[0].country = 'BF'));
    assert.ok(problemsOf(dir).some((p) => p.startsWith('offices.json: offices[0] (TGLFW001): the code must start with its country BF')));
  });

  test('an office listed twice', () => {
    const dir = variant('offices.json', (j) => j.offices.push({ ...j.offices[0] }));
    assert.ok(problemsOf(dir).includes('offices.json: offices[7] (TGLFW001): duplicate of an earlier entry'));
  });

  test('an unknown field', () => {
    const dir = variant('offices.json', (j) => (j.offices[3].role = ['DEP']));
    assert.deepEqual(problemsOf(dir), ['offices.json: offices[3] (BFOUA001): unknown field(s) role']);
  });

  test('a road leg that changes country', () => {
    const dir = variant('routes.json', (j) => (j.legs[1] = { from: 'TGCKS001', to: 'BFCKN001', kind: 'road', timeLimitHours: 2 }));
    assert.ok(problemsOf(dir).some((p) => /^routes\.json: legs\[1\] \(TGCKS001 → BFCKN001\): a road leg stays in one country/.test(p)));
  });

  test('a crossing from an office without the EXT role', () => {
    const dir = variant('offices.json', (j) => (j.offices[1].roles = ['TRA']));
    assert.ok(problemsOf(dir).includes('routes.json: legs[1] (TGCKS001 → BFCKN001): TGCKS001 must have role EXT to let goods leave TG'));
  });

  test('a road leg without a time limit', () => {
    const dir = variant('routes.json', (j) => delete j.legs[0].timeLimitHours);
    assert.ok(problemsOf(dir).some((p) => p.startsWith('routes.json: legs[0].timeLimitHours:')));
  });

  test('a route with a missing leg', () => {
    const dir = variant('routes.json', (j) => (j.routes[0].offices = ['TGLFW001', 'BFCKN001', 'BFOUA001']));
    assert.ok(problemsOf(dir).includes('routes.json: routes[0] (lome-ouaga): no leg TGLFW001 → BFCKN001 in legs'));
  });

  test('a route starting at an office that is not an office of departure', () => {
    const dir = variant('routes.json', (j) => (j.routes[0].offices = ['BFCKN001', 'BFOUA001']));
    assert.ok(problemsOf(dir).includes('routes.json: routes[0] (lome-ouaga): starts at BFCKN001, which has no DEP role'));
  });

  test('a bad HS chapter', () => {
    const dir = variant('hs-chapters.json', (j) => (j.chapters[9].chapter = '1O'));
    assert.deepEqual(problemsOf(dir), ['hs-chapters.json: chapters[9] (1O).chapter: expected a 2-digit chapter']);
  });

  test('a file whose version is not its folder', () => {
    const dir = variant('package-kinds.json', (j) => (j.version = 'v2'));
    assert.deepEqual(problemsOf(dir), ['package-kinds.json: version is "v2" but the file is in folder v1']);
  });

  test('a missing file or broken JSON', () => {
    const dir = variant('routes.json', () => {});
    unlinkSync(path.join(dir, 'routes.json'));
    writeFileSync(path.join(dir, 'hs-chapters.json'), '{"version": "v1",');
    const problems = problemsOf(dir);
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /^routes\.json: cannot be read as JSON/);
    assert.match(problems[1]!, /^hs-chapters\.json: cannot be read as JSON/);
  });

  test('every problem is listed, not just the first', () => {
    const dir = variant('routes.json', (j) => {
      j.legs[0].timeLimitHours = -1;
      j.routes[2].id = 'Lome Faramana';
    });
    assert.equal(problemsOf(dir).length, 2);
  });
});
