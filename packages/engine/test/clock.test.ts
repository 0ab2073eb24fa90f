import { describe, expect, it } from 'vitest';
import { WorkingCalendar, type OfficialYear } from '../src/calendar.ts';
import { describeReading, readClock, type ClockInput } from '../src/clock.ts';

// Calendar facts used below (2026, chinese-days; see calendar.test.ts):
//   Spring Festival 02-15…02-23 off, make-up Sat 02-14 and Sat 02-28;
//   Mid-Autumn Fri 09-25 off; National Day 10-01…10-07 off, make-up Sun 09-20 and Sat 10-10.
//   March 2026: Sun 03-01, Mon 03-02, Fri 03-06, Mon 03-09, Fri 03-13, Mon 03-16, Fri 03-20, Mon 03-23.

const cal = new WorkingCalendar();

/** Instants in China Standard Time, so the local date is plain to see. */
const at = (date: string, time = '09:00') => `${date}T${time}:00+08:00`;

const clock = (over: Partial<ClockInput>, calendar = cal) =>
  readClock(calendar, {
    startedAt: at('2026-03-02'),
    limitDays: 10,
    limitKind: 'working',
    pauses: [],
    warnDays: 3,
    asOf: at('2026-03-02', '10:00'),
    ...over,
  });

describe('working-day limits', () => {
  it('10 working days across Spring Festival', () => {
    // accepted Tue 02-10: 11(1) 12(2) 13(3) 14 Sat make-up(4) | 15–23 off | 24(5) 25(6) 26(7) 27(8) 28 Sat make-up(9) | 03-02(10)
    const r = clock({ startedAt: at('2026-02-10', '15:20'), asOf: at('2026-02-25') });
    expect(r).toMatchObject({ startDate: '2026-02-10', dueDate: '2026-03-02', pausedDays: 0, paused: false, provisional: false, provisionalYears: [] });
    // used by Wed 02-25: 11, 12, 13, 14, 24, 25 = 6
    expect(r).toMatchObject({ daysUsed: 6, daysLeft: 4 });
    // warn: count(d, 03-02] = 3 → 27, 28, 03-02 → d = 02-26
    expect(r.warnDate).toBe('2026-02-26');
    expect(r.level).toBe('green');
  });

  it('accepted on a holiday: counting starts on the first working day after it', () => {
    // accepted Tue 02-17 (festival): 24(1) 25(2) 26(3) 27(4) 28 Sat make-up(5)
    const r = clock({ startedAt: at('2026-02-17'), limitDays: 5, asOf: at('2026-02-20') });
    expect(r).toMatchObject({ startDate: '2026-02-17', dueDate: '2026-02-28', daysUsed: 0, daysLeft: 5 });
  });

  it('accepted on a make-up Saturday', () => {
    // accepted Sat 02-14: 15–23 off, 24(1) 25(2) 26(3)
    const r = clock({ startedAt: at('2026-02-14'), limitDays: 3, warnDays: 1, asOf: at('2026-02-24') });
    expect(r).toMatchObject({ dueDate: '2026-02-26', warnDate: '2026-02-25', daysUsed: 1, daysLeft: 2, level: 'green' });
  });

  it('20 working days across National Day', () => {
    // accepted Fri 09-25 (Mid-Autumn): 28(1) 29(2) 30(3) | 10-01…07 off | 08(4) 09(5) 10 Sat make-up(6) | 12(7)…16(11) |
    // 19(12)…23(16) | 26(17) 27(18) 28(19) 29 Thu(20)
    const r = clock({ startedAt: at('2026-09-25'), limitDays: 20, asOf: at('2026-10-10') });
    expect(r.dueDate).toBe('2026-10-29');
    // used by Sat 10-10: 28, 29, 30, 08, 09, 10 = 6
    expect(r).toMatchObject({ daysUsed: 6, daysLeft: 14, level: 'green' });
    // warn: count(d, 10-29] = 3 → 27, 28, 29 → d = 10-26
    expect(r.warnDate).toBe('2026-10-26');
  });

  it('0-day limit is due the day of acceptance', () => {
    const r = clock({ limitDays: 0, warnDays: 0 });
    expect(r).toMatchObject({ dueDate: '2026-03-02', warnDate: '2026-03-02', daysUsed: 0, daysLeft: 0, level: 'yellow' });
    expect(clock({ limitDays: 0, asOf: at('2026-03-03') })).toMatchObject({ daysUsed: 1, daysLeft: -1, level: 'red' });
  });
});

