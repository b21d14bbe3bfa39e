/**
 * Tool audits and renewals: the open audit issues (overdue ones first) and the renewals coming up
 * within the digest's horizon, each with its issue when the `tool-audits` job has opened it.
 */
import type { CompiledPolicy } from "../policy/model.js";
import { projectsWithRole } from "../policy/model.js";
import { daysBetween } from "../domain/calendar/days.js";
import { issueListUrl, type ListScope } from "./links.js";
import type { AuditIssue, RenewalDue, ToolsModel } from "./types.js";
import { issueLine } from "./workflowView.js";

export function buildTools(policy: CompiledPolicy, audits: AuditIssue[], renewals: RenewalDue[], renewalsWithinDays: number, today: string, gitlabUrl: string): ToolsModel {
  const tools = policy.tools;
  const project = tools ? projectsWithRole(policy.scope, tools.audits.projectRole)[0]?.path : undefined;
  const scope: ListScope = project ? { project } : { group: policy.scope.group };
  const rows = audits
    .map((a) => ({ ...issueLine(a.issue), tool: a.tool, period: a.period, dueDate: a.dueDate, overdue: a.dueDate !== null && a.dueDate < today }))
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.dueDate ?? "9999").localeCompare(b.dueDate ?? "9999") || a.tool.localeCompare(b.tool));
  return {
    configured: tools !== undefined,
    openAudits: { value: rows.length, href: issueListUrl(gitlabUrl, scope, { labels: tools?.audits.labels ?? [] }) },
    audits: rows,
    renewalsWithinDays,
    renewalIssues: { value: renewals.filter((r) => r.issue !== null).length, href: issueListUrl(gitlabUrl, scope, { labels: tools?.renewals.labels ?? [], state: "all" }) },
    renewals: renewals
      .map((r) => ({ tool: r.tool, tier: r.tier, renewalDate: r.renewalDate, daysLeft: daysBetween(today, r.renewalDate), issue: r.issue ? issueLine(r.issue) : null }))
      .sort((a, b) => a.renewalDate.localeCompare(b.renewalDate) || a.tool.localeCompare(b.tool)),
  };
}
