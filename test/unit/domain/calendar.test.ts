import { describe, expect, it } from "vitest";
import { createBusinessCalendar } from "../../../src/domain/calendar.js";
import type { CalendarConfig } from "../../../src/policy/model.js";

const HOUR = 3_600_000;
const at = (iso: string): Date => new Date(iso);

function weekdays(
  timeZone: string,
  region: CalendarConfig["holidays"]["region"],
  hours = { start: "09:00", end: "17:00" },
  holidays: Partial<CalendarConfig["holidays"]> = {},
): CalendarConfig {
  return { timeZone, workingDays: [1, 2, 3, 4, 5], workingHours: hours, holidays: { region, types: ["public"], dates: [], ...holidays } };
}

const newYork = createBusinessCalendar(weekdays("America/New_York", { country: "US" }));
const berlin = createBusinessCalendar(weekdays("Europe/Berlin", { country: "DE" }));
const losAngeles = createBusinessCalendar(weekdays("America/Los_Angeles", { country: "US", state: "CA" }));
const tokyo = createBusinessCalendar(weekdays("Asia/Tokyo", { country: "JP" }, { start: "09:00", end: "18:00" }));
const sydney = createBusinessCalendar(weekdays("Australia/Sydney", { country: "AU", state: "NSW" }));

describe("working days and moments", () => {
  it.each([
    ["2026-11-25", true, "Wednesday before Thanksgiving"],
    ["2026-11-26", false, "Thanksgiving"],
    ["2026-11-27", true, "day after Thanksgiving is an observance, not public"],
    ["2026-11-28", false, "Saturday"],
    ["2026-07-03", false, "Independence Day observed on Friday (4 July 2026 is a Saturday)"],
    ["2026-07-06", true, "Monday after"],
    ["2021-12-31", false, "New Year's Day 2022 (a Saturday) observed in the previous year"],
  ])("New York %s is working: %s (%s)", (date, expected) => {
    expect(newYork.isWorkingDay(date)).toBe(expected);
  });

  it("reports the July 4th substitute day the way date-holidays lists it", () => {
    expect(newYork.holidaysBetween("2026-07-01", "2026-07-31")).toEqual([
      { date: "2026-07-03", name: "Independence Day (substitute day)", source: "region", type: "public", onWorkingWeekday: true },
      { date: "2026-07-04", name: "Independence Day", source: "region", type: "public", onWorkingWeekday: false },
    ]);
  });

  it("counts more holiday types when configured", () => {
    const withObservances = createBusinessCalendar(weekdays("America/New_York", { country: "US" }, undefined, { types: ["public", "observance"] }));
    expect(withObservances.isWorkingDay("2026-11-27")).toBe(false);
    expect(withObservances.businessHoursBetween(at("2026-11-25T14:00:00Z"), at("2026-11-30T15:00:00Z"))).toBe(9);
  });

  it("takes company dates off and lists them", () => {
    const cal = createBusinessCalendar(weekdays("America/New_York", { country: "US" }, undefined, { dates: [{ date: "2026-12-24", name: "Winter break" }] }));
    expect(cal.isWorkingDay("2026-12-24")).toBe(false);
    expect(cal.holidaysBetween("2026-12-24", "2026-12-25").map((h) => [h.date, h.name, h.source])).toEqual([
      ["2026-12-24", "Winter break", "company"],
      ["2026-12-25", "Christmas Day", "region"],
    ]);
  });

  it("works without a holiday region", () => {
    const cal = createBusinessCalendar(weekdays("UTC", null));
    expect(cal.isWorkingDay("2026-12-25")).toBe(true);
    expect(cal.holidaysBetween("2026-01-01", "2026-12-31")).toEqual([]);
  });

  it.each([
    ["2026-01-12T13:59:59.999Z", false, "08:59:59 EST"],
    ["2026-01-12T14:00:00Z", true, "09:00 EST, start is inclusive"],
    ["2026-01-12T21:59:59.999Z", true, "16:59:59 EST"],
    ["2026-01-12T22:00:00Z", false, "17:00 EST, end is exclusive"],
    ["2026-01-17T15:00:00Z", false, "Saturday"],
    ["2026-11-26T15:00:00Z", false, "Thanksgiving 10:00"],
  ])("New York moment %s is working: %s (%s)", (iso, expected) => {
    expect(newYork.isWorkingMoment(at(iso))).toBe(expected);
  });

  it("tells today's date in the calendar's zone, on both sides of UTC", () => {
    // Monday 03:00 UTC is still Sunday evening in Los Angeles and already Monday noon in Tokyo.
    expect(losAngeles.today(at("2026-01-12T03:00:00Z"))).toBe("2026-01-11");
    expect(tokyo.today(at("2026-01-11T16:00:00Z"))).toBe("2026-01-12");
    expect(newYork.today(at("2026-01-01T03:00:00Z"))).toBe("2025-12-31");
    expect(losAngeles.isWorkingMoment(at("2026-01-12T03:00:00Z"))).toBe(false);
  });

  it.each([
    ["during working hours", "2026-01-13T15:00:00Z", "2026-01-13T15:00:00.000Z"],
    ["before opening", "2026-01-13T12:00:00Z", "2026-01-13T14:00:00.000Z"],
    ["after closing on Friday", "2026-01-09T23:00:00Z", "2026-01-12T14:00:00.000Z"],
    ["after closing before Martin Luther King Jr. Day", "2026-01-16T23:00:00Z", "2026-01-20T14:00:00.000Z"],
    ["on Thanksgiving", "2026-11-26T15:00:00Z", "2026-11-27T14:00:00.000Z"],
    ["New Year's Eve night", "2026-12-31T23:00:00Z", "2027-01-04T14:00:00.000Z"],
  ])("next working moment %s", (_label, iso, expected) => {
    expect(newYork.nextWorkingMoment(at(iso)).toISOString()).toBe(expected);
  });
});

