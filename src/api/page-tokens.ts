// Page tokens handed to clients are Temporal's, signed and bound to the query they page:
// a forged or altered token is refused with 400 before it reaches Temporal (which would
// retry it as an internal error), and a token cannot be replayed against other filters.
// The archive's pages (src/archive/listing.ts) sign their cursor the same way.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { visibilityQuery, type ListFilters, type TransitClient, type TransitSummary } from '../client/transits.ts';
import { badRequest } from './errors.ts';

export class PageTokens {
  constructor(private readonly secret: string) {}

  private mac(raw: string, scope: string): Buffer {
    return createHmac('sha256', this.secret).update(`page-token\n${scope}\n${raw}`).digest();
  }

  sign(raw: string | undefined, scope: string): string | undefined {
    if (!raw) return undefined;
    return `${raw}.${this.mac(raw, scope).toString('base64url')}`;
  }

  /** The token inside a signed one (Temporal's, or the archive's cursor), or a 400 naming the parameter. */
  open(token: string | undefined, scope: string): string | undefined {
    if (token === undefined) return undefined;
    const [raw, mac, extra] = token.split('.');
    const expected = raw ? this.mac(raw, scope) : undefined;
    const given = mac ? Buffer.from(mac, 'base64url') : undefined;
    if (extra !== undefined || !expected || !given || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw badRequest('pageToken is not valid', [{ path: 'pageToken', message: 'use the nextPageToken of the previous page, with the same filters' }]);
    }
    return raw;
  }

  /** One page of a list: the client's token opened on the way in, the next one signed on the way out, both bound to the filters. */
  async list(
    transits: TransitClient,
    filters: ListFilters,
    pageSize: number,
    token: string | undefined,
  ): Promise<{ items: TransitSummary[]; nextPageToken?: string }> {
    const scope = visibilityQuery(filters);
    const page = await transits.list(filters, pageSize, this.open(token, scope));
    const next = this.sign(page.nextPageToken, scope);
    return { items: page.items, ...(next ? { nextPageToken: next } : {}) };
  }
}
