// The last reconciliation (each national system's records against Corridor's states), for
// supervisors (their own country's differences) and the regional centre (all): when it ran, how
// many movements it compared, which systems it could not read, and each difference with its
// movement, kind, country and whether Corridor settled it or it waits for a supervisor.
import { ApiError, get, problemText } from '../api.ts';
import { useConsole } from '../context.ts';
import { dateTime } from '../format.ts';
import { usePoll } from '../hooks.ts';
import { countryName, type Key } from '../i18n.ts';
import { href } from '../route.ts';

interface Said {
  code: string;
  fr: string;
  en: string;
}

interface Report {
  at: string;
  closedWithinDays: number;
  movements: number;
  pending: number;
  settled: number;
  unreachable: { country: string; reason: string }[];
  differences: { mrn: string; country: string; kind: string; settled: boolean; words: Said; settlement: Said }[];
  summary: Said;
  schedule?: { everyMinutes: number; paused: boolean; nextRunAt?: string };
}

const REFRESH_MS = 15_000;

export function Reconciliation() {
  const { t, lang, colon } = useConsole();
  // No run yet is an answer (404), not a failure of the page.
  const { data, error } = usePoll(
    () => get<Report>('/reconciliation').catch((e: unknown) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e))),
    REFRESH_MS,
    [],
  );
  if (data === undefined) return <p class="muted">{error ? `${t('errorLoading')}${colon}${problemText(error, lang)}` : t('loading')}</p>;
  return (
    <section class="reconciliation" data-testid="reconciliation">
      <header class="page-head">
        <h2>{t('navReconciliation')}</h2>
        <p class="muted">{t('reconciliationIntro')}</p>
      </header>
      {data === null ? (
        <p class="muted" data-testid="reconciliation-none">
          {t('reconciliationNone')}
        </p>
      ) : (
        <>
          <dl class="facts" data-testid="reconciliation-run">
            <dt>{t('reconciliationLastRun')}</dt>
            <dd data-testid="reconciliation-at">{dateTime(data.at, lang)}</dd>
            <dt>{t('reconciliationCompared')}</dt>
            <dd data-testid="reconciliation-movements">
              {data.movements} ({t('reconciliationWindow')} {data.closedWithinDays} {t('reconciliationDays')})
            </dd>
            {data.schedule && (
              <>
                <dt>{t('reconciliationSchedule')}</dt>
                <dd data-testid="reconciliation-schedule">
                  {data.schedule.paused ? t('reconciliationPaused') : t('reconciliationEvery').replace('{n}', String(data.schedule.everyMinutes))}
                  {!data.schedule.paused && data.schedule.nextRunAt && ` · ${t('reconciliationNext')} ${dateTime(data.schedule.nextRunAt, lang)}`}
                </dd>
              </>
            )}
            {data.pending > 0 && (
              <>
                <dt>{t('reconciliationPending')}</dt>
                <dd>{data.pending}</dd>
              </>
            )}
          </dl>
          <p data-testid="reconciliation-summary">{data.summary[lang]}</p>
          {data.unreachable.length > 0 && (
            <div class="unreachable" data-testid="reconciliation-unreachable">
              <h3>{t('reconciliationUnreachable')}</h3>
              <ul>
                {data.unreachable.map((u) => (
                  <li key={u.country} data-country={u.country}>
                    {countryName(u.country, lang)}
                    {colon}
                    <span class="code">{u.reason}</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {data.differences.length === 0 ? (
            <p class="muted">{t('reconciliationNoDifference')}</p>
          ) : (
            <table data-testid="reconciliation-differences">
              <thead>
                <tr>
                  <th>{t('mrn')}</th>
                  <th>{t('reconciliationKind')}</th>
                  <th>{t('reconciliationCountry')}</th>
                  <th>{t('reconciliationDetail')}</th>
                  <th>{t('reconciliationOutcome')}</th>
                </tr>
              </thead>
              <tbody>
                {data.differences.map((d) => (
                  <tr key={`${d.mrn}-${d.country}-${d.kind}`} data-mrn={d.mrn} data-kind={d.kind} data-settled={String(d.settled)}>
                    <td>
                      <a href={href(`transits/${d.mrn}`)}>{d.mrn}</a>
                    </td>
                    <td>{t(`diff${d.kind}` as Key) ?? d.kind}</td>
                    <td>{countryName(d.country, lang)}</td>
                    <td>{d.words[lang]}</td>
                    <td class={d.settled ? 'settled' : 'waiting'}>{d.settled ? t('reconciliationSettled') : t('reconciliationWaiting')}</td>
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
