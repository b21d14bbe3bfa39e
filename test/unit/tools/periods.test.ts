import { describe, expect, it } from "vitest";
import { auditPeriodFromKey, auditPeriodOf } from "../../../src/rules/tools/periods.js";

describe("audit periods", () => {
  it.each([
    ["monthly", "2026-11-01", "2026-11", "2026-11-01", "2026-11-30"],
    ["monthly", "2026-11-30", "2026-11", "2026-11-01", "2026-11-30"],
    ["monthly", "2026-12-01", "2026-12", "2026-12-01", "2026-12-31"],
    ["monthly", "2028-02-29", "2028-02", "2028-02-01", "2028-02-29"],
    ["quarterly", "2026-09-30", "2026-Q3", "2026-07-01", "2026-09-30"],
    ["quarterly", "2026-10-01", "2026-Q4", "2026-10-01", "2026-12-31"],
    ["quarterly", "2027-01-01", "2027-Q1", "2027-01-01", "2027-03-31"],
    ["semi-annual", "2026-06-30", "2026-H1", "2026-01-01", "2026-06-30"],
    ["semi-annual", "2026-07-01", "2026-H2", "2026-07-01", "2026-12-31"],
    ["semi-annual", "2026-12-31", "2026-H2", "2026-07-01", "2026-12-31"],
    ["semi-annual", "2027-01-01", "2027-H1", "2027-01-01", "2027-06-30"],
  ] as const)("%s on %s is %s (%s .. %s)", (cadence, date, key, start, end) => {
    expect(auditPeriodOf(cadence, date)).toEqual({ cadence, key, start, end });
  });

  it("reads a period back from its key, and rejects what is not one", () => {
    for (const [cadence, date] of [["monthly", "2026-11-18"], ["quarterly", "2026-11-18"], ["semi-annual", "2026-11-18"]] as const) {
      const period = auditPeriodOf(cadence, date);
      expect(auditPeriodFromKey(period.key)).toEqual(period);
    }
    expect(auditPeriodFromKey("2026-13")).toBeNull();
    expect(auditPeriodFromKey("2026-Q5")).toBeNull();
    expect(auditPeriodFromKey("Q4")).toBeNull();
    // A date that is none (month 13) is refused, not read as a fifth quarter.
    expect(() => auditPeriodOf("quarterly", "2026-13-01")).toThrow(/"2026-13-01" is not a date written YYYY-MM-DD/);
  });

  it("refuses a date that is not YYYY-MM-DD", () => {
    expect(() => auditPeriodOf("monthly", "18/11/2026")).toThrow(/YYYY-MM-DD/);
  });
});
