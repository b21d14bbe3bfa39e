/**
 * Calendar-date arithmetic on `YYYY-MM-DD` strings. A calendar date has no time zone, so plain
 * proleptic-Gregorian day counting is exact here; instants are converted to and from dates only
 * through the zone-aware day tables (see year-table.ts).
 */

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Years the calendar works with; far outside any SLA clock, and keeps `YYYY` four digits. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 9999;

export interface CalendarDate {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
}

/** Parses `YYYY-MM-DD`; returns null unless it names a real day (no 2026-02-30) in MIN_YEAR..MAX_YEAR. */
export function parseIsoDate(text: string): CalendarDate | null {
  const match = ISO_DATE.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < MIN_YEAR || year > MAX_YEAR) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function formatIsoDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Days since 1970-01-01 for a calendar date (negative before). */
export function epochDay({ year, month, day }: CalendarDate): number {
  return Math.round(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

export function fromEpochDay(days: number): CalendarDate {
  const d = new Date(days * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO weekday of a day number: 1 = Monday .. 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekdayOfEpochDay(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

export function isoWeekday(date: CalendarDate): number {
  return isoWeekdayOfEpochDay(epochDay(date));
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function daysInYear(year: number): number {
  return epochDay({ year: year + 1, month: 1, day: 1 }) - epochDay({ year, month: 1, day: 1 });
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * A day as reports write it: `13 Nov`, with the year when it is not `today`'s (`13 Nov 2025`).
 * Lists the bot keeps current say "since 13 Nov" rather than an age, which would change the text
 * (and cause an edit) on every run.
 */
export function shortDate(date: string, today: string): string {
  const d = parseIsoDate(date);
  if (!d) throw new Error(`"${date}" is not a date written YYYY-MM-DD.`);
  const sameYear = today.slice(0, 4) === date.slice(0, 4);
  return `${d.day} ${MONTHS[d.month - 1]}${sameYear ? "" : ` ${d.year}`}`;
}
