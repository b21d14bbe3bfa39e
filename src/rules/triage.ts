/**
 * General triage rules from policies/triage/*.yml (conditions and actions the team writes for
 * itself, as gitlab-triage users do). One rule per entry, id `triage:<id>`; the evaluation lives
 * in src/triage/ and is pure like every rule. Rules are taken in id order, not file order, so
 * moving a rule between files or reordering them changes nothing (not even the order of the
 * parts of a merged note).
 */
import { createTriageRule } from "./triage/rule.js";
import type { RuleFactory } from "./types.js";

export const triageRules: RuleFactory = {
  kind: "triage",
  create: (policy) => [...(policy.triage ?? [])].sort((a, b) => a.id.localeCompare(b.id)).map(createTriageRule),
};
