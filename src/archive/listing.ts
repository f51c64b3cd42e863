// The lists after Temporal's retention: visibility's pages first (every movement Temporal still
// holds, running or closed), then the archive's rows of movements that have left Temporal, in the
// same page shape, with one signed page token that says which of the two comes next.
import type { ListFilters, TransitClient, TransitSummary } from '../client/transits.ts';
import { visibilityQuery } from '../client/transits.ts';
import type { PageTokens } from '../api/page-tokens.ts';
import { terminalStatuses, type TransitStatus } from '../../workflows/model.ts';
import type { ArchiveCursor, ArchiveStore } from './store.ts';

// Marks an archive page's token; never in a Temporal token (base64url).
const ARCHIVE = '~';

export interface ArchivedListDeps {
  pageTokens: PageTokens;
  transits: TransitClient;
  archive: ArchiveStore;
}

export async function listWithArchive(
  { pageTokens, transits, archive }: ArchivedListDeps,
  filters: ListFilters,
  pageSize: number,
  token: string | undefined,
): Promise<{ items: TransitSummary[]; nextPageToken?: string }> {
  const scope = visibilityQuery(filters);
  const opened = pageTokens.open(token, scope);
  if (opened?.startsWith(ARCHIVE)) return archivePage(archive, pageTokens, scope, filters, pageSize, cursorOf(opened));
  const page = await pageTokens.list(transits, filters, pageSize, token);
  if (page.nextPageToken || !mayBeArchived(filters)) return page;
  // Visibility's last page: the archive's first rows fill the rest of it.
  const rest = await archivePage(archive, pageTokens, scope, filters, pageSize - page.items.length, undefined);
  return { items: [...page.items, ...rest.items], ...(rest.nextPageToken ? { nextPageToken: rest.nextPageToken } : {}) };
}

/** Running movements and non-terminal statuses are never in the archive: no query for them. */
function mayBeArchived(filters: ListFilters): boolean {
  return !filters.running && (filters.status === undefined || terminalStatuses.includes(filters.status as TransitStatus));
}

async function archivePage(archive: ArchiveStore, pageTokens: PageTokens, scope: string, filters: ListFilters, size: number, after: ArchiveCursor | undefined) {
  // One more than the page, to know whether another page follows.
  const rows = await archive.list(filters, size + 1, after);
  const items = rows.slice(0, size);
  const last = items.at(-1);
  const next = rows.length > size ? pageTokens.sign(tokenOf(last ? { closedAt: last.closedAt, mrn: last.mrn } : after), scope) : undefined;
  return { items, ...(next ? { nextPageToken: next } : {}) };
}

function tokenOf(cursor: ArchiveCursor | undefined): string {
  return `${ARCHIVE}${cursor ? Buffer.from(JSON.stringify([cursor.closedAt, cursor.mrn])).toString('base64url') : ''}`;
}

function cursorOf(raw: string): ArchiveCursor | undefined {
  const body = raw.slice(ARCHIVE.length);
  if (!body) return undefined;
  // Signed by this API: its content is what tokenOf wrote.
  const [closedAt, mrn] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as [string, string];
  return { closedAt, mrn };
}
