import { getLocale } from './index';

/** A timestamp in the UI language, e.g. 2026/03/01 14:05 or 03/01/2026, 2:05 PM. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(getLocale(), {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

/** True when the ISO timestamp lies in the future (e.g. an account lock still in force). */
export function isFuture(iso: string | null | undefined, now: number = Date.now()): boolean {
  if (!iso) return false;
  const t = new Date(iso).getTime();
  return !Number.isNaN(t) && t > now;
}

/** The text of a server-sent { zh, en } pair in the UI language. */
export function bilingual(text: { zh: string; en: string } | null | undefined): string {
  if (!text) return '';
  return getLocale() === 'en-US' ? text.en || text.zh : text.zh || text.en;
}
