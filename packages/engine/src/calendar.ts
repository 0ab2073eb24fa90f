/**
 * The working-day calendar (工作日历): which dates are working days under the State Council's
 * holiday notices, and working-day arithmetic on 'YYYY-MM-DD' strings.
 *
 * Sources, in order of precedence for a given year:
 *   1. an admin-entered OfficialYear (the notice for next year is published around November and
 *      is entered before the package ships it) — replaces the package for that whole year;
 *   2. the `chinese-days` package, for the years it has official data for;
 *   3. the plain rule Monday–Friday. Such a year is "unofficial": deadlines falling in it are
 *      provisional and may move once its notice is entered.
 *
 * Dates are handled as day numbers (days since 1970-01-01, UTC), never as local Date objects, so
 * no time zone or daylight-saving shift can move a date. Each year is looked up once and kept as a
 * table of working-day flags with prefix counts, so adding 30 working days is a short array walk.
 */
import chineseDays from 'chinese-days';

/** One year's notice: dates 'YYYY-MM-DD'. */
export interface OfficialYear {
  year: number;
  /** Days off: weekdays that become days off (listing weekend days as well is harmless). */
  holidays: string[];
  /** Make-up working days (调休上班): weekend days that become working days. */
  workdays: string[];
}

// ---------------------------------------------------------------------------------------------
// Day numbers

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MIN_YEAR = 1000;
const MAX_YEAR = 9999;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function dayFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month, day] of a day number (H. Hinnant's civil_from_days). */
function civilFromDay(n: number): [number, number, number] {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d];
}

function yearOfDay(n: number): number {
  return civilFromDay(n)[0];
}

