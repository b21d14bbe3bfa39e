/**
 * The pure half of `labels sync`: taxonomy vs the labels GitLab has -> the fewest label writes.
 *
 * - The group gets every taxonomy label, with the taxonomy's colour and description.
 * - A project outside the group does not see the group's labels: it gets its own copies (with
 *   the board priority in the same request), or GitLab would create a default-coloured label the
 *   first time the bot adds one there.
 * - A project's own copy of a taxonomy label is kept looking like the taxonomy says.
 * - Labels of sets marked `board_priority` get their priority in every project in scope where
 *   GitLab's API can set it: on a project's own labels. A group label's priority in a project
 *   cannot be set through the REST API (lib/api/helpers/label_helpers.rb in gitlabhq: `update_label`
 *   finds the label with `include_ancestor_groups: false`, so GitLab answers 404 Label Not Found),
 *   so those are listed as a manual step (`manualPriorities`), not attempted.
 * Nothing is ever deleted here; labels the taxonomy does not know are reported (drift.ts).
 */
import type { LabelOwner, NewLabel } from "../gitlab/labels.js";
import type { DesiredLabel } from "./desired.js";
import { byName, type LabelInventory } from "./inventory.js";

export interface FieldChange {
  field: "color" | "description" | "priority";
  from: string | number | null;
  to: string | number | null;
}

export type LabelFix =
  | { type: "create"; owner: LabelOwner; name: string; label: NewLabel; reason: string }
  /** `target` is the label's id, or its name when it is created in the same run. */
  | { type: "update"; owner: LabelOwner; name: string; target: number | string; changes: FieldChange[]; reason: string };

const sameText = (a: string, b: string) => a.replace(/\r\n/g, "\n").trim() === b.replace(/\r\n/g, "\n").trim();

function lookChanges(d: DesiredLabel, current: { color: string; description: string }): FieldChange[] {
  const changes: FieldChange[] = [];
  if (current.color.toLowerCase() !== d.color) changes.push({ field: "color", from: current.color, to: d.color });
  if (!sameText(current.description, d.description)) changes.push({ field: "description", from: current.description, to: d.description });
  return changes;
}

function newLabel(d: DesiredLabel, withPriority: boolean): NewLabel {
  return { name: d.name, color: d.color, description: d.description, ...(withPriority && d.priority !== null ? { priority: d.priority } : {}) };
}

export function planLabelSync(desired: readonly DesiredLabel[], inventory: LabelInventory): LabelFix[] {
  const fixes: LabelFix[] = [];
  const group: LabelOwner = { kind: "group", path: inventory.group };
  const groupLabels = byName(inventory.groupLabels);

  for (const d of desired) {
    const existing = groupLabels.get(d.name);
    if (existing === undefined) {
      fixes.push({ type: "create", owner: group, name: d.name, label: newLabel(d, false), reason: "missing in the group" });
      continue;
    }
    const changes = lookChanges(d, existing);
    if (changes.length > 0) fixes.push({ type: "update", owner: group, name: d.name, target: existing.id, changes, reason: "differs from labels.yml" });
  }

  for (const project of inventory.projects) {
    const owner: LabelOwner = { kind: "project", path: project.path };
    const own = byName(project.labels.filter((l) => l.isProjectLabel));
    const inherited = byName(project.labels.filter((l) => !l.isProjectLabel));
    for (const d of desired) {
      const copy = own.get(d.name);
      if (copy !== undefined) {
        const changes = lookChanges(d, copy);
        if (d.priority !== null && copy.priority !== d.priority) changes.push({ field: "priority", from: copy.priority, to: d.priority });
        if (changes.length > 0) fixes.push({ type: "update", owner, name: d.name, target: copy.id, changes, reason: "the project's own copy differs from labels.yml" });
        continue;
      }
      if (!project.insideGroup && !inherited.has(d.name)) {
        fixes.push({ type: "create", owner, name: d.name, label: newLabel(d, true), reason: `the project is outside ${inventory.group}, so the group's label does not reach it` });
      }
      // Otherwise the label comes from a group (or is created there by this run): its priority in
      // this project is a manual step, see manualPriorities.
    }
  }
  return fixes;
}

/** A group label whose board priority in a project differs from labels.yml: set by a person in GitLab. */
export interface ManualPriority {
  project: string;
  name: string;
  from: number | null;
  to: number;
}

/**
 * Group labels (existing, or created in the group by this run) that a project in scope sees but
 * ranks differently from labels.yml. Only a person can set these, in the project's
 * Manage > Labels page (the star beside "Prioritized labels").
 */
export function manualPriorities(desired: readonly DesiredLabel[], inventory: LabelInventory): ManualPriority[] {
  const steps: ManualPriority[] = [];
  for (const project of inventory.projects) {
    const own = byName(project.labels.filter((l) => l.isProjectLabel));
    const inherited = byName(project.labels.filter((l) => !l.isProjectLabel));
    for (const d of desired) {
      if (d.priority === null || own.has(d.name)) continue;
      const fromGroup = inherited.get(d.name);
      if (fromGroup === undefined && !project.insideGroup) continue; // it gets a project copy with its priority
      const current = fromGroup?.priority ?? null;
      if (current !== d.priority) steps.push({ project: project.path, name: d.name, from: current, to: d.priority });
    }
  }
  return steps;
}
