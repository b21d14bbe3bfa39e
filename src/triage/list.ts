/**
 * `mops-bot rules list`: every rule of every policy kind, with what makes it run. Pure: built
 * from the compiled policies alone.
 */
import type { CompiledPolicy } from "../policy/model.js";
import { ruleFactories } from "../rules/registry.js";
import type { Rule } from "../rules/types.js";
import { isTriageRule } from "../rules/triage/rule.js";

export interface RuleListing {
  id: string;
  kind: string;
  description: string;
  /** The policy file that defines it, when one does. */
  file: string | null;
  triggers: string[];
}

const TIMED_KINDS = new Set(["age", "label_age", "due_date", "milestone"]);

function webhookTrigger(rule: Rule): string {
  const kinds = rule.appliesTo.map((k) => (k === "issue" ? "issue" : "merge request"));
  return `webhook: ${kinds.join(" and ")} events and comments on them`;
}

function sweepTrigger(policy: CompiledPolicy): string {
  const sweeps = policy.schedules.filter((s) => s.job === "sweep");
  if (sweeps.length === 0) return "sweep: `mops-bot sweep` (no schedule in schedules.yml)";
  return `sweep: ${sweeps.map((s) => `"${s.cron}" (${s.timeZone})`).join(", ")}`;
}

export function listRules(policy: CompiledPolicy): RuleListing[] {
  const out: RuleListing[] = [];
  for (const factory of ruleFactories) {
    for (const rule of factory.create(policy)) {
      const triggers: string[] = [];
      let file: string | null = null;
      if (isTriageRule(rule)) {
        file = rule.def.file;
        const hasResourceActions = rule.def.then.some((a) => a.kind !== "summarize");
        if (hasResourceActions) triggers.push(webhookTrigger(rule));
        triggers.push(sweepTrigger(policy));
        if (rule.summary) triggers.push(`summary: gathered over the whole sweep into one issue${rule.summary.slack ? ` (and a Slack message to #${rule.summary.slack.channel} when its list changes)` : ""}`);
        const timed = rule.def.when.some((c) => TIMED_KINDS.has(c.kind));
        if (timed && hasResourceActions) triggers.push("time-based: a condition becomes true as time passes, without any event; the sweep finds it");
      } else {
        const workflow = policy.workflows.find((w) => rule.id === `workflow:${w.id}`);
        file = workflow?.file ?? null;
        triggers.push(webhookTrigger(rule), sweepTrigger(policy));
      }
      out.push({ id: rule.id, kind: factory.kind, description: rule.description, file, triggers });
    }
  }
  return out;
}

export function renderRuleList(listings: RuleListing[]): string {
  const lines = [`${listings.length} rules:`];
  for (const r of listings) {
    lines.push("", `${r.id}  [${r.kind}${r.file ? `, ${r.file}` : ""}]`, `  ${r.description}`);
    for (const t of r.triggers) lines.push(`  runs on ${t}`);
  }
  return lines.join("\n");
}
