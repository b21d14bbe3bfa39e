/**
 * What the rules may do on the backlog (issues created before the adoption date, rollout.yml):
 * per rule family, `repair` keeps the label changes and drops the notes, `list` drops everything
 * (the issue is listed once in the adoption report instead), `announce` keeps everything. Rules
 * stay pure: each one is wrapped so its actions pass through this filter, whichever path (sweep,
 * webhook, plan) runs it, so a webhook the bot's own label write causes is as quiet as the sweep.
 * Replies to a person's own action (commands, the reopen guard, merged handbook updates) belong
 * to no family: a person who acts gets their answer, backlog or not.
 */
import type { Action } from "../../domain/actions.js";
import type { ResourceSnapshot } from "../../domain/snapshot.js";
import type { BacklogMode, CompiledPolicy, RuleFamily } from "../../policy/model.js";
import { isBotMade } from "../../domain/markers.js";
import { botUsernameOf, type Rule, type RuleContext } from "../types.js";
import { isBacklog } from "./adoption.js";

/** A family of rules, or an SLA goal missed before the adoption date (sla.missed_before_adoption). */
export type AdoptionFamily = RuleFamily | "sla-missed";

export const FAMILY_TITLES: Record<AdoptionFamily, string> = {
  "label-repairs": "Label repairs",
  "stage-entry": "Issues without a stage",
  workflow: "Stage requirements",
  triage: "Triage rules",
  intake: "Intake checks",
  "sla-missed": "SLA goals missed before adoption",
};

const speaks = (a: Action): boolean => a.type === "comment" || a.type === "notify_slack";

/** The family an action of a rule belongs to; null for replies to a person's action and SLA clocks. */
export function familyOf(action: Action, policy: CompiledPolicy): AdoptionFamily | null {
  if (action.adoption === "sla-missed") return "sla-missed";
  const rule = action.rule;
  if (rule === "label-hygiene" || rule === "scoped-exclusivity") return "label-repairs";
  // Putting a stageless issue in the first stage, whichever rule proposes it (the workflow, or
  // unlabelled-triage): the handbook asks requesters to add it when they open an issue.
  if (action.type === "add_labels" && (rule.startsWith("workflow:") || rule.startsWith("triage:"))) {
    const initials = new Set(policy.workflows.flatMap((w) => (w.initial === null ? [] : [w.initial])));
    if (action.labels.every((l) => initials.has(l))) return "stage-entry";
  }
  if (rule.startsWith("workflow:")) return "workflow";
  if (rule.startsWith("triage:")) return "triage";
  if (rule.startsWith("intake:")) return "intake";
  return null;
}

/** What rollout.yml says to do with an action on this resource: `announce` when nothing holds it back. */
export function modeFor(action: Action, snapshot: ResourceSnapshot, policy: CompiledPolicy): { family: AdoptionFamily | null; mode: BacklogMode } {
  const rollout = policy.rollout;
  const family = familyOf(action, policy);
  if (rollout === undefined || family === null) return { family, mode: "announce" };
  if (family === "sla-missed") return { family, mode: rollout.sla.missedBeforeAdoption };
  if (!isBacklog(snapshot.createdAt, policy)) return { family, mode: "announce" };
  return { family, mode: rollout.backlog[family] };
}

/** The actions rollout.yml lets through on this resource. */
export function allowedOnBacklog(actions: Action[], snapshot: ResourceSnapshot, policy: CompiledPolicy): Action[] {
  if (policy.rollout === undefined) return actions;
  return actions.filter((a) => {
    const { mode } = modeFor(a, snapshot, policy);
    return mode === "announce" || (mode === "repair" && !speaks(a));
  });
}

/** One problem the adoption report lists instead of a note or a change. */
export interface ListedProblem {
  family: AdoptionFamily;
  rule: string;
  /** The rule's reason, written for a MOps reader. */
  reason: string;
}

/** The problems of this resource that rollout.yml lists (actions held back in `list` mode), one per rule and family. */
export function listedProblems(actions: Action[], snapshot: ResourceSnapshot, policy: CompiledPolicy): ListedProblem[] {
  if (policy.rollout === undefined) return [];
  const out = new Map<string, ListedProblem>();
  for (const a of actions) {
    const { family, mode } = modeFor(a, snapshot, policy);
    if (family === null || mode !== "list") continue;
    // Several rules may propose the first stage; the report lists the issue once for it.
    const key = family === "stage-entry" ? family : `${family}\u0000${a.rule}`;
    // A comment's reason is the one written for people; a label action's reason is kept otherwise.
    if (!out.has(key) || a.type === "comment") out.set(key, { family, rule: a.rule, reason: a.reason });
  }
  return [...out.values()];
}

const RAW = Symbol("unfiltered rule");

/** The rules with rollout.yml's backlog filter around their actions (the rules themselves when there is no rollout.yml). */
export function withRollout(rules: Rule[], policy: CompiledPolicy): Rule[] {
  if (policy.rollout === undefined) return rules;
  return rules.map((rule) => {
    const wrapped: Rule & { [RAW]?: Rule } = { ...rule, evaluate: (s: ResourceSnapshot, ctx: RuleContext) => allowedOnBacklog(rule.evaluate(s, ctx), s, ctx.policy) };
    wrapped[RAW] = rule;
    return wrapped;
  });
}

/** A rule as its policy wrote it, without the backlog filter. */
export function unfiltered(rule: Rule): Rule {
  return (rule as Rule & { [RAW]?: Rule })[RAW] ?? rule;
}

/** What the rules would have said about this resource that rollout.yml lists instead (no per-run budgets are spent). */
export function backlogFindings(snapshot: ResourceSnapshot, rules: Rule[], ctx: RuleContext): ListedProblem[] {
  if (ctx.policy.rollout === undefined) return [];
  const { budget: _unused, ...plain } = ctx;
  // As the engine does: on the bot's own documents only the rules meant for them run.
  const botMade = isBotMade(snapshot, botUsernameOf(ctx));
  const actions = rules.filter((r) => r.appliesTo.includes(snapshot.kind) && (!botMade || r.onBotDocuments === true)).flatMap((r) => unfiltered(r).evaluate(snapshot, plain));
  return listedProblems(actions, snapshot, ctx.policy);
}
