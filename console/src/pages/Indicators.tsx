// Indicators: border dwell time per post (median and 90th percentile per day against the
// target), leg times against their limits, overdue and escalations per office, movements
// closed per day; each as a chart, a table, and a CSV download.
import { useState } from 'preact/hooks';
import { download, get, problemText } from '../api.ts';
import { ChartView } from '../components/Chart.tsx';
import { useConsole } from '../context.ts';
import { amount, duration, percent } from '../format.ts';
import { countryName } from '../i18n.ts';
import { usePoll } from '../hooks.ts';
import type { Indicators as Data } from '../types.ts';

const REFRESH_MS = 30_000;
const WINDOWS = [7, 30, 90];
const COLOURS = { median: '#1f6f8b', p90: '#e3a008', target: '#c0392b', allowed: '#7f8c8d', ok: '#2e8b57', muted: '#95a5a6' };

export function Indicators() {
  const { t, lang, officeNames, colon } = useConsole();
  const [days, setDays] = useState(30);
  const { data, error } = usePoll(() => get<Data>(`/indicators?days=${days}`), REFRESH_MS, [days]);
  const minutes = (s: number | null) => (s === null ? null : Math.round((s / 60) * 10) / 10);
  const csv = (name: string) => () => void download(`/indicators/${name}.csv?days=${days}`, `corridor-${name}.csv`);
  const name = (code: string) => officeNames[code] ?? code;

  if (!data) return <p class="muted">{error ? `${t('errorLoading')}${colon}${problemText(error, lang)}` : t('loading')}</p>;
  const posts = [...new Set(data.borderDwell.map((d) => d.post))];
  const unit = data.borderDwellTargetSeconds >= 600 ? 'min' : 's';
  const inUnit = (s: number | null) => (s === null ? null : unit === 'min' ? minutes(s) : s);

  return (
    <section class="indicators">
      <header class="page-head">
        <h2>{t('indicatorsTitle')}</h2>
        <label class="field field-inline">
          <span>{t('window')}</span>
          <select name="days" value={String(days)} onChange={(e) => setDays(Number((e.target as HTMLSelectElement).value))}>
            {WINDOWS.map((n) => (
              <option value={String(n)} key={n}>
                {n} {t('lastDays')}
              </option>
            ))}
          </select>
        </label>
      </header>

      <section class="panel wide" data-indicator="border-dwell">
        <h3>
          {t('dwellChart')} ({t('target')} {duration(data.borderDwellTargetSeconds, lang)})
          <button type="button" class="csv" onClick={csv('border-dwell')}>
            {t('downloadCsv')}
          </button>
        </h3>
        {posts.length === 0 && <p class="muted">{t('noData')}</p>}
        {posts.map((post) => {
          const rows = data.borderDwell.filter((d) => d.post === post);
          return (
            <div key={post}>
              <h4>{post}</h4>
              <ChartView
                label={`${t('dwellChart')} ${post}`}
                config={{
                  type: 'bar',
                  data: {
                    labels: rows.map((r) => r.day),
                    datasets: [
                      { type: 'bar', label: `${t('median')} (${unit})`, data: rows.map((r) => inUnit(r.medianSeconds)), backgroundColor: COLOURS.median },
                      { type: 'bar', label: `${t('p90')} (${unit})`, data: rows.map((r) => inUnit(r.p90Seconds)), backgroundColor: COLOURS.p90 },
                      // The target as an outlined bar beside the two measures: readable for one day as for ninety.
                      {
                        type: 'bar',
                        label: `${t('target')} (${unit})`,
                        data: rows.map((r) => inUnit(r.targetSeconds)),
                        backgroundColor: 'rgba(192, 57, 43, 0.08)',
                        borderColor: COLOURS.target,
                        borderWidth: 2,
                      },
                    ],
                  },
                }}
              />
              <table>
                <thead>
                  <tr>
                    <th>{t('day')}</th>
                    <th>{t('count')}</th>
                    <th>{t('median')}</th>
                    <th>{t('p90')}</th>
                    <th>{t('overTarget')}</th>
                    <th>{t('borderAlerts')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.day} data-day={r.day}>
                      <td>{r.day}</td>
                      <td>{r.crossings}</td>
                      <td>{duration(r.medianSeconds, lang)}</td>
                      <td>{duration(r.p90Seconds, lang)}</td>
                      <td>{r.overTarget}</td>
                      <td>{r.alerts}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        })}
      </section>

      <section class="panel wide" data-indicator="legs">
        <h3>
          {t('legsChart')}
          <button type="button" class="csv" onClick={csv('legs')}>
            {t('downloadCsv')}
          </button>
        </h3>
        {data.legs.length === 0 ? (
          <p class="muted">{t('noData')}</p>
        ) : (
          <>
            <ChartView
              label={t('legsChart')}
              config={{
                type: 'bar',
                data: {
                  labels: data.legs.map((l) => `${name(l.from)} → ${name(l.to)}`),
                  datasets: [
                    { label: `${t('median')} (min)`, data: data.legs.map((l) => minutes(l.medianSeconds)), backgroundColor: COLOURS.median },
                    { label: `${t('p90')} (min)`, data: data.legs.map((l) => minutes(l.p90Seconds)), backgroundColor: COLOURS.p90 },
                    { label: `${t('allowed')} (min)`, data: data.legs.map((l) => minutes(l.medianAllowedSeconds)), backgroundColor: COLOURS.allowed },
                  ],
                },
              }}
            />
            <table>
              <thead>
                <tr>
                  <th>{t('route')}</th>
                  <th>{t('count')}</th>
                  <th>{t('median')}</th>
                  <th>{t('p90')}</th>
                  <th>{t('allowed')}</th>
                  <th>{t('lateRate')}</th>
                </tr>
              </thead>
              <tbody>
                {data.legs.map((l) => (
                  <tr key={`${l.from}-${l.to}`}>
                    <td>
                      {name(l.from)} → {name(l.to)}
                    </td>
                    <td>{l.legs}</td>
                    <td>{duration(l.medianSeconds, lang)}</td>
                    <td>{duration(l.p90Seconds, lang)}</td>
                    <td>{duration(l.medianAllowedSeconds, lang)}</td>
                    <td>{percent(l.lateRate, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>

      <section class="panel wide" data-indicator="offices">
        <h3>
          {t('officesChart')}
          <button type="button" class="csv" onClick={csv('offices')}>
            {t('downloadCsv')}
          </button>
        </h3>
        <ChartView
          label={t('officesChart')}
          config={{
            type: 'bar',
            data: {
              labels: data.offices.map((o) => o.name),
              datasets: [
                { label: t('inFlight'), data: data.offices.map((o) => o.inFlight), backgroundColor: COLOURS.muted },
                { label: t('overdueNow'), data: data.offices.map((o) => o.overdueNow), backgroundColor: COLOURS.target },
                { label: `${t('level')} 2`, data: data.offices.map((o) => o.escalationsLevel2), backgroundColor: COLOURS.p90 },
                { label: `${t('level')} 3`, data: data.offices.map((o) => o.escalationsLevel3), backgroundColor: '#6c3483' },
              ],
            },
          }}
        />
        <table>
          <thead>
            <tr>
              <th>{t('office')}</th>
              <th>{t('arrivals')}</th>
              <th>{t('lateArrivals')}</th>
              <th>{t('lateRate')}</th>
              <th>{t('inFlight')}</th>
              <th>{t('overdueNow')}</th>
              <th>{t('overdueRate')}</th>
              <th>{t('level')} 1 / 2 / 3</th>
            </tr>
          </thead>
          <tbody>
            {data.offices.map((o) => (
              <tr key={o.office} data-office={o.office}>
                <td>
                  {o.name} <span class="code">{o.office}</span>
                </td>
                <td>{o.arrivals}</td>
                <td>{o.lateArrivals}</td>
                <td>{percent(o.lateRate, lang)}</td>
                <td>{o.inFlight}</td>
                <td>{o.overdueNow}</td>
                <td>{percent(o.overdueRate, lang)}</td>
                <td>
                  {o.escalationsLevel1} / {o.escalationsLevel2} / {o.escalationsLevel3}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section class="panel wide" data-indicator="completed">
        <h3>
          {t('completedChart')}
          <button type="button" class="csv" onClick={csv('completed')}>
            {t('downloadCsv')}
          </button>
        </h3>
        <ChartView
          label={t('completedChart')}
          config={{
            type: 'bar',
            data: {
              labels: data.completed.map((c) => c.day),
              datasets: [
                { label: t('discharged'), data: data.completed.map((c) => c.discharged), backgroundColor: COLOURS.ok },
                { label: t('cancelled'), data: data.completed.map((c) => c.cancelled), backgroundColor: COLOURS.muted },
                { label: t('rejected'), data: data.completed.map((c) => c.rejected), backgroundColor: COLOURS.allowed },
                { label: t('recovery'), data: data.completed.map((c) => c.recovery), backgroundColor: COLOURS.target },
              ],
            },
            options: { scales: { x: { stacked: true }, y: { stacked: true, ticks: { precision: 0 } } } },
          }}
        />
        <p class="small" data-testid="completed-total">
          {t('total')}
          {colon}
          {data.completed.reduce((sum, c) => sum + c.total, 0)} · {t('discharged')}
          {colon}
          {data.completed.reduce((sum, c) => sum + c.discharged, 0)}
        </p>
      </section>

      <section class="panel wide" data-indicator="at-risk">
        <h3>
          {t('atRiskHeld')}
          <button type="button" class="csv" onClick={csv('at-risk')}>
            {t('downloadCsv')}
          </button>
        </h3>
        <ChartView
          label={t('atRiskHeld')}
          config={{
            type: 'line',
            data: {
              labels: data.atRisk.map((d) => d.day),
              datasets: [
                { label: countryName('TG', lang), data: data.atRisk.map((d) => d.TG), borderColor: COLOURS.median, backgroundColor: COLOURS.median },
                { label: countryName('BF', lang), data: data.atRisk.map((d) => d.BF), borderColor: COLOURS.p90, backgroundColor: COLOURS.p90 },
              ],
            },
            options: { scales: { y: { beginAtZero: true } } },
          }}
        />
        <p class="small" data-testid="at-risk-now">
          {countryName('TG', lang)}
          {colon}
          {amount(data.atRisk[data.atRisk.length - 1]?.TG, lang)} · {countryName('BF', lang)}
          {colon}
          {amount(data.atRisk[data.atRisk.length - 1]?.BF, lang)}
        </p>
      </section>
    </section>
  );
}