describe('calendar-day limits', () => {
  it('ending inside National Day moves to the first working day after it', () => {
    // accepted Sun 09-20: day 1 = 09-21 … day 10 = 09-30, day 15 = Mon 10-05 (holiday) → 10-08 Thu
    const r = clock({ startedAt: at('2026-09-20'), limitDays: 15, limitKind: 'calendar', asOf: at('2026-10-06') });
    expect(r.dueDate).toBe('2026-10-08');
    // by 10-06: 16 days used, 1 over the 15 — but the deadline moved, so it is not overdue
    expect(r).toMatchObject({ daysUsed: 16, daysLeft: -1, level: 'yellow' });
    expect(describeReading(r).zh).toBe('已用 16 天，期限顺延至 2026-10-08');
    expect(clock({ startedAt: at('2026-09-20'), limitDays: 15, limitKind: 'calendar', asOf: at('2026-10-09') }).level).toBe('red');
  });

  it('ending on a plain Sunday moves to Monday, ending on a make-up Saturday does not move', () => {
    // 03-02 + 6 = Sun 03-08 → Mon 03-09
    expect(clock({ limitDays: 6, limitKind: 'calendar' }).dueDate).toBe('2026-03-09');
    // 10-03 + 7 = Sat 10-10, a make-up working day
    expect(clock({ startedAt: at('2026-10-03'), limitDays: 7, limitKind: 'calendar' }).dueDate).toBe('2026-10-10');
  });

  it('pauses exclude every day', () => {
    // pause (03-04, 03-06] = 05, 06 → 2 days; 03-02 + 12 = Sat 03-14 → Mon 03-16
    const r = clock({
      limitKind: 'calendar',
      pauses: [{ from: at('2026-03-04'), to: at('2026-03-06', '17:00') }],
      asOf: at('2026-03-10'),
    });
    // used: 8 days in (03-02, 03-10] minus 2 paused = 6
    expect(r).toMatchObject({ pausedDays: 2, dueDate: '2026-03-16', daysUsed: 6, daysLeft: 4 });
  });
});

