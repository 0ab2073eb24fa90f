/**
 * Dates as they are written on Chinese documents and typed into forms: 2026-03-05, 2026.3.5,
 * 2026/03/05, 2026年3月5日, 二〇二六年三月五日, and the open end of a validity (长期, 永久).
 */
import { addCalendarDays, isValidDate } from '../calendar.ts';
import type { DateBound } from './types.ts';

/** The fact value written for an open-ended validity (营业期限 …至长期). */
export const OPEN_ENDED = '长期';
const OPEN_ENDED_WORDS = /^(?:长期|永久|长期有效|永久有效|无固定期限|不约定期限)$/;

const CN_DIGIT: Record<string, number> = { 〇: 0, 零: 0, '○': 0, O: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 一 … 三十一 (十, 十五, 二十, 二十三) → number, or NaN. */
function cnSmall(s: string): number {
  const m = /^([一二三四五六七八九]?)(十?)([一二三四五六七八九]?)$/.exec(s);
  if (!m || s === '') return NaN;
  if (!m[2]) return m[1] && !m[3] ? CN_DIGIT[m[1]]! : NaN;
  return (m[1] ? CN_DIGIT[m[1]]! : 1) * 10 + (m[3] ? CN_DIGIT[m[3]]! : 0);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * Date patterns over NFKC-normalised text without spaces. The ISO-like form needs the same
 * separator twice so that an amount like 12.5 or a code like 2019-320500 is not taken for a date.
 */
const DATE_PATTERNS: Array<{ re: RegExp; toParts: (m: RegExpExecArray) => [number, number, number] }> = [
  { re: /(\d{4})年(\d{1,2})月(\d{1,2})日?/g, toParts: (m) => [Number(m[1]), Number(m[2]), Number(m[3])] },
  { re: /(?<!\d)(\d{4})([-./])(\d{1,2})\2(\d{1,2})(?!\d)/g, toParts: (m) => [Number(m[1]), Number(m[3]), Number(m[4])] },
  {
    re: /([〇零○O一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日/g,
    toParts: (m) => [Number([...m[1]!].map((c) => CN_DIGIT[c]).join('')), cnSmall(m[2]!), cnSmall(m[3]!)],
  },
];

export interface FoundDate {
  /** 'YYYY-MM-DD'; not necessarily a real day (2026-02-30 is reported, so a rule can say so). */
  iso: string;
  index: number;
  end: number;
}

/** Every date written in `compact` (normalised, no spaces), in order of position. */
export function findDates(compact: string): FoundDate[] {
  const found: FoundDate[] = [];
  for (const { re, toParts } of DATE_PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(compact); m; m = re.exec(compact)) {
      const [y, mo, d] = toParts(m);
      if (!Number.isFinite(mo) || !Number.isFinite(d) || mo < 1 || mo > 12 || d < 1 || d > 31) continue;
      found.push({ iso: `${y}-${pad2(mo)}-${pad2(d)}`, index: m.index, end: m.index + m[0].length });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

export type DateValue = { kind: 'date'; iso: string } | { kind: 'open' } | { kind: 'invalid' };

/** A whole value read as a date: exactly one date and nothing else of substance, or an open end. */
export function parseDateValue(raw: string): DateValue {
  const compact = raw.normalize('NFKC').replace(/\s+/g, '');
  if (OPEN_ENDED_WORDS.test(compact)) return { kind: 'open' };
  const found = findDates(compact);
  if (found.length !== 1) return { kind: 'invalid' };
  const rest = compact.slice(0, found[0]!.index) + compact.slice(found[0]!.end);
  if (rest !== '' || !isValidDate(found[0]!.iso)) return { kind: 'invalid' };
  return { kind: 'date', iso: found[0]!.iso };
}

/** A date value as a sortable day: an open end sorts after every real day. */
export function dateSortKey(v: DateValue & { kind: 'date' | 'open' }): string {
  return v.kind === 'open' ? '9999-12-31' : v.iso;
}

function addMonths(date: string, months: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const ny = y + Math.floor(m / 12);
  const nm = ((m % 12) + 12) % 12;
  let day = Number(date.slice(8, 10));
  while (!isValidDate(`${ny}-${pad2(nm + 1)}-${pad2(day)}`)) day--;
  return `${ny}-${pad2(nm + 1)}-${pad2(day)}`;
}

/** The day a bound stands for on `today`. */
export function resolveDateBound(bound: DateBound, today: string): string {
  if ('date' in bound) return bound.date;
  switch (bound.unit ?? 'day') {
    case 'day':
      return addCalendarDays(today, bound.today);
    case 'month':
      return addMonths(today, bound.today);
    case 'year':
      return addMonths(today, bound.today * 12);
  }
}
