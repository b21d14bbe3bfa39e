/**
 * The team's GitLab may already use another spelling of a label than labels.yml's: the same name
 * but for spacing, dashes or case (`MktgOpsPriority::02-Medium` against the handbook's
 * `MktgOpsPriority:: 02-Medium`). When more issues and merge requests carry GitLab's spelling than
 * labels.yml's, relabelling them all would rewrite a whole board to follow a policy file: `labels
 * sync` and `labels migrate` leave that spelling alone and propose the change to labels.yml
 * instead, so the team decides which spelling is canonical.
 */
import { looseLabelForm, type Taxonomy } from "../domain/labels.js";
import type { GitLabLabel } from "../gitlab/labels.js";

export interface SpellingInUse {
  /** The spelling labels.yml defines. */
  policy: string;
  /** The other spelling, which GitLab's issues and merge requests carry. */
  gitlab: string;
  /** Issues (open and closed) and open merge requests carrying each spelling, per GitLab's label counts. */
  policyCarriers: number;
  gitlabCarriers: number;
  /** labels.yml lists GitLab's spelling as an alias (so `labels migrate` and the sweeps would replace it). */
  declaredAlias: boolean;
  /** The scoped set of labels.yml the label is a value of; null for a plain label. */
  set: string | null;
}

const carriers = (l: GitLabLabel) => (l.openIssues ?? 0) + (l.closedIssues ?? 0) + (l.openMergeRequests ?? 0);

/**
 * Spellings GitLab uses more than labels.yml's, from labels listed with counts (a group's labels
 * and each project's; a label listed twice, e.g. a group label seen from two projects, counts once).
 * A scoped set is one convention (the space after `::` goes for all priorities or none), so its
 * labels are counted together: one slip on a board that otherwise follows labels.yml is repaired
 * as usual. A plain label is counted alone.
 */
export function spellingsInUse(taxonomy: Taxonomy, labels: readonly GitLabLabel[]): SpellingInUse[] {
  const byId = new Map(labels.map((l) => [l.id, l]));
  const counts = new Map<string, number>();
  for (const l of byId.values()) counts.set(l.name, (counts.get(l.name) ?? 0) + carriers(l));
  const variants: Array<Omit<SpellingInUse, "policyCarriers"> & { family: string }> = [];
  for (const [name, carried] of counts) {
    if (carried === 0 || taxonomy.isDefined(name)) continue;
    const policy = taxonomy.canonical(name);
    // Only another spelling of the same name; an old label that means the same (an alias with other words) is migrated as usual.
    if (policy === undefined || looseLabelForm(policy) !== looseLabelForm(name)) continue;
    const set = taxonomy.definition(policy)?.set ?? null;
    variants.push({ policy, gitlab: name, gitlabCarriers: carried, declaredAlias: taxonomy.aliasTarget(name) === policy, set, family: set ?? policy });
  }
  const members = (family: string) => taxonomy.definitions.filter((d) => (d.set ?? d.name) === family).map((d) => d.name);
  const found: SpellingInUse[] = [];
  for (const family of new Set(variants.map((v) => v.family))) {
    const inFamily = variants.filter((v) => v.family === family);
    const other = inFamily.reduce((n, v) => n + v.gitlabCarriers, 0);
    const policy = members(family).reduce((n, name) => n + (counts.get(name) ?? 0), 0);
    if (other <= policy) continue;
    for (const { family: _family, ...v } of inFamily) found.push({ ...v, policyCarriers: counts.get(v.policy) ?? 0 });
  }
  return found.sort((a, b) => a.policy.localeCompare(b.policy) || a.gitlab.localeCompare(b.gitlab));
}

/** The labels.yml edit that makes GitLab's spelling canonical, as lines a person can follow. */
export function proposedPolicyChange(s: SpellingInUse): string[] {
  const set = s.set;
  const valueOf = (name: string) => name.slice(name.lastIndexOf("::") + 2);
  const definition =
    set !== null
      ? `in the set \`${set}\`: value: ${JSON.stringify(valueOf(s.gitlab))} (instead of ${JSON.stringify(valueOf(s.policy))})`
      : `under labels: name: ${JSON.stringify(s.gitlab)} (instead of ${JSON.stringify(s.policy)})`;
  return [
    definition,
    `under aliases: ${JSON.stringify(s.policy)}: ${JSON.stringify(s.gitlab)}${s.declaredAlias ? ` (instead of ${JSON.stringify(s.gitlab)}: ${JSON.stringify(s.policy)})` : ""}`,
    `and ${JSON.stringify(s.policy)} -> ${JSON.stringify(s.gitlab)} wherever another policy file names it (sla.yml goals, triage rules, templates)`,
  ];
}
