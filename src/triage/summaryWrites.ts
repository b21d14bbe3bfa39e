/**
 * Ensuring a triage summary exists as it should: the summary issue is found again by the marker in
 * its description (only the bot's own open issues count), created when missing and there is
 * something to list, edited when its list changed, and left alone otherwise, so a rerun writes
 * nothing. Dry-run only reports. The Slack post of a summary is in summarySlack.ts.
 */
import type { ScopeAction } from "../domain/actions.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import type { ReportResource } from "../engine/report.js";
import { findIssuesByMarker } from "../gitlab/issuesByMarker.js";
import type { GitLabPlatform } from "../gitlab/platform.js";
import type { SummaryDef, TriageRuleDef } from "../policy/compile/triage.js";
import { projectsWithRole, type CompiledPolicy } from "../policy/model.js";
import type { SummaryContent } from "./summaries.js";

/** The part of the GitLab platform summaries need. */
export type SummaryPlatform = Pick<GitLabPlatform, "requester" | "currentUser" | "createIssue" | "updateIssueDescription" | "notes" | "ensureNote">;

export function canWriteSummaries(platform: object): platform is SummaryPlatform {
  const p = platform as Partial<SummaryPlatform>;
  return typeof p.createIssue === "function" && typeof p.updateIssueDescription === "function" && typeof p.notes === "function" && typeof p.ensureNote === "function" && typeof p.currentUser === "function" && p.requester !== undefined;
}

export interface SummaryWriteDeps {
  platform: SummaryPlatform;
  policy: CompiledPolicy;
  /** Today in the team's zone (`YYYY-MM-DD`), for the snapshots of found issues. */
  today: string;
}

export interface SummaryIssueOutcome {
  /** What was (or in dry-run would be) done; null when nothing needed doing. */
  entry: ReportResource | null;
  /** The summary issue as it now is; null when there is none (nothing to list, or created in a dry run). */
  issue: ResourceSnapshot | null;
  /** True when the issue was created or its list edited (or would be, in a dry run). */
  changed: boolean;
}

export async function ensureSummary(def: TriageRuleDef, summary: SummaryDef, content: SummaryContent, deps: SummaryWriteDeps): Promise<SummaryIssueOutcome> {
  const rule = `triage:${def.id}`;
  const destination = summary.issue;
  const project = projectsWithRole(deps.policy.scope, destination.projectRole)[0];
  if (project === undefined) throw new Error(`No project in scope.yml has the role "${destination.projectRole}" that the summary of ${rule} names.`);
  const found = await findIssuesByMarker(
    { api: deps.platform.requester.api, me: () => deps.platform.currentUser(), today: deps.today },
    { project: { path: project.path, roles: [...project.roles] }, labels: destination.labels, search: content.marker, state: "opened" },
    (m) => m === content.marker,
  );
  const existing = found.get(content.marker)?.[0];
  if (existing === undefined) {
    if (content.count === 0) return { entry: null, issue: null, changed: false };
    const outcome = await deps.platform.createIssue({ projectPath: project.path, title: content.title, description: content.body, labels: destination.labels });
    const created = outcome.status === "written" ? outcome.result : null;
    const action: ScopeAction = {
      type: "create_issue",
      project: project.path,
      title: content.title,
      marker: content.marker,
      labels: destination.labels,
      rule,
      reason: `${def.description} (${content.count} selected).`,
    };
    const entry = { ref: created ? `${created.projectPath}#${created.iid}` : `${project.path} (new issue)`, url: created?.webUrl ?? "", title: content.title, actions: [action], conflicts: [] };
    return { entry, issue: created, changed: true };
  }
  const outcome = await deps.platform.updateIssueDescription(existing, content.body);
  if (outcome.status === "unchanged") return { entry: null, issue: existing, changed: false };
  const ref = `${existing.projectPath}#${existing.iid}`;
  const action: ScopeAction = { type: "update_issue", ref, marker: content.marker, what: `the list now has ${content.count} item(s)`, rule, reason: `${def.description}.` };
  return { entry: { ref, url: existing.webUrl, title: existing.title, actions: [action], conflicts: [] }, issue: outcome.status === "written" ? outcome.result : existing, changed: true };
}
