/**
 * The digest's "without priority" section and the triage rule that lists issues waiting for a
 * priority must leave out the same issues: otherwise the weekly digest calls an issue overdue for
 * a priority that the rule (and the handbook) says needs none, or the other way round. Both lists
 * are written by people in two files, so `policies validate` compares them and says what to fix.
 *
 * The rule is found by what it does, not by its id: a triage rule on issues in the digest's
 * project whose `when.labels.none` holds `<priority_scope>::*`. The labels of the bot's own
 * summary issues (`summarize.issue.labels`) are left out of the comparison: the digest never lists
 * issues the bot wrote.
 */
import type { PolicyFile } from "./kinds/kind.js";
import type { DigestFile } from "./schemas/digest.js";
import type { TriageFile } from "./schemas/triage.js";
import type { ProblemSink } from "./source.js";

/** The triage rules that ask which issues of the digest's project lack a priority, with the labels each exempts. */
function priorityRules(digest: DigestFile, triageFiles: readonly PolicyFile<TriageFile>[]): { file: string; id: string; exempt: string[] }[] {
  const wildcard = `${digest.priority_scope}::*`;
  const botOwned = new Set(triageFiles.flatMap((f) => f.data.rules.flatMap((r) => r.then.summarize?.issue?.labels ?? [])));
  const out: { file: string; id: string; exempt: string[] }[] = [];
  for (const f of triageFiles) {
    for (const rule of f.data.rules) {
      const roles = rule.where?.project_roles ?? [];
      if (!rule.applies_to.includes("issues") || (roles.length > 0 && !roles.includes(digest.project_role))) continue;
      const none = rule.when.labels?.none ?? [];
      if (!none.includes(wildcard)) continue;
      out.push({ file: f.source.file, id: rule.id, exempt: none.filter((l) => l !== wildcard && !botOwned.has(l)) });
    }
  }
  return out;
}

const quoted = (labels: string[]) => labels.map((l) => `'${l}'`).join(", ");

/** Reports, at digest.yml `priority_not_needed`, every difference from the triage rules' exemptions. */
export function checkPriorityExemptions(digest: PolicyFile<DigestFile>, triageFiles: readonly PolicyFile<TriageFile>[], sink: ProblemSink): void {
  const notNeeded = digest.data.priority_not_needed ?? [];
  const path = digest.data.priority_not_needed === undefined ? ["priority_scope"] : ["priority_not_needed"];
  for (const rule of priorityRules(digest.data, triageFiles)) {
    const missing = rule.exempt.filter((l) => !notNeeded.includes(l));
    const extra = notNeeded.filter((l) => !rule.exempt.includes(l));
    if (missing.length === 0 && extra.length === 0) continue;
    const parts = [
      missing.length > 0 ? `add ${quoted(missing)} (the rule never asks those issues for a priority)` : null,
      extra.length > 0 ? `remove ${quoted(extra)} or add it to the rule's labels: none (the rule does ask those issues for one)` : null,
    ].filter((p) => p !== null);
    sink.at(
      digest.source,
      path,
      `priority_not_needed must leave out the same issues as triage rule '${rule.id}' (${rule.file}), so the digest and the rule agree on which issues need a priority: ${parts.join("; ")}`,
    );
  }
}
