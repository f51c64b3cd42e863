// The amount at risk of a declaration in one country, item by item, from that country's tariff:
// what the country would recover on its share of the guarantee if the goods vanished on its
// territory. Pure and workflow-safe (types only): the workflow and each country's activities
// compute the same figure from the same declaration and tariff.
//
// Rounding rule: XOF has no minor unit, so every tax of every item is rounded UP to the whole
// franc on its own (DD, RS, PCS, PC, then TVA on the sum of the already rounded amounts); the
// item total and the country total are sums of whole francs and are never rounded again. Up,
// because a guarantee that covers a franc less than the duties leaves the state that franc short.
// Arithmetic is in BigInt on integer basis points: no floating-point step anywhere.
import type { CountryCode, CountryTariff, GoodsItem } from './types.ts';

/** What the computation reads of a goods item: its HS code and its customs value (valueXof of a validated declaration). */
export type ValuedGoodsItem = Pick<GoodsItem, 'hsCode' | 'valueXof'>;

export interface ItemAmountAtRisk {
  /** Position of the item in the declaration's goodsItems, from 0. */
  item: number;
  hsCode: string;
  /** Where the duty rate came from: the heading exception (`1006`) or the chapter (`10`). */
  dutyRateFrom: { heading: string } | { chapter: string };
  /** The base: the customs value (CIF at the border). */
  customsValueXof: number;
  /** Rates in basis points (1 % = 100), as applied. */
  rates: { DD: number; RS: number; PCS: number; PC: number; TVA: number };
  /** Droit de douane. */
  ddXof: number;
  /** Redevance statistique. */
  rsXof: number;
  /** Prélèvement communautaire de solidarité (UEMOA). */
  pcsXof: number;
  /** Prélèvement communautaire (CEDEAO). */
  pcXof: number;
  /** Customs value + DD + RS + PCS + PC. */
  vatBaseXof: number;
  tvaXof: number;
  /** DD + RS + PCS + PC + TVA. */
  totalXof: number;
}

export interface AmountAtRisk {
  country: CountryCode;
  /** Reference data version of the tariff applied, so a figure can be recomputed later. */
  tariffVersion: string;
  tariffStatus: CountryTariff['status'];
  items: ItemAmountAtRisk[];
  /** Sum of the items' customs values. */
  customsValueXof: number;
  /** Sum of the items' totals: the share of the guarantee this country reserves. */
  totalXof: number;
}

/** The duty rate of an HS code: its heading's exception if the tariff has one, else its chapter's rate. */
export function dutyRateOf(tariff: CountryTariff, hsCode: string): { rate: number; from: ItemAmountAtRisk['dutyRateFrom'] } {
  const heading = hsCode.slice(0, 4);
  if (Object.hasOwn(tariff.dutyByHeading, heading)) return { rate: tariff.dutyByHeading[heading]!, from: { heading } };
  const chapter = hsCode.slice(0, 2);
  if (Object.hasOwn(tariff.dutyByChapter, chapter)) return { rate: tariff.dutyByChapter[chapter]!, from: { chapter } };
  // The reference data loader refuses a tariff missing a chapter and the declaration schema an
  // unknown chapter, so this is a caller passing an unchecked declaration or tariff.
  throw new Error(`the ${tariff.country} tariff ${tariff.version} has no duty rate for HS code ${hsCode}`);
}

/** base × rate (basis points), rounded up to the whole franc. */
function tax(base: bigint, basisPoints: number): bigint {
  return (base * BigInt(basisPoints) + 9_999n) / 10_000n;
}

function francs(amount: bigint, what: string): number {
  if (amount > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${what} of ${amount} XOF is beyond exact arithmetic`);
  return Number(amount);
}

/** The amount at risk of one goods item under one tariff. */
export function itemAmountAtRisk(tariff: CountryTariff, item: ValuedGoodsItem, index: number): ItemAmountAtRisk {
  // Validation put the customs value here whichever way it was declared (CIF, valueXof, FOB, EXW).
  const value = item.valueXof;
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`goodsItems[${index}]: customs value ${value} is not a whole number of francs`);
  const duty = dutyRateOf(tariff, item.hsCode);
  const base = BigInt(value);
  const dd = tax(base, duty.rate);
  const rs = tax(base, tariff.levies.RS);
  const pcs = tax(base, tariff.levies.PCS);
  const pc = tax(base, tariff.levies.PC);
  const vatBase = base + dd + rs + pcs + pc;
  const tva = tax(vatBase, tariff.vat);
  const total = dd + rs + pcs + pc + tva;
  const at = `goodsItems[${index}]`;
  return {
    item: index,
    hsCode: item.hsCode,
    dutyRateFrom: duty.from,
    customsValueXof: value,
    rates: { DD: duty.rate, RS: tariff.levies.RS, PCS: tariff.levies.PCS, PC: tariff.levies.PC, TVA: tariff.vat },
    ddXof: francs(dd, `${at} DD`),
    rsXof: francs(rs, `${at} RS`),
    pcsXof: francs(pcs, `${at} PCS`),
    pcXof: francs(pc, `${at} PC`),
    vatBaseXof: francs(vatBase, `${at} VAT base`),
    tvaXof: francs(tva, `${at} TVA`),
    totalXof: francs(total, `${at} total`),
  };
}

/** The amount at risk of a declaration's goods items in the country of `tariff`, item by item and in total. */
export function amountAtRisk(tariff: CountryTariff, goodsItems: readonly ValuedGoodsItem[]): AmountAtRisk {
  const items = goodsItems.map((item, i) => itemAmountAtRisk(tariff, item, i));
  const sum = (pick: (item: ItemAmountAtRisk) => number) =>
    francs(
      items.reduce((total, item) => total + BigInt(pick(item)), 0n),
      'the declaration total',
    );
  return {
    country: tariff.country,
    tariffVersion: tariff.version,
    tariffStatus: tariff.status,
    items,
    customsValueXof: sum((item) => item.customsValueXof),
    totalXof: sum((item) => item.totalXof),
  };
}
