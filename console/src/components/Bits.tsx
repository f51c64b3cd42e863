// Small pieces several pages show: a status, an escalation level, a dwell timer.
import { useConsole } from '../context.ts';
import { clock, dwellLevel } from '../format.ts';
import { useNow } from '../hooks.ts';
import { levelKey, statusWords, word } from '../i18n.ts';

export function Status(props: { status: string | undefined }) {
  const { lang } = useConsole();
  if (!props.status) return <span>—</span>;
  return (
    <span class={`status status-${props.status.toLowerCase()}`} data-status={props.status}>
      {word(statusWords, props.status, lang)}
    </span>
  );
}

export function Level(props: { level: number }) {
  const { t } = useConsole();
  if (props.level <= 0) return <span class="muted">{t('level0')}</span>;
  return (
    <span class={`level level-${props.level}`} data-level={props.level}>
      {t('level')} {props.level} · {t(levelKey[props.level] ?? 'level3')}
    </span>
  );
}

/** Time at the post so far, amber when nearing the target, red past it; ticks by itself. */
export function DwellTimer(props: { since: string; targetSeconds: number; skewMs: number }) {
  const now = useNow();
  const seconds = (now + props.skewMs - Date.parse(props.since)) / 1000;
  const level = dwellLevel(seconds, props.targetSeconds);
  return (
    <span class={`dwell dwell-${level}`} data-dwell={level}>
      {clock(seconds)}
    </span>
  );
}

export function OfficeName(props: { code: string | undefined }) {
  const { officeNames } = useConsole();
  if (!props.code) return <span>—</span>;
  return (
    <span title={props.code}>
      {officeNames[props.code] ?? props.code} <span class="code">{props.code}</span>
    </span>
  );
}
