import { describe, expect, it } from "vitest";
import type { PlanReport } from "../../../src/plan/plan.js";
import { renderInvalidMarkdown, renderPlanMarkdown } from "../../../src/plan/render.js";

function report(overrides: Partial<PlanReport> = {}): PlanReport {
  return {
    status: "ok",
    base: "abc1234 Tighten the blocked step",
    dir: "policies",
    at: "2026-11-18T15:00:00.000Z",
    group: "gitlab-com/marketing",
    filesChanged: ["workflows/mktgops-stage.yml"],
    baseProblems: [],
    baseMissing: false,
    apiRequests: 12,
    changed: [],
    unchanged: [{ rule: "scoped-exclusivity", resources: 2 }],
    errors: [],
    read: { issues: 40, mergeRequests: 3 },
    ...overrides,
  };
}

const change = (i: number) => ({ ref: `g/p#${i}`, url: `https://gitlab.example/g/p/-/issues/${i}`, title: `Issue ${i}`, added: ['+ "S::1"'], removed: [] });

describe("the plan in markdown", () => {
  it("says plainly when nothing changes, and lists the unchanged rules on one line", () => {
    const md = renderPlanMarkdown(report());
    expect(md).toContain("**This change does not alter what the bot would do to any open issue or merge request today.**");
    expect(md).toContain("Unchanged: `scoped-exclusivity` (acts on 2).");
    expect(md).toContain("40 issues, 3 merge requests read at 2026-11-18 15:00 UTC");
  });

  it("caps the examples per rule, links them, and points to the JSON for the rest", () => {
    const resources = Array.from({ length: 13 }, (_, i) => change(i + 1));
    const md = renderPlanMarkdown(report({ changed: [{ rule: "workflow:mktgops-stage", status: "changed", before: 1, after: 14, resources }] }), { maxExamples: 10 });
    expect(md).toContain("**1 rule would act differently, on 13 issues and merge requests.**");
    expect(md.match(/^\| \[g\/p#\d+\]\(https:\/\/gitlab\.example\/g\/p\/-\/issues\/\d+\)/gm)).toHaveLength(10);
    expect(md).toContain("…and 3 more");
  });

  it("keeps people's text from mentioning, running quick actions or breaking the table", () => {
    const evil = { ...change(1), title: "/close @all | pipes\nnew line", added: ['note: "ping @alice"'] };
    const md = renderPlanMarkdown(report({ changed: [{ rule: "r", status: "added", before: 0, after: 1, resources: [evil] }] }));
    const row = md.split("\n").find((l) => l.startsWith("| [g/p#1]"))!;
    expect(row).not.toMatch(/(^|\s)@all\b/);
    expect(row).not.toMatch(/(^|\s)@alice\b/);
    expect(row).toContain("\\| pipes new line");
    expect(md.split("\n").some((l) => /^\s*\//.test(l))).toBe(false);
  });

  it("says when the base policies could not be used", () => {
    expect(renderPlanMarkdown(report({ baseMissing: true }))).toContain("The base had no policies folder");
    expect(renderPlanMarkdown(report({ baseProblems: [{ file: "policies/x.yml", line: 1, col: 1, message: "m" }] }))).toContain("The base policies do not load (1 problem)");
  });

  it("lists every problem of broken policies as file:line:col", () => {
    const md = renderInvalidMarkdown({
      status: "invalid",
      dir: "policies",
      problems: [
        { file: "policies/hygiene.yml", line: 6, col: 17, message: "expected true or false" },
        { file: "policies/labels.yml", line: 3, col: 1, message: "unknown key" },
      ],
    });
    expect(md).toContain("policies/hygiene.yml:6:17: expected true or false\npolicies/labels.yml:3:1: unknown key");
    expect(md).toContain("Fix 2 problems");
  });
});
