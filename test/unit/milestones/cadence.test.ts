/** The cadence and the milestone plan, against the shipped policies and the real business calendar, with fixed dates. */
import { beforeAll, describe, expect, it } from "vitest";
import { createBusinessCalendar, type BusinessCalendar } from "../../../src/domain/calendar.js";
import type { MilestoneInfo } from "../../../src/domain/snapshot.js";
import { slotAt, slotByIndex } from "../../../src/milestones/cadence.js";
import { planMilestones } from "../../../src/milestones/plan.js";
import { loadPolicies } from "../../../src/policy/load.js";
import type { CompiledPolicy, MilestonePolicy } from "../../../src/policy/model.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

let policy: CompiledPolicy;
let m: MilestonePolicy;
let calendar: BusinessCalendar;
beforeAll(async () => {
  policy = await loadPolicies(TEST_POLICIES_DIR);
  m = policy.milestones!;
  calendar = createBusinessCalendar(policy.calendar);
});

let ids = 1;
const ms = (title: string, startDate: string | null, dueDate: string | null, over: Partial<MilestoneInfo> = {}): MilestoneInfo => ({
  id: ids++,
  title,
  state: "active",
  startDate,
  dueDate,
  timing: "current",
  ...over,
});

describe("milestone cadence", () => {
  it("puts a date in its two-week milestone, starting on Monday, due on the second Friday", () => {
    const slot = slotAt(m, calendar, "2026-11-04");
    expect(slot).toMatchObject({ cadenceStart: "2026-11-02", cadenceEnd: "2026-11-16", startDate: "2026-11-02", dueDate: "2026-11-13", title: "MktgOps 2026-11-02" });
    expect(slotAt(m, calendar, "2026-11-15").title).toBe("MktgOps 2026-11-02"); // the Sunday after the due date still belongs to it
    expect(slotAt(m, calendar, "2026-11-16").title).toBe("MktgOps 2026-11-16");
  });

  it("starts a milestone whose Monday is a holiday on the next working day, title included, without shifting the cadence", () => {
    // 2026-09-07 is Labor Day (US).
    const labor = slotAt(m, calendar, "2026-09-10");
    expect(labor).toMatchObject({ cadenceStart: "2026-09-07", startDate: "2026-09-08", dueDate: "2026-09-18", title: "MktgOps 2026-09-08" });
    expect(slotByIndex(m, calendar, labor.index + 1)).toMatchObject({ startDate: "2026-09-21", title: "MktgOps 2026-09-21" });
  });

  it("moves a due date that falls on a day off to the working day before", () => {
    // 2026-11-26 is Thanksgiving and 2026-11-27 a company day off (calendar.yml).
    expect(slotAt(m, calendar, "2026-11-18")).toMatchObject({ startDate: "2026-11-16", dueDate: "2026-11-25" });
    // 2026-12-25 is Christmas.
    expect(slotAt(m, calendar, "2026-12-14")).toMatchObject({ startDate: "2026-12-14", dueDate: "2026-12-24" });
  });

  it("counts back before the anchor too", () => {
    expect(slotAt(m, calendar, "2025-12-31")).toMatchObject({ cadenceStart: "2025-12-29", startDate: "2025-12-29" });
  });
});

describe("milestone plan", () => {
  it("creates a missing next milestone (at most one ahead) and keeps a correct current one", () => {
    const current = ms("MktgOps 2026-11-16", "2026-11-16", "2026-11-25");
    const plan = planMilestones(m, calendar, "2026-11-18", [current]);
    expect(plan.fixes.map((f) => f.kind)).toEqual(["ok", "create"]);
    expect(plan.fixes[1]).toMatchObject({ kind: "create", slot: { title: "MktgOps 2026-11-30", startDate: "2026-11-30", dueDate: "2026-12-11" } });
    expect(plan.flags).toEqual([]);
  });

  it("corrects the dates of an existing milestone, and finds one a person titled differently by its start date", () => {
    const current = ms("MktgOps 2026-11-16", "2026-11-16", "2026-11-27");
    const next = ms("MktgOps Sprint 42", "2026-11-30", "2026-12-11");
    const plan = planMilestones(m, calendar, "2026-11-18", [current, next]);
    expect(plan.fixes[0]).toMatchObject({ kind: "update", changes: { dueDate: "2026-11-25" } });
    // The title pattern only matches "MktgOps YYYY-MM-DD": "MktgOps Sprint 42" is not a team milestone, so the next one is missing.
    expect(plan.fixes[1]!.kind).toBe("create");
    const renamed = planMilestones(m, calendar, "2026-11-18", [current, ms("MktgOps 2026-12-01", "2026-12-01", "2026-12-11")]);
    expect(renamed.fixes[1]).toMatchObject({ kind: "update", changes: { title: "MktgOps 2026-11-30", startDate: "2026-11-30" } });
  });

  it("flags milestones created two ahead, but never Temp holding milestones or closed ones", () => {
    const all = [
      ms("MktgOps 2026-11-16", "2026-11-16", "2026-11-25"),
      ms("MktgOps 2026-11-30", "2026-11-30", "2026-12-11"),
      ms("MktgOps 2026-12-14", "2026-12-14", "2026-12-24"),
      ms("MktgOps 2027-01-11", "2027-01-11", "2027-01-22", { state: "closed", timing: "past" }),
      ms("Temp 2027-01-01", "2027-01-01", null),
    ];
    const plan = planMilestones(m, calendar, "2026-11-18", all);
    expect(plan.fixes.map((f) => f.kind)).toEqual(["ok", "ok"]);
    expect(plan.flags.map((f) => f.milestone.title)).toEqual(["MktgOps 2026-12-14"]);
    expect(plan.flags[0]!.problem).toContain("more than one milestone beyond the current one");
  });

  it("names the milestone that just ended, for the rollover", () => {
    const past = ms("MktgOps 2026-11-16", "2026-11-16", "2026-11-25", { state: "closed" });
    const plan = planMilestones(m, calendar, "2026-11-30", [past, ms("MktgOps 2026-11-30", "2026-11-30", "2026-12-11")]);
    expect(plan.previous.milestone?.title).toBe("MktgOps 2026-11-16");
    expect(plan.current.title).toBe("MktgOps 2026-11-30");
    expect(plan.fixes.map((f) => f.kind)).toEqual(["ok", "create"]);
  });
});
