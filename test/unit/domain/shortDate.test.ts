import { describe, expect, it } from "vitest";
import { shortDate } from "../../../src/domain/calendar/dates.js";

describe("shortDate", () => {
  it("writes day and month, and the year only when it is not today's", () => {
    expect(shortDate("2026-11-13", "2026-11-18")).toBe("13 Nov");
    expect(shortDate("2026-01-02", "2026-12-31")).toBe("2 Jan");
    expect(shortDate("2025-12-31", "2026-01-01")).toBe("31 Dec 2025");
  });

  it("says what is wrong with a date that is not YYYY-MM-DD", () => {
    expect(() => shortDate("13/11/2026", "2026-11-18")).toThrow(/"13\/11\/2026" is not a date written YYYY-MM-DD/);
  });
});
