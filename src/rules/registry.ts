/**
 * Every rule kind the bot knows. A test checks that each rule file in src/rules/ exports a factory
 * that is listed here, so a rule cannot be written and silently never run.
 */
import type { CompiledPolicy } from "../policy/model.js";
import { commands } from "./commands.js";
import { handbookUpdates } from "./handbookUpdates.js";
import { intakePii } from "./intakePii.js";
import { intakeToolEvaluation } from "./intakeToolEvaluation.js";
import { intakeUserStory } from "./intakeUserStory.js";
import { labelHygiene } from "./labelHygiene.js";
import { reopenGuard } from "./reopenGuard.js";
import { scopedExclusivity } from "./scopedExclusivity.js";
import { slas } from "./sla.js";
import { triageRules } from "./triage.js";
import type { Rule, RuleFactory } from "./types.js";
import { workflows } from "./workflow.js";

export const ruleFactories: readonly RuleFactory[] = [scopedExclusivity, labelHygiene, workflows, commands, triageRules, slas, intakeUserStory, intakePii, intakeToolEvaluation, reopenGuard, handbookUpdates];

/** All rules the policies define, optionally only those whose id is (or starts with) `only`. */
export function buildRules(policy: CompiledPolicy, only?: string[]): Rule[] {
  const rules = ruleFactories.flatMap((f) => f.create(policy));
  if (!only || only.length === 0) return rules;
  const unknown = only.filter((o) => !rules.some((r) => r.id === o || r.id.startsWith(`${o}:`)));
  if (unknown.length > 0) {
    throw new Error(`Unknown rule ${unknown.map((u) => `"${u}"`).join(", ")}. Known rules: ${rules.map((r) => r.id).join(", ")}.`);
  }
  return rules.filter((r) => only.some((o) => r.id === o || r.id.startsWith(`${o}:`)));
}
