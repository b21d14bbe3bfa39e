/**
 * The `tool-audits` job: at the start of each tool's audit period, one audit issue per tool with a
 * technical owner in the MOps project, and one issue listing the tools without one for the MOps
 * tools DRI; renewal issues once a tool's renewal lead time begins; and, when tools.yml asks for
 * it, one reminder on an audit issue still open past its due date.
 *
 * Idempotent by construction: the issues the bot created are found again by the marker in their
 * description (one listing per label), so a second run, or a run after one that stopped half-way,
 * creates only what is missing. Descriptions are never rewritten once created: people tick the
 * checklists in them.
 */
import type { Action, ReportedAction } from "../domain/actions.js";
import { markerKey } from "../domain/markers.js";
import { formatRef, type ResourceSnapshot } from "../domain/snapshot.js";
import { buildPlan } from "../engine/plan.js";
import { emptyRunReport, type ReportResource, type RunReport, finishRunReport, reportResource, sortRunReport } from "../engine/report.js";
import type { ScopeActionOutcome, ScopePlan, ScopePlanAction, ScopeProject } from "../engine/scopePlan.js";
import { requireScopePlatform } from "../engine/scopePlatform.js";
import type { Job, JobDeps } from "../jobs/types.js";
import type { CompiledPolicy } from "../policy/model.js";
import { projectForRole } from "../gitlab/jobAccess.js";
import {
  AUDIT_MARKER_PREFIX,
  RENEWAL_MARKER_PREFIX,
  auditIssuesToCreate,
  auditReminder,
  desiredRenewalIssues,
  toolsPolicyOf,
  type PlannedToolIssue,
} from "../rules/tools/plan.js";

const RULE = "tool-audits";

function entry(ref: string, url: string, title: string, actions: ReportedAction[], conflicts: ReportResource["conflicts"] = []): ReportResource {
  return { ref, url, title, actions, conflicts };
}

/** What the read found: the bot's audit and renewal issues by marker, and the assignees' user ids. */
interface ToolIssuesRead {
  audits: Map<string, ResourceSnapshot[]>;
  renewals: Map<string, ResourceSnapshot[]>;
  missing: PlannedToolIssue[];
  userIds: Map<string, number>;
}

export async function runToolAudits(deps: JobDeps): Promise<RunReport> {
  const started = deps.clock();
  const startedMs = performance.now();
  const report = emptyRunReport(RULE, deps.dryRun, started);
  const platform = requireScopePlatform(deps.platform, RULE);
  const tools = toolsPolicyOf(deps.policy);
  const today = deps.calendar.today(started);
  const project = projectForRole(deps.policy, tools.audits.projectRole, "tools.yml");

  // Read.
  const [audits, renewals] = await Promise.all([
    platform.issuesByMarker({ project, labels: tools.audits.labels }, (m) => m.startsWith(`${AUDIT_MARKER_PREFIX}:`)),
    platform.issuesByMarker({ project, labels: tools.renewals.labels }, (m) => m.startsWith(`${RENEWAL_MARKER_PREFIX}:`)),
  ]);
  report.read.issues = new Set([...audits.values(), ...renewals.values()].flat().map((i) => i.id)).size;
  const missing = [
    ...auditIssuesToCreate(deps.policy, today, (marker) => audits.has(marker)),
    ...desiredRenewalIssues(deps.policy, today).filter((d) => !renewals.has(d.marker)),
  ];
  const userIds = missing.length > 0 ? await platform.userIdsByUsername(missing.flatMap((d) => d.assignees)) : new Map<string, number>();

  // Decide, then apply.
  const plan = decideToolIssues(deps.policy, project, today, { audits, renewals, missing, userIds });
  const result = await platform.applyScope(plan);
  for (const outcome of result.outcomes) reportToolOutcome(deps, outcome, report);

  return finishRunReport(sortRunReport(report), startedMs, deps.platform);
}

/**
 * Everything the run should write, in order. Pure.
 * 1. Issues that should exist and do not.
 * 2. More than one of the bot's issues for a period (a creation whose answer was lost, sent again):
 *    the first is the issue, the open ones after it are closed with a note linking it. An issue
 *    listing several audits is found under each of its markers: it is closed once.
 * 3. One reminder on each audit issue still open past its due date, when tools.yml asks for it.
 */
