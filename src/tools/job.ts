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
import { findIssuesByMarker } from "../gitlab/issuesByMarker.js";
import { userIdsByUsername } from "../gitlab/users.js";
import type { Job, JobDeps } from "../jobs/types.js";
import { projectForRole, requireGitLabPlatform } from "../gitlab/jobAccess.js";
import {
  AUDIT_MARKER_PREFIX,
  RENEWAL_MARKER_PREFIX,
  auditIssuesToCreate,
  auditReminder,
  desiredRenewalIssues,
  toolsPolicyOf,
  type PlannedToolIssue,
} from "./plan.js";

const RULE = "tool-audits";

function entry(ref: string, url: string, title: string, actions: ReportedAction[], conflicts: ReportResource["conflicts"] = []): ReportResource {
  return { ref, url, title, actions, conflicts };
}

export async function runToolAudits(deps: JobDeps): Promise<RunReport> {
  const started = deps.clock();
  const startedMs = performance.now();
  const report = emptyRunReport(RULE, deps.dryRun, started);
  const gitlab = requireGitLabPlatform(deps.platform, RULE);
  const tools = toolsPolicyOf(deps.policy);
  const today = deps.calendar.today(started);
  const project = projectForRole(deps.policy, tools.audits.projectRole, "tools.yml");
  const reader = { api: gitlab.requester.api, me: () => gitlab.currentUser(), today };

  const [audits, renewals] = await Promise.all([
    findIssuesByMarker(reader, { project, labels: tools.audits.labels }, (m) => m.startsWith(`${AUDIT_MARKER_PREFIX}:`)),
    findIssuesByMarker(reader, { project, labels: tools.renewals.labels }, (m) => m.startsWith(`${RENEWAL_MARKER_PREFIX}:`)),
  ]);
  report.read.issues = new Set([...audits.values(), ...renewals.values()].flat().map((i) => i.id)).size;

  // 1. Issues that should exist and do not.
  const missing = [
    ...auditIssuesToCreate(deps.policy, today, (marker) => audits.has(marker)),
    ...desiredRenewalIssues(deps.policy, today).filter((d) => !renewals.has(d.marker)),
  ];
  const userIds = missing.length > 0 ? await userIdsByUsername(gitlab.requester.api, missing.flatMap((d) => d.assignees)) : new Map<string, number>();
  for (const d of missing) await createOne(deps, gitlab, project.path, d, userIds, report);

  // 2. More than one of the bot's issues for a period (a creation whose answer was lost, sent again):
  //    the first is the issue, the open ones after it are closed with a note linking it. An issue
  //    listing several audits is found under each of its markers: it is closed once.
  const closed = new Set<number>();
  for (const [marker, issues] of [...audits, ...renewals]) {
    const [original, ...duplicates] = issues;
    for (const duplicate of duplicates) {
      if (duplicate.state !== "opened" || closed.has(duplicate.id)) continue;
      closed.add(duplicate.id);
      await closeDuplicate(deps, gitlab, original!, duplicate, marker, report);
    }
  }

  // 3. One reminder on each audit issue still open past its due date, when tools.yml asks for it.
  const reminded = new Set<number>();
  for (const [marker, issues] of audits) {
    const issue = issues[0]!;
    if (reminded.has(issue.id) || closed.has(issue.id)) continue;
    const reminder = auditReminder(deps.policy, issue, marker, today);
    if (!reminder) continue;
    reminded.add(issue.id);
    await remindOne(gitlab, issue, reminder, report);
  }

  return finishRunReport(sortRunReport(report), startedMs, deps.platform);
}

async function createOne(
  deps: JobDeps,
  gitlab: ReturnType<typeof requireGitLabPlatform>,
  projectPath: string,
  d: PlannedToolIssue,
  userIds: Map<string, number>,
  report: RunReport,
): Promise<void> {
  const assigneeIds = d.assignees.flatMap((u) => (userIds.has(u) ? [userIds.get(u)!] : []));
  const unresolved = d.assignees.filter((u) => !userIds.has(u));
  const reason = unresolved.length > 0 ? `${d.reason} GitLab has no user ${unresolved.map((u) => `"${u}"`).join(", ")}: the issue is left unassigned (fix tools.yml or people.yml).` : d.reason;
  const action: ReportedAction = { type: "create_issue", project: projectPath, title: d.title, marker: d.marker, labels: d.labels, rule: RULE, reason };
  try {
    const outcome = await gitlab.createIssue({ projectPath, title: d.title, description: d.description, labels: d.labels, assigneeIds, dueDate: d.dueDate });
    if (outcome.status === "written") {
      report.resources.push(entry(formatRef(outcome.result.ref), outcome.result.webUrl, d.title, [action]));
    } else {
      report.resources.push(entry(`${projectPath} (new issue)`, "", d.title, [action]));
    }
  } catch (error) {
    deps.logger.warn({ marker: d.marker, err: error }, "creating a tool issue failed");
    report.errors.push({ ref: `${projectPath} "${d.title}"`, message: error instanceof Error ? error.message : String(error) });
  }
}

/** Closes the bot's own second issue for a marker, with a note linking the first; reported as any change. */
async function closeDuplicate(
  deps: JobDeps,
  gitlab: ReturnType<typeof requireGitLabPlatform>,
  original: ResourceSnapshot,
  duplicate: ResourceSnapshot,
  marker: string,
  report: RunReport,
): Promise<void> {
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
  const plan = buildPlan(duplicate, actions, deps.policy.taxonomy);
  try {
    await gitlab.apply(plan);
    const reported = reportResource(plan);
    if (reported) report.resources.push(reported);
  } catch (error) {
    report.errors.push({ ref: formatRef(duplicate.ref), message: error instanceof Error ? error.message : String(error) });
  }
}

async function remindOne(
  gitlab: ReturnType<typeof requireGitLabPlatform>,
  issue: ResourceSnapshot,
  reminder: NonNullable<ReturnType<typeof auditReminder>>,
  report: RunReport,
): Promise<void> {
  const ref = formatRef(issue.ref);
  try {
    const result = await gitlab.ensureNote(issue, reminder.marker, reminder.body);
    if (result.action === "unchanged") return;
    const reason = `The audit was due on ${reminder.dueDate} and is still open; it gets this one reminder.`;
    report.resources.push(entry(ref, issue.webUrl, issue.title, [{ type: "comment", body: reminder.body, marker: reminder.marker, rule: RULE, reason }]));
  } catch (error) {
    report.errors.push({ ref, message: error instanceof Error ? error.message : String(error) });
  }
}

export const toolAuditsJob: Job = {
  name: RULE,
  description:
    "Create each owned tool's user audit issue at the start of its period (tools without an owner: one list for the tools DRI), renewal issues ahead of renewal dates, and at most one reminder on an overdue audit.",
  run: (deps) => runToolAudits(deps),
};
