/**
 * The demo's honesty check: every note the bot left in a sweep is held against the state GitLab
 * shows after that sweep. A note stands when its rule, judging that state, still says it (its own
 * note left out, so the rule does not see it as said already), or when it explains a change of
 * its rule that the state shows. Anything else is a contradiction: a reason the same plan made false.
 */
import type { Action } from "../domain/actions.js";
import type { Taxonomy } from "../domain/labels.js";
import { updateIsEmpty } from "../domain/plan.js";
import { buildPlan } from "../engine/plan.js";
import { parseRef, type ResourceSnapshot } from "../domain/snapshot.js";
import type { RunReport } from "../engine/report.js";
import type { Platform } from "../engine/platform.js";
import { STATE_ACTIONS } from "../engine/projection.js";
import { fetchHistory } from "../engine/reconcile.js";
import type { Rule, RuleContext } from "../rules/types.js";

export interface Contradiction {
  ref: string;
  rule: string;
  marker: string;
}

/** Whether the state shows the change `a` makes: planning `a` on it changes nothing. */
function holds(a: Action, s: ResourceSnapshot, taxonomy: Taxonomy): boolean {
  return updateIsEmpty(buildPlan(s, [a], taxonomy).update);
}

export async function findContradictions(report: RunReport, deps: { platform: Platform; rules: Rule[]; ctx: RuleContext }): Promise<Contradiction[]> {
  const found: Contradiction[] = [];
  for (const resource of report.resources) {
    const comments = resource.actions.filter((a): a is Extract<Action, { type: "comment" }> => a.type === "comment");
    if (comments.length === 0) continue;
    const ref = parseRef(resource.ref);
    const listed = ref ? await deps.platform.get(ref) : null;
    if (listed === null) continue;
    const rules = deps.rules.filter((r) => comments.some((c) => c.rule === r.id));
    const withHistory = await fetchHistory({ ...listed, notes: await deps.platform.notes(listed) }, rules, deps.ctx, deps.platform);
    const changes = resource.actions.filter((a): a is Action => STATE_ACTIONS.has(a.type as Action["type"]));
    for (const c of comments) {
      // The rule judges the state as if its note had not been written yet.
      const state = { ...withHistory, notes: (withHistory.notes ?? []).filter((n) => !n.botMarkers.includes(c.marker)) };
      const rule = rules.find((r) => r.id === c.rule);
      const stillSaid = rule?.evaluate(state, deps.ctx).some((a) => a.type === "comment" && a.marker === c.marker) ?? false;
      const explained = changes.filter((a) => a.rule === c.rule);
      const explainsShownChange = explained.length > 0 && explained.every((a) => holds(a, state, deps.ctx.policy.taxonomy));
      if (!stillSaid && !explainsShownChange) found.push({ ref: resource.ref, rule: c.rule, marker: c.marker });
    }
  }
  return found;
}