describe("business time between instants", () => {
  it.each([
    // [label, calendar, start, end, hours]
    ["same span", newYork, "2026-01-13T15:00:00Z", "2026-01-13T18:30:00Z", 3.5],
    ["over a weekend (Fri 16:00 -> Mon 10:00 EST)", newYork, "2026-01-09T21:00:00Z", "2026-01-12T15:00:00Z", 2],
    ["over a long weekend (Fri 16:00 -> MLK Day -> Tue 10:00 EST)", newYork, "2026-01-16T21:00:00Z", "2026-01-20T15:00:00Z", 2],
    ["Thanksgiving inside (Wed 09:00 -> Mon 10:00)", newYork, "2026-11-25T14:00:00Z", "2026-11-30T15:00:00Z", 17],
    ["July 4th observed Friday inside (Thu 09:00 -> Mon 10:00 EDT)", newYork, "2026-07-02T13:00:00Z", "2026-07-06T14:00:00Z", 9],
    ["starting outside hours (Tue 20:00 -> Wed 11:00 EST)", newYork, "2026-01-14T01:00:00Z", "2026-01-14T16:00:00Z", 2],
    ["starting on a holiday (Thanksgiving 10:00 -> Fri 11:00)", newYork, "2026-11-26T15:00:00Z", "2026-11-27T16:00:00Z", 2],
    ["across New Year (Dec 31 16:00 -> Jan 4 10:00 EST)", newYork, "2026-12-31T21:00:00Z", "2027-01-04T15:00:00Z", 2],
    ["spring forward (Fri 6 Mar 16:00 EST -> Mon 9 Mar 10:00 EDT)", newYork, "2026-03-06T21:00:00Z", "2026-03-09T14:00:00Z", 2],
    ["fall back (Fri 30 Oct 16:00 EDT -> Mon 2 Nov 16:00 EST)", newYork, "2026-10-30T20:00:00Z", "2026-11-02T21:00:00Z", 8],
    ["Berlin spring forward (Fri 27 Mar 16:00 CET -> Mon 30 Mar 10:00 CEST)", berlin, "2026-03-27T15:00:00Z", "2026-03-30T08:00:00Z", 2],
    ["Berlin fall back (Fri 23 Oct 16:00 CEST -> Mon 26 Oct 10:00 CET)", berlin, "2026-10-23T14:00:00Z", "2026-10-26T09:00:00Z", 2],
    ["Berlin Easter (Thu 09:00 -> Tue 09:00 CEST)", berlin, "2026-04-02T07:00:00Z", "2026-04-07T07:00:00Z", 8],
    ["Los Angeles Monday seen as a UTC day", losAngeles, "2026-01-12T00:00:00Z", "2026-01-13T00:00:00Z", 7],
    ["Tokyo over Coming of Age Day (Fri 09:00 -> Tue 18:00 JST)", tokyo, "2026-01-09T00:00:00Z", "2026-01-13T09:00:00Z", 18],
    ["Sydney DST starts, Labour Day Monday (Fri 16:00 AEST -> Tue 10:00 AEDT)", sydney, "2026-10-02T06:00:00Z", "2026-10-05T23:00:00Z", 2],
    ["Sydney DST ends after Easter Monday (Thu 16:00 AEDT -> Tue 10:00 AEST)", sydney, "2026-04-02T05:00:00Z", "2026-04-07T00:00:00Z", 2],
    ["end before start", newYork, "2026-01-14T16:00:00Z", "2026-01-13T16:00:00Z", 0],
    ["empty interval", newYork, "2026-01-13T16:00:00Z", "2026-01-13T16:00:00Z", 0],
  ] as const)("%s", (_label, cal, start, end, hours) => {
    expect(cal.businessMillisBetween(at(start), at(end))).toBe(hours * HOUR);
    expect(cal.businessHoursBetween(at(start), at(end))).toBe(hours);
  });

  it("counts business days as full working spans", () => {
    expect(newYork.businessDayMillis).toBe(8 * HOUR);
    expect(newYork.businessDaysBetween(at("2026-01-12T14:00:00Z"), at("2026-01-16T22:00:00Z"))).toBe(5);
    expect(newYork.businessDaysBetween(at("2026-01-12T14:00:00Z"), at("2026-01-12T18:00:00Z"))).toBe(0.5);
    expect(tokyo.businessDayMillis).toBe(9 * HOUR);
  });

  it("measures clock changes inside working hours with the real length of the day", () => {
    const roundTheClock = createBusinessCalendar({
      timeZone: "America/New_York",
      workingDays: [1, 2, 3, 4, 5, 6, 7],
      workingHours: { start: "00:00", end: "24:00" },
      holidays: { region: null, types: [], dates: [] },
    });
    // Local midnight to local midnight: 23 hours on 8 March, 25 on 1 November.
    expect(roundTheClock.businessHoursBetween(at("2026-03-08T05:00:00Z"), at("2026-03-09T04:00:00Z"))).toBe(23);
    expect(roundTheClock.businessHoursBetween(at("2026-11-01T04:00:00Z"), at("2026-11-02T05:00:00Z"))).toBe(25);
    expect(roundTheClock.today(at("2026-03-09T03:59:59Z"))).toBe("2026-03-08");
    expect(roundTheClock.today(at("2026-03-09T04:00:00Z"))).toBe("2026-03-09");
  });

  describe("exclusions (paused clocks)", () => {
    // Mon 12 Jan 09:00 EST -> Fri 16 Jan 17:00 EST: 40 working hours.
    const start = at("2026-01-12T14:00:00Z");
    const end = at("2026-01-16T22:00:00Z");
    const pauses = [
      { start: at("2026-01-13T14:00:00Z"), end: at("2026-01-14T14:00:00Z") }, // all of Tuesday: 8h
      { start: at("2026-01-13T20:00:00Z"), end: at("2026-01-14T16:00:00Z") }, // overlaps it, adds Wed 09-11: 2h
      { start: at("2026-01-16T20:00:00Z"), end: at("2026-01-17T20:00:00Z") }, // Fri 15:00 past the end: 2h
      { start: at("2026-01-05T00:00:00Z"), end: at("2026-01-12T15:00:00Z") }, // from before the start: 1h
      { start: at("2026-01-10T00:00:00Z"), end: at("2026-01-11T00:00:00Z") }, // weekend only, outside: 0h
    ];

    it("subtracts the union of the pauses inside the interval", () => {
      expect(newYork.businessHoursBetween(start, end)).toBe(40);
      expect(newYork.businessHoursBetween(start, end, pauses)).toBe(27);
    });

    it("does not depend on the order of the pauses", () => {
      expect(newYork.businessHoursBetween(start, end, [...pauses].reverse())).toBe(27);
      expect(newYork.businessHoursBetween(start, end, [pauses[2]!, pauses[0]!, pauses[4]!, pauses[1]!, pauses[3]!])).toBe(27);
    });

    it("gives zero when the whole interval is paused", () => {
      expect(newYork.businessMillisBetween(start, end, [{ start: at("2026-01-01T00:00:00Z"), end: at("2026-02-01T00:00:00Z") }])).toBe(0);
    });

    it("leaves the pauses it was given untouched", () => {
      const copy = pauses.map((p) => ({ start: new Date(p.start), end: new Date(p.end) }));
      newYork.businessMillisBetween(start, end, pauses);
      expect(pauses).toEqual(copy);
    });

    it("rejects a pause that ends before it starts", () => {
      expect(() => newYork.businessMillisBetween(start, end, [{ start: at("2026-01-14T00:00:00Z"), end: at("2026-01-13T00:00:00Z") }])).toThrow(
        /exclude\[0\] ends \(2026-01-13T00:00:00.000Z\) before it starts/,
      );
    });
  });
});

