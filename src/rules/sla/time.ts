/**
 * Moments and durations written for a MOps reader, in the team's time zone: "Thu 19 Nov 2026,
 * 11:00 EST", "1 business day 3 h". Pure: every function takes the instant it formats.
 */
import { TZDate } from "@date-fns/tz";
import type { SlaGoal } from "../../policy/model.js";

/** The last minute of a local date (`YYYY-MM-DD`) in `timeZone`: "by the due date" means by then. */
export function endOfLocalDay(date: string, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, 23, 59, 0, 0, timeZone).getTime());
}

const partsFormat = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormat.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    });
    partsFormat.set(timeZone, f);
  }
  return f;
}

/** `Thu 19 Nov 2026, 11:00 EST` in the team's zone. */
export function formatMoment(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}

/** A business-time duration in words: `2 business days 3 h 20 min`, with `businessDayMillis` per day. */
export function formatBusinessDuration(ms: number, businessDayMillis: number): string {
  const sign = ms < 0 ? "-" : "";
  let rest = Math.round(Math.abs(ms) / 60_000) * 60_000;
  const days = Math.floor(rest / businessDayMillis);
  rest -= days * businessDayMillis;
  const hours = Math.floor(rest / 3_600_000);
  const minutes = Math.round((rest - hours * 3_600_000) / 60_000);
  const parts: string[] = [];
  if (days > 0) parts.push(`${days} business day${days === 1 ? "" : "s"}`);
  if (hours > 0) parts.push(`${hours} h`);
  if (minutes > 0) parts.push(`${minutes} min`);
  return sign + (parts.length > 0 ? parts.join(" ") : "0 min");
}

/** A calendar-time duration in words: `12 days 4 h`. */
export function formatCalendarDuration(ms: number): string {
  return formatBusinessDuration(ms, 86_400_000).replace(/business day/g, "day");
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** The goal in words: `4 business hours`, `15 business days`, `by the milestone's due date`. */
export function describeGoal(goal: SlaGoal): string {
  switch (goal.kind) {
    case "business_hours":
      return plural(goal.hours, "business hour");
    case "business_days":
      return plural(goal.days, "business day");
    case "calendar_days":
      return plural(goal.days, "calendar day");
    case "milestone_due":
      return "by the milestone's due date";
  }
}
