/**
 * Properties checked over many instants: the calendar agrees with a slow day-by-day reference
 * built directly on TZDate, and adding business time then measuring it gives the amount added.
 */
import { TZDate } from "@date-fns/tz";
import { describe, expect, it } from "vitest";
import { createBusinessCalendar, type BusinessCalendar } from "../../../src/domain/calendar.js";
import type { CalendarConfig } from "../../../src/policy/model.js";

const HOUR = 3_600_000;

function weekdays(timeZone: string, region: CalendarConfig["holidays"]["region"], start = "09:00", end = "17:00"): CalendarConfig {
  return { timeZone, workingDays: [1, 2, 3, 4, 5], workingHours: { start, end }, holidays: { region, types: ["public"], dates: [] } };
}

const calendars: [string, CalendarConfig][] = [
  ["New York", weekdays("America/New_York", { country: "US" })],
  ["Berlin", weekdays("Europe/Berlin", { country: "DE", state: "BE" })],
  ["Los Angeles", weekdays("America/Los_Angeles", { country: "US", state: "CA" }, "08:30", "17:15")],
  ["Sydney", weekdays("Australia/Sydney", { country: "AU", state: "NSW" })],
  ["Tokyo", weekdays("Asia/Tokyo", { country: "JP" }, "09:00", "18:00")],
];

/** Deterministic pseudo-random numbers (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RANGE_START = Date.parse("2025-11-20T00:00:00Z");
const RANGE_MS = 500 * 24 * HOUR; // into 2027, across two New Years and four clock changes

/** Working time in [a, b) computed one local day at a time, straight from TZDate. */
function referenceMillis(cal: BusinessCalendar, config: CalendarConfig, a: number, b: number): number {
  const [sh, sm] = config.workingHours.start.split(":").map(Number) as [number, number];
  const [eh, em] = config.workingHours.end.split(":").map(Number) as [number, number];
  const first = new TZDate(a, config.timeZone);
  let total = 0;
  for (let offset = -1; ; offset++) {
    const y = first.getFullYear();
    const m = first.getMonth();
    const d = first.getDate() + offset;
    const spanStart = new TZDate(y, m, d, sh, sm, config.timeZone).getTime();
    if (spanStart >= b) break;
    const date = new TZDate(y, m, d, 12, 0, config.timeZone);
    const iso = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
    if (!cal.isWorkingDay(iso)) continue;
    const spanEnd = new TZDate(y, m, d, eh, em, config.timeZone).getTime();
    total += Math.max(0, Math.min(spanEnd, b) - Math.max(spanStart, a));
  }
  return total;
}

describe.each(calendars)("%s", (_name, config) => {
  const cal = createBusinessCalendar(config);

  it("measures intervals like the day-by-day reference", () => {
    const next = random(7);
    for (let i = 0; i < 300; i++) {
      const a = RANGE_START + Math.floor(next() * RANGE_MS);
      const b = a + Math.floor(next() * next() * 120 * 24 * HOUR);
      expect(cal.businessMillisBetween(new Date(a), new Date(b)), `${new Date(a).toISOString()} -> ${new Date(b).toISOString()}`).toBe(
        referenceMillis(cal, config, a, b),
      );
    }
  });

  it("measures exactly the hours it added", () => {
    const next = random(11);
    for (let i = 0; i < 500; i++) {
      const from = new Date(RANGE_START + Math.floor(next() * RANGE_MS));
      const hours = Math.round(next() * 400 * 4) / 4;
      const due = cal.addBusinessHours(from, hours);
      expect(cal.businessMillisBetween(from, due), `${from.toISOString()} + ${hours}h`).toBe(hours * HOUR);
      if (hours > 0) {
        // Earliest such instant: a millisecond earlier, the time is not yet all there.
        expect(cal.isWorkingMoment(new Date(due.getTime() - 1))).toBe(true);
      }
    }
  });

  it("adds whole business days that measure as that many days", () => {
    const next = random(13);
    for (let i = 0; i < 500; i++) {
      const from = new Date(RANGE_START + Math.floor(next() * RANGE_MS));
      const days = Math.floor(next() * 40);
      const due = cal.addBusinessDays(from, days);
      const startedAt = cal.nextWorkingMoment(from);
      expect(cal.isWorkingMoment(due)).toBe(true);
      expect(cal.businessDaysBetween(startedAt, due), `${from.toISOString()} + ${days}d`).toBe(days);
      // Same local wall time as the moment counting started.
      const wall = (t: Date) => new TZDate(t.getTime(), config.timeZone).toTimeString().slice(0, 8);
      expect(wall(due)).toBe(wall(startedAt));
    }
  });

  it("finds the next working moment at or after the instant, with nothing working in between", () => {
    const next = random(17);
    for (let i = 0; i < 300; i++) {
      const at = new Date(RANGE_START + Math.floor(next() * RANGE_MS));
      const found = cal.nextWorkingMoment(at);
      expect(found.getTime()).toBeGreaterThanOrEqual(at.getTime());
      expect(cal.isWorkingMoment(found)).toBe(true);
      expect(cal.businessMillisBetween(at, found)).toBe(0);
    }
  });
});
