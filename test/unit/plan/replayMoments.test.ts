/** When the replayed bot runs: the sweep at its scheduled local time on working days, and after each change people made. */
import { describe, expect, it } from "vitest";
import { createBusinessCalendar } from "../../../src/domain/calendar.js";
import { eventMoments, parseReplayDays, sweepMoments } from "../../../src/plan/replay/moments.js";
import { mentionedUsernames } from "../../../src/plan/replay/tally.js";
import { BOT, issue, labelEvent } from "../../support/builders.js";

const calendar = createBusinessCalendar({
  timeZone: "America/New_York",
  workingDays: [1, 2, 3, 4, 5],
  workingHours: { start: "09:00", end: "17:00" },
  holidays: { region: { country: "US" }, types: ["public"], dates: [] },
} as never);
const sweep = (cron: string) => [{ job: "sweep", cron, timeZone: "America/New_York", description: "" }];

describe("replay moments", () => {
  it("runs the sweep at 02:00 New York on working days, skipping weekends and holidays", () => {
    const at = sweepMoments(sweep("0 2 * * 1-5"), calendar, new Date("2026-11-06T12:00:00Z"), new Date("2026-11-13T12:00:00Z"));
    // Veterans Day (Wed 11-11) is a US public holiday; 02:00 EST is 07:00 UTC.
    expect(at.map((d) => d.toISOString())).toEqual(["2026-11-09T07:00:00.000Z", "2026-11-10T07:00:00.000Z", "2026-11-12T07:00:00.000Z", "2026-11-13T07:00:00.000Z"]);
  });

  it("follows the time zone across the change of clocks", () => {
    const at = sweepMoments(sweep("30 2 * * 1-5"), calendar, new Date("2026-10-29T12:00:00Z"), new Date("2026-11-03T12:00:00Z"));
    expect(at.map((d) => d.toISOString())).toEqual(["2026-10-30T06:30:00.000Z", "2026-11-02T07:30:00.000Z", "2026-11-03T07:30:00.000Z"]);
  });

  it("says what to fix when the sweep has no daily time or no schedule", () => {
    expect(() => sweepMoments(sweep("*/15 * * * *"), calendar, new Date(), new Date())).toThrow(/fixed minute and hour/);
    expect(() => sweepMoments([], calendar, new Date(), new Date())).toThrow(/no "sweep"/);
  });

  it("reconciles after each change people made in the window, not after the bot's", () => {
    const h = {
      current: issue({ createdAt: new Date("2026-11-01T00:00:00Z") }),
      labelEvents: [labelEvent("A", "2026-11-05T10:00:00Z"), labelEvent("B", "2026-11-05T10:00:00Z"), labelEvent("C", "2026-11-06T10:00:00Z", "add", BOT.username), labelEvent("D", "2026-10-30T10:00:00Z")],
      stateEvents: [],
      milestoneEvents: [],
      notes: [],
    };
    const moments = eventMoments([h], BOT.username, new Date("2026-11-02T00:00:00Z"), new Date("2026-11-10T00:00:00Z"));
    expect(moments.map((m) => m.at.toISOString())).toEqual(["2026-11-05T10:00:00.000Z"]);
  });

  it("reads --replay as a number of days", () => {
    expect(parseReplayDays("30d")).toBe(30);
    expect(parseReplayDays("7")).toBe(7);
    expect(() => parseReplayDays("a month")).toThrow(/number of days such as 30d/);
    expect(() => parseReplayDays("0d")).toThrow(/1 to 366/);
  });

  it("counts the people a note pings, not neutralised names or markers", () => {
    expect(mentionedUsernames("@amy.owner and @bob, see `@code` and @\u200Bcarol <!-- mops-bot:@x --> mail a@b.c")).toEqual(["amy.owner", "bob"]);
  });
});