export function decideToolIssues(policy: CompiledPolicy, project: ScopeProject, today: string, read: ToolIssuesRead): ScopePlan {
  const actions: ScopePlanAction[] = read.missing.map((d) => createAction(project, d, read.userIds));

  const closed = new Set<number>();
  for (const [marker, issues] of [...read.audits, ...read.renewals]) {
    const [original, ...duplicates] = issues;
    for (const duplicate of duplicates) {
      if (duplicate.state !== "opened" || closed.has(duplicate.id)) continue;
      closed.add(duplicate.id);
      actions.push(closeDuplicate(policy, original!, duplicate, marker));
    }
  }

  const reminded = new Set<number>();
  for (const [marker, issues] of read.audits) {
    const issue = issues[0]!;
    if (reminded.has(issue.id) || closed.has(issue.id)) continue;
    const reminder = auditReminder(policy, issue, marker, today);
    if (!reminder) continue;
    reminded.add(issue.id);
    const reason = `The audit was due on ${reminder.dueDate} and is still open; it gets this one reminder.`;
    actions.push({ type: "ensure_note", target: issue, marker: reminder.marker, body: reminder.body, rule: RULE, reason });
  }
  return { actions };
}

/** A missing tool issue, created as planned (found: none, so it is not looked up again). */
function createAction(project: ScopeProject, d: PlannedToolIssue, userIds: Map<string, number>): ScopePlanAction {
  const assigneeIds = d.assignees.flatMap((u) => (userIds.has(u) ? [userIds.get(u)!] : []));
  const unresolved = d.assignees.filter((u) => !userIds.has(u));
  const reason = unresolved.length > 0 ? `${d.reason} GitLab has no user ${unresolved.map((u) => `"${u}"`).join(", ")}: the issue is left unassigned (fix tools.yml or people.yml).` : d.reason;
  // The description carries every marker the issue stands for; the first is the one it is found by.
  const issue = { project, marker: d.markers[0] ?? d.marker, title: d.title, body: d.description, labels: d.labels, assigneeIds, dueDate: d.dueDate };
  return { type: "ensure_issue", issue, found: [], rule: RULE, reason, reportMarker: d.marker };
}

/** Closes the bot's own second issue for a marker, with a note linking the first. */
function closeDuplicate(policy: CompiledPolicy, original: ResourceSnapshot, duplicate: ResourceSnapshot, marker: string): ScopePlanAction {
  const reason = `${formatRef(duplicate.ref)} carries the marker ${marker}, like ${formatRef(original.ref)} created before it: the bot made the same issue twice.`;
  const actions: Action[] = [
    { type: "close", rule: RULE, reason },
    {
      type: "comment",
      rule: RULE,
      reason,
      marker: markerKey("duplicate-of", marker),
      body: `This issue duplicates ${original.webUrl}, which the bot created first for the same ${marker.startsWith(`${RENEWAL_MARKER_PREFIX}:`) ? "renewal" : "audit period"}; closing this one. Please follow up there.`,
    },
  ];
  return { type: "apply_plan", plan: buildPlan(duplicate, actions, policy.taxonomy), rule: RULE, reason };
}

/** The run report's line (or error) for one applied action, as each was reported before it was a plan. */
function reportToolOutcome(deps: JobDeps, outcome: ScopeActionOutcome, report: RunReport): void {
  const action = outcome.action;
  switch (action.type) {
    case "ensure_issue": {
      const { project, title, labels } = action.issue;
      if (outcome.error) {
        deps.logger.warn({ marker: action.reportMarker, err: outcome.error }, "creating a tool issue failed");
        report.errors.push({ ref: `${project.path} "${title}"`, message: outcome.error.message });
        return;
      }
      const created: ReportedAction = { type: "create_issue", project: project.path, title, marker: action.reportMarker ?? action.issue.marker, labels: labels ?? [], rule: RULE, reason: action.reason };
      const issue = outcome.issue?.issue ?? null;
      report.resources.push(issue ? entry(formatRef(issue.ref), issue.webUrl, title, [created]) : entry(`${project.path} (new issue)`, "", title, [created]));
      return;
    }
    case "apply_plan": {
      if (outcome.error) {
        report.errors.push({ ref: formatRef(action.plan.ref), message: outcome.error.message });
        return;
      }
      const reported = reportResource(action.plan);
      if (reported) report.resources.push(reported);
      return;
    }
    case "ensure_note": {
      const issue = action.target;
      if (outcome.error) {
        report.errors.push({ ref: formatRef(issue.ref), message: outcome.error.message });
        return;
      }
      if (outcome.note?.status === "unchanged") return;
      report.resources.push(entry(formatRef(issue.ref), issue.webUrl, issue.title, [{ type: "comment", body: action.body, marker: action.marker, rule: RULE, reason: action.reason }]));
      return;
    }
  }
}

export const toolAuditsJob: Job = {
  name: RULE,
  description:
    "Create each owned tool's user audit issue at the start of its period (tools without an owner: one list for the tools DRI), renewal issues ahead of renewal dates, and at most one reminder on an overdue audit.",
  run: (deps) => runToolAudits(deps),
};