describe("adding business time", () => {
  it.each([
    ["within the day", newYork, "2026-01-13T15:00:00Z", 2, "2026-01-13T17:00:00.000Z"],
    ["to the close exactly, not the next morning", newYork, "2026-01-13T14:00:00Z", 8, "2026-01-13T22:00:00.000Z"],
    ["over the weekend", newYork, "2026-01-09T21:00:00Z", 2, "2026-01-12T15:00:00.000Z"],
    ["over the weekend and Martin Luther King Jr. Day", newYork, "2026-01-16T21:00:00Z", 2, "2026-01-20T15:00:00.000Z"],
    ["fractional hours", newYork, "2026-01-09T21:00:00Z", 1.25, "2026-01-12T14:15:00.000Z"],
    ["from outside hours", newYork, "2026-01-14T01:00:00Z", 1, "2026-01-14T15:00:00.000Z"],
    ["from a holiday", newYork, "2026-11-26T15:00:00Z", 3, "2026-11-27T17:00:00.000Z"],
    ["over Thanksgiving", newYork, "2026-11-25T21:00:00Z", 2, "2026-11-27T15:00:00.000Z"],
    ["over New Year", newYork, "2026-12-31T21:00:00Z", 2, "2027-01-04T15:00:00.000Z"],
    ["over spring forward", newYork, "2026-03-06T21:00:00Z", 2, "2026-03-09T14:00:00.000Z"],
    ["over Berlin fall back", berlin, "2026-10-23T14:00:00Z", 2, "2026-10-26T09:00:00.000Z"],
    ["in Tokyo", tokyo, "2026-01-09T08:00:00Z", 2, "2026-01-13T01:00:00.000Z"],
    ["zero hours leaves the instant alone, even outside hours", newYork, "2026-01-17T15:00:00Z", 0, "2026-01-17T15:00:00.000Z"],
    // 2026 has 261 weekdays, 11 of them US public holidays: 250 working days from 2 January.
    ["a year of working time ends at the last close of the year", newYork, "2026-01-02T14:00:00Z", 250 * 8, "2026-12-31T22:00:00.000Z"],
    ["one more hour is the next year's first working hour", newYork, "2026-01-02T14:00:00Z", 250 * 8 + 1, "2027-01-04T15:00:00.000Z"],
  ] as const)("addBusinessHours %s", (_label, cal, from, hours, expected) => {
    expect(cal.addBusinessHours(at(from), hours).toISOString()).toBe(expected);
  });

  it.each([
    ["one day keeps the wall time", newYork, "2026-01-13T15:30:00Z", 1, "2026-01-14T15:30:00.000Z"],
    ["over the weekend", newYork, "2026-01-09T15:00:00Z", 1, "2026-01-12T15:00:00.000Z"],
    ["over July 4th observed on Friday", newYork, "2026-07-02T14:00:00Z", 1, "2026-07-06T14:00:00.000Z"],
    ["over Thanksgiving", newYork, "2026-11-25T15:00:00Z", 2, "2026-11-30T15:00:00.000Z"],
    ["spring forward keeps 16:00 local", newYork, "2026-03-06T21:00:00Z", 1, "2026-03-09T20:00:00.000Z"],
    ["fall back keeps 16:00 local", newYork, "2026-10-30T20:00:00Z", 1, "2026-11-02T21:00:00.000Z"],
    ["Berlin spring forward keeps 16:00 local", berlin, "2026-03-27T15:00:00Z", 1, "2026-03-30T14:00:00.000Z"],
    ["Berlin fall back keeps 16:00 local", berlin, "2026-10-23T14:00:00Z", 1, "2026-10-26T15:00:00.000Z"],
    ["Sydney over Labour Day and DST start", sydney, "2026-10-02T06:00:00Z", 1, "2026-10-06T05:00:00.000Z"],
    ["Los Angeles", losAngeles, "2026-03-06T23:00:00Z", 1, "2026-03-09T22:00:00.000Z"],
    ["from Friday evening: counts from Monday's opening", newYork, "2026-01-09T23:00:00Z", 1, "2026-01-13T14:00:00.000Z"],
    ["zero days from Friday evening is Monday's opening", newYork, "2026-01-09T23:00:00Z", 0, "2026-01-12T14:00:00.000Z"],
    ["zero days during hours is the same instant", newYork, "2026-01-13T15:30:00Z", 0, "2026-01-13T15:30:00.000Z"],
    ["from a holiday", newYork, "2026-11-26T15:00:00Z", 1, "2026-11-30T14:00:00.000Z"],
    ["across years", newYork, "2026-12-30T15:00:00Z", 2, "2027-01-04T15:00:00.000Z"],
  ] as const)("addBusinessDays %s", (_label, cal, from, days, expected) => {
    expect(cal.addBusinessDays(at(from), days).toISOString()).toBe(expected);
  });
});

