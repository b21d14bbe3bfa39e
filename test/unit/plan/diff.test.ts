import { describe, expect, it } from "vitest";
import type { ReportedAction } from "../../../src/domain/actions.js";
import type { RunReport } from "../../../src/engine/report.js";
import { diffEvaluations, diffIsEmpty } from "../../../src/plan/diff.js";

type R = { ref: string; actions: ReportedAction[]; conflicts?: RunReport["resources"][number]["conflicts"] };

function report(resources: R[], job = "sweep"): RunReport {
  return {
    job,
    dryRun: true,
    startedAt: "2026-11-18T15:00:00.000Z",
    durationMs: 0,
    read: { issues: 5, mergeRequests: 1 },
    resources: resources.map((r) => ({ ref: r.ref, url: `https://gitlab.example/${r.ref}`, title: `Title of ${r.ref}`, actions: r.actions, conflicts: r.conflicts ?? [] })),
    errors: [],
    undecided: [],
    apiRequests: { total: 0, byRoute: {}, retries: 0 },
  };
}

const add = (rule: string, ...labels: string[]): ReportedAction => ({ type: "add_labels", labels, rule, reason: `because ${rule}` });
const remove = (rule: string, ...labels: string[]): ReportedAction => ({ type: "remove_labels", labels, rule, reason: "r" });
const note = (rule: string, marker: string, body: string): ReportedAction => ({ type: "comment", marker, body, rule, reason: "r" });

describe("diffEvaluations", () => {
  it("reports, per rule, only the resources whose actions differ, with what is gained and lost", () => {
    const before = { rules: ["hygiene", "workflow"], reports: [report([
      { ref: "g/p#1", actions: [add("hygiene", "A")] },
      { ref: "g/p#2", actions: [add("workflow", "S::1"), remove("hygiene", "X")] },
      { ref: "g/p#10", actions: [add("workflow", "S::1")] },
    ])] };
    const after = { rules: ["hygiene", "workflow"], reports: [report([
      { ref: "g/p#1", actions: [add("hygiene", "A")] },
      { ref: "g/p#2", actions: [add("workflow", "S::2"), remove("hygiene", "X")] },
      { ref: "g/p#3", actions: [add("workflow", "S::1")] },
      { ref: "g/p#10", actions: [add("workflow", "S::1")] },
    ])] };
    const diff = diffEvaluations(before, after);
    expect(diff.changed).toEqual([
      {
        rule: "workflow",
        status: "changed",
        before: 2,
        after: 3,
        resources: [
          { ref: "g/p#2", url: "https://gitlab.example/g/p#2", title: "Title of g/p#2", added: ['+ "S::2"'], removed: ['+ "S::1"'] },
          { ref: "g/p#3", url: "https://gitlab.example/g/p#3", title: "Title of g/p#3", added: ['+ "S::1"'], removed: [] },
        ],
      },
    ]);
    expect(diff.unchanged).toEqual([{ rule: "hygiene", resources: 2 }]);
    expect(diffIsEmpty(diff)).toBe(false);
  });

  it("ignores reasons and label order: the same outcome in other words is no change", () => {
    const before = { rules: ["r"], reports: [report([{ ref: "g/p#1", actions: [{ ...add("r", "A", "B"), reason: "old wording" }] }])] };
    const after = { rules: ["r"], reports: [report([{ ref: "g/p#1", actions: [{ ...add("r", "B", "A"), reason: "new wording" }] }])] };
    const diff = diffEvaluations(before, after);
    expect(diff.changed).toEqual([]);
    expect(diffIsEmpty(diff)).toBe(true);
  });

  it("shows a note whose text changed as one change, and new and removed rules with their status", () => {
    const before = { rules: ["r", "gone"], reports: [report([{ ref: "g/p#1", actions: [note("r", "m1", "Old text @alice"), add("gone", "Z")] }])] };
    const after = { rules: ["r", "fresh"], reports: [report([{ ref: "g/p#1", actions: [note("r", "m1", "New text for @alice")] }])] };
    const diff = diffEvaluations(before, after);
    const byRule = Object.fromEntries(diff.changed.map((c) => [c.rule, c]));
    expect(byRule.r!.resources[0]!.added).toEqual(['note with new text: "New text for @\u200Balice"']);
    expect(byRule.r!.resources[0]!.removed).toEqual([]);
    expect(byRule.gone!.status).toBe("removed");
    expect(byRule.gone!.resources[0]!.removed).toEqual(['+ "Z"']);
    expect(byRule.fresh).toEqual({ rule: "fresh", status: "added", before: 0, after: 0, resources: [] });
  });

  it("counts a conflict between rules as an effect of each of them", () => {
    const conflict = { subject: "label S::1", message: "disagree", rules: ["a", "b"] };
    const before = { rules: ["a", "b"], reports: [report([])] };
    const after = { rules: ["a", "b"], reports: [report([{ ref: "g/p#4", actions: [], conflicts: [conflict] }])] };
    const diff = diffEvaluations(before, after);
    expect(diff.changed.map((c) => [c.rule, c.resources[0]!.added])).toEqual([
      ["a", ["conflict on label S::1: nothing is done"]],
      ["b", ["conflict on label S::1: nothing is done"]],
    ]);
  });

  it("compares scope-level job actions and keeps every evaluation error with its side", () => {
    const created: ReportedAction = { type: "create_issue", project: "g/p", title: "Audit Q4", marker: "audit:q4", labels: [], rule: "tool-audits", reason: "due" };
    const failing = { ...report([], "tool-audits"), errors: [{ ref: "g/p#9", message: "boom" }] };
    const diff = diffEvaluations({ rules: [], reports: [failing] }, { rules: [], reports: [report([{ ref: "g/p", actions: [created] }], "tool-audits")] });
    expect(diff.changed[0]!.resources[0]!.added).toEqual(['create issue "Audit Q4" in g/p']);
    expect(diff.errors).toEqual([{ side: "before", job: "tool-audits", ref: "g/p#9", message: "boom" }]);
  });
});
