import { readdir } from "node:fs/promises";
import path from "node:path";
import { createBusinessCalendar } from "../../src/domain/calendar.js";
import type { MilestoneInfo } from "../../src/domain/snapshot.js";
import { loadPolicies } from "../../src/policy/load.js";
import type { CompiledPolicy } from "../../src/policy/model.js";
import { buildRules } from "../../src/rules/registry.js";
import type { Rule, RuleContext } from "../../src/rules/types.js";
/**
 * The policy set the tests run against: a copy of the MOps policies kept under test/fixtures, so
 * that a team editing `policies/` (scope, people, labels…) never turns the suite red. The shipped
 * `policies/` are checked by `policies validate`, `plan`, and test/unit/policy/shipped.test.ts.
 */
export const TEST_POLICIES_DIR = "test/fixtures/policies-mops";

/** The policy YAML files below `dir` (folders whose path names a policy set), for checks that read them as text. */
export async function policyYamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await policyYamlFiles(full)));
    else if (/\.ya?ml$/.test(entry.name) && /polic/.test(full)) out.push(full);
  }
  return out;
}

/** The test policy set compiled, its rules, and a rule context at a fixed moment: what engine-level tests reconcile with. */
export async function mopsRuleSet(options: { now: Date; milestones: MilestoneInfo[]; botUsername: string }): Promise<{ policy: CompiledPolicy; rules: Rule[]; context: RuleContext }> {
  const policy = await loadPolicies(TEST_POLICIES_DIR);
  const context: RuleContext = { policy, calendar: createBusinessCalendar(policy.calendar), now: options.now, milestones: options.milestones, botUsername: options.botUsername };
  return { policy, rules: buildRules(policy), context };
}
