// Dates, durations and amounts as officers read them. Lomé and Ouagadougou keep GMT all year.
import type { Lang } from './i18n.ts';

const TIME_ZONE = 'Africa/Lome';
const locale = (lang: Lang) => (lang === 'fr' ? 'fr-FR' : 'en-GB');

export function dateTime(iso: string | undefined, lang: Lang): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: 'short', timeStyle: 'medium', timeZone: TIME_ZONE }).format(new Date(iso));
}

export function time(iso: string | undefined, lang: Lang): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(lang), { timeStyle: 'medium', timeZone: TIME_ZONE }).format(new Date(iso));
}

/** 2 h 05 min, 4 min 12 s, 37 s. */
export function duration(seconds: number | null | undefined, lang: Lang = 'fr'): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (d > 0) return `${d} ${lang === 'fr' ? 'j' : 'd'} ${h} h`;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(rest).padStart(2, '0')} s`;
  return `${rest} s`;
}

/** A running timer: 01:42:07. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return [h, m, s % 60].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Francs CFA (XOF), as officers write them: « 1 234 567 F CFA », "1,234,567 CFA francs". */
export function amount(xof: number | undefined, lang: Lang): string {
  if (xof === undefined) return '—';
  const figure = new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 0 }).format(xof);
  return lang === 'fr' ? `${figure} F CFA` : `${figure} CFA francs`;
}

export function percent(ratio: number, lang: Lang): string {
  return new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}

/** Where a dwell timer stands against the target: within, nearing it (amber), past it (red). */
export function dwellLevel(seconds: number, targetSeconds: number): 'ok' | 'amber' | 'red' {
  if (seconds >= targetSeconds) return 'red';
  if (seconds >= targetSeconds * 0.75) return 'amber';
  return 'ok';
}
