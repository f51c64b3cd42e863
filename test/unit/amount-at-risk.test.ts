import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { amountAtRisk, dutyRateOf, itemAmountAtRisk } from '../../src/domain/amount-at-risk.ts';
import { validateDeclaration } from '../../src/domain/declaration.ts';
import { loadReferenceData } from '../../src/domain/reference-data.ts';
import type { CountryTariff, Declaration, FieldError } from '../../src/domain/types.ts';

const reference = loadReferenceData();
const raw = JSON.parse(readFileSync(new URL('../../examples/declarations/lome-ouaga.json', import.meta.url), 'utf8'));
const [rice, palmOil] = raw.goodsItems;

function validated(input: unknown): Declaration {
  const result = validateDeclaration(input, reference);
  if (!result.ok) assert.fail(JSON.stringify(result.errors));
  return result.declaration;
}

function errorsOf(input: unknown): FieldError[] {
  const result = validateDeclaration(input, reference);
  assert.ok(!result.ok, 'expected the declaration to be refused');
  return result.errors;
}

const withItems = (...goodsItems: unknown[]) => ({ ...structuredClone(raw), goodsItems });

/** Three items in three CET bands, one declared FOB: the figures below are worked out by hand. */
const threeBands = withItems(
  // Rice, heading 1006: DD 10 % (its chapter 10 is at 5 %). A value that leaves fractions of a franc.
  { ...rice, valueXof: undefined, customsValueXof: 7_213_457, valueBasis: 'CIF' },
  // Refined palm olein, chapter 15: DD 20 %.
  { ...palmOil, valueXof: undefined, customsValueXof: 9_800_000 },
  // Tomato concentrate, chapter 20: DD 35 %, bought FOB.
  {
    hsCode: '200290',
    description: 'Concentré de tomate double, boîtes de 70 g en cartons de 50',
    packageKind: 'CT',
    packageCount: 1000,
    grossMassKg: 3900,
    netMassKg: 3500,
    valueBasis: 'FOB',
    invoiceValueXof: 4_500_000,
    freightXof: 380_000,
    insuranceXof: 20_000,
  },
);

