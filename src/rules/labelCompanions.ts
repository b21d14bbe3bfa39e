/**
 * Companion labels, declared in policies/companions.yml: a label the handbook uses only together
 * with another brings that one along. The missing label is added without a note, as label
 * hygiene's repairs are: GitLab's history shows the change, and a note would email everyone on
 * the issue about a label.
 */
import type { Action } from "../domain/actions.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import type { CompanionDef } from "../policy/kinds/companions.js";
import type { CompiledPolicy } from "../policy/model.js";
import { labelsForbiddenBy } from "./labelHygiene.js";
import type { Rule, RuleFactory } from "./types.js";

const RULE_ID = "label-companions";

function missingCompanions(s: ResourceSnapshot, companions: CompanionDef[], policy: CompiledPolicy): Action[] {
  const present = new Set(s.labels);
  // A label a hygiene conflict removes again is not added: the two rules would undo each other.
  const forbidden = labelsForbiddenBy(policy, s.labels);
  const actions: Action[] = [];
  for (const c of companions) {
    if (!c.appliesTo.includes(s.kind) || !present.has(c.whenPresent)) continue;
    const add = c.add.filter((l) => !present.has(l) && !forbidden.has(l));
    if (add.length === 0) continue;
    actions.push({ type: "add_labels", labels: add, rule: RULE_ID, reason: `${c.whenPresent} is present, so ${add.join(", ")} goes with it: ${c.reason}` });
  }
  return actions;
}

export const labelCompanions: RuleFactory = {
  kind: RULE_ID,
  create(policy) {
    const companions = policy.companions ?? [];
    if (companions.length === 0) return [];
    const rule: Rule = {
      id: RULE_ID,
      description: "Adds the label that goes with another, as companions.yml lists them (no note).",
      appliesTo: [...new Set(companions.flatMap((c) => c.appliesTo))],
      needs: () => ({}),
      evaluate: (s) => missingCompanions(s, companions, policy),
    };
    return [rule];
  },
};
