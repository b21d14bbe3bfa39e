/** Which other spellings the team's GitLab already uses, from its labels and their counts (labels sync / migrate). */
import { beforeAll, describe, expect, it } from "vitest";
import type { GitLabLabel } from "../../../src/gitlab/labels.js";
import { proposedPolicyChange, spellingsInUse } from "../../../src/labels/spelling.js";
import { loadPolicies } from "../../../src/policy/load.js";
import type { CompiledPolicy } from "../../../src/policy/model.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

let policy: CompiledPolicy;
beforeAll(async () => {
  policy = await loadPolicies(TEST_POLICIES_DIR);
});

let nextId = 1;
const label = (name: string, openIssues: number, over: Partial<GitLabLabel> = {}): GitLabLabel => ({
  id: nextId++,
  name,
  color: "#d9534f",
  description: "",
  priority: null,
  isProjectLabel: false,
  openIssues,
  closedIssues: 0,
  openMergeRequests: 0,
  ...over,
});

describe("spellings in use", () => {
  it("a set the board spells its own way: every carried label of it, with both counts", () => {
    const found = spellingsInUse(policy.taxonomy, [label("MktgOpsPriority::02-Medium", 5, { closedIssues: 3 }), label("MktgOpsPriority::03-Low", 2), label("MktgOpsPriority:: 03-Low", 1)]);
    expect(found.map((s) => [s.gitlab, s.policy, s.gitlabCarriers, s.policyCarriers, s.declaredAlias, s.set])).toEqual([
      ["MktgOpsPriority::02-Medium", "MktgOpsPriority:: 02-Medium", 8, 0, true, "MktgOpsPriority"],
      ["MktgOpsPriority::03-Low", "MktgOpsPriority:: 03-Low", 2, 1, true, "MktgOpsPriority"],
    ]);
  });

  it("one slip on a board that follows labels.yml's spelling of the set is not the team's spelling", () => {
    expect(spellingsInUse(policy.taxonomy, [label("MktgOpsPriority::00-Urgent", 1), label("MktgOpsPriority:: 03-Low", 4)])).toEqual([]);
  });

  it("a label seen from the group and from two projects counts once; unused labels count for nothing", () => {
    const group = label("MktgOpsPriority::02-Medium", 2);
    const ours = label("MktgOpsPriority:: 01-High", 3);
    expect(spellingsInUse(policy.taxonomy, [group, group, ours, ours, label("MktgOpsPriority::00-Urgent", 0)])).toEqual([]);
  });

  it("an old label with other words is an alias to migrate, however many carry it; a plain label is counted alone", () => {
    expect(spellingsInUse(policy.taxonomy, [label("MktgOps-Priority::2 - Action Needed", 40)])).toEqual([]);
    expect(spellingsInUse(policy.taxonomy, [label("MktgOps-HB Update", 0, { openMergeRequests: 3 }), label("MktgOps - HB Update", 1)]).map((s) => s.gitlab)).toEqual(["MktgOps-HB Update"]);
  });

  it("proposes the labels.yml edit that keeps the board's spelling", () => {
    const [medium] = spellingsInUse(policy.taxonomy, [label("MktgOpsPriority::02-Medium", 5)]);
    expect(proposedPolicyChange(medium!)).toEqual([
      'in the set `MktgOpsPriority`: value: "02-Medium" (instead of " 02-Medium")',
      'under aliases: "MktgOpsPriority:: 02-Medium": "MktgOpsPriority::02-Medium" (instead of "MktgOpsPriority::02-Medium": "MktgOpsPriority:: 02-Medium")',
      'and "MktgOpsPriority:: 02-Medium" -> "MktgOpsPriority::02-Medium" wherever another policy file names it (sla.yml goals, triage rules, templates)',
    ]);
    const [hb] = spellingsInUse(policy.taxonomy, [label("MktgOps-HB Update", 2)]);
    expect(proposedPolicyChange(hb!)[0]).toBe('under labels: name: "MktgOps-HB Update" (instead of "MktgOps - HB Update")');
  });
});
