/** Plain calendar dates (`YYYY-MM-DD`): day arithmetic and working days on the team's calendar. */
import type { BusinessCalendar } from "../domain/calendar.js";
import { epochDay, formatIsoDate, fromEpochDay, parseIsoDate } from "../domain/calendar/dates.js";

function day(date: string): number {
  const parsed = parseIsoDate(date);
  if (!parsed) throw new Error(`"${date}" is not a date written YYYY-MM-DD.`);
  return epochDay(parsed);
}

export function addDays(date: string, days: number): string {
  return formatIsoDate(fromEpochDay(day(date) + days));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return day(to) - day(from);
}

/** The `n`-th working day counting `from` itself as the first when it is one (n >= 1). */
export function nthWorkingDay(calendar: BusinessCalendar, from: string, n: number): string {
  let date = from;
  let count = calendar.isWorkingDay(date) ? 1 : 0;
  while (count < n) {
    date = addDays(date, 1);
    if (calendar.isWorkingDay(date)) count++;
  }
  return date;
}
