/**
 * Ensuring a triage summary exists as it should: the summary issue is found again by the marker in
 * its description (only the bot's own open issues count), created when missing and there is
 * something to list, edited when its list changed, and left alone otherwise, so a rerun writes
 * nothing. Dry-run only reports. A Slack summary is reported as the post it would make.
 */
import type { ScopeAction } from "../domain/actions.js";
import type { ReportResource } from "../engine/report.js";
import { findIssuesByMarker } from "../gitlab/issuesByMarker.js";
import type { GitLabPlatform } from "../gitlab/platform.js";
import type { SummaryDef, TriageRuleDef } from "../policy/compile/triage.js";
import { projectsWithRole, type CompiledPolicy } from "../policy/model.js";
import type { SummaryContent } from "./summaries.js";

/** The part of the GitLab platform summaries need. */
export type SummaryPlatform = Pick<GitLabPlatform, "requester" | "currentUser" | "createIssue" | "updateIssueDescription">;

export function canWriteSummaries(platform: object): platform is SummaryPlatform {
  const p = platform as Partial<SummaryPlatform>;
  return typeof p.createIssue === "function" && typeof p.updateIssueDescription === "function" && typeof p.currentUser === "function" && p.requester !== undefined;
}

export interface SummaryWriteDeps {
  platform: SummaryPlatform;
  policy: CompiledPolicy;
  /** Today in the team's zone (`YYYY-MM-DD`), for the snapshots of found issues. */
  today: string;
}

const sameText = (a: string, b: string) => a.replace(/\r\n/g, "\n").trim() === b.replace(/\r\n/g, "\n").trim();

/** What was (or in dry-run would be) done for one rule's summary; null when nothing needed doing. */
export async function ensureSummary(def: TriageRuleDef, summary: SummaryDef, content: SummaryContent, deps: SummaryWriteDeps): Promise<ReportResource | null> {
  const rule = `triage:${def.id}`;
  const destination = summary.destination;
  if (destination.kind === "slack") {
    if (content.count === 0) return null;
    const action: ScopeAction = {
      type: "post_slack",
      channel: destination.channel,
      marker: content.marker,
      text: content.body,
      rule,
      reason: `${def.description} (${content.count} selected). Not posted: this version of mops-bot reports Slack summaries but does not send them yet.`,
    };
    return { ref: `#${destination.channel}`, url: "", title: content.title, actions: [action], conflicts: [] };
  }
  const project = projectsWithRole(deps.policy.scope, destination.projectRole)[0];
  if (project === undefined) throw new Error(`No project in scope.yml has the role "${destination.projectRole}" that the summary of ${rule} names.`);
  const found = await findIssuesByMarker(
    { api: deps.platform.requester.api, me: () => deps.platform.currentUser(), today: deps.today },
    { project: { path: project.path, roles: [...project.roles] }, labels: destination.labels, search: content.marker, state: "opened" },
    (m) => m === content.marker,
  );
  const existing = found.get(content.marker)?.[0];
  if (existing === undefined) {
    if (content.count === 0) return null;
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
    return { ref: created ? `${created.projectPath}#${created.iid}` : `${project.path} (new issue)`, url: created?.webUrl ?? "", title: content.title, actions: [action], conflicts: [] };
  }
  if (sameText(existing.description, content.body)) return null;
  const outcome = await deps.platform.updateIssueDescription(existing, content.body);
  if (outcome.status === "unchanged") return null;
  const ref = `${existing.projectPath}#${existing.iid}`;
  const action: ScopeAction = { type: "update_issue", ref, marker: content.marker, what: `the list now has ${content.count} item(s)`, rule, reason: `${def.description}.` };
  return { ref, url: existing.webUrl, title: existing.title, actions: [action], conflicts: [] };
}
