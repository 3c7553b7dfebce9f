import { addDays, isWorkingDay, toLocal, type ClockKind, type WorkCalendar } from '../cases/worktime.ts';

/** Minutes of a working day (08:30–12:00 + 13:30–17:30 → 450). */
export function dayMinutes(cal: WorkCalendar): number {
  return cal.periods.reduce((s, [a, b]) => s + b - a, 0);
}

/** Working minutes (inside the working periods of working days) from `from` to `to`; 0 when to ≤ from. */
export function workingMinutesBetween(from: Date, to: Date, cal: WorkCalendar): number {
  if (to.getTime() <= from.getTime()) return 0;
  const a = toLocal(from, cal.timeZone);
  const b = toLocal(to, cal.timeZone);
  let total = 0;
  // deadlines lie days or weeks ahead: a bound keeps a far-off date from looping for long
  for (let date = a.date, i = 0; date <= b.date && i < 3_660; date = addDays(date, 1), i++) {
    if (!isWorkingDay(date, cal)) continue;
    const lo = date === a.date ? a.minutes : 0;
    const hi = date === b.date ? b.minutes : 24 * 60;
    for (const [s, e] of cal.periods) total += Math.max(0, Math.min(e, hi) - Math.max(s, lo));
  }
  return total;
}

/**
 * What is left of a deadline at `now`, counted on its own clock: continuous minutes for urgent hours
 * and calendar days, working minutes for working hours and working days. Overdue time is wall-clock
 * time past the due moment (how late it is, whatever the clock).
 */
export function remaining(now: Date, due: Date, clock: ClockKind, cal: WorkCalendar): { minutes: number; working: boolean; overdueMinutes: number } {
  const wall = Math.floor((due.getTime() - now.getTime()) / 60_000);
  if (wall < 0) return { minutes: 0, working: clock === 'work_hours' || clock === 'work_days', overdueMinutes: -wall };
  if (clock === 'work_hours' || clock === 'work_days') return { minutes: Math.floor(workingMinutesBetween(now, due, cal)), working: true, overdueMinutes: 0 };
  return { minutes: wall, working: false, overdueMinutes: 0 };
}
