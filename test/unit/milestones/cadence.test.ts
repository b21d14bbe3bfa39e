/** The cadence and the milestone plan, against the shipped policies and the real business calendar, with fixed dates. */
import { beforeAll, describe, expect, it } from "vitest";
import { createBusinessCalendar, type BusinessCalendar } from "../../../src/domain/calendar.js";
import type { MilestoneInfo } from "../../../src/domain/snapshot.js";
import { slotAt, slotByIndex } from "../../../src/rules/milestones/cadence.js";
import { isTeamIteration, milestonesToCheckUsage, planMilestones } from "../../../src/rules/milestones/plan.js";
import { currentTeamMilestone } from "../../../src/report/collect.js";
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

/** Every milestone given is used by the team's issues. */
const usedBy = (all: MilestoneInfo[]): Set<number> => new Set(all.map((x) => x.id));
const NONE = new Set<number>();

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
    const plan = planMilestones(m, calendar, "2026-11-18", [current], usedBy([current]));
    expect(plan.fixes.map((f) => f.kind)).toEqual(["ok", "create"]);
    expect(plan.fixes[1]).toMatchObject({ kind: "create", slot: { title: "MktgOps 2026-11-30", startDate: "2026-11-30", dueDate: "2026-12-11" } });
    expect(plan.flags).toEqual([]);
  });

  it("corrects the dates of an existing milestone, and finds one titled like the team's by its start date", () => {
    const current = ms("MktgOps 2026-11-16", "2026-11-16", "2026-11-27");
    const plan = planMilestones(m, calendar, "2026-11-18", [current], usedBy([current]));
    expect(plan.fixes[0]).toMatchObject({ kind: "update", changes: { dueDate: "2026-11-25" } });
    const renamed = planMilestones(m, calendar, "2026-11-18", [current, ms("MktgOps 2026-12-01", "2026-12-01", "2026-12-11")], NONE);
    expect(renamed.fixes[1]).toMatchObject({ kind: "update", changes: { title: "MktgOps 2026-11-30", startDate: "2026-11-30" } });
  });

  it("recognises the team's existing iterations whatever their titles, and never creates a second milestone for their fortnights", () => {
    const sprint41 = ms("MktgOps Sprint 41", "2026-11-16", "2026-11-27");
    const sprint42 = ms("MktgOps Sprint 42", "2026-11-30", "2026-12-11");
    const plan = planMilestones(m, calendar, "2026-11-18", [sprint41, sprint42], usedBy([sprint41, sprint42]));
    // Kept as the team named and dated them: nothing to create, nothing to rename.
    expect(plan.fixes).toEqual([expect.objectContaining({ kind: "ok", milestone: sprint41 }), expect.objectContaining({ kind: "ok", milestone: sprint42 })]);
    expect(plan.flags).toEqual([]);
  });

  it("counts iterations that do not start on the cadence's Mondays; a Temp or a quarter-long milestone is no iteration", () => {
    const a = ms("Iteration A", "2026-11-11", "2026-11-24");
    const b = ms("Iteration B", "2026-11-25", "2026-12-08");
    const c = ms("Iteration C", "2026-12-09", "2026-12-22");
    const quarter = ms("FY27-Q4", "2026-11-01", "2027-01-31");
    const temp = ms("Temp - Systems", "2026-11-30", "2026-12-11");
    const plan = planMilestones(m, calendar, "2026-11-30", [a, b, c, quarter, temp], usedBy([a, b, c, quarter, temp]));
    expect(plan.fixes.map((f) => [f.kind, f.kind === "create" ? f.slot.title : f.milestone.title])).toEqual([
      ["ok", "Iteration B"],
      ["ok", "Iteration C"],
    ]);
    expect(plan.ended.map((e) => e.title)).toEqual(["Iteration A"]);
    // One iteration reaching over two fortnights covers both: still nothing to create.
    const long = ms("Iteration D", "2026-11-25", "2026-12-07");
    const covered = planMilestones(m, calendar, "2026-12-07", [long], usedBy([long]));
    expect(covered.fixes.map((f) => f.kind)).toEqual(["ok", "create"]);
    const e = ms("Iteration E", "2026-11-25", "2026-12-08");
    const reaching = planMilestones(m, calendar, "2026-11-27", [e], usedBy([e]));
    expect(reaching.fixes.map((f) => f.kind)).toEqual(["ok", "covered"]);
  });

  it("flags milestones created two ahead, but never Temp holding milestones or closed ones", () => {
    const all = [
      ms("MktgOps 2026-11-16", "2026-11-16", "2026-11-25"),
      ms("MktgOps 2026-11-30", "2026-11-30", "2026-12-11"),
      ms("MktgOps 2026-12-14", "2026-12-14", "2026-12-24"),
      ms("MktgOps 2027-01-11", "2027-01-11", "2027-01-22", { state: "closed", timing: "past" }),
      ms("Temp 2027-01-01", "2027-01-01", null),
    ];
    const plan = planMilestones(m, calendar, "2026-11-18", all, usedBy(all));
    expect(plan.fixes.map((f) => f.kind)).toEqual(["ok", "ok"]);
    expect(plan.flags.map((f) => f.milestone.title)).toEqual(["MktgOps 2026-12-14"]);
    expect(plan.flags[0]!.problem).toContain("more than one milestone beyond the current one");
  });

  it("names the milestone that just ended; only ended iterations still active roll over", () => {
    const past = ms("MktgOps 2026-11-16", "2026-11-16", "2026-11-25", { state: "closed" });
    const plan = planMilestones(m, calendar, "2026-11-30", [past, ms("MktgOps 2026-11-30", "2026-11-30", "2026-12-11")], NONE);
    expect(plan.previous.milestone?.title).toBe("MktgOps 2026-11-16");
    expect(plan.current.title).toBe("MktgOps 2026-11-30");
    expect(plan.fixes.map((f) => f.kind)).toEqual(["ok", "create"]);
    expect(plan.ended).toEqual([]);
  });

  it("a closed milestone dated like an iteration may still be the team's (the close guard checks it), a closed quarter or Temp one is not", () => {
    const closed = { state: "closed" as const, timing: "past" as const };
    const sprint48 = ms("Sprint 48", "2026-11-30", "2026-12-11", closed);
    expect(isTeamIteration(m, sprint48, usedBy([sprint48]))).toBe(true);
    expect(isTeamIteration(m, sprint48, NONE)).toBe(false);
    const q4 = ms("FY27-Q4", "2026-11-01", "2027-01-31", closed);
    expect(isTeamIteration(m, q4, usedBy([q4]))).toBe(false);
    const temp = ms("Temp - Systems", "2026-11-30", "2026-12-11", closed);
    expect(isTeamIteration(m, temp, usedBy([temp]))).toBe(false);
    const plan = planMilestones(m, calendar, "2026-12-14", [sprint48], usedBy([sprint48]));
    expect(plan.previous.milestone?.title).toBe("Sprint 48");
    expect(plan.ended).toEqual([]);
  });

  it("the report's current milestone is the team's iteration whatever its title, not another team's quarter", () => {
    const sprint = ms("Sprint 49", "2026-12-14", "2026-12-24");
    const usingIt = [{ milestone: sprint }] as unknown as Parameters<typeof currentTeamMilestone>[2];
    expect(currentTeamMilestone(policy, [ms("FY27-Q4", "2026-11-01", "2027-01-31"), sprint], usingIt)?.title).toBe("Sprint 49");
    // Another team's two-week milestone no open issue in scope uses is not the team's.
    expect(currentTeamMilestone(policy, [ms("FY27-Q4", "2026-11-01", "2027-01-31"), sprint], [])).toBeNull();
  });

  it("rolls over every ended iteration still active, oldest first, after two missed weeks", () => {
    const all = [
      ms("MktgOps 2026-11-30", "2026-11-30", "2026-12-11"),
      ms("MktgOps Sprint 41", "2026-11-16", "2026-11-25"),
      ms("MktgOps 2026-11-02", "2026-11-02", "2026-11-13"),
      ms("MktgOps 2026-10-19", "2026-10-19", "2026-10-30", { state: "closed" }),
      ms("Temp holding", "2026-10-01", "2026-10-10"),
    ];
    const plan = planMilestones(m, calendar, "2026-12-02", all, usedBy(all));
    expect(plan.ended.map((e) => e.title)).toEqual(["MktgOps 2026-11-02", "MktgOps Sprint 41"]);
    expect(plan.fixes[0]).toMatchObject({ kind: "ok", milestone: { title: "MktgOps 2026-11-30" } });
  });

  it("never takes another team's two-week milestone for the team's iteration: one no MOps issue uses is ignored", () => {
    // gitlab-com holds every team's milestones: "Field Marketing FY27 Sprint 3" spans the fortnight exactly.
    const theirs = ms("Field Marketing FY27 Sprint 3", "2026-11-30", "2026-12-11");
    const theirsNext = ms("Field Marketing FY27 Sprint 4", "2026-12-14", "2026-12-24");
    const theirsEnded = ms("Field Marketing FY27 Sprint 2", "2026-11-16", "2026-11-25");
    const all = [theirsEnded, theirs, theirsNext];
    const plan = planMilestones(m, calendar, "2026-11-30", all, NONE);
    expect(plan.fixes.map((f) => [f.kind, f.kind === "create" ? f.slot.title : f.milestone.title])).toEqual([
      ["create", "MktgOps 2026-11-30"],
      ["create", "MktgOps 2026-12-14"],
    ]);
    expect(plan.ended).toEqual([]);
    expect(plan.flags).toEqual([]);
    expect(plan.previous.milestone).toBeUndefined();
    // The ones whose usage decides are asked about; titled and Temp ones are not.
    const titled = ms("MktgOps 2026-11-16", "2026-11-16", "2026-11-25");
    expect(milestonesToCheckUsage(m, calendar, "2026-11-30", [...all, titled, ms("Temp - Systems", "2026-11-30", "2026-12-11")])).toEqual(all);
  });

  it("keeps an iteration the team renamed when the team's issues use it, next to another team's", () => {
    const renamed = ms("Sprint 48", "2026-11-30", "2026-12-11");
    const theirs = ms("Field Marketing FY27 Sprint 3", "2026-11-30", "2026-12-11");
    const plan = planMilestones(m, calendar, "2026-12-01", [theirs, renamed], usedBy([renamed]));
    expect(plan.fixes[0]).toMatchObject({ kind: "ok", milestone: { title: "Sprint 48" } });
    expect(plan.fixes[1]).toMatchObject({ kind: "create", slot: { title: "MktgOps 2026-12-14" } });
  });
});