describe('pauses (补正、特别程序不计入)', () => {
  // Without pauses: accepted Mon 03-02, 10 working days: 03(1)…06(4), 09(5)…13(9), Mon 03-16(10).
  it('baseline', () => {
    expect(clock({}).dueDate).toBe('2026-03-16');
  });

  it('a supplement of 3 working days over a weekend extends the due date by exactly 3 working days', () => {
    // paused (Thu 03-05, Tue 03-10] = Fri 06, Sat 07, Sun 08, Mon 09, Tue 10 → working: 06, 09, 10 = 3
    // due = 13 working days: …16(10), 17(11), 18(12), Thu 03-19(13)
    const r = clock({ pauses: [{ from: at('2026-03-05', '10:00'), to: at('2026-03-10', '15:00') }], asOf: at('2026-03-12') });
    expect(r).toMatchObject({ pausedDays: 3, dueDate: '2026-03-19', paused: false });
    // used: (03-02, 03-12] = 03 04 05 06 09 10 11 12 = 8, minus 3 paused = 5
    expect(r).toMatchObject({ daysUsed: 5, daysLeft: 5 });
  });

  it('overlapping pauses count each day once', () => {
    // A: (03-05, 03-10] = 06, 09, 10; B: (03-09, 03-11] = 10, 11; union = 06, 09, 10, 11 = 4 (not 5)
    // due = 14 working days: …19(13), Fri 03-20(14)
    const r = clock({
      pauses: [
        { from: at('2026-03-05', '10:00'), to: at('2026-03-10', '15:00') },
        { from: at('2026-03-09', '08:00'), to: at('2026-03-11', '17:00') },
      ],
      asOf: at('2026-03-12'),
    });
    expect(r).toMatchObject({ pausedDays: 4, dueDate: '2026-03-20', daysUsed: 4 });
    // a pause contained in another adds nothing; adjacent pauses join up
    const contained = clock({
      pauses: [
        { from: at('2026-03-05'), to: at('2026-03-11') },
        { from: at('2026-03-09'), to: at('2026-03-10') },
      ],
      asOf: at('2026-03-12'),
    });
    expect(contained.pausedDays).toBe(4);
    const adjacent = clock({
      pauses: [
        { from: at('2026-03-09'), to: at('2026-03-11') }, // 10, 11
        { from: at('2026-03-05'), to: at('2026-03-09') }, // 06, 09
      ],
      asOf: at('2026-03-12'),
    });
    expect(adjacent.pausedDays).toBe(4);
  });

  it('a pause begun and ended the same day excludes nothing', () => {
    const r = clock({ pauses: [{ from: at('2026-03-05', '09:00'), to: at('2026-03-05', '16:00') }], asOf: at('2026-03-12') });
    expect(r).toMatchObject({ pausedDays: 0, dueDate: '2026-03-16', daysUsed: 8 });
  });

  it('an open pause: paused, and the due date moves with asOf', () => {
    const pauses = [{ from: at('2026-03-05', '10:00'), to: null }];
    // by Tue 03-10: paused 06, 09, 10 = 3 → due 03-19 (as above)
    const a = clock({ pauses, asOf: at('2026-03-10', '12:00') });
    expect(a).toMatchObject({ paused: true, pausedDays: 3, dueDate: '2026-03-19', daysUsed: 3, daysLeft: 7 });
    // by Thu 03-12: paused 06, 09, 10, 11, 12 = 5 → due = 15 working days: …20(14), Mon 03-23(15)
    const b = clock({ pauses, asOf: at('2026-03-12', '12:00') });
    expect(b).toMatchObject({ paused: true, pausedDays: 5, dueDate: '2026-03-23', daysUsed: 3, daysLeft: 7 });
    expect(describeReading(b).zh).toBe('已用 3 个工作日，剩余 7 个工作日（暂停中）');
    expect(describeReading(b).en).toBe('Used 3 working days, 7 working days left (paused)');
  });

  it('a pause spanning Spring Festival counts only working days', () => {
    // accepted Tue 02-10; pause (02-12, 02-25] = 13, 14 Sat make-up, [15–23 off], 24, 25 → 4 working days (14 calendar days)
    // due = 14 working days: 11(1) 12(2) 13(3) 14(4) 24(5) 25(6) 26(7) 27(8) 28(9) 03-02(10) 03(11) 04(12) 05(13) Fri 03-06(14)
    const r = clock({
      startedAt: at('2026-02-10'),
      pauses: [{ from: at('2026-02-12', '10:00'), to: at('2026-02-25', '10:00') }],
      asOf: at('2026-02-26'),
    });
    expect(r).toMatchObject({ pausedDays: 4, dueDate: '2026-03-06' });
    // used: 11, 12, 26 = 3 (13, 14, 24, 25 paused)
    expect(r).toMatchObject({ daysUsed: 3, daysLeft: 7 });
  });

  it('days before acceptance or after asOf are never paused', () => {
    const r = clock({ pauses: [{ from: at('2026-02-20'), to: at('2026-03-20') }], asOf: at('2026-03-04') });
    // only (03-02, 03-04] = 03, 04
    expect(r).toMatchObject({ pausedDays: 2, daysUsed: 0, daysLeft: 10 });
  });
});

describe('levels', () => {
  // due Mon 03-16; warnDays 3: count(d, 03-16] = 3 → 12, 13, 16 → warnDate Wed 03-11
  it.each([
    ['2026-03-10', '18:00', 'green', 6], // used 03 04 05 06 09 10
    ['2026-03-11', '08:00', 'yellow', 7],
    ['2026-03-14', '12:00', 'yellow', 9], // Saturday
    ['2026-03-16', '17:59', 'yellow', 10], // the due date itself
    ['2026-03-17', '00:01', 'red', 11],
  ])('on %s %s the clock is %s', (date, time, level, used) => {
    const r = clock({ asOf: at(date, time) });
    expect(r).toMatchObject({ dueDate: '2026-03-16', warnDate: '2026-03-11', level, daysUsed: used, daysLeft: 10 - used });
  });

  it('red the day after the due date even when it is a weekend', () => {
    // due Fri 03-20 with 14 working days; Sat 03-21 is red with 0 days left
    const r = clock({ limitDays: 14, asOf: at('2026-03-21') });
    expect(r).toMatchObject({ dueDate: '2026-03-20', level: 'red', daysUsed: 14, daysLeft: 0 });
    expect(describeReading(r).zh).toBe('已用 14 个工作日，已过期限 2026-03-20');
  });

  it('a concluded clock is final: red only if it concluded after the due date', () => {
    const onTime = clock({ stoppedAt: at('2026-03-16', '16:00'), asOf: at('2026-04-30') });
    expect(onTime).toMatchObject({ concluded: true, level: 'green', daysUsed: 10, daysLeft: 0, asOfDate: '2026-03-16' });
    expect(describeReading(onTime).zh).toBe('已用 10 个工作日，剩余 0 个工作日（已办结）');
    const inWarning = clock({ stoppedAt: at('2026-03-12'), asOf: at('2026-04-30') });
    expect(inWarning).toMatchObject({ level: 'green', daysUsed: 8 });
    const late = clock({ stoppedAt: at('2026-03-18'), asOf: at('2026-04-30') });
    expect(late).toMatchObject({ level: 'red', daysUsed: 12, daysLeft: -2 });
    expect(describeReading(late)).toEqual({ zh: '已用 12 个工作日，超期 2 个工作日（已办结）', en: 'Used 12 working days, 2 working days overdue (concluded)' });
    // an open pause at conclusion is not "paused"
    const stoppedWhilePaused = clock({ pauses: [{ from: at('2026-03-05'), to: null }], stoppedAt: at('2026-03-10'), asOf: at('2026-04-30') });
    expect(stoppedWhilePaused).toMatchObject({ paused: false, pausedDays: 3, concluded: true });
  });
});

