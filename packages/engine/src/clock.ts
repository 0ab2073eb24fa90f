/**
 * The case clock (办理时限): how much of a matter's legal time limit a case has used, when it is
 * due, and whether it is green, yellow or red — computed from facts only (acceptance instant,
 * pauses, "now"), with no clock of its own.
 *
 * National rules:
 *   - counting starts the day after acceptance (次日起算);
 *   - limits are in working days (`working`) or calendar days (`calendar`, e.g. EIA by law);
 *   - a calendar-day limit whose last day is not a working day ends on the next working day
 *     (期间届满的最后一日是法定节假日的，以节假日后的第一日为期间届满的日期);
 *   - supplement periods and special procedures do not count (补正、特别程序时间不计入办理时限):
 *     they are pauses, and the days they cover are added back to the limit.
 *
 * Paused units are the SET of dates D (working days for `working`, every day for `calendar`) with
 * localDate(pause.from) < D ≤ localDate(pause.to ?? now) for some pause, and startDate < D ≤ today:
 * overlapping pauses never count a day twice, a pause begun and ended the same day excludes
 * nothing, and the day a pause begins still counts (the day it ends does not).
 */
import { addCalendarDays, daysBetween, localDate, type WorkingCalendar } from './calendar.ts';

export interface ClockPause {
  /** ISO instant the pause began. */
  from: string;
  /** ISO instant it ended; null = still paused. */
  to: string | null;
}

export type LimitKind = 'working' | 'calendar';
export type ClockLevel = 'green' | 'yellow' | 'red';

export interface ClockInput {
  /** ISO instant the clock started (acceptance, 受理). */
  startedAt: string;
  /** ≥ 0. */
  limitDays: number;
  limitKind: LimitKind;
  pauses: ClockPause[];
  /** Yellow threshold, in working days before the due date (≥ 0). */
  warnDays: number;
  /** ISO instant "now" (injected). */
  asOf: string;
  /** Default 'Asia/Shanghai'. */
  timeZone?: string;
  /** When the case concluded: the clock reads as of this instant and its level is final. */
  stoppedAt?: string | null;
}

export interface ClockReading {
  /** Echoed from the input, so a reading can be described on its own. */
  limitKind: LimitKind;
  limitDays: number;
  /** Local date of startedAt. */
  startDate: string;
  /** Local date the reading is taken on (of stoppedAt when concluded, else of asOf). */
  asOfDate: string;
  /** Last local date to conclude; while paused, computed as if resuming today. */
  dueDate: string;
  /** First local date the reading is yellow (dueDate minus warnDays working days). */
  warnDate: string;
  /** Counted units in (startDate, asOfDate] minus paused units. */
  daysUsed: number;
  /** limitDays - daysUsed (negative when overdue). */
  daysLeft: number;
  /** Units excluded so far. */
  pausedDays: number;
  /** An open pause (and the case not concluded). */
  paused: boolean;
  /** stoppedAt was given: the level is final. */
  concluded: boolean;
  level: ClockLevel;
  /** Some year between startDate and dueDate has no official calendar data: the due date may move. */
  provisional: boolean;
  provisionalYears: number[];
}

