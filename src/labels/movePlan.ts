/**
 * The pure half of `labels migrate` for one resource: which alias labels go and which canonical
 * labels come, in one update. Handles resources carrying several aliases, and never gives a
 * resource two values of one exclusive scope:
 * - the canonical label is already there: the alias just goes;
 * - the resource already has another value of that scope (set by a person since): the alias goes
 *   and the person's value stays;
 * - two aliases stand for different values of one scope: neither is touched, a person decides.
 */
import { scopeKeyOf, type Taxonomy } from "../domain/labels.js";
import type { ResourcePlan } from "../domain/plan.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";

export interface LabelMove {
  add: string[];
  remove: string[];
  /** Aliases removed without adding their label, because the scope already has a value. */
  superseded: Array<{ alias: string; kept: string }>;
  /** Aliases left in place, with why. */
  untouched: Array<{ alias: string; reason: string }>;
}

export const MIGRATE_RULE = "labels-migrate";

/** Declared aliases on a resource (a label that is itself defined is never an alias). */
export function aliasesOn(labels: readonly string[], taxonomy: Taxonomy): string[] {
  return labels.filter((l) => !taxonomy.isDefined(l) && taxonomy.aliasTarget(l) !== undefined);
}

/** `leave`: aliases not to move (the spelling the team's GitLab uses, until labels.yml decides). */
export function planLabelMove(labels: readonly string[], taxonomy: Taxonomy, leave: ReadonlySet<string> = new Set()): LabelMove {
  const present = new Set(labels);
  const byTarget = new Map<string, string[]>();
  for (const alias of aliasesOn(labels, taxonomy)) {
    if (leave.has(alias)) continue;
    const target = taxonomy.aliasTarget(alias)!;
    byTarget.set(target, [...(byTarget.get(target) ?? []), alias]);
  }
  const move: LabelMove = { add: [], remove: [], superseded: [], untouched: [] };
  for (const [target, aliases] of byTarget) {
    if (present.has(target)) {
      move.remove.push(...aliases);
      continue;
    }
    const set = taxonomy.setOf(target);
    if (set !== undefined && set.exclusive !== false) {
      const existing = labels.find((l) => l !== target && taxonomy.isDefined(l) && scopeKeyOf(l) === set.key);
      if (existing !== undefined) {
        move.remove.push(...aliases);
        for (const alias of aliases) move.superseded.push({ alias, kept: existing });
        continue;
      }
      const rivals = [...byTarget.keys()].filter((t) => t !== target && !present.has(t) && scopeKeyOf(t) === set.key);
      if (rivals.length > 0) {
        const reason = `the resource carries aliases of ${[target, ...rivals].map((t) => `"${t}"`).join(" and ")}, and ${set.key} takes one value: a person picks it`;
        for (const alias of aliases) move.untouched.push({ alias, reason });
        continue;
      }
    }
    move.add.push(target);
    move.remove.push(...aliases);
  }
  return move;
}

/** The one update that carries out a move on a resource (labels only, no note). */
export function movePlan(resource: ResourceSnapshot, move: LabelMove): ResourcePlan {
  const reason = "labels migrate: the alias is replaced by the label labels.yml defines.";
  return {
    ref: resource.ref,
    webUrl: resource.webUrl,
    title: resource.title,
    projectId: resource.projectId,
    iid: resource.iid,
    kind: resource.kind,
    actions: [
      ...(move.remove.length > 0 ? [{ type: "remove_labels" as const, labels: [...move.remove], rule: MIGRATE_RULE, reason }] : []),
      ...(move.add.length > 0 ? [{ type: "add_labels" as const, labels: [...move.add], rule: MIGRATE_RULE, reason }] : []),
    ],
    update: { addLabels: [...move.add], removeLabels: [...move.remove] },
    note: null,
    conflicts: [],
  };
}