describe('years without an official calendar', () => {
  /** TEST DATA, not the real notice: 2027-01-01 off (see calendar.test.ts). */
  const notice2027: OfficialYear = {
    year: 2027,
    holidays: ['2027-01-01', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
    workdays: ['2027-01-31', '2027-02-20'],
  };

  it('a due date in 2027 is provisional until the notice is entered', () => {
    // accepted Mon 2026-12-21: 22(1) 23(2) 24(3) 25(4) 28(5) 29(6) 30(7) 31(8);
    // plain rule: 2027-01-01 Fri(9), Mon 01-04(10); with the notice 01-01 is off: 04(9), Tue 01-05(10)
    const input = { startedAt: at('2026-12-21'), asOf: at('2026-12-28') };
    const without = clock(input);
    expect(without).toMatchObject({ dueDate: '2027-01-04', provisional: true, provisionalYears: [2027] });
    expect(describeReading(without).zh).toBe('已用 5 个工作日，剩余 5 个工作日（2027 年节假日安排未公布，期限可能调整）');
    const withNotice = clock(input, new WorkingCalendar([notice2027]));
    expect(withNotice).toMatchObject({ dueDate: '2027-01-05', provisional: false, provisionalYears: [] });
  });

  it('a due date inside 2026 is not provisional', () => {
    expect(clock({ startedAt: at('2026-12-01') })).toMatchObject({ dueDate: '2026-12-15', provisional: false });
  });
});

describe('time zone', () => {
  it('the local date of acceptance decides where counting starts', () => {
    const late = clock({ startedAt: '2026-03-02T23:30:00+08:00', limitDays: 1, asOf: '2026-03-03T09:00:00+08:00' });
    const afterMidnight = clock({ startedAt: '2026-03-02T16:30:00Z', limitDays: 1, asOf: '2026-03-03T09:00:00+08:00' }); // 00:30 on 03-03 in Shanghai
    expect(late).toMatchObject({ startDate: '2026-03-02', dueDate: '2026-03-03', daysUsed: 1 });
    expect(afterMidnight).toMatchObject({ startDate: '2026-03-03', dueDate: '2026-03-04', daysUsed: 0 });
    // the same instant read in UTC
    expect(clock({ startedAt: '2026-03-02T16:30:00Z', limitDays: 1, asOf: '2026-03-03T09:00:00Z', timeZone: 'UTC' }).startDate).toBe('2026-03-02');
  });
});

describe('input checks', () => {
  it.each<[string, Partial<ClockInput>]>([
    ['negative limit', { limitDays: -1 }],
    ['fractional limit', { limitDays: 2.5 }],
    ['negative warnDays', { warnDays: -1 }],
    ['bad kind', { limitKind: 'lunar' as 'working' }],
    ['bad startedAt', { startedAt: 'soon' }],
    ['bad asOf', { asOf: '' }],
    ['pause ending before it begins', { pauses: [{ from: at('2026-03-05'), to: at('2026-03-04') }] }],
    ['bad pause instant', { pauses: [{ from: 'x', to: null }] }],
  ])('refuses %s', (_name, over) => {
    expect(() => clock(over)).toThrow(RangeError);
  });
});
