/** Plain calendar dates (`YYYY-MM-DD`): day arithmetic. */
import { epochDay, formatIsoDate, fromEpochDay, parseIsoDate } from "./dates.js";

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
