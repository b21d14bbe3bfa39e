/**
 * The team's business calendar: working days and hours in one time zone, minus public holidays of
 * a region and the company's own days off. SLA clocks and due dates are measured with it.
 *
 * Every function takes the time it is asked about; nothing reads the wall clock.
 *
 * Definitions used throughout:
 * - A working span is one working day's hours, from `workingHours.start` (inclusive) to
 *   `workingHours.end` (exclusive), local time. Days off (non-working weekdays, counted holidays,
 *   company dates) have none. A holiday takes its whole local date off, even when the holiday data
 *   marks it as starting in the afternoon.
 * - A business day is one working span of the configured length (`businessDayMillis`, e.g. 8 hours
 *   for 09:00-17:00); day counts between instants are business time divided by that length.
 * - Instants are plain `Date`s; calendar dates are `YYYY-MM-DD` strings in the calendar's zone.
 */
import { resolveCalendarConfig, type CalendarConfig } from "./calendar/config.js";
import { parseIsoDate, epochDay, fromEpochDay, formatIsoDate, isoWeekday } from "./calendar/dates.js";
import { HolidayBook, type DayOff } from "./calendar/holidays.js";
import { Timeline } from "./calendar/timeline.js";

export { CalendarConfigError, formatIssue, type CalendarConfigIssue } from "./calendar/config-issue.js";
export { validateCalendarConfig, DEFAULT_HOLIDAY_TYPES } from "./calendar/config.js";
export { HOLIDAY_TYPES, type DayOff } from "./calendar/holidays.js";

/** A stretch of time (e.g. a paused SLA clock); `end` after `start`. */
export interface TimeInterval {
  start: Date;
  end: Date;
}

/** A day off between two dates, for explaining why a clock did not run. */
export interface HolidayListing extends DayOff {
  /** True when it falls on a configured working weekday, i.e. it removed working time. */
  onWorkingWeekday: boolean;
}

export interface BusinessCalendar {
  readonly timeZone: string;
  /** Length of one business day (one full working span), in milliseconds. */
  readonly businessDayMillis: number;
  /** Whether `at` falls inside a working span. */
  isWorkingMoment(at: Date): boolean;
  /** Whether the local date `YYYY-MM-DD` is a working weekday that is not a day off. */
  isWorkingDay(date: string): boolean;
  /** The local date of `now` in the calendar's zone, `YYYY-MM-DD`. */
  today(now: Date): string;
  /**
   * The same local wall time `days` working days later. Counting starts from
   * `nextWorkingMoment(from)`: Friday 18:00 plus one business day is Tuesday at the start of
   * working hours, and plus zero is Monday at that time. (Strictly it keeps the position within
   * the working span, which is the same wall time unless the clocks change during working hours.)
   * `days` must be a whole number, zero or more.
   */
  addBusinessDays(from: Date, days: number): Date;
  /**
   * The earliest instant at which `hours` (zero or more, fractions allowed, rounded to the
   * millisecond) of working time have passed since `from`. Ending exactly at the close of a span
   * gives that close (17:00), not the next morning. Zero hours gives `from` unchanged.
   */
  addBusinessHours(from: Date, hours: number): Date;
  /**
   * Working milliseconds between `start` and `end`, leaving out the `exclude` intervals (paused
   * clocks; they may overlap, be unsorted or reach outside [start, end]). 0 when `end` <= `start`.
   */
  businessMillisBetween(start: Date, end: Date, exclude?: TimeInterval[]): number;
  /** businessMillisBetween in hours (fractional). */
  businessHoursBetween(start: Date, end: Date, exclude?: TimeInterval[]): number;
  /** businessMillisBetween in business days (fractional; see `businessDayMillis`). */
  businessDaysBetween(start: Date, end: Date, exclude?: TimeInterval[]): number;
  /** `at` when it is a working moment, otherwise the start of the next working span. */
  nextWorkingMoment(at: Date): Date;
  /** Days off from `fromDate` to `toDate` (both `YYYY-MM-DD`, inclusive), by date; empty when `toDate` is earlier. */
  holidaysBetween(fromDate: string, toDate: string): HolidayListing[];
}

const MS_PER_HOUR = 3_600_000;

