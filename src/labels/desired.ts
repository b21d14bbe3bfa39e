/**
 * What GitLab's labels should look like, read from the taxonomy: every defined label with its
 * colour and description, and the label priority of the sets marked `board_priority: true`.
 */
import type { Taxonomy } from "../domain/labels.js";

export interface DesiredLabel {
  name: string;
  /** `#rrggbb`, lower case. */
  color: string;
  description: string;
  /** GitLab label priority (1 = highest) in every project in scope, or null to leave it alone. */
  priority: number | null;
}

/**
 * Priorities follow the sets marked `board_priority`, in the order labels.yml lists them and, in
 * each set, in the order of its values: 1, 2, 3... continuing from one set to the next, so a
 * list sorted by label priority reads like the handbook.
 */
export function boardPriorities(taxonomy: Taxonomy): Map<string, number> {
  const priorities = new Map<string, number>();
  for (const set of taxonomy.scopedSets) {
    if (set.boardPriority !== true) continue;
    for (const name of set.labels) priorities.set(name, priorities.size + 1);
  }
  return priorities;
}

export function desiredLabels(taxonomy: Taxonomy): DesiredLabel[] {
  const priorities = boardPriorities(taxonomy);
  return taxonomy.definitions.map((d) => ({
    name: d.name,
    color: d.color.toLowerCase(),
    description: d.description,
    priority: priorities.get(d.name) ?? null,
  }));
}
