// The list of movements with the API's filters (status, office, declarant, vehicle, overdue),
// paging with the API's page token, and a search by MRN or vehicle registration.
import { useState } from 'preact/hooks';
import { get, problemText } from '../api.ts';
import { Level, OfficeName, Status } from '../components/Bits.tsx';
import { useConsole } from '../context.ts';
import { dateTime } from '../format.ts';
import { usePoll } from '../hooks.ts';
import { statusWords, systemName } from '../i18n.ts';
import { href, navigate, type Location } from '../route.ts';
import type { TransitSummary } from '../types.ts';

const MRN = /^[0-9]{2}[A-Z]{2}[A-Z0-9]{13}[0-9]$/;
const FILTERS = ['status', 'office', 'currentOffice', 'declarant', 'vehicle', 'overdue'] as const;
const PAGE_SIZE = '25';
const REFRESH_MS = 10_000;

export function Transits(props: { location: Location }) {
  const { t, lang, me, officeNames, colon } = useConsole();
  const query = props.location.query;
  const filters = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) ?? undefined])) as Record<(typeof FILTERS)[number], string | undefined>;
  const pageToken = query.get('page') ?? undefined;
  const [previous, setPrevious] = useState<(string | undefined)[]>([]);
  const [search, setSearch] = useState('');
  const [draft, setDraft] = useState(filters);

  const apiQuery = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) apiQuery.set(name, value);
  apiQuery.set('pageSize', PAGE_SIZE);
  if (pageToken) apiQuery.set('pageToken', pageToken);
  const { data, error } = usePoll(() => get<{ items: TransitSummary[]; nextPageToken?: string }>(`/transits?${apiQuery}`), REFRESH_MS, [apiQuery.toString()]);

  const apply = (next: Record<string, string | undefined>) => {
    setPrevious([]);
    navigate('transits', next);
  };

  const onSearch = (e: Event) => {
    e.preventDefault();
    const term = search.trim().toUpperCase();
    if (!term) return;
    if (MRN.test(term)) navigate(`transits/${term}`);
    else apply({ vehicle: term });
  };

  return (
    <section class="transits">
      <header class="page-head">
        <h2>{t('navTransits')}</h2>
        {/* biome-ignore lint/a11y/useSemanticElements: a form is needed for Enter to submit; the role names it as the search landmark */}
        <form class="search" onSubmit={onSearch} role="search">
          <input
            name="search"
            type="search"
            placeholder={t('searchPlaceholder')}
            aria-label={t('searchPlaceholder')}
            value={search}
            onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
          />
          <button type="submit">{t('search')}</button>
        </form>
      </header>

      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <label class="field">
          <span>{t('status')}</span>
          <select name="status" value={draft.status ?? ''} onChange={(e) => setDraft({ ...draft, status: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="">{t('all')}</option>
            {Object.entries(statusWords).map(([code, words]) => (
              <option value={code} key={code}>
                {words[lang]}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{t('office')}</span>
          <select name="office" value={draft.office ?? ''} onChange={(e) => setDraft({ ...draft, office: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="">{t('all')}</option>
            {Object.entries(officeNames).map(([code, name]) => (
              <option value={code} key={code}>
                {name} ({code})
              </option>
            ))}
          </select>
        </label>
        {me.role !== 'declarant' && (
          <label class="field">
            <span>{t('declarant')}</span>
            <input
              name="declarant"
              value={draft.declarant ?? ''}
              onInput={(e) => setDraft({ ...draft, declarant: (e.target as HTMLInputElement).value.trim() || undefined })}
            />
          </label>
        )}
        <label class="field">
          <span>{t('vehicle')}</span>
          <input
            name="vehicle"
            value={draft.vehicle ?? ''}
            onInput={(e) => setDraft({ ...draft, vehicle: (e.target as HTMLInputElement).value.trim().toUpperCase() || undefined })}
          />
        </label>
        <label class="field field-check">
          <input
            type="checkbox"
            name="overdue"
            checked={draft.overdue === 'true'}
            onChange={(e) => setDraft({ ...draft, overdue: (e.target as HTMLInputElement).checked ? 'true' : undefined })}
          />
          <span>{t('overdueOnly')}</span>
        </label>
        <button type="submit" class="primary">
          {t('apply')}
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft({ status: undefined, office: undefined, currentOffice: undefined, declarant: undefined, vehicle: undefined, overdue: undefined });
            apply({});
          }}
        >
          {t('reset')}
        </button>
      </form>
      {filters.currentOffice && (
        <p class="muted">
          {t('currentOffice')}
          {colon}
          <OfficeName code={filters.currentOffice} />
        </p>
      )}

      {!data ? (
        <p class="muted">{error ? `${t('errorLoading')}${colon}${problemText(error, lang)}` : t('loading')}</p>
      ) : data.items.length === 0 ? (
        <p class="muted" data-testid="no-transits">
          {t('noTransits')}
        </p>
      ) : (
        <table class="transit-list">
          <thead>
            <tr>
              <th>{t('mrn')}</th>
              <th>{t('vehicle')}</th>
              <th>{t('status')}</th>
              <th>{t('currentOffice')}</th>
              <th>{t('route')}</th>
              <th>{t('escalation')}</th>
              <th>{t('lodgedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((item) => (
              <tr key={item.mrn} data-mrn={item.mrn}>
                <td>
                  <a href={href(`transits/${item.mrn}`)}>{item.mrn}</a>
                </td>
                <td>{item.vehicle}</td>
                <td>
                  <Status status={item.status} />
                  {item.waitingForSystems && (
                    <span class="small count-overdue" data-testid="waiting-for-systems">
                      {' '}
                      · {t('waitingForSystem')} ({item.waitingForSystems.map((c) => systemName(c, lang)).join(', ')})
                    </span>
                  )}
                </td>
                <td>
                  <OfficeName code={item.currentOffice} />
                </td>
                <td class="small">
                  <OfficeName code={item.departureOffice} /> → <OfficeName code={item.destinationOffice} />
                </td>
                <td>{item.escalationLevel > 0 ? <Level level={item.escalationLevel} /> : item.overdue ? t('overdue') : ''}</td>
                <td class="small">{dateTime(item.lodgedAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager">
        {previous.length > 0 && (
          <button
            type="button"
            onClick={() => {
              const back = previous.slice(0, -1);
              setPrevious(back);
              navigate('transits', { ...filters, page: previous.at(-1) });
            }}
          >
            {t('previousPage')}
          </button>
        )}
        {data?.nextPageToken && (
          <button
            type="button"
            onClick={() => {
              setPrevious([...previous, pageToken]);
              navigate('transits', { ...filters, page: data.nextPageToken });
            }}
          >
            {t('nextPage')}
          </button>
        )}
      </nav>
    </section>
  );
}
