// The corridor at a glance: a strip of its offices in route order (branches stacked), with the
// trucks expected, present and overdue at each; the trucks at the border post with their dwell
// timers; the open escalations by level. Polls every 3 seconds; the server answers from a list
// it refreshes once for every reader.
import { get, problemText } from '../api.ts';
import { DwellTimer, OfficeName } from '../components/Bits.tsx';
import { useConsole } from '../context.ts';
import { dateTime, duration, time } from '../format.ts';
import { usePoll } from '../hooks.ts';
import { countryName, levelKey } from '../i18n.ts';
import { href } from '../route.ts';
import type { Interconnection, OfficeCounts, Overview as Data } from '../types.ts';

const REFRESH_MS = 3_000;

export function Overview() {
  const { t, lang, colon } = useConsole();
  const { data, error } = usePoll(async () => ({ overview: await get<Data>('/overview'), receivedAt: Date.now() }), REFRESH_MS, []);
  if (!data) return <p class="muted">{error ? `${t('errorLoading')}${colon}${problemText(error, lang)}` : t('loading')}</p>;
  const { overview } = data;
  const skewMs = Date.parse(overview.now) - data.receivedAt;
  const columns = groupColumns(overview.offices);

  return (
    <section class="overview">
      <header class="page-head">
        <h2>{t('navOverview')}</h2>
        <p class="muted" data-testid="refreshed">
          {overview.inFlight} {t('inFlight')} · {t('refreshedAt')} {time(overview.refreshedAt, lang)}
        </p>
      </header>

      {/* biome-ignore lint/a11y/useSemanticElements: the strip is a flex row of columns styled as divs; the roles tell screen readers it is a list */}
      <div class="strip" role="list">
        {columns.map((offices, index) => (
          // biome-ignore lint/a11y/useSemanticElements: a column of the strip above, a list item to screen readers
          <div class="strip-column" key={index} role="listitem">
            {offices.map((office) => (
              <a
                class={`station${office.borderPost ? ' station-post' : ''} country-${office.country.toLowerCase()}`}
                href={href('transits', { currentOffice: office.code })}
                key={office.code}
                data-office={office.code}
              >
                <span class="station-name">{office.name}</span>
                <span class="code">
                  {office.code} · {countryName(office.country, lang)}
                </span>
                <span class="counts">
                  <span class="count" data-count="expected">
                    {t('expected')} <b>{office.expected}</b>
                  </span>
                  <span class="count" data-count="present">
                    {t('present')} <b>{office.present}</b>
                  </span>
                  <span class={`count${office.overdue > 0 ? ' count-overdue' : ''}`} data-count="overdue">
                    {t('overdue')} <b>{office.overdue}</b>
                  </span>
                </span>
              </a>
            ))}
          </div>
        ))}
      </div>

      <div class="panels">
        {overview.posts.map((post) => (
          <section class="panel post-panel wide-2" key={post.post} data-post={post.post}>
            <h3>
              {t('borderPost')} {post.post}
            </h3>
            <p class="small">
              {post.offices.map((code, i) => (
                <span key={code}>
                  {i > 0 ? ' / ' : ''}
                  <OfficeName code={code} />
                </span>
              ))}
            </p>
            <p class="muted" data-testid="post-summary">
              {t('trucksAtPost')}
              {colon}
              <b>{post.count}</b> · {t('dwellTarget')} {duration(overview.borderDwellTargetSeconds, lang)}
              {post.count > post.trucks.length && (
                <>
                  {' '}
                  · {t('longestWaits').replace('{n}', String(post.trucks.length))} · <a href={href('transits', { status: 'AT_BORDER' })}>{t('seeAll')}</a>
                </>
              )}
            </p>
            {post.count === 0 ? (
              <p class="muted">{t('noTrucksAtPost')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>{t('vehicle')}</th>
                    <th>{t('mrn')}</th>
                    <th>{t('status')}</th>
                    <th>{t('arrival')}</th>
                    <th>{t('waiting')}</th>
                  </tr>
                </thead>
                <tbody>
                  {post.trucks.map((truck) => (
                    <tr key={truck.mrn} data-mrn={truck.mrn}>
                      <td>{truck.vehicle}</td>
                      <td>
                        <a href={href(`transits/${truck.mrn}`)}>{truck.mrn}</a>
                      </td>
                      <td>
                        {truck.awaiting === 'exit' ? t('awaitingExit') : truck.awaiting === 'entry' ? t('awaitingEntry') : ''}{' '}
                        <span class="code">{truck.office}</span>
                      </td>
                      <td>{time(truck.arrivalAt, lang)}</td>
                      <td>
                        {truck.arrivalAt ? <DwellTimer since={truck.arrivalAt} targetSeconds={overview.borderDwellTargetSeconds} skewMs={skewMs} /> : '…'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        ))}

        <InterconnectionPanel />

        <section class="panel escalations-panel">
          <h3>{t('openEscalations')}</h3>
          {overview.escalations.length === 0 ? (
            <p class="muted">{t('noEscalations')}</p>
          ) : (
            <ul class="levels">
              {overview.escalations.map((e) => (
                <li key={e.level} data-level={e.level}>
                  <a href={href('transits', { overdue: 'true' })}>
                    <span class={`level level-${e.level}`}>
                      {t('level')} {e.level} · {t(levelKey[e.level] ?? 'level3')}
                    </span>{' '}
                    <b>{e.count}</b>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </section>
  );
}

/** Each country's journal (acts waiting, how far behind) and how long acts take to reach the other system. */
function InterconnectionPanel() {
  const { t, lang, colon } = useConsole();
  const { data, error } = usePoll(() => get<Interconnection>('/interconnection'), REFRESH_MS, []);
  const seconds = (value: number | null) => (value === null ? '…' : value < 1 ? `${Math.round(value * 1000)} ms` : duration(Math.round(value), lang));
  return (
    <section class="panel interconnection-panel wide-2" data-testid="interconnection">
      <h3>{t('interconnection')}</h3>
      {!data ? (
        <p class="muted">{error ? `${t('errorLoading')}${colon}${problemText(error, lang)}` : t('loading')}</p>
      ) : (
        <>
          <table>
            <thead>
              <tr>
                <th>{t('journalOf')}</th>
                <th>{t('journalState')}</th>
                <th>{t('journalBacklog')}</th>
                <th>{t('journalLag')}</th>
                <th>{t('journalUnreadableSince')}</th>
              </tr>
            </thead>
            <tbody>
              {data.journals.map((journal) => (
                <tr key={journal.country} data-country={journal.country} class={journal.state === 'ok' ? '' : 'count-overdue'}>
                  <td>{countryName(journal.country, lang)}</td>
                  <td title={journal.problem ?? ''}>{t(`journal_${journal.state}`)}</td>
                  <td>{journal.backlog ?? '…'}</td>
                  <td>{seconds(journal.lagSeconds)}</td>
                  <td data-testid="unreadable-since">
                    {journal.unreadableSince ? dateTime(journal.unreadableSince, lang) : '—'}
                    {journal.waiting ? (
                      <>
                        {' · '}
                        {t('journalWaiting').replace('{n}', String(journal.waiting.count))}
                        {journal.waiting.mrns.map((mrn) => (
                          <span key={mrn}>
                            {' '}
                            <a href={href(`transits/${mrn}`)}>{mrn}</a>
                          </span>
                        ))}
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h4>{t('forwardingLatency')}</h4>
          {data.forwarding.length === 0 ? (
            <p class="muted">{t('noForwarding')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>{t('forwardingDirection')}</th>
                  <th>{t('forwardingCount')}</th>
                  <th>p50</th>
                  <th>p95</th>
                  <th>p99</th>
                </tr>
              </thead>
              <tbody>
                {data.forwarding.map((f) => (
                  <tr key={`${f.from}-${f.to}`} data-direction={`${f.from}-${f.to}`}>
                    <td>
                      {countryName(f.from, lang)} → {countryName(f.to, lang)}
                    </td>
                    <td>{f.count}</td>
                    <td>{seconds(f.p50Seconds)}</td>
                    <td>{seconds(f.p95Seconds)}</td>
                    <td>{seconds(f.p99Seconds)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

function groupColumns(offices: OfficeCounts[]): OfficeCounts[][] {
  const columns: OfficeCounts[][] = [];
  for (const office of offices) {
    columns[office.column] ??= [];
    columns[office.column]!.push(office);
  }
  return columns.filter(Boolean);
}
