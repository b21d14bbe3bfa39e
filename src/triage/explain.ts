/**
 * `mops-bot rules explain <rule> <ref>`: one rule on one resource, condition by condition, with
 * the value each condition saw and its result, then what the rule would do. Pure: the command
 * fetches the snapshot (with the history the rule needs) and prints this.
 */
import type { Action } from "../domain/actions.js";
import { formatRef, type ResourceSnapshot } from "../domain/snapshot.js";
import { buildPlan } from "../engine/plan.js";
import { describeAction } from "../engine/describeAction.js";
import type { Rule, RuleContext } from "../rules/types.js";
import type { ConditionResult, Truth } from "../rules/triage/conditions.js";
import { isTriageRule } from "../rules/triage/rule.js";

const mark = (t: Truth) => (t === true ? "✓" : t === false ? "✗" : "?");

function conditionLines(results: ConditionResult[], depth: number): string[] {
  const pad = "  ".repeat(depth);
  return results.flatMap((r) => [
    `${pad}${mark(r.result)} ${r.text}${r.value ? ` — ${r.value}` : ""}`,
    ...(r.children ? conditionLines(r.children, depth + 1) : []),
  ]);
}

function actionLines(snapshot: ResourceSnapshot, actions: Action[], ctx: RuleContext): string[] {
  if (actions.length === 0) return ["  nothing to do"];
  const plan = buildPlan(snapshot, actions, ctx.policy.taxonomy);
  const lines = plan.actions.map((a) => `  ${describeAction(a)}${a.type === "comment" ? ` (marker ${a.marker})` : ""}`);
  const dropped = actions.filter((a) => !plan.actions.some((k) => k.type === a.type));
  for (const a of dropped) lines.push(`  (${describeAction(a)}: already holds${a.type === "comment" ? ", a note with this marker exists" : ""})`);
  for (const c of plan.conflicts) lines.push(`  ! ${c.message}`);
  return lines;
}

export function explainRule(rule: Rule, snapshot: ResourceSnapshot, ctx: RuleContext): string {
  const lines = [`${rule.id} on ${formatRef(snapshot.ref)} "${snapshot.title.replace(/\s+/g, " ")}"`, `  ${rule.description}`, ""];
  if (!rule.appliesTo.includes(snapshot.kind)) {
    lines.push(`The rule does not apply to ${snapshot.kind === "issue" ? "issues" : "merge requests"}.`);
    return lines.join("\n");
  }
  if (isTriageRule(rule)) {
    const e = rule.check(snapshot, ctx);
    if (!e.applies) {
      lines.push(`The rule only looks at projects with the role ${rule.def.where.projectRoles.join(" or ")}; this one has ${snapshot.projectRoles.join(", ") || "no role"}.`);
      return lines.join("\n");
    }
    lines.push("Conditions (all must hold):", ...conditionLines(e.results, 1), "");
    lines.push(e.result === true ? "Result: the rule selects it." : e.result === false ? "Result: the rule does not select it." : "Result: undecided; the history it needs was not read.");
    if (e.result !== true) return lines.join("\n");
    const planned = rule.plan(snapshot, ctx);
    lines.push("", "Actions:", ...actionLines(snapshot, planned.actions, ctx));
    for (const n of planned.notes) lines.push(`  (${n})`);
    if (rule.summary) lines.push(`  listed in the summary "${rule.summary.title}" at the end of a sweep`);
    return lines.join("\n");
  }
  lines.push("Actions:", ...actionLines(snapshot, rule.evaluate(snapshot, ctx), ctx));
  return lines.join("\n");
}
