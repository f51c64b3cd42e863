// An officer's desk: the trucks present at and expected at their office, each with the acts
// the officer may record now one click away. At the border post a truck is cleared in a few
// clicks: arrival, exit (one side), entry (the other side).
import { useState } from 'preact/hooks';
import { get, problemText } from '../api.ts';
import type { ActionAnswer } from '../components/ActionForm.tsx';
import { Actions } from '../components/Actions.tsx';
import { DwellTimer, Level, OfficeName, Status } from '../components/Bits.tsx';
import { useConsole } from '../context.ts';
import { dateTime } from '../format.ts';
import { usePoll } from '../hooks.ts';
import { actionWords, answered, word } from '../i18n.ts';
import { href } from '../route.ts';
import type { Desk as Data, DeskRow } from '../types.ts';

const REFRESH_MS = 4_000;

export function Desk() {
  const { t, lang, me, colon } = useConsole();
  const [flash, setFlash] = useState<string | undefined>(undefined);
  // What each act just recorded left the movement as: until the list shows it, the row's
  // buttons are the old step's, so they are held back rather than offered twice.
  const [acted, setActed] = useState<Record<string, string>>({});
  const { data, error, reload } = usePoll(async () => ({ desk: await get<Data>('/desk'), receivedAt: Date.now() }), REFRESH_MS, []);
  if (!data) return <p class="muted">{error ? `${t('errorLoading')}${colon}${problemText(error, lang)}` : t('loading')}</p>;
  const { desk } = data;
  const skewMs = Date.parse(desk.now) - data.receivedAt;

  const done = (row: DeskRow) => (action: string, answer: ActionAnswer) => {
    setFlash(`${t('done')}${colon}${word(actionWords, action, lang)} — ${row.vehicle} (${row.mrn}) → ${answered(answer, lang)}`);
    setActed((current) => ({ ...current, [row.mrn]: `${answer.status}|${answer.currentOffice}` }));
    reload();
  };
  const stale = (row: DeskRow) => acted[row.mrn] !== undefined && acted[row.mrn] !== `${row.status}|${row.currentOffice}`;

  const table = (rows: DeskRow[], empty: string, kind: 'present' | 'expected') =>
    rows.length === 0 ? (
      <p class="muted">{empty}</p>
    ) : (
      <table class="desk-table" data-desk={kind}>
        <thead>
          <tr>
            <th>{t('vehicle')}</th>
            <th>{t('mrn')}</th>
            <th>{t('status')}</th>
            <th>{t('route')}</th>
            <th>{kind === 'present' ? t('since') : t('deadline')}</th>
            <th>{t('nextAction')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.mrn} data-mrn={row.mrn}>
              <td>
                <b>{row.vehicle}</b>
                <div class="muted small">{row.declarantName}</div>
              </td>
              <td>
                <a href={href(`transits/${row.mrn}`)}>{row.mrn}</a>
              </td>
              <td>
                <Status status={row.status} />
                {row.crossing && <div class="small">{row.crossing.exitAt ? t('awaitingEntry') : t('awaitingExit')}</div>}
                {row.escalationLevel > 0 && (
                  <div>
                    <Level level={row.escalationLevel} />
                  </div>
                )}
              </td>
              <td class="small">
                <OfficeName code={row.departureOffice} /> → <OfficeName code={row.destinationOffice} />
              </td>
              <td>
                {kind === 'present' && row.status === 'AT_BORDER' && row.crossing ? (
                  <DwellTimer since={row.crossing.arrivalAt} targetSeconds={desk.borderDwellTargetSeconds} skewMs={skewMs} />
                ) : kind === 'present' ? (
                  dateTime(row.since, lang)
                ) : (
                  dateTime(row.legDeadline, lang)
                )}
              </td>
              <td>
                {stale(row) || row.pending ? (
                  <span class="muted">{t('updating')}</span>
                ) : (
                  <Actions
                    key={`${row.mrn}-${row.status}-${row.currentOffice}`}
                    mrn={row.mrn}
                    actions={row.allowedActions}
                    onDone={done(row)}
                    empty={t('nothingToDo')}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );

  return (
    <section class="desk">
      <header class="page-head">
        <h2>
          {t('deskTitle')} — {desk.name ?? me.office} <span class="code">{desk.office}</span>
        </h2>
      </header>
      {flash && (
        <p class="flash" role="status">
          {flash}
        </p>
      )}
      <h3>
        {t('deskPresent')} ({desk.present.length})
      </h3>
      {table(desk.present, t('deskEmptyPresent'), 'present')}
      <h3>
        {t('deskExpected')} ({desk.expectedTotal})
      </h3>
      {desk.expectedTotal > desk.expected.length && (
        <p class="muted" data-testid="desk-expected-more">
          {t('deskExpectedSoonest').replace('{n}', String(desk.expected.length))} ·{' '}
          <a href={href('transits', { status: 'RELEASED', currentOffice: desk.office })}>{t('seeAll')}</a>
        </p>
      )}
      {table(desk.expected, t('deskEmptyExpected'), 'expected')}
    </section>
  );
}
