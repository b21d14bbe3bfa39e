import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicies, validatePolicies } from "../../../src/policy/load.js";
import type { CompiledPolicy } from "../../../src/policy/model.js";
import { projectsWithRole } from "../../../src/policy/model.js";
import { policyYamlFiles, TEST_POLICIES_DIR } from "../../support/policies.js";

// What the MOps policy set compiles to, checked on the tests' copy of it (the team's own
// policies/ are checked by shipped.test.ts, which only loads them).
const MOPS = path.resolve(TEST_POLICIES_DIR);

describe("the MOps policy set", () => {
  let policy: CompiledPolicy;
  beforeAll(async () => {
    policy = await loadPolicies(MOPS);
  });

  it("validates with zero problems", async () => {
    const result = await validatePolicies(MOPS);
    expect(result.problems).toEqual([]);
    expect(result.summary.workflows).toBeGreaterThanOrEqual(1);
  });

  it("name projects by role in scope.yml only", () => {
    expect(policy.scope.botUsername).toBe("mops-bot");
    expect(projectsWithRole(policy.scope, "mops").map((p) => p.path)).toEqual(["gitlab-com/marketing/marketing-operations"]);
    expect(projectsWithRole(policy.scope, "sales-systems")).toHaveLength(1);
    expect(projectsWithRole(policy.scope, "handbook")).toHaveLength(1);
  });

  it("no other policy file hard-codes a project path", async () => {
    const paths = policy.scope.projects.map((p) => p.path);
    for (const file of await policyYamlFiles(MOPS)) {
      if (path.basename(file) === "scope.yml") continue;
      const text = await readFile(file, "utf8");
      for (const p of paths) expect(text, `${file} mentions ${p}`).not.toContain(p);
    }
  });

  it("define the MktgOps stages in handbook order, with Events/FM Copy Review in the scope but not a stage", () => {
    const t = policy.taxonomy;
    const stages = t.set("MktgOps")!;
    expect(stages.ordered).toBe(true);
    expect(stages.labels[0]).toBe("MktgOps::00: Triage");
    expect(stages.labels[8]).toBe("MktgOps::08: Completed");
    expect(stages.labels).toHaveLength(9);
    expect(t.isDefined("MktgOps::Events/FM Copy Review")).toBe(true);
    expect(stages.labels).not.toContain("MktgOps::Events/FM Copy Review");
    expect(t.setOf("MktgOps::Events/FM Copy Review")?.key).toBe("MktgOps");
    expect(t.orderOf("MktgOps::Events/FM Copy Review")).toBeUndefined();
  });

  it("spell priorities as the newest handbook page does (a space after '::') and repair the spelling without it", () => {
    const t = policy.taxonomy;
    expect(t.set("MktgOpsPriority")!.labels).toEqual([
      "MktgOpsPriority:: 00-Urgent",
      "MktgOpsPriority:: 01-High",
      "MktgOpsPriority:: 02-Medium",
      "MktgOpsPriority:: 03-Low",
    ]);
    expect(t.aliasTarget("MktgOpsPriority::00-Urgent")).toBe("MktgOpsPriority:: 00-Urgent");
    expect(t.aliasTarget("MktgOps-Priority::1 - Top Priority")).toBe("MktgOpsPriority:: 01-High");
  });

  it("repair the older page's spelling of the MktgOps handbook-update label", () => {
    expect(policy.taxonomy.isDefined("MktgOps - HB Update")).toBe(true);
    expect(policy.taxonomy.aliasTarget("MktgOps-HB Update")).toBe("MktgOps - HB Update");
  });

  it("follow the handbook's label list for the Sales Systems steps and alias the other spellings", () => {
    const t = policy.taxonomy;
    const steps = t.set("MktgOpsPrio")!.labels;
    expect(steps).toHaveLength(8);
    expect(steps[1]).toBe("MktgOpsPrio::01: In Approved");
    expect(steps[7]).toBe("MktgOpsPrio::07: Complete");
    expect(t.aliasTarget("MktgOpsPrio::01: Approved")).toBe("MktgOpsPrio::01: In Approved");
    expect(t.aliasTarget("MtkgOpsPrio::04: Actioned")).toBe("MktgOpsPrio::04: Actioned");
    expect(t.aliasTarget("MktgOpsPrio::05: Pending Release")).toBe("MktgOpsPrio::06: Pending Release");
    expect(t.aliasTarget("MktgOpsPrio::06: Completed")).toBe("MktgOpsPrio::07: Complete");
    expect(t.aliasTarget("MktgOpsPrio:: 05: Business Owner UAT")).toBe("MktgOpsPrio::05: Business Owner UAT");
    expect(t.aliasTarget("MktgOps::0 - To Be Triaged")).toBe("MktgOps::00: Triage");
  });

  it("define the other handbook labels and the bot's own", () => {
    const t = policy.taxonomy;
    for (const label of [
      "ABM-Priority::Top",
      "ABM-Priority::TBD",
      "mktg-status::blocked",
      "entapps-customer::MOPS",
      "MktgOps - List Import",
      "6sensee",
      "SMOps/Systems - Changelog",
      "MktgImpact - Sales Enablement",
      "MktgType - Tech Debt",
      "Mktg Tool Audit",
      "Ops Tool Evaluation",
      "SFDCReleaseHelp",
      "MktgSystems-PMO",
      "MktgOps - HB Update",
      "ABM-HB Update",
      "mktgops-highlights",
      "mops-bot::needs-attention",
      "mops-bot-sla::at-risk",
      "mops-bot-sla::breached",
    ]) {
      expect(t.isDefined(label), label).toBe(true);
      expect(t.definition(label)!.color).toMatch(/^#[0-9a-f]{6}$/);
    }
  });

  it("compile the stage workflow with every stage as a step and the handbook's requirements", () => {
    const wf = policy.workflows.find((w) => w.id === "mktgops-stage")!;
    expect(wf.steps.map((s) => s.label)).toEqual(policy.taxonomy.set("MktgOps")!.labels);
    const step = (v: string) => wf.steps.find((s) => s.value === v)!;
    expect(step("00: Triage").requires).toEqual({});
    // "not assigned to MktgOps team member": a requester may be assigned (000 page, lines 212-213).
    const noTeamMember = { milestone: { kind: "none" }, assignee: { kind: "not-group", group: "mops-team" } };
    expect(step("01: Needs More Information").requires).toEqual(noTeamMember);
    expect(step("02: Ready for Assignment").requires).toEqual(noTeamMember);
    expect(step("03: Assigned").requires).toEqual({ milestone: { kind: "match", timing: ["future", "undated"] }, assignee: { kind: "group", group: "mops-team" } });
    expect(step("04: In Progress").requires).toEqual({ milestone: { kind: "current" }, assignee: { kind: "group", group: "mops-team" } });
    expect(step("05: Business Owner Review").requires).toEqual({ milestone: { kind: "current" } });
    expect(step("06: Ready to Deploy").requires).toEqual({ milestone: { kind: "current" } });
    // A comment on 07 is the team's wish, not the handbook's: a reminder, never a requirement.
    expect(step("07: Blocked").requires).toEqual({});
    expect(step("07: Blocked").remind).toEqual({ commentAfterLabel: true });
    // 08 is done "although the issue may not be closed"; no stage keeps an issue from closing.
    expect(step("08: Completed").completes).toBe(true);
    expect(wf.steps.filter((s) => s.mayClose)).toHaveLength(0);
    expect(wf.initial).toBe("MktgOps::00: Triage");
    expect(wf.attentionLabel).toBe("mops-bot::needs-attention");
    expect(wf.appliesTo).toEqual(["issue"]);
    expect(wf.where.projectRoles).toEqual(["mops"]);
    expect(wf.nonStepLabels).toEqual(["MktgOps::Events/FM Copy Review"]);
    expect(policy.templates[wf.violationTemplate]).toContain("{{missing}}");
  });

  it("remove the triage label from list imports, and repair aliases", () => {
    expect(policy.hygiene.repairAliases).toBe(true);
    expect(policy.hygiene.conflicts).toEqual([
      expect.objectContaining({ whenPresent: "MktgOps - List Import", remove: ["MktgOps::00: Triage"] }),
    ]);
  });

  it("count business time in US Eastern working hours with US holidays", () => {
    expect(policy.calendar).toMatchObject({
      timeZone: "America/New_York",
      workingDays: [1, 2, 3, 4, 5],
      workingHours: { start: "09:00", end: "17:00" },
      holidays: { region: { country: "US" }, types: ["public"] },
    });
    expect(policy.schedules).toContainEqual(expect.objectContaining({ job: "sweep", cron: "0 2 * * 1-5", timeZone: "America/New_York" }));
  });
});