function checkCount(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be an integer ≥ 0, got ${n}`);
}

function instantMs(name: string, s: string): number {
  const t = typeof s === 'string' ? Date.parse(s) : NaN;
  if (Number.isNaN(t)) throw new RangeError(`${name} is not a valid instant: ${JSON.stringify(s)}`);
  return t;
}

/** Reads the clock of one case. Throws RangeError on malformed input. */
export function readClock(calendar: WorkingCalendar, input: ClockInput): ClockReading {
  const { limitDays, limitKind, warnDays } = input;
  checkCount('limitDays', limitDays);
  checkCount('warnDays', warnDays);
  if (limitKind !== 'working' && limitKind !== 'calendar') throw new RangeError(`unknown limitKind ${JSON.stringify(limitKind)}`);
  const tz = input.timeZone ?? 'Asia/Shanghai';
  const concluded = input.stoppedAt !== undefined && input.stoppedAt !== null;
  const now = concluded ? input.stoppedAt! : input.asOf;
  instantMs(concluded ? 'stoppedAt' : 'asOf', now);
  instantMs('startedAt', input.startedAt);

  const startDate = localDate(input.startedAt, tz);
  const asOfDate = localDate(now, tz);
  const working = limitKind === 'working';

  // Paused units: the union of the intervals (lo, hi], merged so that overlaps count once.
  const intervals: Array<[string, string]> = [];
  for (const [i, p] of input.pauses.entries()) {
    const fromMs = instantMs(`pauses[${i}].from`, p.from);
    if (p.to !== null && instantMs(`pauses[${i}].to`, p.to) < fromMs) throw new RangeError(`pauses[${i}] ends before it begins`);
    const from = localDate(p.from, tz);
    const lo = from > startDate ? from : startDate; // exclusive: the clock only runs after startDate
    const end = localDate(p.to ?? now, tz);
    const hi = end < asOfDate ? end : asOfDate; // inclusive: a pause cannot exclude days not yet lived
    if (hi > lo) intervals.push([lo, hi]);
  }
  intervals.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const units = (lo: string, hi: string) => (working ? calendar.countWorkingDays(lo, hi) : Math.max(0, daysBetween(lo, hi)));
  let pausedDays = 0;
  let cur: [string, string] | null = null;
  for (const iv of intervals) {
    if (cur && iv[0] <= cur[1]) {
      if (iv[1] > cur[1]) cur[1] = iv[1];
    } else {
      if (cur) pausedDays += units(cur[0], cur[1]);
      cur = [iv[0], iv[1]];
    }
  }
  if (cur) pausedDays += units(cur[0], cur[1]);

  const dueDate = working
    ? calendar.addWorkingDays(startDate, limitDays + pausedDays)
    : calendar.nextWorkday(addCalendarDays(startDate, limitDays + pausedDays));
  const warnDate = calendar.subtractWorkingDays(dueDate, warnDays);

  const lived = units(startDate, asOfDate);
  const daysUsed = lived - pausedDays;
  const daysLeft = limitDays - daysUsed;

  const level: ClockLevel = asOfDate > dueDate ? 'red' : concluded ? 'green' : asOfDate >= warnDate ? 'yellow' : 'green';
  const provisionalYears = calendar.unofficialYearsBetween(startDate, dueDate);

  return {
    limitKind,
    limitDays,
    startDate,
    asOfDate,
    dueDate,
    warnDate,
    daysUsed,
    daysLeft,
    pausedDays,
    paused: !concluded && input.pauses.some((p) => p.to === null),
    concluded,
    level,
    provisional: provisionalYears.length > 0,
    provisionalYears,
  };
}

/** One line for lists and tooltips, e.g. 「已用 5 个工作日，剩余 3 个工作日（暂停中）」. */
export function describeReading(r: ClockReading): { zh: string; en: string } {
  const working = r.limitKind === 'working';
  const zhUnit = (n: number) => `${n} ${working ? '个工作日' : '天'}`;
  const enUnit = (n: number) => `${n} ${working ? 'working' : 'calendar'} day${n === 1 ? '' : 's'}`;
  let zh = `已用 ${zhUnit(r.daysUsed)}，`;
  let en = `Used ${enUnit(r.daysUsed)}, `;
  if (r.level === 'red') {
    if (r.daysLeft < 0) {
      zh += `超期 ${zhUnit(-r.daysLeft)}`;
      en += `${enUnit(-r.daysLeft)} overdue`;
    } else {
      zh += `已过期限 ${r.dueDate}`;
      en += `past the deadline ${r.dueDate}`;
    }
  } else if (r.daysLeft < 0) {
    // A calendar-day limit whose last day fell on a holiday: the deadline moved forward.
    zh += `期限顺延至 ${r.dueDate}`;
    en += `deadline extended to ${r.dueDate}`;
  } else {
    zh += `剩余 ${zhUnit(r.daysLeft)}`;
    en += `${enUnit(r.daysLeft)} left`;
  }
  if (r.concluded) {
    zh += '（已办结）';
    en += ' (concluded)';
  } else if (r.paused) {
    zh += '（暂停中）';
    en += ' (paused)';
  }
  if (r.provisional) {
    zh += `（${r.provisionalYears.join('、')} 年节假日安排未公布，期限可能调整）`;
    en += ` (holidays for ${r.provisionalYears.join(', ')} not yet published; the deadline may move)`;
  }
  return { zh, en };
}