/** Sunday = 0 … Saturday = 6. */
function weekdayOfDay(n: number): number {
  return (((n + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** Parses 'YYYY-MM-DD' into a day number; RangeError when it is not a real date. */
function parseDate(date: string): number {
  const m = typeof date === 'string' ? DATE_RE.exec(date) : null;
  if (!m) throw new RangeError(`invalid date ${JSON.stringify(date)}: expected YYYY-MM-DD`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < MIN_YEAR || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw new RangeError(`invalid date ${JSON.stringify(date)}`);
  return dayFromCivil(y, mo, d);
}

const pad2 = (x: number) => (x < 10 ? `0${x}` : String(x));

/** Formats a day number as 'YYYY-MM-DD'. */
function formatDate(n: number): string {
  const [y, m, d] = civilFromDay(n);
  if (y < MIN_YEAR || y > MAX_YEAR) throw new RangeError(`date out of range (year ${y})`);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/** Whether `date` is a real calendar day written 'YYYY-MM-DD' (2026-02-29 is not). */
export function isValidDate(date: string): boolean {
  try {
    parseDate(date);
    return true;
  } catch {
    return false;
  }
}

/** The date n calendar days after (n < 0: before) `date`. */
export function addCalendarDays(date: string, n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`day count must be an integer, got ${n}`);
  return formatDate(parseDate(date) + n);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return parseDate(to) - parseDate(from);
}

/** Sunday = 0 … Saturday = 6 of a 'YYYY-MM-DD' date. */
export function weekdayOf(date: string): number {
  return weekdayOfDay(parseDate(date));
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** 'YYYY-MM-DD' of an instant as seen in a time zone (default China Standard Time). */
export function localDate(instant: string | Date, timeZone = 'Asia/Shanghai'): string {
  const t = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(t.getTime())) throw new RangeError(`invalid instant ${JSON.stringify(instant)}`);
  let fmt = dateFormats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, fmt);
  }
  let y = '';
  let m = '';
  let d = '';
  for (const p of fmt.formatToParts(t)) {
    if (p.type === 'year') y = p.value;
    else if (p.type === 'month') m = p.value;
    else if (p.type === 'day') d = p.value;
  }
  return `${y}-${m}-${d}`;
}

// ---------------------------------------------------------------------------------------------
// Validation of an admin-entered year

const MAX_ENTRIES = 60;
const WEEKDAY_ZH = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

export type OfficialYearValidation = { ok: true; value: OfficialYear } | { ok: false; problems: Array<{ path: string; message: string }> };

/** Checks an admin-entered notice; messages are in Chinese, paths are JSON pointers ('/holidays/3'). */
export function validateOfficialYear(y: unknown): OfficialYearValidation {
  const problems: Array<{ path: string; message: string }> = [];
  if (typeof y !== 'object' || y === null || Array.isArray(y)) {
    return { ok: false, problems: [{ path: '', message: '应为对象，包含 year、holidays、workdays' }] };
  }
  const o = y as Record<string, unknown>;
  const year = o.year;
  const yearOk = typeof year === 'number' && Number.isInteger(year) && year >= 2000 && year <= 2100;
  if (!yearOk) problems.push({ path: '/year', message: '年份应为 2000 至 2100 之间的整数' });

  const lists: Record<'holidays' | 'workdays', string[]> = { holidays: [], workdays: [] };
  for (const key of ['holidays', 'workdays'] as const) {
    const label = key === 'holidays' ? '放假日期' : '调休上班日期';
    const list = o[key];
    if (!Array.isArray(list)) {
      problems.push({ path: `/${key}`, message: `${label}应为日期数组` });
      continue;
    }
    if (list.length > MAX_ENTRIES) problems.push({ path: `/${key}`, message: `${label}最多 ${MAX_ENTRIES} 个，实有 ${list.length} 个` });
    const seen = new Map<string, number>();
    list.forEach((item: unknown, i) => {
      const path = `/${key}/${i}`;
      if (typeof item !== 'string' || !isValidDate(item)) {
        problems.push({ path, message: `不是有效日期（应为 YYYY-MM-DD 格式）：${JSON.stringify(item)}` });
        return;
      }
      if (yearOk && Number(item.slice(0, 4)) !== year) problems.push({ path, message: `${item} 不在 ${year} 年内` });
      const first = seen.get(item);
      if (first !== undefined) problems.push({ path, message: `${item} 与第 ${first + 1} 项重复` });
      else seen.set(item, i);
      if (key === 'workdays') {
        const wd = weekdayOf(item);
        if (wd !== 0 && wd !== 6) problems.push({ path, message: `调休上班日应为周六或周日，${item} 是${WEEKDAY_ZH[wd]}` });
      }
      lists[key].push(item);
    });
  }
  const holidaySet = new Set(lists.holidays);
  if (Array.isArray(o.workdays)) {
    (o.workdays as unknown[]).forEach((item, i) => {
      if (typeof item === 'string' && holidaySet.has(item)) problems.push({ path: `/workdays/${i}`, message: `${item} 同时列在放假日期中` });
    });
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { year: year as number, holidays: lists.holidays, workdays: lists.workdays } };
}

// ---------------------------------------------------------------------------------------------
// The calendar

interface YearTable {
  /** Day number of 1 January. */
  start: number;
  /** 1 = working day, by day of year. */
  flags: Uint8Array;
  /** cum[i] = working days among the first i days of the year. */
  cum: Int32Array;
  official: boolean;
}

/** Package data per year, shared by all calendars (the package is static): flags, or null if it has no data. */
const packageYears = new Map<number, Uint8Array | null>();

function packageYear(year: number): Uint8Array | null {
  let flags = packageYears.get(year);
  if (flags !== undefined) return flags;
  flags = null;
  try {
    // The package knows a year when its data lists days off in it; for other years it silently
    // falls back to Monday–Friday, which we must not mistake for an official calendar.
    if (chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0) {
      const start = dayFromCivil(year, 1, 1);
      const length = isLeap(year) ? 366 : 365;
      flags = new Uint8Array(length);
      for (let i = 0; i < length; i++) flags[i] = chineseDays.isWorkday(formatDate(start + i)) ? 1 : 0;
    }
  } catch {
    flags = null;
  }
  packageYears.set(year, flags);
  return flags;
}

function plainFlags(year: number): Uint8Array {
  const start = dayFromCivil(year, 1, 1);
  const flags = new Uint8Array(isLeap(year) ? 366 : 365);
  for (let i = 0; i < flags.length; i++) {
    const wd = weekdayOfDay(start + i);
    flags[i] = wd >= 1 && wd <= 5 ? 1 : 0;
  }
  return flags;
}

const MAX_STEP = 100_000;

function checkCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_STEP) throw new RangeError(`working-day count must be an integer 0..${MAX_STEP}, got ${n}`);
}

export class WorkingCalendar {
  private readonly overrides = new Map<number, OfficialYear>();
  private readonly years = new Map<number, YearTable>();

  /** Admin-entered years replace the package's data for that whole year. RangeError if one is invalid or a year is given twice. */
  constructor(overrides: OfficialYear[] = []) {
    for (const o of overrides) {
      const v = validateOfficialYear(o);
      if (!v.ok) throw new RangeError(`invalid official year ${JSON.stringify((o as Partial<OfficialYear> | null)?.year)}: ${v.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
      if (this.overrides.has(v.value.year)) throw new RangeError(`official year ${v.value.year} given twice`);
      this.overrides.set(v.value.year, v.value);
    }
  }

  private table(year: number): YearTable {
    let t = this.years.get(year);
    if (t) return t;
    const start = dayFromCivil(year, 1, 1);
    let flags: Uint8Array;
    let official = true;
    const o = this.overrides.get(year);
    if (o) {
      flags = plainFlags(year);
      for (const d of o.holidays) flags[parseDate(d) - start] = 0;
      for (const d of o.workdays) flags[parseDate(d) - start] = 1;
    } else {
      const p = packageYear(year);
      if (p) flags = p;
      else {
        flags = plainFlags(year);
        official = false;
      }
    }
    const cum = new Int32Array(flags.length + 1);
    for (let i = 0; i < flags.length; i++) cum[i + 1] = cum[i]! + flags[i]!;
    t = { start, flags, cum, official };
    this.years.set(year, t);
    return t;
  }

  private isWorkdayNumber(n: number): boolean {
    const t = this.table(yearOfDay(n));
    return t.flags[n - t.start] === 1;
  }

  isWorkday(date: string): boolean {
    return this.isWorkdayNumber(parseDate(date));
  }

  /** Whether the year's working days are known from a notice (admin override or package data). */
  isOfficial(year: number): boolean {
    if (!Number.isInteger(year)) throw new RangeError(`invalid year ${year}`);
    return this.overrides.has(year) || packageYear(year) !== null;
  }

  /** The n-th working day strictly after `date` (n = 0: `date` itself). */
  addWorkingDays(date: string, n: number): string {
    checkCount(n);
    const day = parseDate(date);
    if (n === 0) return date;
    let t = this.table(yearOfDay(day));
    let i = day - t.start;
    let left = n;
    for (;;) {
      i++;
      if (i >= t.flags.length) {
        t = this.table(yearOfDay(t.start + i));
        i = 0;
      }
      if (t.flags[i] === 1 && --left === 0) return formatDate(t.start + i);
    }
  }

  /** The working day d with countWorkingDays(d, date) === n (n = 0: `date` itself). */
  subtractWorkingDays(date: string, n: number): string {
    checkCount(n);
    const day = parseDate(date);
    if (n === 0) return date;
    let t = this.table(yearOfDay(day));
    let i = day - t.start;
    let left = n;
    // Walk back over (d, date]: the n-th working day met going backwards is the first of the n,
    // and d is the working day before it.
    let found = false;
    for (;;) {
      if (t.flags[i] === 1) {
        if (found) return formatDate(t.start + i);
        if (--left === 0) found = true;
      }
      i--;
      if (i < 0) {
        t = this.table(yearOfDay(t.start - 1));
        i = t.flags.length - 1;
      }
    }
  }

  /** Working days in (fromExclusive, toInclusive]; 0 when to ≤ from. */
  countWorkingDays(fromExclusive: string, toInclusive: string): number {
    const a = parseDate(fromExclusive) + 1;
    const b = parseDate(toInclusive);
    if (b < a) return 0;
    let count = 0;
    let t = this.table(yearOfDay(a));
    let i = a - t.start;
    for (;;) {
      const end = t.start + t.flags.length - 1; // last day of this table's year
      if (b <= end) return count + t.cum[b - t.start + 1]! - t.cum[i]!;
      count += t.cum[t.flags.length]! - t.cum[i]!;
      t = this.table(yearOfDay(end + 1));
      i = 0;
    }
  }

  /** `date` itself if it is a working day, else the next working day. */
  nextWorkday(date: string): string {
    const day = parseDate(date);
    if (this.isWorkdayNumber(day)) return date;
    return this.addWorkingDays(date, 1);
  }

  /** Years in [from, to] without official data (the plain Monday–Friday rule applies to them). */
  unofficialYearsBetween(from: string, to: string): number[] {
    const a = yearOfDay(parseDate(from));
    const b = yearOfDay(parseDate(to));
    const out: number[] = [];
    for (let y = a; y <= b; y++) if (!this.isOfficial(y)) out.push(y);
    return out;
  }
}
