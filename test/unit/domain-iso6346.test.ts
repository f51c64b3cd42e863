import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { containerNumberProblem, isValidContainerNumber, iso6346CharacterValue, iso6346CheckDigit } from '../../src/domain/iso6346.ts';

describe('ISO 6346 character values', () => {
  test('digits are worth themselves, letters start at 10 and skip multiples of 11', () => {
    assert.equal(iso6346CharacterValue('0'), 0);
    assert.equal(iso6346CharacterValue('9'), 9);
    assert.equal(iso6346CharacterValue('A'), 10);
    assert.equal(iso6346CharacterValue('B'), 12);
    assert.equal(iso6346CharacterValue('K'), 21);
    assert.equal(iso6346CharacterValue('L'), 23);
    assert.equal(iso6346CharacterValue('U'), 32);
    assert.equal(iso6346CharacterValue('V'), 34);
    assert.equal(iso6346CharacterValue('Z'), 38);
  });

  test('anything else is refused', () => {
    assert.throws(() => iso6346CharacterValue('a'), RangeError);
    assert.throws(() => iso6346CharacterValue(' '), RangeError);
    assert.throws(() => iso6346CharacterValue('AB'), RangeError);
  });
});

describe('ISO 6346 container check digits against published numbers', () => {
  // CSQU3054383: the example of ISO 6346 (Wikipedia); TCNU7200794, TOLU4734787, GYOU4047990:
  // python-stdnum's test set; ZEPU0037255: calc-ilu-check-digit's README.
  const published = ['CSQU3054383', 'TCNU7200794', 'TOLU4734787', 'GYOU4047990', 'ZEPU0037255'];

  for (const number of published) {
    test(`${number} has check digit ${number[10]}`, () => {
      assert.equal(String(iso6346CheckDigit(number.slice(0, 10))), number[10]);
      assert.equal(isValidContainerNumber(number), true);
      assert.equal(containerNumberProblem(number), undefined);
    });
  }

  test('a remainder of 10 gives check digit 0 (GYOU404799)', () => {
    assert.equal(iso6346CheckDigit('GYOU404799'), 0);
  });
});

describe('container number validation', () => {
  test('a wrong check digit is refused with the expected digit', () => {
    assert.equal(isValidContainerNumber('CSQU3054384'), false);
    assert.match(containerNumberProblem('CSQU3054384')!, /check digit should be 3, not 4/);
  });

  test('a swapped pair of digits is caught', () => {
    assert.equal(isValidContainerNumber('CSQU3045383'), false);
  });

  test('the equipment category must be U', () => {
    const withJ = `CSQJ305438${iso6346CheckDigit('CSQJ305438')}`;
    assert.match(containerNumberProblem(withJ)!, /equipment category and must be U/);
  });

  test('the shape must be 4 letters and 7 digits', () => {
    for (const bad of ['CSQU305438', 'CSQU30543833', 'CSQ03054383', 'csqu3054383', 'CSQU 305438 3', '']) {
      assert.match(containerNumberProblem(bad)!, /not a container number/, bad);
    }
  });
});
