// The recoveries the overdue ladder proposed and no collector has decided yet: what a collector
// (receveur) of the country opens the console for. Each links to the movement's page, where the
// decision (confirm or waive, with a reason) is one of the actions offered.
import { get, problemText } from '../api.ts';
import { useConsole } from '../context.ts';
import { amount, time } from '../format.ts';
import { usePoll } from '../hooks.ts';
import { countryName } from '../i18n.ts';
import { href } from '../route.ts';

interface Waiting {
  mrn: string;
  country: string;
  proposedAt: string;
  amountXof: number;
  penaltyXof: number;
  grn: string;
  vehicle: string;
  principalName: string;
  lastKnownOffice: string;
}

const REFRESH_MS = 10_000;

export function Recoveries() {
  const { t, lang, colon } = useConsole();
  const { data, error } = usePoll(() => get<{ items: Waiting[] }>('/recoveries'), REFRESH_MS, []);
  if (!data) return <p class="muted">{error ? `${t('errorLoading')}${colon}${problemText(error, lang)}` : t('loading')}</p>;
  return (
    <section class="recoveries" data-testid="recoveries">
      <header class="page-head">
        <h2>{t('navRecoveries')}</h2>
        <p class="muted">{t('recoveriesIntro')}</p>
      </header>
      {data.items.length === 0 ? (
        <p class="muted">{t('noRecoveries')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('mrn')}</th>
              <th>{t('vehicle')}</th>
              <th>{t('recoveryBy')}</th>
              <th>{t('amountAtRisk')}</th>
              <th>{t('penalty')}</th>
              <th>{t('proposedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((item) => (
              <tr key={item.mrn} data-mrn={item.mrn}>
                <td>
                  <a href={href(`transits/${item.mrn}`)}>{item.mrn}</a>
                </td>
                <td>
                  {item.vehicle} · {item.principalName}
                </td>
                <td>
                  {countryName(item.country, lang)} · <span class="code">{item.lastKnownOffice}</span>
                </td>
                <td>{amount(item.amountXof, lang)}</td>
                <td>{amount(item.penaltyXof, lang)}</td>
                <td>{time(item.proposedAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
