import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { addCalendarDays, daysBetween, localDate, validateOfficialYear, weekdayOf, WorkingCalendar, type OfficialYear } from '../src/calendar.ts';

/**
 * 2026 per the State Council notice, as shipped in chinese-days 1.5.7 (checked against the package):
 *   days off on weekdays: 01-01 Thu, 01-02 Fri; 02-16…02-20 Mon–Fri, 02-23 Mon (Spring Festival 02-15…02-23);
 *     04-06 Mon; 05-01 Fri, 05-04 Mon, 05-05 Tue; 06-19 Fri; 09-25 Fri (Mid-Autumn 09-25…09-27);
 *     10-01 Thu, 10-02 Fri, 10-05 Mon…10-07 Wed (National Day 10-01…10-07)
 *   make-up working days: 01-04 Sun, 02-14 Sat, 02-28 Sat, 05-09 Sat, 09-20 Sun, 10-10 Sat
 */

/** TEST DATA, not the real notice: a plausible 2027 as an admin would enter it in November 2026. */
const notice2027: OfficialYear = {
  year: 2027,
  // New Year's Day (Fri); Spring Festival Fri 02-05 … Fri 02-12 (the real Lunar New Year is Sat 02-06).
  holidays: ['2027-01-01', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
  // Two make-up days for the borrowed weekdays: Sun 01-31 and Sat 02-20.
  workdays: ['2027-01-31', '2027-02-20'],
};

const cal = new WorkingCalendar();

describe('package data (chinese-days)', () => {
  it.each([
    ['2026-02-14', true], // Sat, make-up day before Spring Festival
    ['2026-02-28', true], // Sat, make-up day after Spring Festival
    ['2026-02-15', false], // Sun, first day of Spring Festival
    ['2026-02-16', false], // Mon, Spring Festival
    ['2026-02-23', false], // Mon, last day of Spring Festival
    ['2026-02-24', true], // Tue, back to work
    ['2026-09-20', true], // Sun, make-up day for National Day
    ['2026-09-25', false], // Fri, Mid-Autumn Festival
    ['2026-10-01', false], // Thu, National Day
    ['2026-10-07', false], // Wed, last day of National Day
    ['2026-10-08', true], // Thu
    ['2026-10-10', true], // Sat, make-up day for National Day
    ['2026-10-11', false], // Sun
    ['2025-10-08', false], // Wed, National Day + Mid-Autumn 2025
    ['2025-10-11', true], // Sat, make-up day 2025
    ['2027-01-01', true], // Fri: no 2027 data, plain Mon–Fri rule (really a holiday once the notice is out)
    ['2027-01-02', false], // Sat
  ])('%s is a workday: %s', (date, expected) => {
    expect(cal.isWorkday(date)).toBe(expected);
  });

  it('knows which years are official from the package data, not from a list of years', () => {
    expect(cal.isOfficial(2025)).toBe(true);
    expect(cal.isOfficial(2026)).toBe(true);
    expect(cal.isOfficial(2004)).toBe(true); // the package's data starts in 2004
    expect(cal.isOfficial(2003)).toBe(false);
    expect(cal.isOfficial(2027)).toBe(false);
    expect(cal.unofficialYearsBetween('2026-11-01', '2028-01-01')).toEqual([2027, 2028]);
    expect(cal.unofficialYearsBetween('2025-01-01', '2026-12-31')).toEqual([]);
  });

  it('agrees with chinese-days on every day of 2025 and 2026', () => {
    for (let d = '2025-01-01'; d <= '2026-12-31'; d = addCalendarDays(d, 1)) {
      expect(cal.isWorkday(d), d).toBe(chineseDays.isWorkday(d));
    }
  });

  it('counts the working days of a whole year', () => {
    // 2026: 261 weekdays − 19 weekday holidays + 6 make-up days = 248
    expect(cal.countWorkingDays('2025-12-31', '2026-12-31')).toBe(248);
    // 2025: 261 weekdays − 18 weekday holidays + 5 make-up days = 248
    expect(cal.countWorkingDays('2024-12-31', '2025-12-31')).toBe(248);
    expect(cal.countWorkingDays('2024-12-31', '2026-12-31')).toBe(496);
    expect(cal.countWorkingDays('2025-12-31', '2026-12-31')).toBe(chineseDays.getWorkdaysInRange('2026-01-01', '2026-12-31', true).length);
  });
});

describe('working-day arithmetic', () => {
  it('adds 10 working days across Spring Festival 2026', () => {
    // accepted Tue 02-10: 02-11(1) 12(2) 13(3) 14 Sat make-up(4) | 15–23 off | 24(5) 25(6) 26(7) 27(8)
    // 28 Sat make-up(9) | 03-01 Sun | 03-02 Mon(10)
    expect(cal.addWorkingDays('2026-02-10', 10)).toBe('2026-03-02');
    expect(cal.countWorkingDays('2026-02-10', '2026-03-02')).toBe(10);
  });

  it('counts from the day after acceptance on a holiday', () => {
    // accepted Tue 02-17 (Spring Festival): 24(1) 25(2) 26(3) 27(4) 28 Sat make-up(5)
    expect(cal.addWorkingDays('2026-02-17', 5)).toBe('2026-02-28');
  });

  it('counts from the day after acceptance on a make-up Saturday', () => {
    // accepted Sat 02-14 (make-up day): 15–23 off, 24(1) 25(2) 26(3)
    expect(cal.addWorkingDays('2026-02-14', 3)).toBe('2026-02-26');
  });

  it('adds 20 working days across National Day 2026', () => {
    // accepted Fri 09-25 (Mid-Autumn holiday): 26, 27 weekend | 28(1) 29(2) 30(3) | 10-01…07 off |
    // 08(4) 09(5) 10 Sat make-up(6) | 11 Sun | 12(7) 13(8) 14(9) 15(10) 16(11) | 19(12) 20(13) 21(14)
    // 22(15) 23(16) | 26(17) 27(18) 28(19) 29 Thu(20)
    expect(cal.addWorkingDays('2026-09-25', 20)).toBe('2026-10-29');
    expect(cal.countWorkingDays('2026-09-25', '2026-10-29')).toBe(20);
  });

  it('0 working days is the date itself, even a holiday', () => {
    expect(cal.addWorkingDays('2026-03-02', 0)).toBe('2026-03-02');
    expect(cal.addWorkingDays('2026-10-03', 0)).toBe('2026-10-03');
    expect(cal.subtractWorkingDays('2026-10-03', 0)).toBe('2026-10-03');
  });

  it('subtracts working days', () => {
    // count(d, 03-02] = 3 with d a working day: the three are 02-27, 02-28 (Sat make-up), 03-02 → d = 02-26
    expect(cal.subtractWorkingDays('2026-03-02', 3)).toBe('2026-02-26');
    // count(d, 02-24] = 1: the one is 02-24, the working day before it is 02-14 (Sat make-up)
    expect(cal.subtractWorkingDays('2026-02-24', 1)).toBe('2026-02-14');
    // from a holiday: count(d, 10-05] = 1: the one is 09-30, d = 09-29
    expect(cal.subtractWorkingDays('2026-10-05', 1)).toBe('2026-09-29');
    // across a year boundary: 2026-01-05 Mon(1), 01-04 Sun make-up(2), 01-01–03 off, 2025-12-31(3) → d = 12-30
    expect(cal.subtractWorkingDays('2026-01-05', 3)).toBe('2025-12-30');
  });

  it('add, subtract and count agree on every start date of 2025–2026', () => {
    for (let d = '2025-01-01'; d <= '2026-12-31'; d = addCalendarDays(d, 1)) {
      for (const n of [1, 2, 5, 10, 20, 30, 60]) {
        const later = cal.addWorkingDays(d, n);
        expect(cal.isWorkday(later)).toBe(true);
        expect(cal.countWorkingDays(d, later)).toBe(n);
        expect(cal.countWorkingDays(d, addCalendarDays(later, -1))).toBe(n - 1);
        const earlier = cal.subtractWorkingDays(d, n);
        expect(cal.isWorkday(earlier)).toBe(true);
        expect(cal.countWorkingDays(earlier, d)).toBe(n);
      }
    }
  });

  it('countWorkingDays is 0 unless to is after from', () => {
    expect(cal.countWorkingDays('2026-03-02', '2026-03-02')).toBe(0);
    expect(cal.countWorkingDays('2026-03-03', '2026-03-02')).toBe(0);
    expect(cal.countWorkingDays('2026-03-02', '2026-03-03')).toBe(1);
  });

  it('nextWorkday', () => {
    expect(cal.nextWorkday('2026-03-02')).toBe('2026-03-02');
    expect(cal.nextWorkday('2026-10-01')).toBe('2026-10-08');
    expect(cal.nextWorkday('2026-02-15')).toBe('2026-02-24');
    expect(cal.nextWorkday('2026-02-28')).toBe('2026-02-28'); // make-up Saturday
    expect(cal.nextWorkday('2026-12-31')).toBe('2026-12-31');
  });

  it('refuses invalid dates and counts', () => {
    for (const bad of ['2026-02-29', '2026-2-3', '2026-13-01', '20260301', '', 'today', '2026-03-01T00:00:00Z']) {
      expect(() => cal.isWorkday(bad), bad).toThrow(RangeError);
    }
    expect(() => cal.addWorkingDays('2026-03-02', -1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2026-03-02', 1.5)).toThrow(RangeError);
    expect(() => cal.subtractWorkingDays('2026-03-02', Number.NaN)).toThrow(RangeError);
    expect(() => cal.countWorkingDays('2026-03-02', '2026-03-32')).toThrow(RangeError);
    expect(() => addCalendarDays('2026-03-02', 0.5)).toThrow(RangeError);
  });
});

describe('admin-entered years', () => {
  const withNotice = new WorkingCalendar([notice2027]);

  it('override the weekday rule for 2027', () => {
    expect(cal.isOfficial(2027)).toBe(false);
    expect(withNotice.isOfficial(2027)).toBe(true);
    expect(withNotice.isOfficial(2026)).toBe(true);
    expect(withNotice.unofficialYearsBetween('2026-01-01', '2028-12-31')).toEqual([2028]);
    expect([cal.isWorkday('2027-01-01'), withNotice.isWorkday('2027-01-01')]).toEqual([true, false]); // Fri
    expect([cal.isWorkday('2027-02-08'), withNotice.isWorkday('2027-02-08')]).toEqual([true, false]); // Mon
    expect([cal.isWorkday('2027-01-31'), withNotice.isWorkday('2027-01-31')]).toEqual([false, true]); // Sun make-up
    expect([cal.isWorkday('2027-02-20'), withNotice.isWorkday('2027-02-20')]).toEqual([false, true]); // Sat make-up
    expect(withNotice.isWorkday('2027-02-15')).toBe(true); // Mon after the festival
  });

  it('change working-day arithmetic', () => {
    // plain rule: from Thu 02-04: 05 Fri(1), 08 Mon(2), 09 Tue(3)
    expect(cal.addWorkingDays('2027-02-04', 3)).toBe('2027-02-09');
    // notice: 05–14 off, 15 Mon(1), 16(2), 17(3)
    expect(withNotice.addWorkingDays('2027-02-04', 3)).toBe('2027-02-17');
    // notice: from Thu 02-18: 19 Fri(1), 20 Sat make-up(2), 22 Mon(3)
    expect(withNotice.addWorkingDays('2027-02-18', 3)).toBe('2027-02-22');
    // 2026-12-31 Thu → 2027: plain 01-01 Fri(1); notice 01-01 off, 01-04 Mon(1)
    expect(cal.addWorkingDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(withNotice.addWorkingDays('2026-12-31', 1)).toBe('2027-01-04');
  });

  it('replace the package for the whole year they cover', () => {
    // An (absurd) override for 2026 listing nothing: plain Mon–Fri for 2026, so the Spring Festival is gone.
    const bare = new WorkingCalendar([{ year: 2026, holidays: [], workdays: [] }]);
    expect(bare.isWorkday('2026-02-16')).toBe(true);
    expect(bare.isWorkday('2026-02-14')).toBe(false);
    expect(bare.isWorkday('2025-10-08')).toBe(false); // 2025 still from the package
  });

  it('are validated by the constructor', () => {
    expect(() => new WorkingCalendar([{ year: 2027, holidays: ['2027-02-30'], workdays: [] }])).toThrow(RangeError);
    expect(() => new WorkingCalendar([notice2027, notice2027])).toThrow('given twice');
  });
});

describe('validateOfficialYear', () => {
  it('accepts a good notice', () => {
    const r = validateOfficialYear(notice2027);
    expect(r).toEqual({ ok: true, value: notice2027 });
    expect(validateOfficialYear({ year: 2027, holidays: [], workdays: [], note: 'extra keys are dropped' })).toEqual({
      ok: true,
      value: { year: 2027, holidays: [], workdays: [] },
    });
    // a weekend day listed as a holiday is harmless
    expect(validateOfficialYear({ year: 2027, holidays: ['2027-02-06'], workdays: [] }).ok).toBe(true);
  });

  const problems = (y: unknown) => {
    const r = validateOfficialYear(y);
    return r.ok ? [] : r.problems;
  };

  it.each<[string, unknown, Array<{ path: string; message: string }>]>([
    ['not an object', null, [{ path: '', message: expect.stringContaining('应为对象') }]],
    ['an array', [], [{ path: '', message: expect.stringContaining('应为对象') }]],
    ['year out of range', { year: 1999, holidays: [], workdays: [] }, [{ path: '/year', message: '年份应为 2000 至 2100 之间的整数' }]],
    ['year not an integer', { year: 2027.5, holidays: [], workdays: [] }, [{ path: '/year', message: expect.stringContaining('整数') }]],
    ['lists missing', { year: 2027 }, [{ path: '/holidays', message: '放假日期应为日期数组' }, { path: '/workdays', message: '调休上班日期应为日期数组' }]],
    ['invalid date', { year: 2027, holidays: ['2027-01-01', '2027-02-30'], workdays: [] }, [{ path: '/holidays/1', message: expect.stringContaining('不是有效日期') }]],
    ['not a string', { year: 2027, holidays: [20270101], workdays: [] }, [{ path: '/holidays/0', message: expect.stringContaining('不是有效日期') }]],
    ['date outside the year', { year: 2027, holidays: ['2026-12-31'], workdays: [] }, [{ path: '/holidays/0', message: '2026-12-31 不在 2027 年内' }]],
    ['duplicate', { year: 2027, holidays: ['2027-01-01', '2027-02-08', '2027-01-01'], workdays: [] }, [{ path: '/holidays/2', message: '2027-01-01 与第 1 项重复' }]],
    ['make-up day on a weekday', { year: 2027, holidays: [], workdays: ['2027-02-17'] }, [{ path: '/workdays/0', message: '调休上班日应为周六或周日，2027-02-17 是周三' }]],
    ['date in both lists', { year: 2027, holidays: ['2027-02-06'], workdays: ['2027-01-31', '2027-02-06'] }, [{ path: '/workdays/1', message: '2027-02-06 同时列在放假日期中' }]],
  ])('refuses %s', (_name, input, expected) => {
    expect(problems(input)).toEqual(expected);
  });

  it('refuses more than 60 entries', () => {
    const days = Array.from({ length: 61 }, (_, i) => addCalendarDays('2027-03-01', i));
    expect(problems({ year: 2027, holidays: days, workdays: [] })).toEqual([{ path: '/holidays', message: '放假日期最多 60 个，实有 61 个' }]);
  });
});

describe('date helpers', () => {
  it('localDate reads the date in the zone', () => {
    expect(localDate('2026-03-02T23:30:00+08:00')).toBe('2026-03-02');
    expect(localDate('2026-03-02T16:30:00Z')).toBe('2026-03-03'); // 00:30 on 03-03 in Shanghai
    expect(localDate('2026-03-02T16:30:00Z', 'UTC')).toBe('2026-03-02');
    expect(localDate(new Date('2026-03-02T15:59:59.999Z'))).toBe('2026-03-02');
    expect(localDate(new Date('2026-03-02T16:00:00Z'))).toBe('2026-03-03');
    expect(() => localDate('yesterday')).toThrow(RangeError);
    expect(() => localDate('2026-03-02T16:30:00Z', 'Mars/Olympus')).toThrow(RangeError);
  });

  it('addCalendarDays, daysBetween and weekdayOf', () => {
    expect(addCalendarDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addCalendarDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(addCalendarDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addCalendarDays('2026-09-20', 15)).toBe('2026-10-05');
    expect(daysBetween('2026-02-10', '2026-03-02')).toBe(20);
    expect(daysBetween('2026-03-02', '2026-02-10')).toBe(-20);
    expect(weekdayOf('2026-02-14')).toBe(6);
    expect(weekdayOf('2026-09-20')).toBe(0);
    expect(weekdayOf('1970-01-01')).toBe(4);
  });
});
