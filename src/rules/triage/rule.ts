/**
 * One triage rule (policies/triage/*.yml) as an engine rule: needs() asks for history only when
 * the listed snapshot cannot decide the conditions; evaluate() returns the actions of `then`
 * that would change something. A rule with `summarize` also yields a finding per selected
 * resource, which the sweep gathers into one issue (optionally also posted to Slack).
 */
import { formatRef, type ResourceSnapshot, type SnapshotNeeds } from "../../domain/snapshot.js";
import type { SummaryDef, TriageRuleDef } from "../../policy/compile/triage.js";
import type { Rule, RuleContext } from "../types.js";
import { type ActionsOutcome, triageActions } from "./actions.js";
import { type BlockResult, type ConditionResult, evaluateBlock, factsOf, mergeNeeds } from "./conditions.js";

export interface Finding {
  ref: string;
  title: string;
  url: string;
  snapshot: ResourceSnapshot;
  /**
   * What the time conditions found, as dates that stay put while the resource does not change, e.g.
   * `~"MktgOps::00: Triage" since 9 Nov`; never an age, so an unchanged selection lists the same text.
   */
  detail: string;
}

export interface Evaluation extends BlockResult {
  /** Whether the rule looks at this resource at all (kind and project role). */
  applies: boolean;
  /** One sentence for reports and notes: the rule's description and what it found. */
  reason: string;
}

export interface TriageRule extends Rule {
  def: TriageRuleDef;
  summary: SummaryDef | null;
  /** Conditions with their values and results (for `rules explain`). */
  check(snapshot: ResourceSnapshot, ctx: RuleContext): Evaluation;
  /** The actions the rule would propose, and why others are not proposed. */
  plan(snapshot: ResourceSnapshot, ctx: RuleContext): ActionsOutcome;
  /** The summary entry for this resource, when the rule selects it and summarizes. */
  finding(snapshot: ResourceSnapshot, ctx: RuleContext): Finding | null;
}

export function isTriageRule(rule: Rule): rule is TriageRule {
  return "def" in rule && "finding" in rule;
}

const TIMED = /^(on for|a person last touched|nothing changed|created|closed|merged)/;

/** The time conditions that hold, for a note's reason; what holds inside a `not` is not why the rule fired. */
function findings(results: ConditionResult[]): string[] {
  return results.flatMap((r) => (r.negated ? [] : r.children ? findings(r.children) : r.result === true && TIMED.test(r.value) ? [r.value] : []));
}

export function createTriageRule(def: TriageRuleDef): TriageRule {
  const id = `triage:${def.id}`;
  const summary = def.then.find((a) => a.kind === "summarize")?.summary ?? null;
  const applies = (s: ResourceSnapshot) =>
    def.appliesTo.includes(s.kind) && (def.where.projectRoles.length === 0 || def.where.projectRoles.some((r) => s.projectRoles.includes(r)));

  const check = (s: ResourceSnapshot, ctx: RuleContext): Evaluation => {
    if (!applies(s)) return { applies: false, result: false, results: [], needs: {}, reason: def.description };
    const block = evaluateBlock(def.when, s, ctx);
    const found = findings(block.results);
    return { ...block, applies: true, reason: found.length ? `${def.description} (${found.join("; ")})` : def.description };
  };

  const plan = (s: ResourceSnapshot, ctx: RuleContext): ActionsOutcome => {
    const e = check(s, ctx);
    if (e.result !== true) return { actions: [], notes: [] };
    const outcome = triageActions(def, s, ctx, e.reason);
    // A limit counts resources the rule really acts on; the budget is shared by the run.
    if (outcome.actions.length > 0 && def.limit !== null && ctx.budget && !ctx.budget.take(id, def.limit)) {
      return { actions: [], notes: [`limit: the rule already acted on ${def.limit} resources in this run`] };
    }
    return outcome;
  };

  return {
    id,
    description: def.description,
    appliesTo: def.appliesTo,
    def,
    summary,
    check,
    plan,
    needs(s, ctx): SnapshotNeeds {
      const e = check(s, ctx);
      // A summarized resource is described by the same facts whichever history decided it.
      return summary !== null && e.result === true ? mergeNeeds([e.needs, factsOf(e.results).needs]) : e.needs;
    },
    evaluate(s, ctx) {
      return plan(s, ctx).actions;
    },
    finding(s, ctx) {
      if (summary === null) return null;
      const e = check(s, ctx);
      if (e.result !== true) return null;
      return {
        ref: formatRef(s.ref),
        title: s.title,
        url: s.webUrl,
        snapshot: s,
        detail: factsOf(e.results).facts.join("; "),
      };
    },
  };
}
