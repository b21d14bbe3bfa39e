/**
 * Labels GitLab has that the taxonomy does not define (drift), grouped by prefix (`MtkgOpsPrio::`,
 * `MktgOps - `...) with how many open issues and merge requests carry each, so a person can see
 * at a glance which families of labels need a decision. Declared aliases and near-miss spellings
 * are told apart from labels nobody has decided about.
 */
import { parseLabel, type Taxonomy } from "../domain/labels.js";
import type { GitLabLabel, LabelOwner } from "../gitlab/labels.js";
import type { LabelInventory } from "./inventory.js";

export interface DriftLabel {
  name: string;
  owner: LabelOwner;
  /** `alias`: declared in labels.yml, `labels migrate` moves it; `near-miss`: a spelling slip of `canonical`. */
  kind: "alias" | "near-miss" | "unknown";
  canonical?: string;
  /** null when GitLab did not send counts. */
  openIssues: number | null;
  openMergeRequests: number | null;
}

export interface DriftGroup {
  prefix: string;
  labels: DriftLabel[];
  openIssues: number;
  openMergeRequests: number;
}

export const NO_PREFIX = "(no prefix)";

/** `Key::` for a scoped label; the part before ` - `, `-`, `_`, `/` or `:` for a plain one. */
export function driftPrefix(name: string): string {
  const parsed = parseLabel(name);
  if (parsed.key !== null) return `${parsed.key}::`;
  const m = /^(.+?)(\s+-\s+|[-_/:])\S/.exec(name);
  return m ? `${m[1]!}${m[2]!}` : NO_PREFIX;
}

function classify(taxonomy: Taxonomy, label: GitLabLabel, owner: LabelOwner): DriftLabel {
  const alias = taxonomy.aliasTarget(label.name);
  const canonical = alias ?? taxonomy.canonical(label.name);
  return {
    name: label.name,
    owner,
    kind: alias !== undefined ? "alias" : canonical !== undefined ? "near-miss" : "unknown",
    ...(canonical !== undefined ? { canonical } : {}),
    openIssues: label.openIssues ?? null,
    openMergeRequests: label.openMergeRequests ?? null,
  };
}

export function findDrift(taxonomy: Taxonomy, inventory: LabelInventory): DriftGroup[] {
  const found: DriftLabel[] = [];
  const group: LabelOwner = { kind: "group", path: inventory.group };
  for (const l of inventory.groupLabels) if (!taxonomy.isDefined(l.name)) found.push(classify(taxonomy, l, group));
  for (const p of inventory.projects) {
    for (const l of p.labels) {
      if (l.isProjectLabel && !taxonomy.isDefined(l.name)) found.push(classify(taxonomy, l, { kind: "project", path: p.path }));
    }
  }
  const groups = new Map<string, DriftGroup>();
  for (const d of found) {
    const prefix = driftPrefix(d.name);
    let g = groups.get(prefix);
    if (g === undefined) groups.set(prefix, (g = { prefix, labels: [], openIssues: 0, openMergeRequests: 0 }));
    g.labels.push(d);
    g.openIssues += d.openIssues ?? 0;
    g.openMergeRequests += d.openMergeRequests ?? 0;
  }
  const carried = (x: { openIssues: number | null; openMergeRequests: number | null }) => (x.openIssues ?? 0) + (x.openMergeRequests ?? 0);
  for (const g of groups.values()) g.labels.sort((a, b) => carried(b) - carried(a) || a.name.localeCompare(b.name));
  return [...groups.values()].sort((a, b) => {
    if ((a.prefix === NO_PREFIX) !== (b.prefix === NO_PREFIX)) return a.prefix === NO_PREFIX ? 1 : -1;
    return carried(b) - carried(a) || a.prefix.localeCompare(b.prefix);
  });
}
