import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicies } from "../../../src/policy/load.js";
import type { CompiledPolicy } from "../../../src/policy/model.js";
import { decideToolIssues } from "../../../src/tools/job.js";
import { AUDIT_MARKER_PREFIX, type PlannedToolIssue } from "../../../src/rules/tools/plan.js";
import { issue } from "../../support/builders.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

let policy: CompiledPolicy;
beforeAll(async () => {
  policy = await loadPolicies(TEST_POLICIES_DIR);
});

const project = { path: "mktg/marketing-operations", roles: ["mops"] };
const missing: PlannedToolIssue = {
  kind: "audit",
  marker: `${AUDIT_MARKER_PREFIX}:canva:2026-H2`,
  markers: [`${AUDIT_MARKER_PREFIX}:canva:2026-H2`],
  title: "Canva user audit — 2026-H2",
  description: "Audit",
  labels: ["Mktg Tool Audit"],
  assignees: ["amy.owner", "ghost"],
  dueDate: "2026-12-01",
  reason: "The audit period began.",
};

describe("decideToolIssues", () => {
  it("creates what is missing (assigning the users GitLab knows), then closes each open duplicate once", () => {
    const original = issue({ id: 1, iid: 1 });
    const duplicate = issue({ id: 2, iid: 2, state: "opened" });
    const closedDuplicate = issue({ id: 3, iid: 3, state: "closed" });
    // A list issue carries several markers: its duplicate is found under each of them.
    const audits = new Map([
      [`${AUDIT_MARKER_PREFIX}:zoominfo:2026-11`, [original, duplicate]],
      [`${AUDIT_MARKER_PREFIX}:6sense:2026-Q4`, [original, duplicate, closedDuplicate]],
    ]);
    const plan = decideToolIssues(policy, project, "2026-11-18", { audits, renewals: new Map(), missing: [missing], userIds: new Map([["amy.owner", 5]]) });
    expect(plan.actions.map((a) => a.type)).toEqual(["ensure_issue", "apply_plan"]);
    const create = plan.actions[0]!;
    expect(create.type === "ensure_issue" && create.issue.assigneeIds).toEqual([5]);
    expect(create.type === "ensure_issue" && create.found).toEqual([]);
    expect(create.reason).toContain('GitLab has no user "ghost"');
    const close = plan.actions[1]!;
    expect(close.type === "apply_plan" && close.plan.iid).toBe(2);
    expect(close.type === "apply_plan" && close.plan.update.stateEvent).toBe("close");
  });
});
