/**
 * Scoped-label exclusivity on any GitLab tier: a resource carries at most one value of a scoped
 * set. GitLab enforces this only on Premium/Ultimate; on Free two values can coexist. When they
 * do, the value applied last (from the label events) is kept and the others are removed.
 *
 * Aliases count as the value they stand for: `MtkgOpsPrio::04: Actioned` is a value of
 * `MktgOpsPrio`. Replacing the alias itself is the label-hygiene rule's job.
 */
import type { Action } from "../domain/actions.js";
import { markerKey } from "../domain/markers.js";
import type { LabelEvent, ResourceSnapshot } from "../domain/snapshot.js";
import type { CompiledPolicy } from "../policy/model.js";
import { labelList, labelRef } from "./labelRefs.js";
import { labelOwnedByWorkflow } from "./moves/scope.js";
import type { Rule, RuleFactory } from "./types.js";

const RULE_ID = "scoped-exclusivity";

interface Clash {
  key: string;
  /** Labels on the resource (as spelled there) grouped by the canonical value they stand for. */
  byCanonical: Map<string, string[]>;
}

function clashes(snapshot: ResourceSnapshot, policy: CompiledPolicy): Clash[] {
  const taxonomy = policy.taxonomy;
  const bySet = new Map<string, Map<string, string[]>>();
  for (const label of snapshot.labels) {
    const canonical = taxonomy.canonical(label);
    // A workflow that checks moves keeps one step itself (the one a judged move leaves).
    if (canonical === undefined || labelOwnedByWorkflow(policy, snapshot, label)) continue;
    const set = taxonomy.setOf(canonical);
    if (!set || set.exclusive === false) continue;
    let values = bySet.get(set.key);
    if (!values) bySet.set(set.key, (values = new Map()));
    const spelled = values.get(canonical) ?? [];
    spelled.push(label);
    values.set(canonical, spelled);
  }
  return [...bySet.entries()].filter(([, v]) => v.size > 1).map(([key, byCanonical]) => ({ key, byCanonical }));
}

/** The instant each label was last added, from the label events. */
function lastAdded(events: LabelEvent[]): Map<string, LabelEvent> {
  const latest = new Map<string, LabelEvent>();
  for (const e of events) {
    if (e.action !== "add") continue;
    const prev = latest.get(e.label);
    if (!prev || e.createdAt > prev.createdAt || (+e.createdAt === +prev.createdAt && e.id > prev.id)) latest.set(e.label, e);
  }
  return latest;
}

export const scopedExclusivity: RuleFactory = {
  kind: RULE_ID,
  create(policy) {
    const taxonomy = policy.taxonomy;
    const rule: Rule = {
      id: RULE_ID,
      description: "A resource carries one value of each scoped label set; the value applied last is kept.",
      appliesTo: ["issue", "merge_request"],
      onBotDocuments: true,
      needs: (s) => (clashes(s, policy).length > 0 ? { labelEvents: true } : {}),
      evaluate(s) {
        const found = clashes(s, policy);
        if (found.length === 0 || s.labelEvents === undefined) return [];
        const added = lastAdded(s.labelEvents);
        const actions: Action[] = [];
        for (const clash of found) {
          // The winner is the canonical value whose spelling was added most recently; a label
          // with no add event (imported, or history pruned) counts as the oldest.
          let winner: { canonical: string; event: LabelEvent | undefined } | undefined;
          for (const [canonical, spellings] of clash.byCanonical) {
            for (const spelled of spellings) {
              const ev = added.get(spelled);
              if (
                !winner ||
                (ev && (!winner.event || ev.createdAt > winner.event.createdAt || (+ev.createdAt === +winner.event.createdAt && ev.id > winner.event.id)))
              ) {
                winner = { canonical, event: ev };
              }
            }
          }
          const keep = winner!.canonical;
          const remove = [...clash.byCanonical.entries()]
            .filter(([c]) => c !== keep)
            .sort(([a], [b]) => (taxonomy.orderOf(a) ?? 0) - (taxonomy.orderOf(b) ?? 0))
            .flatMap(([, spellings]) => spellings);
          const who = winner!.event?.user ? ` by ${winner!.event.user.username}` : "";
          const reason = `"${clash.key}" is a scoped label set, so only one value can apply: kept ${keep} (applied last${who}) and removed ${remove.join(", ")}.`;
          actions.push({ type: "remove_labels", labels: remove, rule: RULE_ID, reason });
          actions.push({
            type: "comment",
            rule: RULE_ID,
            reason,
            marker: markerKey(RULE_ID, clash.key, keep, ...remove),
            body: `Labels of the scoped set \`${clash.key}::\` are exclusive: this ${s.kind === "issue" ? "issue" : "merge request"} had ${clash.byCanonical.size} of them. I kept ${labelRef(keep)}, the one applied last${who}, and removed ${labelList(remove)}. If that is wrong, apply the right one again.`,
          });
        }
        return actions;
      },
    };
    return [rule];
  },
};
