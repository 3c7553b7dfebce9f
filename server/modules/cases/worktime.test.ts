import { describe, expect, it } from 'vitest';
import { addWorkingTime, fromLocal, isWorkingDay, parsePeriods, toLocal, warnAt, type WorkCalendar } from './worktime.ts';

// the 2026 arrangement around 中秋 and 国庆 as the State Council published it
const cal: WorkCalendar = {
  timeZone: 'Asia/Shanghai',
  periods: parsePeriods([['08:30', '12:00'], ['13:30', '17:30']]),
  days: new Map<string, 'holiday' | 'workday'>([
    ['2026-09-20', 'workday'],
    ['2026-09-25', 'holiday'], ['2026-09-26', 'holiday'], ['2026-09-27', 'holiday'],
    ...['01', '02', '03', '04', '05', '06', '07'].map((d) => [`2026-10-${d}`, 'holiday'] as [string, 'holiday']),
    ['2026-10-10', 'workday'],
  ]),
};
const at = (s: string) => new Date(s);
const iso = (d: Date) => {
  const l = toLocal(d, 'Asia/Shanghai');
  const m = Math.round(l.minutes);
  return `${l.date} ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

describe('working days', () => {
  it('knows weekends, holidays and make-up Saturdays/Sundays', () => {
    expect(isWorkingDay('2026-09-18', cal)).toBe(true); // Friday
    expect(isWorkingDay('2026-09-19', cal)).toBe(false); // Saturday
    expect(isWorkingDay('2026-09-20', cal)).toBe(true); // Sunday, make-up day
    expect(isWorkingDay('2026-09-25', cal)).toBe(false); // Friday, 中秋
    expect(isWorkingDay('2026-10-10', cal)).toBe(true); // Saturday, make-up day
    expect(isWorkingDay('2026-10-11', cal)).toBe(false);
  });
});

describe('addWorkingTime', () => {
  it('continuous urgent hours and calendar days ignore the calendar', () => {
    expect(iso(addWorkingTime(at('2026-09-25T23:00:00+08:00'), 'urgent_hours', 2, cal))).toBe('2026-09-26 01:00');
    expect(iso(addWorkingTime(at('2026-09-24T10:00:00+08:00'), 'calendar_days', 3, cal))).toBe('2026-09-27 10:00');
    expect(iso(addWorkingTime(at('2026-09-24T10:00:00+08:00'), 'urgent_hours', 0.5, cal))).toBe('2026-09-24 10:30');
  });

  it('working days skip a holiday weekend', () => {
    // Thursday 16:00 + 3 working days: Fri–Sun is 中秋, so Mon, Tue, Wed
    expect(iso(addWorkingTime(at('2026-09-24T16:00:00+08:00'), 'work_days', 3, cal))).toBe('2026-09-30 16:00');
    // Wednesday 30 Sep + 1 working day: the National Day week, then Thursday 8 Oct
    expect(iso(addWorkingTime(at('2026-09-30T09:00:00+08:00'), 'work_days', 1, cal))).toBe('2026-10-08 09:00');
  });

  it('a make-up Saturday is a working day', () => {
    expect(iso(addWorkingTime(at('2026-10-09T10:00:00+08:00'), 'work_days', 1, cal))).toBe('2026-10-10 10:00');
    expect(iso(addWorkingTime(at('2026-10-09T10:00:00+08:00'), 'work_days', 2, cal))).toBe('2026-10-12 10:00');
    // Friday 17:00 + 2 working hours: half an hour on Friday, 1.5 hours on the make-up Saturday
    expect(iso(addWorkingTime(at('2026-10-09T17:00:00+08:00'), 'work_hours', 2, cal))).toBe('2026-10-10 10:00');
    // the make-up Sunday before 中秋
    expect(iso(addWorkingTime(at('2026-09-19T10:00:00+08:00'), 'work_hours', 1, cal))).toBe('2026-09-20 09:30');
  });

  it('working hours skip lunch, nights, weekends and holidays', () => {
    expect(iso(addWorkingTime(at('2026-09-21T11:30:00+08:00'), 'work_hours', 1, cal))).toBe('2026-09-21 14:00');
    expect(iso(addWorkingTime(at('2026-09-24T17:00:00+08:00'), 'work_hours', 2, cal))).toBe('2026-09-28 10:00');
    // exactly up to the end of a period stays in that period
    expect(iso(addWorkingTime(at('2026-09-21T16:30:00+08:00'), 'work_hours', 1, cal))).toBe('2026-09-21 17:30');
    // 7.5 working hours = one full day
    expect(iso(addWorkingTime(at('2026-09-21T08:30:00+08:00'), 'work_hours', 7.5, cal))).toBe('2026-09-21 17:30');
  });

  it('starts outside working time count from the next working moment', () => {
    // Saturday evening (not a make-up day) + 2 working hours → Monday 10:30
    expect(iso(addWorkingTime(at('2026-09-12T20:00:00+08:00'), 'work_hours', 2, cal))).toBe('2026-09-14 10:30');
    // lunch break + 1 working day → the next day at 13:30
    expect(iso(addWorkingTime(at('2026-09-21T12:30:00+08:00'), 'work_days', 1, cal))).toBe('2026-09-22 13:30');
    // Friday night + 1 working day → Monday is the first working moment, Tuesday the deadline
    expect(iso(addWorkingTime(at('2026-09-11T22:00:00+08:00'), 'work_days', 1, cal))).toBe('2026-09-15 08:30');
    // a half working day is half the day's working minutes (3 h 45 min)
    expect(iso(addWorkingTime(at('2026-09-21T08:30:00+08:00'), 'work_days', 0.5, cal))).toBe('2026-09-21 13:45');
  });

  it('converts local times and computes warning times', () => {
    expect(fromLocal('2026-09-21', 510, 'Asia/Shanghai').toISOString()).toBe('2026-09-21T00:30:00.000Z');
    expect(warnAt(at('2026-09-21T00:00:00Z'), at('2026-09-21T10:00:00Z'), 0.2)?.toISOString()).toBe('2026-09-21T08:00:00.000Z');
    expect(warnAt(at('2026-09-21T00:00:00Z'), at('2026-09-21T10:00:00Z'), 0)).toBeNull();
  });

  it('rejects malformed working hours', () => {
    expect(() => parsePeriods([['12:00', '08:00']])).toThrow();
    expect(() => parsePeriods([['08:00', '12:00'], ['11:00', '13:00']])).toThrow();
    expect(() => parsePeriods([])).toThrow();
  });
});
