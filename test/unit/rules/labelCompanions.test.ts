/**
 * Companion labels (policies/companions.yml): a label the handbook uses only with another brings
 * that one along, without a note; without the file the rule does not exist. The kind's own
 * checks (labels defined in labels.yml, no scoped companions) are tested through the loader.
 */
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { validatePolicies } from "../../../src/policy/load.js";
import type { CompanionDef } from "../../../src/policy/kinds/companions.js";
import { labelCompanions } from "../../../src/rules/labelCompanions.js";
import { buildRules } from "../../../src/rules/registry.js";
import { ctx, issue, testPolicy } from "../../support/builders.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

const COPY_REVIEW = "MktgOps::Events/FM Copy Review";
const SUPPORT = "MktgOps-Support";
const copyReview: CompanionDef = { whenPresent: COPY_REVIEW, add: [SUPPORT], appliesTo: ["issue"], reason: "copy review is for support issues." };
const policy = testPolicy({ companions: [copyReview] });
const [rule] = labelCompanions.create(policy);
const evaluate = (labels: string[], over: Parameters<typeof issue>[0] = {}) => rule!.evaluate(issue({ labels, ...over }), ctx({ policy }));

describe("label-companions", () => {
  it("adds the companion to an issue that has the label without it, and writes no note", () => {
    expect(evaluate([COPY_REVIEW, "Marketo"])).toEqual([
      { type: "add_labels", labels: [SUPPORT], rule: "label-companions", reason: `${COPY_REVIEW} is present, so ${SUPPORT} goes with it: copy review is for support issues.` },
    ]);
  });

  it("does nothing when the companion is there already, or the label is not", () => {
    expect(evaluate([COPY_REVIEW, SUPPORT])).toEqual([]);
    expect(evaluate([SUPPORT])).toEqual([]);
    expect(evaluate([])).toEqual([]);
  });

  it("acts only on the kinds of resource the entry names (issues by default)", () => {
    expect(rule!.appliesTo).toEqual(["issue"]);
    expect(evaluate([COPY_REVIEW], { kind: "merge_request" })).toEqual([]);
  });

  it("does not add a label a hygiene conflict would remove again", () => {
    const hygiene = { repairAliases: true, explainRepairs: false, conflicts: [{ whenPresent: "MktgOps - List Import", remove: ["MktgOps - FYI"], reason: "x" }] };
    const clash = testPolicy({ hygiene, companions: [{ whenPresent: "MktgOps - List Import", add: ["MktgOps - FYI", "Marketo"], appliesTo: ["issue"], reason: "y" }] });
    const [r] = labelCompanions.create(clash);
    expect(r!.evaluate(issue({ labels: ["MktgOps - List Import"] }), ctx({ policy: clash }))).toMatchObject([{ type: "add_labels", labels: ["Marketo"] }]);
  });

  it("is off without companions.yml: no rule is built", () => {
    expect(labelCompanions.create(testPolicy())).toEqual([]);
    expect(buildRules(testPolicy()).map((r) => r.id)).not.toContain("label-companions");
    expect(buildRules(policy).map((r) => r.id)).toContain("label-companions");
  });
});

describe("companions.yml", () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
    root = undefined;
  });

  async function withCompanions(yaml: string) {
    root = await mkdtemp(path.join(tmpdir(), "mops-companions-"));
    const dir = path.join(root, "policies");
    await cp(TEST_POLICIES_DIR, dir, { recursive: true });
    await writeFile(path.join(dir, "companions.yml"), yaml);
    return validatePolicies(dir);
  }

  it("compiles an entry into the policy; without the file the policy has none", async () => {
    const result = await withCompanions(["companions:", `  - when_present: "${COPY_REVIEW}"`, `    add: ["${SUPPORT}"]`, "    reason: copy review is for support issues.", ""].join("\n"));
    expect(result.problems).toEqual([]);
    expect(result.policy?.companions).toEqual([copyReview]);
    const without = await validatePolicies(TEST_POLICIES_DIR);
    expect(without.policy).toBeDefined();
    expect(without.policy?.companions).toBeUndefined();
  });

  it("reports an undefined label and a scoped companion where they are written", async () => {
    const result = await withCompanions(
      ["companions:", `  - when_present: "${COPY_REVIEW}"`, '    add: ["MktgOps-Suport", "MktgOps::00: Triage"]', "    reason: r", ""].join("\n"),
    );
    expect(result.policy).toBeUndefined();
    expect(result.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`)).toEqual([
      "policies/companions.yml:3:11: label 'MktgOps-Suport' is not defined in labels.yml — did you mean 'MktgOps-Support'?",
      "policies/companions.yml:3:29: 'MktgOps::00: Triage' is a scoped label: adding it would replace the value of its scope, so it cannot be a companion",
    ]);
  });
});
