/**
 * Every rule kind the bot knows. A test checks that each rule file in src/rules/ exports a factory
 * that is listed here, so a rule cannot be written and silently never run.
 */
import type { CompiledPolicy } from "../policy/model.js";
import { withRollout } from "./rollout/backlog.js";
import { commands } from "./commands.js";
import { handbookUpdates } from "./handbookUpdates.js";
import { intakePii } from "./intakePii.js";
import { intakeToolEvaluation } from "./intakeToolEvaluation.js";
import { intakeUserStory } from "./intakeUserStory.js";
import { labelCompanions } from "./labelCompanions.js";
import { labelHygiene } from "./labelHygiene.js";
import { reopenGuard } from "./reopenGuard.js";
import { scopedExclusivity } from "./scopedExclusivity.js";
import { slas } from "./sla.js";
import { statusCommand } from "./statusCommand.js";
import { triageRules } from "./triage.js";
import type { Rule, RuleFactory } from "./types.js";
import { workflows } from "./workflow.js";

export const ruleFactories: readonly RuleFactory[] = [scopedExclusivity, labelHygiene, workflows, commands, statusCommand, triageRules, slas, intakeUserStory, intakePii, intakeToolEvaluation, reopenGuard, handbookUpdates, labelCompanions];

/**
 * The rule one id names, as `mops-bot rules explain` and `--only` read it: the id `mops-bot rules
 * list` prints, or a triage rule's own id from policies/triage (without `triage:`).
 */
function ruleNamed(rules: readonly Rule[], id: string): Rule | undefined {
  return rules.find((r) => r.id === id) ?? rules.find((r) => r.id === `triage:${id}`);
}

function unknownRules(ids: readonly string[], rules: readonly Rule[]): Error {
  return new Error(
    `Unknown rule ${ids.map((u) => `"${u}"`).join(", ")}. Known rules: ${rules.map((r) => r.id).join(", ")} (see \`mops-bot rules list\`; triage rules also by their own id).`,
  );
}

/** The one rule `id` names (see ruleNamed), or an error listing the known ids. */
export function findRule(rules: readonly Rule[], id: string): Rule {
  const rule = ruleNamed(rules, id);
  if (rule === undefined) throw unknownRules([id], rules);
  return rule;
}

/**
 * All rules the policies define, optionally only those `only` names: each entry is a rule id as
 * `findRule` accepts it, or a kind (the part before `:`, e.g. `workflow`), which takes every rule
 * of that kind.
 */
export function buildRules(policy: CompiledPolicy, only?: string[]): Rule[] {
  const rules = withRollout(ruleFactories.flatMap((f) => f.create(policy)), policy);
  if (!only || only.length === 0) return rules;
  const selected = (o: string): Rule[] => {
    const named = ruleNamed(rules, o);
    return rules.filter((r) => r === named || r.id.startsWith(`${o}:`));
  };
  const unknown = only.filter((o) => selected(o).length === 0);
  if (unknown.length > 0) throw unknownRules(unknown, rules);
  const chosen = new Set(only.flatMap(selected));
  return rules.filter((r) => chosen.has(r));
}
