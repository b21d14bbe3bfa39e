import { describe, expect, it } from "vitest";
import { CalendarConfigError, createBusinessCalendar, formatIssue, validateCalendarConfig } from "../../../src/domain/calendar.js";
import type { CalendarConfig } from "../../../src/policy/model.js";

const valid: CalendarConfig = {
  timeZone: "America/New_York",
  workingDays: [1, 2, 3, 4, 5],
  workingHours: { start: "09:00", end: "17:00" },
  holidays: { region: { country: "US" }, types: ["public"], dates: [{ date: "2026-12-24", name: "Winter break" }] },
};

function withChange(change: (c: CalendarConfig) => void): CalendarConfig {
  const copy = structuredClone(valid);
  change(copy);
  return copy;
}

describe("calendar settings", () => {
  it("accepts good settings", () => {
    expect(validateCalendarConfig(valid)).toEqual([]);
    expect(createBusinessCalendar(valid).timeZone).toBe("America/New_York");
  });

  it.each([
    ["an unknown time zone", (c: CalendarConfig) => (c.timeZone = "America/NewYork"), "timeZone", /"America\/NewYork" is not a known time zone; use an IANA name/],
    ["an empty time zone", (c: CalendarConfig) => (c.timeZone = ""), "timeZone", /is not a known time zone/],
    ["weekday 0", (c: CalendarConfig) => (c.workingDays = [0, 1]), "workingDays[0]", /0 is not a weekday; use 1 \(Monday\) to 7 \(Sunday\)/],
    ["no working days", (c: CalendarConfig) => (c.workingDays = []), "workingDays", /no working days are listed/],
    ["a 12-hour time", (c: CalendarConfig) => (c.workingHours.start = "9am"), "workingHours.start", /"9am" is not a time; write HH:MM on a 24-hour clock/],
    ["a single-digit hour", (c: CalendarConfig) => (c.workingHours.start = "9:00"), "workingHours.start", /"9:00" is not a time/],
    ["minutes past 59", (c: CalendarConfig) => (c.workingHours.end = "17:60"), "workingHours.end", /"17:60" is not a time/],
    ["24:00 as a start", (c: CalendarConfig) => (c.workingHours.start = "24:00"), "workingHours.start", /"24:00" is not a time/],
    ["end before start", (c: CalendarConfig) => (c.workingHours = { start: "17:00", end: "09:00" }), "workingHours.end", /must be later than the start "17:00"/],
    ["end equal to start", (c: CalendarConfig) => (c.workingHours = { start: "09:00", end: "09:00" }), "workingHours.end", /must be later than the start/],
    ["an unknown country", (c: CalendarConfig) => (c.holidays.region = { country: "XX" }), "holidays.region.country", /"XX" is not a country the holiday data knows/],
    ["an unknown state", (c: CalendarConfig) => (c.holidays.region = { country: "DE", state: "XX" }), "holidays.region.state", /"XX" is not a state of DE .*use one of BB, BE/],
    ["an unknown region", (c: CalendarConfig) => (c.holidays.region = { country: "DE", state: "BY", region: "ZZ" }), "holidays.region.region", /"ZZ" is not a region of DE\/BY/],
    ["a region without a state", (c: CalendarConfig) => (c.holidays.region = { country: "DE", region: "A" }), "holidays.region.region", /needs its state/],
    ["an unknown holiday type", (c: CalendarConfig) => (c.holidays.types = ["public", "federal"]), "holidays.types[1]", /"federal" is not a holiday type; use any of public, bank, school, optional, observance/],
    ["an impossible company date", (c: CalendarConfig) => (c.holidays.dates = [{ date: "2026-02-30", name: "x" }]), "holidays.dates[0].date", /"2026-02-30" is not a calendar date; write YYYY-MM-DD/],
    ["a company date in another format", (c: CalendarConfig) => (c.holidays.dates = [{ date: "12/24/2026", name: "x" }]), "holidays.dates[0].date", /not a calendar date/],
    ["an unnamed company date", (c: CalendarConfig) => (c.holidays.dates = [{ date: "2026-12-24", name: "  " }]), "holidays.dates[0].name", /has no name/],
  ])("reports %s", (_label, change, where, message) => {
    const issues = validateCalendarConfig(withChange(change));
    expect(issues).toHaveLength(1);
    expect(formatIssue(issues[0]!)).toMatch(new RegExp(`^${where.replace(/[.[\]]/g, "\\$&")}: `));
    expect(issues[0]!.message).toMatch(message);
  });

  it("reports every problem at once and refuses to build the calendar", () => {
    const bad = withChange((c) => {
      c.timeZone = "Mars/Olympus";
      c.workingHours.start = "nine";
      c.holidays.types = ["bogus"];
    });
    expect(validateCalendarConfig(bad).map(formatIssue)).toEqual([
      expect.stringMatching(/^timeZone: /),
      expect.stringMatching(/^workingHours\.start: /),
      expect.stringMatching(/^holidays\.types\[0\]: /),
    ]);
    let thrown: unknown;
    try {
      createBusinessCalendar(bad);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CalendarConfigError);
    expect((thrown as CalendarConfigError).issues).toHaveLength(3);
    expect((thrown as Error).message).toMatch(/^The business calendar settings have 3 problem\(s\):\n- timeZone: /);
  });

  it("matches holiday region codes whatever their case", () => {
    const cal = createBusinessCalendar(withChange((c) => (c.holidays.region = { country: "de", state: "by" })));
    // Epiphany is a public holiday in Bavaria but not in all of Germany.
    expect(cal.isWorkingDay("2026-01-06")).toBe(false);
    const germany = createBusinessCalendar(withChange((c) => (c.holidays.region = { country: "DE" })));
    expect(germany.isWorkingDay("2026-01-06")).toBe(true);
  });

  it("counts public holidays when no types are listed", () => {
    const cal = createBusinessCalendar(withChange((c) => (c.holidays.types = [])));
    expect(cal.isWorkingDay("2026-11-26")).toBe(false);
    expect(cal.isWorkingDay("2026-11-27")).toBe(true);
  });

  it("allows working hours up to midnight and weekend working days", () => {
    const cal = createBusinessCalendar(withChange((c) => {
      c.workingDays = [6, 7];
      c.workingHours = { start: "18:00", end: "24:00" };
      c.holidays.region = null;
    }));
    expect(cal.businessDayMillis).toBe(6 * 3_600_000);
    expect(cal.isWorkingDay("2026-01-10")).toBe(true);
    expect(cal.isWorkingDay("2026-01-12")).toBe(false);
    // Saturday 23:30 EST is working; Sunday 00:00 EST is not yet.
    expect(cal.isWorkingMoment(new Date("2026-01-11T04:30:00Z"))).toBe(true);
    expect(cal.isWorkingMoment(new Date("2026-01-11T05:00:00Z"))).toBe(false);
  });
});
