/**
 * Ensuring a triage summary exists as it should: the summary issue is found again by the marker in
 * its description (only the bot's own open issues count), created when missing and there is
 * something to list, edited when its list changed, and left alone otherwise, so a rerun writes
 * nothing. Dry-run only reports. The Slack post of a summary is in summarySlack.ts.
 */
import type { ScopeAction } from "../domain/actions.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import type { ReportResource } from "../engine/report.js";
import { ensuredIssueOf, type EnsuredIssue, type EnsureIssueAction } from "../engine/scopePlan.js";
import type { ScopePlatform } from "../engine/scopePlatform.js";
import type { SummaryDef, TriageRuleDef } from "../policy/compile/triage.js";
import { projectsWithRole, type CompiledPolicy } from "../policy/model.js";
import type { SummaryContent } from "./summaries.js";

export interface SummaryWriteDeps {
  platform: ScopePlatform;
  policy: CompiledPolicy;
}

export interface SummaryIssueOutcome {
  /** What was (or in dry-run would be) done; null when nothing needed doing. */
  entry: ReportResource | null;
  /** The summary issue as it now is; null when there is none (nothing to list, or created in a dry run). */
  issue: ResourceSnapshot | null;
  /** True when the issue was created or its list edited (or would be, in a dry run). */
  changed: boolean;
}

/** The summary issue as it should be: among the bot's open issues with its marker; created only when there is something to list. Pure. */
export function decideSummaryIssue(def: TriageRuleDef, summary: SummaryDef, content: SummaryContent, policy: CompiledPolicy): EnsureIssueAction {
  const rule = `triage:${def.id}`;
  const destination = summary.issue;
  const project = projectsWithRole(policy.scope, destination.projectRole)[0];
  if (project === undefined) throw new Error(`No project in scope.yml has the role "${destination.projectRole}" that the summary of ${rule} names.`);
  const issue = { project: { path: project.path, roles: [...project.roles] }, marker: content.marker, title: content.title, body: content.body, labels: destination.labels };
  const lookup = { labels: destination.labels, search: content.marker, state: "opened" as const };
  return { type: "ensure_issue", issue, lookup, createIfMissing: content.count > 0, rule, reason: `${def.description} (${content.count} selected).` };
}

export async function ensureSummary(def: TriageRuleDef, summary: SummaryDef, content: SummaryContent, deps: SummaryWriteDeps): Promise<SummaryIssueOutcome> {
  const action = decideSummaryIssue(def, summary, content, deps.policy);
  const ensured = ensuredIssueOf((await deps.platform.applyScope({ actions: [action] })).outcomes[0]);
  return summaryOutcome(def, content, action.issue.project.path, summary.issue.labels, ensured);
}

/** The run report's line for what became of the summary issue. */
function summaryOutcome(def: TriageRuleDef, content: SummaryContent, projectPath: string, labels: string[], ensured: EnsuredIssue): SummaryIssueOutcome {
  const rule = `triage:${def.id}`;
  const issue = ensured.issue;
  switch (ensured.status) {
    case "missing":
      return { entry: null, issue: null, changed: false };
    case "unchanged":
      return { entry: null, issue, changed: false };
    case "created": {
      const action: ScopeAction = { type: "create_issue", project: projectPath, title: content.title, marker: content.marker, labels, rule, reason: `${def.description} (${content.count} selected).` };
      const entry = { ref: issue ? `${issue.projectPath}#${issue.iid}` : `${projectPath} (new issue)`, url: issue?.webUrl ?? "", title: content.title, actions: [action], conflicts: [] };
      return { entry, issue, changed: true };
    }
    case "updated": {
      const ref = `${issue!.projectPath}#${issue!.iid}`;
      const action: ScopeAction = { type: "update_issue", ref, marker: content.marker, what: `the list now has ${content.count} item(s)`, rule, reason: `${def.description}.` };
      return { entry: { ref, url: issue!.webUrl, title: issue!.title, actions: [action], conflicts: [] }, issue, changed: true };
    }
  }
}
