/**
 * Deadline arithmetic on the four clocks of digital urban management (数字城管):
 *   urgent_hours  紧急工作时: continuous hours, day and night
 *   work_hours    工作时: hours inside the working periods of working days
 *   work_days     工作日: whole working days, same time of day (a start outside working time counts
 *                 from the next working moment)
 *   calendar_days 自然日: 24-hour days
 * A working day is Monday–Friday unless the calendar marks it a holiday, plus any day the calendar
 * marks a make-up working day (调休上班). Pure functions: the calendar is passed in.
 */
export type ClockKind = 'urgent_hours' | 'work_hours' | 'work_days' | 'calendar_days';
export const CLOCKS: readonly ClockKind[] = ['urgent_hours', 'work_hours', 'work_days', 'calendar_days'];

export interface WorkCalendar {
  timeZone: string;
  /** working periods of a day, minutes from midnight, ascending: 08:30–12:00 → [510, 720] */
  periods: [number, number][];
  /** YYYY-MM-DD → holiday | workday, for days that differ from the Monday–Friday week */
  days: ReadonlyMap<string, 'holiday' | 'workday'>;
}

const HOUR = 3_600_000;
const MAX_DAYS = 3_660;

export function parsePeriods(value: unknown): [number, number][] {
  if (!Array.isArray(value) || value.length === 0) throw new Error('working hours: a non-empty list of ["HH:MM", "HH:MM"]');
  const toMin = (s: unknown) => {
    const m = typeof s === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s) : null;
    if (!m) throw new Error(`working hours: bad time ${String(s)}`);
    return Number(m[1]) * 60 + Number(m[2]);
  };
  const out = value.map((p) => {
    if (!Array.isArray(p) || p.length !== 2) throw new Error('working hours: each period is ["HH:MM", "HH:MM"]');
    const [a, b] = [toMin(p[0]), toMin(p[1])];
    if (b <= a) throw new Error('working hours: a period must end after it starts');
    return [a, b] as [number, number];
  });
  for (let i = 1; i < out.length; i++) if (out[i][0] < out[i - 1][1]) throw new Error('working hours: periods must be ascending and not overlap');
  return out;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string) {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(tz, f);
  }
  return f;
}

/** The zone's offset from UTC in minutes at an instant, asking Intl once per zone and hour (it is slow). */
const offsets = new Map<string, number>();
function offsetMinutes(t: number, tz: string): number {
  const key = `${tz}|${Math.floor(t / 3_600_000)}`;
  let off = offsets.get(key);
  if (off === undefined) {
    const parts = Object.fromEntries(formatter(tz).formatToParts(new Date(t)).map((p) => [p.type, p.value]));
    const shown = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    off = Math.round((shown - Math.floor(t / 1000) * 1000) / 60_000);
    if (offsets.size > 50_000) offsets.clear();
    offsets.set(key, off);
  }
  return off;
}

/** Local calendar date (YYYY-MM-DD) and minutes since local midnight (fractional) of an instant. */
export function toLocal(d: Date, tz: string): { date: string; minutes: number } {
  const local = d.getTime() + offsetMinutes(d.getTime(), tz) * 60_000;
  const day = Math.floor(local / 86_400_000);
  return { date: new Date(day * 86_400_000).toISOString().slice(0, 10), minutes: (local - day * 86_400_000) / 60_000 };
}

/** The instant of a local date and time in the zone. */
export function fromLocal(date: string, minutes: number, tz: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const naive = Date.UTC(y, m - 1, d) + minutes * 60_000;
  // the zone's offset at that moment, found by formatting the naive instant back (two passes settle DST edges)
  let t = naive;
  for (let i = 0; i < 2; i++) {
    const l = toLocal(new Date(t), tz);
    const [ly, lm, ld] = l.date.split('-').map(Number);
    const shown = Date.UTC(ly, lm - 1, ld) + l.minutes * 60_000;
    t += naive - shown;
  }
  return new Date(t);
}

export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string, cal: WorkCalendar): boolean {
  const mark = cal.days.get(date);
  if (mark) return mark === 'workday';
  const [y, m, d] = date.split('-').map(Number);
  const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return dow >= 1 && dow <= 5;
}

/** The first working moment at or after the local (date, minutes). */
function nextWorkingMoment(date: string, minutes: number, cal: WorkCalendar): { date: string; minutes: number } {
  for (let i = 0; i < MAX_DAYS; i++) {
    if (isWorkingDay(date, cal)) {
      for (const [a, b] of cal.periods) if (minutes < b) return { date, minutes: Math.max(minutes, a) };
    }
    date = addDays(date, 1);
    minutes = 0;
  }
  throw new Error('no working time within ten years: check the calendar');
}

/** start + amount on the given clock. */
export function addWorkingTime(start: Date, clock: ClockKind, amount: number, cal: WorkCalendar): Date {
  if (!(amount >= 0)) throw new Error('amount must be a non-negative number');
  switch (clock) {
    case 'urgent_hours':
      return new Date(start.getTime() + amount * HOUR);
    case 'calendar_days':
      return new Date(start.getTime() + amount * 24 * HOUR);
    case 'work_hours':
      return addWorkMinutes(start, amount * 60, cal);
    case 'work_days': {
      const whole = Math.floor(amount);
      let { date, minutes } = nextWorkingMoment(toLocal(start, cal.timeZone).date, toLocal(start, cal.timeZone).minutes, cal);
      for (let n = 0; n < whole; ) {
        date = addDays(date, 1);
        if (isWorkingDay(date, cal)) n++;
      }
      const at = fromLocal(date, minutes, cal.timeZone);
      const dayMinutes = cal.periods.reduce((s, [a, b]) => s + b - a, 0);
      return amount > whole ? addWorkMinutes(at, (amount - whole) * dayMinutes, cal) : at;
    }
  }
}

function addWorkMinutes(start: Date, total: number, cal: WorkCalendar): Date {
  let { date, minutes } = toLocal(start, cal.timeZone);
  let remaining = total;
  for (let i = 0; i < MAX_DAYS; i++) {
    if (isWorkingDay(date, cal)) {
      for (const [a, b] of cal.periods) {
        if (minutes >= b) continue;
        const from = Math.max(minutes, a);
        if (remaining <= b - from) return fromLocal(date, from + remaining, cal.timeZone);
        remaining -= b - from;
        minutes = b;
      }
    }
    date = addDays(date, 1);
    minutes = 0;
  }
  throw new Error('no working time within ten years: check the calendar');
}

/** When to warn: once (1 - warnFraction) of the span has passed. */
export function warnAt(start: Date, due: Date, warnFraction: number): Date | null {
  if (warnFraction <= 0) return null;
  return new Date(due.getTime() - (due.getTime() - start.getTime()) * warnFraction);
}