describe('amount at risk, by hand', () => {
  test('three items in the 10 %, 20 % and 35 % bands, each tax rounded up to the franc per item', () => {
    const declaration = validated(threeBands);
    const result = amountAtRisk(reference.tariffs.TG, declaration.goodsItems);

    // Rates of the TG tariff v1: RS 1 %, PCS 0.8 %, PC 0.5 %, TVA 18 % on value + DD + RS + PCS + PC.
    //
    // Item 1, rice 100630, customs value 7 213 457, DD 10 % (heading 1006):
    //   DD  = 7 213 457 × 10 %  =   721 345.7    →   721 346
    //   RS  = 7 213 457 × 1 %   =    72 134.57   →    72 135
    //   PCS = 7 213 457 × 0.8 % =    57 707.656  →    57 708
    //   PC  = 7 213 457 × 0.5 % =    36 067.285  →    36 068
    //   VAT base = 7 213 457 + 721 346 + 72 135 + 57 708 + 36 068 = 8 100 714
    //   TVA = 8 100 714 × 18 %  = 1 458 128.52   → 1 458 129
    //   item total = 721 346 + 72 135 + 57 708 + 36 068 + 1 458 129 = 2 345 386
    assert.deepEqual(result.items[0], {
      item: 0,
      hsCode: '100630',
      dutyRateFrom: { heading: '1006' },
      customsValueXof: 7_213_457,
      rates: { DD: 1000, RS: 100, PCS: 80, PC: 50, TVA: 1800 },
      ddXof: 721_346,
      rsXof: 72_135,
      pcsXof: 57_708,
      pcXof: 36_068,
      vatBaseXof: 8_100_714,
      tvaXof: 1_458_129,
      totalXof: 2_345_386,
    });

    // Item 2, palm olein 151190, customs value 9 800 000, DD 20 % (chapter 15): nothing to round.
    //   DD 1 960 000; RS 98 000; PCS 78 400; PC 49 000
    //   VAT base = 9 800 000 + 1 960 000 + 98 000 + 78 400 + 49 000 = 11 985 400
    //   TVA = 11 985 400 × 18 % = 2 157 372
    //   item total = 1 960 000 + 98 000 + 78 400 + 49 000 + 2 157 372 = 4 342 772
    assert.deepEqual(result.items[1], {
      item: 1,
      hsCode: '151190',
      dutyRateFrom: { chapter: '15' },
      customsValueXof: 9_800_000,
      rates: { DD: 2000, RS: 100, PCS: 80, PC: 50, TVA: 1800 },
      ddXof: 1_960_000,
      rsXof: 98_000,
      pcsXof: 78_400,
      pcXof: 49_000,
      vatBaseXof: 11_985_400,
      tvaXof: 2_157_372,
      totalXof: 4_342_772,
    });

    // Item 3, tomato concentrate 200290, FOB 4 500 000 + freight 380 000 + insurance 20 000
    // = customs value 4 900 000, DD 35 % (chapter 20):
    //   DD 1 715 000; RS 49 000; PCS 39 200; PC 24 500
    //   VAT base = 4 900 000 + 1 715 000 + 49 000 + 39 200 + 24 500 = 6 727 700
    //   TVA = 6 727 700 × 18 % = 1 210 986
    //   item total = 1 715 000 + 49 000 + 39 200 + 24 500 + 1 210 986 = 3 038 686
    assert.deepEqual(result.items[2], {
      item: 2,
      hsCode: '200290',
      dutyRateFrom: { chapter: '20' },
      customsValueXof: 4_900_000,
      rates: { DD: 3500, RS: 100, PCS: 80, PC: 50, TVA: 1800 },
      ddXof: 1_715_000,
      rsXof: 49_000,
      pcsXof: 39_200,
      pcXof: 24_500,
      vatBaseXof: 6_727_700,
      tvaXof: 1_210_986,
      totalXof: 3_038_686,
    });

    // Country total = 2 345 386 + 4 342 772 + 3 038 686 = 9 726 844 (sum of whole francs, not rounded again).
    assert.equal(result.totalXof, 9_726_844);
    // Customs values: 7 213 457 + 9 800 000 + 4 900 000 = 21 913 457.
    assert.equal(result.customsValueXof, 21_913_457);
    assert.equal(result.country, 'TG');
    assert.equal(result.tariffVersion, 'v1');
    assert.equal(result.tariffStatus, 'illustrative');
  });

  test('Burkina computes its own share from its own tariff (the same illustrative rates today)', () => {
    const result = amountAtRisk(reference.tariffs.BF, validated(threeBands).goodsItems);
    assert.equal(result.country, 'BF');
    assert.equal(result.totalXof, 9_726_844);
  });

  test('a rate change in one country moves only that country’s figure', () => {
    const tg = reference.tariffs.TG;
    const higherVat: CountryTariff = { ...tg, vat: 1900 };
    const items = [{ hsCode: '151190', valueXof: 9_800_000 }];
    // TVA 19 %: 11 985 400 × 19 % = 2 277 226; total = 1 960 000 + 98 000 + 78 400 + 49 000 + 2 277 226 = 4 462 626.
    assert.equal(amountAtRisk(higherVat, items).totalXof, 4_462_626);
    assert.equal(amountAtRisk(tg, items).totalXof, 4_342_772);
  });

  test('one franc of value: every tax rounds up to 1 franc', () => {
    // DD 0.1 → 1, RS 0.01 → 1, PCS 0.008 → 1, PC 0.005 → 1; VAT base 1 + 4 = 5; TVA 0.9 → 1. Total 5.
    assert.equal(itemAmountAtRisk(reference.tariffs.TG, { hsCode: '100630', valueXof: 1 }, 0).totalXof, 5);
  });

  test('the duty rate comes from the heading exception, else the chapter', () => {
    const tg = reference.tariffs.TG;
    assert.deepEqual(dutyRateOf(tg, '252329'), { rate: 2000, from: { heading: '2523' } }); // cement 20 %
    assert.deepEqual(dutyRateOf(tg, '252010'), { rate: 500, from: { chapter: '25' } }); // gypsum, chapter 25 at 5 %
    assert.deepEqual(dutyRateOf(tg, '870323'), { rate: 2000, from: { heading: '8703' } }); // cars 20 %
    assert.deepEqual(dutyRateOf(tg, '870421'), { rate: 1000, from: { chapter: '87' } }); // lorries, chapter 87 at 10 %
    assert.deepEqual(dutyRateOf(tg, '490199'), { rate: 0, from: { heading: '4901' } }); // books 0 %
    assert.throws(() => dutyRateOf(tg, '770000'), /no duty rate for HS code 770000/);
  });

  test('large values stay exact (no floating point): the per-item limit of 10^12 francs', () => {
    // 10^12 × 35 % = 350 000 000 000; RS 10 000 000 000; PCS 8 000 000 000; PC 5 000 000 000;
    // VAT base 1 373 000 000 000 × 18 % = 247 140 000 000; total 620 140 000 000.
    assert.equal(itemAmountAtRisk(reference.tariffs.TG, { hsCode: '200290', valueXof: 1_000_000_000_000 }, 0).totalXof, 620_140_000_000);
  });
});

