// Content hash of a declaration, to tell a retried submission (same LRN, same content: the same
// movement) from a conflicting one (same LRN, different content: refused). Uses node:crypto, so
// it is for the API and activities, not workflow code.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import type { Declaration, GoodsItem } from './types.ts';

// Bumped if the canonical form ever changes, so old and new hashes can never be mistaken for equal.
const DOMAIN = 'corridor/declaration/v1\n';

/**
 * Hex SHA-256 of the canonical JSON of a validated declaration. Hash what validateDeclaration
 * returns, not the raw request: normalisation (trimmed text, upper-cased codes, defaults) is what
 * makes `" tglfw001"` and `"TGLFW001"` the same content. Key order never matters; the order of
 * route offices, containers and goods items does.
 */
export function declarationContentHash(declaration: Declaration): string {
  return createHash('sha256')
    .update(DOMAIN + canonicalJson({ ...declaration, goodsItems: declaration.goodsItems.map(withoutCifDefaults) }), 'utf8')
    .digest('hex');
}

/**
 * CIF is the default valueBasis: hashed without it, a declaration accepted before valueBasis
 * existed keeps its hash, so its retry after an upgrade is still the same movement and not a
 * conflict on its own LRN. FOB and EXW items keep every field: their invoice, freight and
 * insurance are content.
 */
function withoutCifDefaults(item: GoodsItem): object {
  if (item.valueBasis !== 'CIF') return item;
  const { valueBasis: _default, ...rest } = item;
  return rest;
}
