/**
 * One local calendar year laid out as instants: for every day its local midnight, its working span
 * and running totals of working time and working days. Built once per year (the zone conversions
 * are the expensive part), after which every question about an instant is a binary search and a
 * few subtractions, whatever the length of the interval.
 */
import { TZDate } from "@date-fns/tz";
import { epochDay, fromEpochDay, daysInYear, isoWeekdayOfEpochDay, formatIsoDate } from "./dates.js";

export interface YearTable {
  readonly year: number;
  /** Day number (days since 1970-01-01) of 1 January. */
  readonly firstDay: number;
  readonly dayCount: number;
  /** Local midnight of each day, plus the next year's first midnight at [dayCount]. */
  readonly midnight: Float64Array;
  /** Working span of each day, [workStart, workEnd); equal on days off. */
  readonly workStart: Float64Array;
  readonly workEnd: Float64Array;
  /** Working milliseconds before each day; [dayCount] is the year's total. */
  readonly millisBefore: Float64Array;
  /** Working days before each day; [dayCount] is the year's total. */
  readonly workdaysBefore: Int32Array;
}

export interface DayLayout {
  timeZone: string;
  startMinute: number;
  endMinute: number;
  /** Whether the local date (`YYYY-MM-DD`, with its ISO weekday) is a working day. */
  isWorkingDate(date: string, isoWeekday: number): boolean;
}

export function buildYearTable(year: number, layout: DayLayout): YearTable {
  const firstDay = epochDay({ year, month: 1, day: 1 });
  const dayCount = daysInYear(year);
  const midnight = new Float64Array(dayCount + 1);
  const workStart = new Float64Array(dayCount);
  const workEnd = new Float64Array(dayCount);
  const millisBefore = new Float64Array(dayCount + 1);
  const workdaysBefore = new Int32Array(dayCount + 1);

  for (let i = 0; i <= dayCount; i++) {
    const date = fromEpochDay(firstDay + i);
    midnight[i] = localInstant(date.year, date.month, date.day, 0, layout.timeZone);
    if (i === dayCount) break;
    const working = layout.isWorkingDate(formatIsoDate(date), isoWeekdayOfEpochDay(firstDay + i));
    if (working) {
      workStart[i] = localInstant(date.year, date.month, date.day, layout.startMinute, layout.timeZone);
      workEnd[i] = localInstant(date.year, date.month, date.day, layout.endMinute, layout.timeZone);
    } else {
      workStart[i] = workEnd[i] = midnight[i]!;
    }
    millisBefore[i + 1] = millisBefore[i]! + (workEnd[i]! - workStart[i]!);
    workdaysBefore[i + 1] = workdaysBefore[i]! + (working ? 1 : 0);
  }
  return { year, firstDay, dayCount, midnight, workStart, workEnd, millisBefore, workdaysBefore };
}

/**
 * The instant of a local wall time. A wall time skipped by a clock change is read with the offset
 * from before the change (02:30 becomes 03:30); a repeated one is its first occurrence (as TZDate does).
 */
function localInstant(year: number, month: number, day: number, minute: number, timeZone: string): number {
  return new TZDate(year, month - 1, day, Math.floor(minute / 60), minute % 60, timeZone).getTime();
}

/** Index of the day containing `t` (midnight[i] <= t < midnight[i + 1]); `t` must lie in the year. */
export function dayIndexOf(table: YearTable, t: number): number {
  let lo = 0;
  let hi = table.dayCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (table.midnight[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Working milliseconds from the start of the year up to `t` (which lies in the year). */
export function millisIntoYear(table: YearTable, t: number, day = dayIndexOf(table, t)): number {
  const start = table.workStart[day]!;
  const end = table.workEnd[day]!;
  const before = table.millisBefore[day]!;
  if (t <= start) return before;
  if (t >= end) return before + (end - start);
  return before + (t - start);
}

/** The first day whose working time ends at or after `millis` into the year (0 < millis <= total). */
export function dayReachingMillis(table: YearTable, millis: number): number {
  let lo = 0;
  let hi = table.dayCount - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (table.millisBefore[mid + 1]! >= millis) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The day that is the `ordinal`-th working day of the year, counting from 0 (ordinal < total). */
export function nthWorkingDay(table: YearTable, ordinal: number): number {
  let lo = 0;
  let hi = table.dayCount - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (table.workdaysBefore[mid + 1]! > ordinal) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