describe('customs value of a goods item', () => {
  test('old clients: only valueXof gives the same declaration and amount as customsValueXof = valueXof', () => {
    const old = withItems(rice, palmOil);
    const renamed = withItems(
      { ...rice, valueXof: undefined, customsValueXof: rice.valueXof },
      { ...palmOil, valueXof: undefined, customsValueXof: palmOil.valueXof, valueBasis: 'CIF' },
    );
    delete renamed.goodsItems[0].valueXof;
    delete renamed.goodsItems[1].valueXof;
    const a = validated(old);
    const b = validated(renamed);
    assert.deepEqual(a, b);
    assert.equal(a.goodsItems[0]!.valueXof, 7_200_000);
    assert.equal(a.goodsItems[0]!.valueBasis, 'CIF');
    assert.deepEqual(amountAtRisk(reference.tariffs.TG, a.goodsItems), amountAtRisk(reference.tariffs.TG, b.goodsItems));
    // Rice 7 200 000 at DD 10 %: 720 000 + 72 000 + 57 600 + 36 000 + TVA 18 % of 8 085 600 (1 455 408) = 2 341 008;
    // palm olein as above 4 342 772; total 6 683 780.
    assert.equal(amountAtRisk(reference.tariffs.TG, a.goodsItems).totalXof, 6_683_780);
  });

  test('valueXof and customsValueXof both given: accepted when equal, refused when they differ', () => {
    validated(withItems({ ...rice, customsValueXof: rice.valueXof }));
    assert.deepEqual(errorsOf(withItems({ ...rice, customsValueXof: 7_200_001 })), [
      {
        path: 'goodsItems[0].valueXof',
        message: 'valueXof (7200000) differs from customsValueXof (7200001); valueXof is the former name of customsValueXof: send one of them',
      },
    ]);
  });

  test('FOB: the customs value is invoice + freight + insurance, carried in valueXof', () => {
    const fob = { ...rice, valueXof: undefined, valueBasis: 'FOB', invoiceValueXof: 6_700_000, freightXof: 480_000, insuranceXof: 20_000 };
    const item = validated(withItems(fob)).goodsItems[0]!;
    assert.deepEqual(
      {
        valueXof: item.valueXof,
        valueBasis: item.valueBasis,
        ...(item.valueBasis !== 'CIF' && { invoice: item.invoiceValueXof, freight: item.freightXof, insurance: item.insuranceXof }),
      },
      { valueXof: 7_200_000, valueBasis: 'FOB', invoice: 6_700_000, freight: 480_000, insurance: 20_000 },
    );
    // The same customs value as the CIF rice: the same amount at risk.
    assert.equal(amountAtRisk(reference.tariffs.TG, [item]).totalXof, 2_341_008);
    // Stating the sum is allowed; a different one is refused.
    validated(withItems({ ...fob, customsValueXof: 7_200_000 }));
    assert.deepEqual(errorsOf(withItems({ ...fob, customsValueXof: 7_000_000 })), [
      {
        path: 'goodsItems[0].customsValueXof',
        message:
          'customsValueXof (7000000) is not invoiceValueXof + freightXof + insuranceXof (6700000 + 480000 + 20000 = 7200000); leave it out and Corridor computes it',
      },
    ]);
  });

  test('FOB or EXW without freight or insurance is refused, naming each missing field', () => {
    const errors = errorsOf(withItems({ ...rice, valueXof: undefined, valueBasis: 'EXW', invoiceValueXof: 6_700_000 }));
    assert.deepEqual(errors, [
      {
        path: 'goodsItems[0].freightXof',
        message: 'required with valueBasis EXW: the customs value is invoiceValueXof + freightXof + insuranceXof',
      },
      {
        path: 'goodsItems[0].insuranceXof',
        message: 'required with valueBasis EXW: the customs value is invoiceValueXof + freightXof + insuranceXof',
      },
    ]);
  });

  test('an unknown valueBasis is refused with the accepted ones', () => {
    assert.deepEqual(errorsOf(withItems({ ...rice, valueBasis: 'DDP' })), [
      { path: 'goodsItems[0].valueBasis', message: 'expected the basis of the value: CIF, FOB, EXW' },
    ]);
  });

  test('freight or insurance on a CIF value is refused: the CIF value already includes them', () => {
    assert.deepEqual(errorsOf(withItems({ ...rice, freightXof: 400_000 })), [
      {
        path: 'goodsItems[0].freightXof',
        message: 'a CIF value already includes freight and insurance: leave freightXof out, or declare valueBasis FOB or EXW',
      },
    ]);
  });

  test('no value at all is refused', () => {
    assert.deepEqual(errorsOf(withItems({ ...rice, valueXof: undefined })), [
      {
        path: 'goodsItems[0].customsValueXof',
        message: 'required: the customs value in XOF (CIF at the border), or valueBasis FOB or EXW with invoiceValueXof, freightXof and insuranceXof',
      },
    ]);
  });

  test('freight and insurance are whole francs, not negative', () => {
    const errors = errorsOf(withItems({ ...rice, valueXof: undefined, valueBasis: 'FOB', invoiceValueXof: 6_700_000, freightXof: -1, insuranceXof: 0.5 }));
    assert.deepEqual(
      errors.map((e) => e.path),
      ['goodsItems[0].freightXof', 'goodsItems[0].insuranceXof'],
    );
  });
});
