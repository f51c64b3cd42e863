import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allocateMrn, isValidMrn, movementSerial, mrnCheckCharacter, MRN_PATTERN } from '../../src/domain/mrn.ts';

describe('MRN check character', () => {
  // 21GB00014210026352: the MRN HMRC's transit acceptance tests enter; 06DE586600006143E1: the
  // German NCTS/AES example published by Riege. Both carry NCTS (ISO 6346) check characters.
  for (const mrn of ['21GB00014210026352', '06DE586600006143E1']) {
    test(`${mrn} has check character ${mrn[17]}`, () => {
      assert.equal(mrnCheckCharacter(mrn.slice(0, 17)), mrn[17]);
      assert.equal(isValidMrn(mrn), true);
    });
  }

  test('a wrong check character is refused', () => {
    assert.equal(isValidMrn('21GB00014210026353'), false);
    assert.equal(isValidMrn('06DE586600006143E2'), false);
  });

  test('a mistyped character elsewhere is refused', () => {
    assert.equal(isValidMrn('21GB00014210026252'), false);
  });

  test('wrong length, lower case or a country outside ISO 3166 is refused', () => {
    assert.equal(isValidMrn('21GB0001421002635'), false);
    assert.equal(isValidMrn('21GB000142100263520'), false);
    assert.equal(isValidMrn('21gb00014210026352'), false);
    const xx = '21XX000142100263';
    assert.equal(isValidMrn(`${xx}5${mrnCheckCharacter(`${xx}5`)}`), false);
  });

  test('mrnCheckCharacter refuses anything but 17 MRN characters', () => {
    assert.throws(() => mrnCheckCharacter('21GB0001421002635'.slice(0, 16)), RangeError);
    assert.throws(() => mrnCheckCharacter('21gb0001421002635'), RangeError);
  });
});

describe('MRN allocation', () => {
  const request = { tin: '1000164587', lrn: 'GTC-26-LFW-004187', year: 2026, departureCountry: 'TG' as const };

  test('is an 18-character NCTS MRN: year, country of departure, 13 characters, check character', () => {
    const mrn = allocateMrn(request);
    assert.match(mrn, MRN_PATTERN);
    assert.equal(mrn.length, 18);
    assert.equal(mrn.slice(0, 4), '26TG');
    assert.equal(mrn.slice(4, 17), movementSerial(request.tin, request.lrn));
    assert.equal(isValidMrn(mrn), true);
  });

  test('the derivation is pinned: changing it would split resubmissions into new movements', () => {
    assert.equal(allocateMrn(request), '26TG7VMWG8W2VX5PY1');
  });

  test('the same TIN + LRN always gives the same MRN', () => {
    const first = allocateMrn(request);
    for (let i = 0; i < 5; i++) assert.equal(allocateMrn({ ...request }), first);
  });

  test('another LRN or another declarant gives another MRN', () => {
    const mrn = allocateMrn(request);
    assert.notEqual(allocateMrn({ ...request, lrn: 'GTC-26-LFW-004188' }), mrn);
    assert.notEqual(allocateMrn({ ...request, tin: '1000164588' }), mrn);
  });

  test('year and departure country change only the prefix and the check character', () => {
    const a = allocateMrn(request);
    const b = allocateMrn({ ...request, year: 2027, departureCountry: 'BF' });
    assert.equal(b.slice(0, 4), '27BF');
    assert.equal(b.slice(4, 17), a.slice(4, 17));
    assert.equal(isValidMrn(b), true);
  });

  test('the LRN is case-sensitive, like the declarant’s own reference', () => {
    assert.notEqual(allocateMrn({ ...request, lrn: 'abc' }), allocateMrn({ ...request, lrn: 'ABC' }));
  });

  test('inputs that could make two submissions collide are refused', () => {
    assert.throws(() => allocateMrn({ ...request, tin: '1000164587|X' }), RangeError);
    assert.throws(() => allocateMrn({ ...request, tin: 'abc123' }), RangeError);
    assert.throws(() => allocateMrn({ ...request, lrn: 'a|b' }), RangeError);
    assert.throws(() => allocateMrn({ ...request, lrn: '' }), RangeError);
    assert.throws(() => allocateMrn({ ...request, year: 26 }), RangeError);
    assert.throws(() => allocateMrn({ ...request, year: 2026.5 }), RangeError);
    assert.throws(() => allocateMrn({ ...request, departureCountry: 'XX' as 'TG' }), RangeError);
  });

  test('100,000 distinct TIN + LRN pairs give 100,000 distinct valid MRNs', () => {
    const mrns = new Set<string>();
    const serials = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      // 1,000 declarants × 100 LRNs, with LRNs reused across declarants on purpose.
      const tin = String(1_000_000_000 + (i % 1000));
      const lrn = `LRN-${Math.floor(i / 1000)}`;
      const mrn = allocateMrn({ tin, lrn, year: 2026, departureCountry: i % 2 ? 'TG' : 'BF' });
      if (i % 997 === 0) assert.equal(isValidMrn(mrn), true, mrn);
      mrns.add(mrn);
      serials.add(mrn.slice(4, 17));
    }
    assert.equal(mrns.size, 100_000);
    // Distinct serials too, so no two of them could meet even under the same year and country.
    assert.equal(serials.size, 100_000);
  });
});
