// One movement: route progress with planned and actual times, border crossings with their
// dwell time, escalation level, the full timeline, notifications, and the acts the signed-in
// user may record now. Refreshed every few seconds, so a level that changes shows without reload.
import { useState } from 'preact/hooks';
import { get, problemText } from '../api.ts';
import { Actions } from '../components/Actions.tsx';
import { Level, OfficeName, Status } from '../components/Bits.tsx';
import { describeDetails, recipient } from '../details.ts';
import { useConsole } from '../context.ts';
import { amount, clock, dateTime, duration } from '../format.ts';
import { usePoll, useNow } from '../hooks.ts';
import {
  actionWords,
  answered,
  countryName,
  deliveryWords,
  eventWords,
  fallbackStateWords,
  guaranteeWords,
  notificationWords,
  recoveryWords,
  roleKey,
  say,
  systemName,
  word,
} from '../i18n.ts';
import type { TransitState } from '../types.ts';

const REFRESH_MS = 3_000;

export function Transit(props: { mrn: string }) {
  const { t, lang, colon, officeNames } = useConsole();
  const [flash, setFlash] = useState<string | undefined>(undefined);
  const { data: state, error, reload } = usePoll(() => get<TransitState>(`/transits/${props.mrn}`), REFRESH_MS, [props.mrn]);
  if (!state) {
    if (error) {
      return (
        <p class="refusal" role="alert">
          {props.mrn}
          {colon}
          {problemText(error, lang)}
        </p>
      );
    }
    return <p class="muted">{t('loading')}</p>;
  }
  const d = state.declaration;
  const escalation = state.escalation;

  return (
    <section class="transit" data-mrn={state.mrn}>
      <header class="page-head">
        <h2>
          {t('transitTitle')} <span class="mono">{state.mrn}</span> <Status status={state.status} />
        </h2>
        <p>
          {t('vehicle')} <b>{d.vehicle}</b>
          {d.trailer ? ` + ${d.trailer}` : ''} · {t('declarant')} {d.declarantName} ({d.declarantTin}) · {t('principal')} {d.principalName} · LRN {state.lrn}
        </p>
        {state.reason && <p class="refusal">{state.reason}</p>}
        {(state.waitingForSystems ?? []).length > 0 && (
          <p class="refusal" data-testid="waiting-for-systems">
            {t('waitingForSystem')}
            {colon}
            {(state.waitingForSystems ?? []).map((c) => systemName(c, lang)).join(', ')} — {t('fallbackWaitingNote')}
          </p>
        )}
      </header>

      {flash && (
        <p class="flash" role="status">
          {flash}
        </p>
      )}

      <div class="panels">
        <section class="panel" data-panel="escalation">
          <h3>{t('escalation')}</h3>
          <p data-testid="escalation-level">
            <Level level={escalation.level} />
          </p>
          {escalation.overdueSince && (
            <p class="small">
              {t('overdueSince')} {dateTime(escalation.overdueSince, lang)}
            </p>
          )}
          {escalation.acknowledgedLevel !== undefined && escalation.level > 0 && (
            <p class="small" data-testid="acknowledged">
              {t('acknowledgedBy')} {escalation.acknowledgedBy?.user} ({t('level')} {escalation.acknowledgedLevel})
            </p>
          )}
          <p class="small">
            {t('nextDeadline')}
            {colon}
            {dateTime(state.nextDeadline ?? state.legDeadline, lang)}
          </p>
        </section>

        <section class="panel" data-panel="actions">
          <h3>{t('actionsNow')}</h3>
          <Actions
            mrn={state.mrn}
            actions={state.allowedActions}
            empty={t('noActions')}
            onDone={(action, answer) => {
              setFlash(`${t('done')}${colon}${word(actionWords, action, lang)} → ${answered(answer, lang)}`);
              reload();
            }}
          />
        </section>

        {state.fallbackActs && (
          <section class="panel" data-panel="fallback">
            <h3>{t('fallbackActs')}</h3>
            <ul class="small" data-testid="fallback-acts">
              {state.fallbackActs.map((act) => (
                <li key={`${act.act}-${act.office}`} data-state={act.state}>
                  {word(actionWords, act.act, lang)} · <OfficeName code={act.office} /> · <span class="mono">{act.paperNumber}</span> ·{' '}
                  {dateTime(act.recordedAt, lang)} · {word(fallbackStateWords, act.state, lang)}
                  {act.reason ? ` · ${act.reason}` : ''}
                </li>
              ))}
            </ul>
          </section>
        )}

        <section class="panel" data-panel="guarantee">
          <h3>{t('guarantee')}</h3>
          <p>
            GRN {state.guarantee.grn} · {word(guaranteeWords, state.guarantee.state, lang)} · {t('amountReserved')}{' '}
            {amount(state.guarantee.amountReservedXof, lang)}
          </p>
          {state.guarantee.shares && (
            <ul class="small" data-testid="guarantee-shares">
              {state.guarantee.shares.map((share) => (
                <li key={share.country} data-country={share.country}>
                  {t('shareOf')} {countryName(share.country, lang)}
                  {colon}
                  {amount(share.amountXof, lang)} · {word(guaranteeWords, share.state, lang)}
                </li>
              ))}
            </ul>
          )}
          {state.recovery && (
            <p class="small" data-testid="recovery">
              {t('recoveryBy')} {countryName(state.recovery.country, lang)}
              {colon}
              {word(recoveryWords, state.recovery.state, lang)} · {amount(state.recovery.amountXof, lang)} + {t('penalty')}{' '}
              {amount(state.recovery.penaltyXof, lang)}
              {state.recovery.reason ? ` · ${state.recovery.reason}` : ''}
            </p>
          )}
          <p class="small">
            {t('seals')}
            {colon}
            {state.seals.join(', ') || '—'}
          </p>
          <p class="small">
            {t('nationalReferences')}
            {colon}
            {Object.entries(state.nationalReferences)
              .map(([country, ref]) => `${systemName(country, lang)} ${ref}`)
              .join(' · ') || '—'}
          </p>
          <p class="small">
            {t('goods')}
            {colon}
            {d.goodsItemCount} {t('items')} · {new Intl.NumberFormat(lang).format(d.grossMassKg)} kg · {amount(d.valueXof, lang)}
          </p>
        </section>
      </div>

      <h3>{t('routeProgress')}</h3>
      <ol class="progress">
        {state.route.map((office) => (
          <li
            key={office.code}
            data-office={office.code}
            class={`${office.arrivedAt || office.leftAt ? 'reached' : ''}${office.code === state.currentOffice ? ' current' : ''}${office.late ? ' late' : ''}`}
          >
            <span class="station-name">
              <OfficeName code={office.code} />
            </span>
            <span class="small">
              {t('plannedBy')} {dateTime(office.plannedBy, lang)}
            </span>
            <span class="small">
              {t('arrivedAt')} {dateTime(office.arrivedAt, lang)}
              {office.late ? ` (${t('late')})` : ''}
            </span>
            <span class="small">
              {t('leftAt')} {dateTime(office.leftAt, lang)}
            </span>
          </li>
        ))}
      </ol>

      <h3>{t('crossings')}</h3>
      {state.crossings.length === 0 ? (
        <p class="muted">{t('noCrossings')}</p>
      ) : (
        <table data-testid="crossings">
          <thead>
            <tr>
              <th>{t('post')}</th>
              <th>{t('arrival')}</th>
              <th>{t('exit')}</th>
              <th>{t('entry')}</th>
              <th>{t('dwell')}</th>
              <th>{t('alert')}</th>
            </tr>
          </thead>
          <tbody>
            {state.crossings.map((c, i) => (
              <tr key={i}>
                <td>{c.post}</td>
                <td>{dateTime(c.arrivalAt, lang)}</td>
                <td>{dateTime(c.exitAt, lang)}</td>
                <td>{dateTime(c.entryAt, lang)}</td>
                <td data-testid="dwell">{c.dwellSeconds !== undefined ? duration(c.dwellSeconds, lang) : <OpenDwell since={c.arrivalAt} />}</td>
                <td>{c.alertAt ? dateTime(c.alertAt, lang) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>{t('timeline')}</h3>
      <table class="timeline" data-testid="timeline">
        <thead>
          <tr>
            <th>{t('when')}</th>
            <th>{t('what')}</th>
            <th>{t('who')}</th>
            <th>{t('where')}</th>
            <th>{t('details')}</th>
          </tr>
        </thead>
        <tbody>
          {state.timeline.map((event, i) => (
            <tr key={i} data-event={event.what}>
              <td class="small">{dateTime(event.at, lang)}</td>
              <td>{word(eventWords, event.what, lang)}</td>
              <td class="small">
                {event.by.role === 'system'
                  ? 'Corridor'
                  : `${event.by.user} · ${t(roleKey[event.by.role] ?? 'roleOfficer')}${event.by.office ? ` · ${event.by.office}` : ''}`}
              </td>
              <td>{event.office ? <OfficeName code={event.office} /> : '—'}</td>
              <td class="small details">
                <Details what={event.what} details={event.details} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>{t('notifications')}</h3>
      {state.notifications.length === 0 ? (
        <p class="muted">{t('noNotifications')}</p>
      ) : (
        <table data-testid="notifications">
          <thead>
            <tr>
              <th>{t('when')}</th>
              <th>{t('what')}</th>
              <th>{t('recipients')}</th>
              <th>{t('details')}</th>
              <th>{t('delivery')}</th>
            </tr>
          </thead>
          <tbody>
            {state.notifications.map((n) => (
              <tr key={n.id}>
                <td class="small">{dateTime(n.at, lang)}</td>
                <td>{word(notificationWords, n.kind, lang)}</td>
                <td class="small">{n.to.map((to) => recipient(to, lang, officeNames)).join(', ')}</td>
                <td class="small" data-testid="notification-message">
                  {say(n.message ?? { message: n.subject }, lang)}
                </td>
                <td>{word(deliveryWords, n.delivery, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A timeline entry's details in the reader's language, one « label : value » each. */
function Details(props: { what: string; details: Record<string, unknown> | undefined }) {
  const { lang, colon, officeNames } = useConsole();
  return (
    <>
      {describeDetails(props.what, props.details, lang, officeNames).map((detail, i) => (
        <span key={detail.key} data-detail={detail.key}>
          {i > 0 ? ' · ' : ''}
          {detail.label ? `${detail.label}${colon}` : ''}
          {detail.text}
        </span>
      ))}
    </>
  );
}

/** A truck still at the post: its time there so far, ticking. */
function OpenDwell(props: { since: string }) {
  const { t } = useConsole();
  const now = useNow();
  return (
    <span class="small">
      {t('atPostFor')} <span class="mono">{clock((now - Date.parse(props.since)) / 1000)}</span>
    </span>
  );
}
