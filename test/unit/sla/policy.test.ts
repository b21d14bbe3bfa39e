/**
 * policies/sla.yml: the shipped file compiles to the documented goals, and mistakes are reported
 * at their line with what to write instead.
 */
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatProblem } from "../../../src/policy/problems.js";
import { loadPolicies, validatePolicies } from "../../../src/policy/load.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "mops-sla-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function problemsWith(slaYaml: string): Promise<string[]> {
  const policies = path.join(dir, `policies-${Math.random().toString(36).slice(2)}`);
  await cp(TEST_POLICIES_DIR, policies, { recursive: true });
  await writeFile(path.join(policies, "sla.yml"), slaYaml);
  return (await validatePolicies(policies)).problems.map(formatProblem).filter((p) => p.includes("sla.yml"));
}

const base = (body: string) => `slas:\n  - id: test\n    description: Test SLA\n${body}`;

describe("sla.yml", () => {
  it("ships the handbook's priorities with the chosen numbers", async () => {
    const policy = await loadPolicies(TEST_POLICIES_DIR);
    const sla = policy.sla!;
    const mops = sla.definitions.find((d) => d.id === "mops-priority")!;
    expect(mops.goals).toEqual([
      { label: "MktgOpsPriority:: 00-Urgent", goal: { kind: "business_hours", hours: 4 } },
      { label: "MktgOpsPriority:: 01-High", goal: { kind: "milestone_due" } },
      { label: "MktgOpsPriority:: 02-Medium", goal: { kind: "business_days", days: 15 } },
      { label: "MktgOpsPriority:: 03-Low", goal: { kind: "business_days", days: 60 } },
    ]);
    expect(mops.pauseWhile).toEqual(["MktgOps::07: Blocked", "MktgOps::01: Needs More Information"]);
    const abm = sla.definitions.find((d) => d.id === "abm-priority")!;
    expect(abm.waitWhile).toEqual(["mktg-status::blocked", "mktg-status::plan"]);
    expect(abm.where.projectRoles).toEqual(["abm"]);
    expect(abm.dueDate).toEqual({ businessDays: 5, template: "sla-due-date", adjustedOnlyBy: "abm-manager", revertTemplate: "sla-due-date-revert" });
    expect(mops.where.noLabel).toContain("mktg-status::triage");
    expect(sla.definitions.map((d) => d.id)).not.toContain("legacy-priority");
    expect(sla.definitions.find((d) => d.id === "triage-response")).toMatchObject({ enabled: false, goals: [{ label: null, goal: { kind: "business_days", days: 1 } }] });
    expect(sla.report).toEqual({ projectRole: "mops", title: "SLA report" });
    expect(policy.schedules.find((s) => s.job === "sla")?.cron).toBe("5 * * * *");
  });

  it("needs exactly one of goal and goals", async () => {
    expect(await problemsWith(base("    start: { when: created }\n"))).toEqual([expect.stringMatching(/sla\.yml:2:9: SLA 'test' has no goal/)]);
    const both = await problemsWith(base("    start: { when: created }\n    goal: { business_days: 1 }\n    goals: { \"MktgOpsPriority:: 00-Urgent\": { business_hours: 4 } }\n"));
    expect(both).toEqual([expect.stringMatching(/sla\.yml:6:12: give either goal .* or goals/)]);
  });

  it("names an undefined label at its line, and accepts an older spelling as a goal", async () => {
    const problems = await problemsWith(base('    start: { when: created }\n    pause_while: ["MktgOps::07: Blockd"]\n    goals:\n      "MktgOps-Priority::3 - Future Action Needed": { calendar_days: 200 }\n'));
    expect(problems).toEqual([expect.stringMatching(/sla\.yml:5:19: label 'MktgOps::07: Blockd' is not defined in labels\.yml — did you mean 'MktgOps::07: Blocked'/)]);
  });

  it("explains a goal that is not one of the four kinds", async () => {
    const problems = await problemsWith(base("    start: { when: created }\n    goal: { weeks: 3 }\n"));
    expect(problems.join("\n")).toMatch(/sla\.yml:5:.*business_hours.*business_days.*calendar_days.*milestone_due/);
  });

  it("checks templates, groups, the report's project role and the labeled start", async () => {
    const problems = await problemsWith(
      "report: { project_role: marketing, title: SLA report }\n" +
        base("    start: { when: labeled }\n    goal: { business_days: 1 }\n    warning: { at_percent: 80, note: sla-warn, unassigned_notify: triage }\n"),
    );
    expect(problems).toEqual([
      expect.stringMatching(/sla\.yml:1:25: project role 'marketing' is not given to any project/),
      expect.stringMatching(/sla\.yml:5:12: start when: labeled needs the label/),
      expect.stringMatching(/sla\.yml:7:38: template 'sla-warn' not found: expected the file templates\/sla-warn\.md/),
      expect.stringMatching(/sla\.yml:7:67: people group 'triage' is not defined in people\.yml/),
    ]);
  });

  it("due_date: who may adjust the date goes with the note for putting a date back, and both are checked", async () => {
    const due = (extra: string) => base(`    start: { when: created }\n    goal: { business_days: 5 }\n    due_date:\n      at_least_business_days: 5\n      note: sla-due-date\n${extra}`);
    expect(await problemsWith(due("      adjusted_only_by: abm-manager\n"))).toEqual([expect.stringMatching(/sla\.yml:7:7: adjusted_only_by and revert_note go together: add revert_note/)]);
    expect(await problemsWith(due("      adjusted_only_by: abm-managers\n      revert_note: sla-due-date-revert\n"))).toEqual([
      expect.stringMatching(/sla\.yml:9:25: people group 'abm-managers' is not defined in people\.yml — did you mean 'abm-manager'/),
    ]);
    expect(await problemsWith(due("      adjusted_only_by: abm-manager\n      revert_note: sla-due-date-revert\n"))).toEqual([]);
  });
});
