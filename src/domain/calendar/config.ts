/**
 * Checks the calendar settings (calendar.yml, compiled into CalendarConfig) and turns them into the
 * form the calendar computes with. Every problem is reported, each with a message saying what to
 * write instead, because the people editing calendar.yml read YAML, not stack traces.
 */
import { CalendarConfigError, type CalendarConfigIssue } from "./config-issue.js";
import { parseIsoDate } from "./dates.js";
import { HOLIDAY_TYPES, resolveRegion, type HolidayRegion } from "./holidays.js";

/** The compiled form of policies/calendar.yml: the team's zone, working days and hours, holidays. */
export interface CalendarConfig {
  /** IANA zone, e.g. `America/New_York`. */
  timeZone: string;
  /** ISO weekdays, 1 = Monday .. 7 = Sunday. */
  workingDays: number[];
  /** `HH:MM` local times; `end` is exclusive. */
  workingHours: { start: string; end: string };
  holidays: {
    /** Public holidays from `date-holidays`, e.g. `{ country: "US" }`, optionally a state/region. */
    region: { country: string; state?: string; region?: string } | null;
    /** Which date-holidays types count as days off (default: public). */
    types: string[];
    /** Company days off, `YYYY-MM-DD`. */
    dates: { date: string; name: string }[];
  };
}

export interface ResolvedCalendarConfig {
  timeZone: string;
  /** Index 1..7 (ISO weekday) -> whether it is a working weekday. */
  workingWeekdays: readonly boolean[];
  /** Minutes after local midnight; `endMinute` is exclusive and may be 1440 (`24:00`). */
  startMinute: number;
  endMinute: number;
  region: HolidayRegion | null;
  holidayTypes: ReadonlySet<string>;
  companyDates: { date: string; name: string }[];
}

/** The date-holidays types that count when the settings list none. */
export const DEFAULT_HOLIDAY_TYPES: readonly string[] = ["public"];

const HH_MM = /^(\d{2}):(\d{2})$/;

/** Every problem in the settings; empty when they can be used. */
export function validateCalendarConfig(config: CalendarConfig): CalendarConfigIssue[] {
  return resolve(config).issues;
}

/** The settings ready to compute with; throws CalendarConfigError listing every problem. */
export function resolveCalendarConfig(config: CalendarConfig): ResolvedCalendarConfig {
  const { resolved, issues } = resolve(config);
  if (issues.length > 0 || !resolved) throw new CalendarConfigError(issues);
  return resolved;
}

function resolve(config: CalendarConfig): { resolved: ResolvedCalendarConfig | null; issues: CalendarConfigIssue[] } {
  const issues: CalendarConfigIssue[] = [];

  if (!isKnownTimeZone(config.timeZone)) {
    issues.push({
      path: ["timeZone"],
      message: `"${config.timeZone}" is not a known time zone; use an IANA name such as "America/New_York", "Europe/Berlin" or "UTC"`,
    });
  }

  const workingWeekdays = new Array<boolean>(8).fill(false);
  config.workingDays.forEach((day, i) => {
    if (Number.isInteger(day) && day >= 1 && day <= 7) workingWeekdays[day] = true;
    else issues.push({ path: ["workingDays", i], message: `${String(day)} is not a weekday; use 1 (Monday) to 7 (Sunday)` });
  });
  if (config.workingDays.length === 0) {
    issues.push({ path: ["workingDays"], message: "no working days are listed; list ISO weekdays, e.g. [1, 2, 3, 4, 5] for Monday to Friday" });
  }

  const startMinute = parseTime(config.workingHours.start, false);
  const endMinute = parseTime(config.workingHours.end, true);
  if (startMinute === null) {
    issues.push({ path: ["workingHours", "start"], message: `"${config.workingHours.start}" is not a time; write HH:MM on a 24-hour clock, e.g. "09:00"` });
  }
  if (endMinute === null) {
    issues.push({ path: ["workingHours", "end"], message: `"${config.workingHours.end}" is not a time; write HH:MM on a 24-hour clock, e.g. "17:00" (or "24:00" for midnight)` });
  }
  if (startMinute !== null && endMinute !== null && endMinute <= startMinute) {
    issues.push({
      path: ["workingHours", "end"],
      message: `"${config.workingHours.end}" must be later than the start "${config.workingHours.start}"; working hours cannot run past midnight`,
    });
  }

  let region: HolidayRegion | null = null;
  if (config.holidays.region) {
    const found = resolveRegion(config.holidays.region);
    region = found.region;
    issues.push(...found.issues);
  }

  const types = config.holidays.types.length > 0 ? config.holidays.types : DEFAULT_HOLIDAY_TYPES;
  config.holidays.types.forEach((type, i) => {
    if (!HOLIDAY_TYPES.includes(type)) {
      issues.push({ path: ["holidays", "types", i], message: `"${type}" is not a holiday type; use any of ${HOLIDAY_TYPES.join(", ")}` });
    }
  });

  config.holidays.dates.forEach((entry, i) => {
    if (!parseIsoDate(entry.date)) {
      issues.push({ path: ["holidays", "dates", i, "date"], message: `"${entry.date}" is not a calendar date; write YYYY-MM-DD, e.g. "2026-12-24"` });
    }
    if (entry.name.trim() === "") {
      issues.push({ path: ["holidays", "dates", i, "name"], message: "the day off has no name; give it one people will recognise in SLA explanations" });
    }
  });

  if (issues.length > 0 || startMinute === null || endMinute === null) return { resolved: null, issues };
  return {
    resolved: {
      timeZone: config.timeZone,
      workingWeekdays,
      startMinute,
      endMinute,
      region,
      holidayTypes: new Set(types),
      companyDates: config.holidays.dates.map((d) => ({ date: d.date, name: d.name.trim() })),
    },
    issues,
  };
}

function isKnownTimeZone(zone: string): boolean {
  if (zone.trim() === "") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Minutes after midnight for `HH:MM`; `24:00` only where it ends the day. */
function parseTime(text: string, mayBeMidnightEnd: boolean): number | null {
  const match = HH_MM.exec(text);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (mayBeMidnightEnd && hours === 24 && minutes === 0) return 1440;
  if (hours > 23 || minutes > 59) return null;
  return hours * 60 + minutes;
}