describe("bad input", () => {
  it.each([
    ["negative days", () => newYork.addBusinessDays(at("2026-01-13T15:00:00Z"), -1), /days must be a whole number, zero or more \(got -1\)/],
    ["fractional days", () => newYork.addBusinessDays(at("2026-01-13T15:00:00Z"), 1.5), /use addBusinessHours for fractions/],
    ["negative hours", () => newYork.addBusinessHours(at("2026-01-13T15:00:00Z"), -0.5), /hours must be a number, zero or more \(got -0.5\)/],
    ["NaN hours", () => newYork.addBusinessHours(at("2026-01-13T15:00:00Z"), Number.NaN), /got NaN/],
    ["infinite hours", () => newYork.addBusinessHours(at("2026-01-13T15:00:00Z"), Number.POSITIVE_INFINITY), /got Infinity/],
    ["invalid Date", () => newYork.businessMillisBetween(at("not a date"), at("2026-01-13T15:00:00Z")), /businessMillisBetween: start must be a valid Date/],
    ["invalid pause", () => newYork.businessMillisBetween(at("2026-01-13T15:00:00Z"), at("2026-01-14T15:00:00Z"), [{ start: at("x"), end: at("2026-01-14T15:00:00Z") }]), /exclude\[0\]\.start must be a valid Date/],
    ["impossible date", () => newYork.isWorkingDay("2026-02-30"), /isWorkingDay: date must be a date written YYYY-MM-DD/],
    ["date with time", () => newYork.holidaysBetween("2026-01-01T00:00", "2026-02-01"), /holidaysBetween: fromDate must be a date written YYYY-MM-DD/],
    ["year out of range", () => newYork.today(at("+010000-01-01T00:00:00Z")), /covers the years 1900 to 9999; 10000 is outside them/],
  ])("%s is refused with a clear message", (_label, call, message) => {
    expect(call).toThrow(message);
  });

  it("lists no holidays for a reversed date range", () => {
    expect(newYork.holidaysBetween("2026-12-31", "2026-01-01")).toEqual([]);
  });
});