/** Builds the calendar; throws CalendarConfigError listing every problem in `config`. */
export function createBusinessCalendar(config: CalendarConfig): BusinessCalendar {
  const settings = resolveCalendarConfig(config);
  const book = new HolidayBook(settings.region, settings.holidayTypes, settings.companyDates);
  const isWorkingDate = (date: string, weekday: number) => settings.workingWeekdays[weekday] === true && !book.isDayOff(date);
  const timeline = new Timeline({
    timeZone: settings.timeZone,
    startMinute: settings.startMinute,
    endMinute: settings.endMinute,
    isWorkingDate,
  });
  const businessDayMillis = (settings.endMinute - settings.startMinute) * 60_000;

  const businessMillisBetween = (start: Date, end: Date, exclude: TimeInterval[] = []): number => {
    const a = instant("businessMillisBetween", "start", start);
    const b = instant("businessMillisBetween", "end", end);
    if (b <= a) return 0;
    let total = timeline.millisBetween(a, b);
    for (const pause of mergedWithin(exclude, a, b)) total -= timeline.millisBetween(pause[0], pause[1]);
    return total;
  };

  return {
    timeZone: settings.timeZone,
    businessDayMillis,

    isWorkingMoment: (at) => timeline.isWorkingMoment(instant("isWorkingMoment", "at", at)),

    isWorkingDay: (date) => {
      const parsed = calendarDate("isWorkingDay", "date", date);
      return isWorkingDate(date, isoWeekday(parsed));
    },

    today: (now) => {
      const { table, day } = timeline.dayOf(instant("today", "now", now));
      return formatIsoDate(fromEpochDay(table.firstDay + day));
    },

    addBusinessDays: (from, days) => {
      const t = instant("addBusinessDays", "from", from);
      if (!Number.isInteger(days) || days < 0) {
        throw new RangeError(`addBusinessDays: days must be a whole number, zero or more (got ${days}); use addBusinessHours for fractions.`);
      }
      const startAt = timeline.nextWorkingMoment(t);
      const { table, day } = timeline.dayOf(startAt);
      const intoSpan = startAt - table.workStart[day]!;
      const target = timeline.workingDayAfter(table, table.workdaysBefore[day]!, days);
      const spanStart = target.table.workStart[target.day]!;
      const spanEnd = target.table.workEnd[target.day]!;
      // A span shortened by a clock change ends earlier; stay inside it.
      return new Date(Math.min(spanStart + intoSpan, spanEnd));
    },

    addBusinessHours: (from, hours) => {
      const t = instant("addBusinessHours", "from", from);
      if (!Number.isFinite(hours) || hours < 0) {
        throw new RangeError(`addBusinessHours: hours must be a number, zero or more (got ${hours}).`);
      }
      const millis = Math.round(hours * MS_PER_HOUR);
      return new Date(millis === 0 ? t : timeline.addMillis(t, millis));
    },

    businessMillisBetween,
    businessHoursBetween: (start, end, exclude) => businessMillisBetween(start, end, exclude) / MS_PER_HOUR,
    businessDaysBetween: (start, end, exclude) => businessMillisBetween(start, end, exclude) / businessDayMillis,

    nextWorkingMoment: (at) => new Date(timeline.nextWorkingMoment(instant("nextWorkingMoment", "at", at))),

    holidaysBetween: (fromDate, toDate) => {
      const from = epochDay(calendarDate("holidaysBetween", "fromDate", fromDate));
      const to = epochDay(calendarDate("holidaysBetween", "toDate", toDate));
      const listed: HolidayListing[] = [];
      for (let year = fromEpochDay(from).year; from <= to && year <= fromEpochDay(to).year; year++) {
        for (const [date, offs] of book.daysOffIn(year)) {
          const parsed = parseIsoDate(date)!;
          const day = epochDay(parsed);
          if (day < from || day > to) continue;
          const onWorkingWeekday = settings.workingWeekdays[isoWeekday(parsed)] === true;
          for (const off of offs) listed.push({ ...off, onWorkingWeekday });
        }
      }
      return listed.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
    },
  };
}

/** The exclusions clipped to [a, b], sorted and merged so that no time is subtracted twice. */
function mergedWithin(exclude: TimeInterval[], a: number, b: number): [number, number][] {
  const clipped: [number, number][] = [];
  exclude.forEach((pause, i) => {
    const start = instant("businessMillisBetween", `exclude[${i}].start`, pause.start);
    const end = instant("businessMillisBetween", `exclude[${i}].end`, pause.end);
    if (end < start) {
      throw new RangeError(
        `businessMillisBetween: exclude[${i}] ends (${pause.end.toISOString()}) before it starts (${pause.start.toISOString()}).`,
      );
    }
    const s = Math.max(start, a);
    const e = Math.min(end, b);
    if (e > s) clipped.push([s, e]);
  });
  clipped.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const pause of clipped) {
    const last = merged[merged.length - 1];
    if (last && pause[0] <= last[1]) last[1] = Math.max(last[1], pause[1]);
    else merged.push(pause);
  }
  return merged;
}

function instant(fn: string, param: string, value: Date): number {
  const t = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw new TypeError(`${fn}: ${param} must be a valid Date (got ${String(value)}).`);
  return t;
}

function calendarDate(fn: string, param: string, value: string) {
  const parsed = typeof value === "string" ? parseIsoDate(value) : null;
  if (!parsed) throw new RangeError(`${fn}: ${param} must be a date written YYYY-MM-DD between 1900 and 9999 (got "${String(value)}").`);
  return parsed;
}
