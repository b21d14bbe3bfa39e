/** Plain calendar dates (`YYYY-MM-DD`): day arithmetic. */
import { epochDay, formatIsoDate, fromEpochDay, parseIsoDate } from "./dates.js";

/** The day's number counted from 1970-01-01; throws on text that is not a `YYYY-MM-DD` date. */
export function epochDayOf(date: string): number {
  const parsed = parseIsoDate(date);
  if (!parsed) throw new Error(`"${date}" is not a date written YYYY-MM-DD.`);
  return epochDay(parsed);
}

export function addDays(date: string, days: number): string {
  return formatIsoDate(fromEpochDay(epochDayOf(date) + days));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return epochDayOf(to) - epochDayOf(from);
}
