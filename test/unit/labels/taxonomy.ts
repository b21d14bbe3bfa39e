/** A small taxonomy for the label tests: two ordered sets (one with board priority), plain labels, aliases. */
import { Taxonomy, type LabelDefinition, type ScopedSet } from "../../../src/domain/labels.js";
import type { GitLabLabel } from "../../../src/gitlab/labels.js";

const defs: LabelDefinition[] = [
  { name: "Stage::00: Triage", description: "New", color: "#428bca", set: "Stage" },
  { name: "Stage::01: Doing", description: "Doing", color: "#428bca", set: "Stage" },
  { name: "Prio::High", description: "Urgent work", color: "#d9534f", set: "Prio" },
  { name: "Prio::Low", description: "Later", color: "#d9534f", set: "Prio" },
  { name: "Marketo", description: "A tool", color: "#0033cc", set: null },
];
const sets: ScopedSet[] = [
  { key: "Stage", description: "", ordered: true, labels: ["Stage::00: Triage", "Stage::01: Doing"] },
  { key: "Prio", description: "", ordered: true, labels: ["Prio::High", "Prio::Low"], boardPriority: true },
];

export function smallTaxonomy(): Taxonomy {
  return new Taxonomy(defs, sets, {
    "Stage::0 - Old Triage": "Stage::00: Triage",
    "Stage::1 - Old Doing": "Stage::01: Doing",
    "Prio:: High": "Prio::High",
    "Prio::1 - Top": "Prio::High",
  });
}

let nextId = 1000;
export function gl(name: string, over: Partial<GitLabLabel> = {}): GitLabLabel {
  return { id: nextId++, name, color: "#cccccc", description: "", priority: null, isProjectLabel: false, ...over };
}

/** A GitLab label exactly as the taxonomy defines it. */
export function asDefined(taxonomy: Taxonomy, name: string, over: Partial<GitLabLabel> = {}): GitLabLabel {
  const d = taxonomy.definition(name)!;
  return gl(name, { color: d.color, description: d.description, ...over });
}
