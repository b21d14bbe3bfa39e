/**
 * Label hygiene, declared in policies/hygiene.yml and labels.yml:
 * - a label that is an alias (a misspelling or an older generation of a label) is replaced by its
 *   canonical label;
 * - declared conflicts are repaired (e.g. `MktgOps - List Import` issues must not also carry
 *   `MktgOps::00: Triage`).
 * A repair is explained in a note only when hygiene.yml asks for it (`explain_repairs`): GitLab
 * already records who changed which label, and every note emails everyone on the issue.
 */
import type { Action } from "../domain/actions.js";
import { markerKey } from "../domain/markers.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import type { CompiledPolicy } from "../policy/model.js";
import { labelList, labelRef } from "./labelRefs.js";
import { labelOwnedByWorkflow } from "./moves/scope.js";
import type { Rule, RuleFactory } from "./types.js";

const RULE_ID = "label-hygiene";

function aliasRepairs(s: ResourceSnapshot, policy: CompiledPolicy, boardSpellings: ReadonlySet<string> | undefined): Action[] {
  if (!policy.hygiene.repairAliases) return [];
  const t = policy.taxonomy;
  const actions: Action[] = [];
  for (const label of s.labels) {
    if (t.isDefined(label)) continue;
    const canonical = t.canonical(label);
    // A workflow that checks moves repairs its own step labels (with the move it judges).
    if (canonical === undefined || labelOwnedByWorkflow(policy, s, label)) continue;
    // The board's own spelling (more issues carry it than labels.yml's): a decision for labels.yml, not a repair.
    if (boardSpellings?.has(label)) continue;
    const reason = `"${label}" is another spelling of "${canonical}", the label the handbook uses.`;
    actions.push({ type: "remove_labels", labels: [label], rule: RULE_ID, reason });
    actions.push({ type: "add_labels", labels: [canonical], rule: RULE_ID, reason });
    if (!policy.hygiene.explainRepairs) continue;
    actions.push({
      type: "comment",
      rule: RULE_ID,
      reason,
      marker: markerKey(RULE_ID, "alias", label),
      body: `I replaced ${labelRef(label)} with ${labelRef(canonical)}: it is the spelling in our label list, so boards and reports find this ${s.kind === "issue" ? "issue" : "merge request"}.`,
    });
  }
  return actions;
}

function conflictRepairs(s: ResourceSnapshot, policy: CompiledPolicy): Action[] {
  const present = new Set(s.labels);
  const actions: Action[] = [];
  for (const c of policy.hygiene.conflicts) {
    if (!present.has(c.whenPresent)) continue;
    const remove = c.remove.filter((l) => present.has(l));
    if (remove.length === 0) continue;
    const reason = `${c.whenPresent} is present, so ${remove.join(", ")} goes: ${c.reason}`;
    actions.push({ type: "remove_labels", labels: remove, rule: RULE_ID, reason });
    if (!policy.hygiene.explainRepairs) continue;
    actions.push({
      type: "comment",
      rule: RULE_ID,
      reason,
      marker: markerKey(RULE_ID, "conflict", c.whenPresent, ...remove),
      body: `I removed ${labelList(remove)} because this issue has ${labelRef(c.whenPresent)}: ${c.reason}`,
    });
  }
  return actions;
}

/** Labels that a declared conflict would remove again right away, given the labels present. */
export function labelsForbiddenBy(policy: CompiledPolicy, labels: string[]): Set<string> {
  const present = new Set(labels);
  return new Set(policy.hygiene.conflicts.filter((c) => present.has(c.whenPresent)).flatMap((c) => c.remove));
}

export const labelHygiene: RuleFactory = {
  kind: RULE_ID,
  create(policy) {
    const rule: Rule = {
      id: RULE_ID,
      description: "Replaces misspelled and old labels with the handbook's labels and repairs label combinations the handbook forbids.",
      appliesTo: ["issue", "merge_request"],
      onBotDocuments: true,
      needs: () => ({}),
      evaluate: (s, ctx) => [...aliasRepairs(s, policy, ctx.boardSpellings), ...conflictRepairs(s, policy)],
    };
    return [rule];
  },
};
