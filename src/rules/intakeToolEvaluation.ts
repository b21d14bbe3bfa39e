/**
 * Intake of new tool requests: an open issue labelled `Ops Tool Evaluation` gets one note with the
 * handbook's evaluation steps; once its description states a tier of 1 or 2 (`Tier: 2`), a second
 * note lists what the MOps manager must create (the evaluation epic). Each note is posted once.
 */
import type { Action } from "../domain/actions.js";
import { markerKey } from "../domain/markers.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import { renderTemplate, templateText } from "../domain/templates.js";
import { mention } from "../domain/text.js";
import type { CompiledPolicy } from "../policy/model.js";
import type { Rule, RuleFactory } from "./types.js";

const RULE_ID = "intake:tool-evaluation";
const STEPS_MARKER = markerKey(RULE_ID, "steps");
const CHECKLIST_MARKER = markerKey(RULE_ID, "manager-checklist");

/** The tier written in the description (`Tier: 2`, `tier 1`, `Tier #3`), or null when none is. */
export function statedTier(description: string): 1 | 2 | 3 | 4 | null {
  const m = /\btier\s*[:#-]?\s*\**\s*([1-4])\b/i.exec(description);
  return m ? (Number(m[1]) as 1 | 2 | 3 | 4) : null;
}

function isEvaluation(policy: CompiledPolicy, s: ResourceSnapshot): boolean {
  const tools = policy.tools;
  if (!tools || s.kind !== "issue" || s.state !== "opened") return false;
  if (!s.projectRoles.includes(tools.audits.projectRole)) return false;
  return s.labels.some((l) => (policy.taxonomy.canonical(l) ?? l) === tools.evaluations.label);
}

export const intakeToolEvaluation: RuleFactory = {
  kind: RULE_ID,
  create(policy) {
    const tools = policy.tools;
    if (!tools) return [];
    const rule: Rule = {
      id: RULE_ID,
      description: "A new tool evaluation issue gets the handbook's evaluation steps, and for tier 1-2 the MOps manager's checklist (once each).",
      appliesTo: ["issue"],
      needs: () => ({}),
      evaluate(s) {
        if (!isEvaluation(policy, s)) return [];
        const recipient = { trusted: mention(s.author.username) };
        const actions: Action[] = [
          {
            type: "comment",
            rule: RULE_ID,
            reason: `Issues labelled ${tools.evaluations.label} follow the handbook's New Tool Purchase Process.`,
            marker: STEPS_MARKER,
            body: renderTemplate(templateText(policy.templates, tools.evaluations.template), { recipient, title: s.title }),
          },
        ];
        const tier = statedTier(s.description);
        if (tier === 1 || tier === 2) {
          actions.push({
            type: "comment",
            rule: RULE_ID,
            reason: `The description says tier ${tier}: for tier 1 and 2 tools the MOps manager creates an evaluation epic.`,
            marker: CHECKLIST_MARKER,
            body: renderTemplate(templateText(policy.templates, tools.evaluations.managerChecklistTemplate), { recipient, "tool.tier": { trusted: String(tier) } }),
          });
        }
        return actions;
      },
    };
    return [rule];
  },
};
