/**
 * The `digest` job: once a week, one summary issue in the MOps project (found again by the marker
 * of its week, so reruns update it instead of opening another) and one Slack message linking to
 * it. The Slack post is recorded by a marked note on the digest issue, so a rerun in the same week
 * does not post again. (A run that dies between the post and the note posts once more next time:
 * Slack has no way to look a message up, and a repeated digest is better than a missing one.)
 */
import type { ReportedAction } from "../domain/actions.js";
import { markerComment, markerKey } from "../domain/markers.js";
import { formatRef, type ResourceSnapshot } from "../domain/snapshot.js";
import { renderTemplate, templateText } from "../domain/templates.js";
import { emptyRunReport, type ReportResource, type RunReport, finishRunReport } from "../engine/report.js";
import { ensuredIssueOf, ensuredNoteOf, type EnsuredIssue, type EnsureIssueAction, type ScopePlan, type ScopeProject } from "../engine/scopePlan.js";
import { requireScopePlatform, type ScopePlatform } from "../engine/scopePlatform.js";
import type { Job, JobDeps } from "../jobs/types.js";
import { openNotifier } from "../notify/open.js";
import type { Notifier } from "../notify/types.js";
import type { DigestPolicy } from "../policy/model.js";
import { projectForRole } from "../gitlab/jobAccess.js";
import { collectDigestSections } from "./collect.js";
import { digestSlackMessage, isoWeekKey, renderSectionsMarkdown } from "./render.js";
import { slaFromClocks, type SlaDigestSource } from "./sla.js";

const RULE = "digest";
const WEEK_MS = 7 * 86_400_000;

export interface DigestOptions {
  /** Slack; null or absent = no message (the report says so when the policy names a channel). */
  notifier?: Notifier | null;
  /** Where the SLA section comes from (default: the clocks of policies/sla.yml). */
  sla?: SlaDigestSource;
}

function digestPolicyOf(deps: JobDeps): DigestPolicy {
  if (!deps.policy.digest) throw new Error("policies/digest.yml is missing: the digest job needs it.");
  return deps.policy.digest;
}

export async function runDigest(deps: JobDeps, options: DigestOptions = {}): Promise<RunReport> {
  const started = deps.clock();
  const startedMs = performance.now();
  const digest = digestPolicyOf(deps);
  const platform = requireScopePlatform(deps.platform, RULE);
  const today = deps.calendar.today(started);
  const week = isoWeekKey(today);
  const project = projectForRole(deps.policy, digest.projectRole, "digest.yml");
  const report = emptyRunReport(RULE, deps.dryRun, started);

  // Read.
  const sla = options.sla ?? slaFromClocks(deps.platform, deps.policy, deps.calendar, started);
  const { sections, read } = await collectDigestSections({ policy: deps.policy, digest, calendar: deps.calendar, platform, project, now: started, today, sla });
  report.read.issues = read;

  // 1. The week's issue: create it, or bring its description up to date.
  const body = renderTemplate(templateText(deps.policy.templates, digest.template), {
    "digest.week": { trusted: week },
    "digest.sections": { trusted: renderSectionsMarkdown(sections, digest.maxItemsPerSection) },
  });
  const plan = decideDigestIssue(digest, project, week, body, started);
  const ensured = ensuredIssueOf((await platform.applyScope(plan)).outcomes[0]);
  const counts = sections.map((s) => `${s.items.length} ${s.title.toLowerCase()}`).join("; ");
  const reported = reportDigestIssue(ensured, plan.actions[0]!, week, counts);
  if (reported) report.resources.push(reported);

  // 2. One Slack message per week.
  if (digest.slackChannel !== null) await postToSlack(deps, platform, digest.slackChannel, week, sections, ensured.issue, options.notifier ?? null, report);

  return finishRunReport(report, startedMs, deps.platform);
}

/**
 * The week's digest issue as it should be, found again by the marker of its week among the
 * digest issues of the last two weeks. Pure.
 */
export function decideDigestIssue(digest: DigestPolicy, project: ScopeProject, week: string, body: string, now: Date): ScopePlan & { actions: [EnsureIssueAction] } {
  const marker = markerKey(RULE, week);
  const lookup = { ...(digest.labels.length > 0 ? { labels: digest.labels } : { search: `mops-bot:${RULE}:` }), createdAfter: new Date(now.getTime() - 2 * WEEK_MS) };
  const issue = { project, marker, title: `MOps weekly digest — ${week}`, body: `${body}\n\n${markerComment(marker)}`, labels: digest.labels };
  return { actions: [{ type: "ensure_issue", issue, lookup, rule: RULE, reason: `The week's digest (${week}).` }] };
}

/** The run report's line for what became of the week's issue; null when it was already up to date. */
function reportDigestIssue(ensured: EnsuredIssue, action: EnsureIssueAction, week: string, counts: string): ReportResource | null {
  const { project, marker, title, labels } = action.issue;
  const issue = ensured.issue;
  if (ensured.status === "created") {
    const created: ReportedAction = { type: "create_issue", project: project.path, title, marker, labels: labels ?? [], rule: RULE, reason: `No digest issue exists for ${week} yet: ${counts}.` };
    return { ref: issue ? formatRef(issue.ref) : `${project.path} (new issue)`, url: issue?.webUrl ?? "", title, actions: [created], conflicts: [] };
  }
  if (ensured.status !== "updated" || issue === null) return null;
  return {
    ref: formatRef(issue.ref),
    url: issue.webUrl,
    title: issue.title,
    actions: [{ type: "update_issue", ref: formatRef(issue.ref), marker, what: "digest refreshed", rule: RULE, reason: `The figures changed since the last run this week: ${counts}.` }],
    conflicts: [],
  };
}

async function postToSlack(
  deps: JobDeps,
  platform: ScopePlatform,
  channel: string,
  week: string,
  sections: Parameters<typeof digestSlackMessage>[1],
  issue: ResourceSnapshot | null,
  notifier: Notifier | null,
  report: RunReport,
): Promise<void> {
  const postedMarker = markerKey(RULE, "slack", week);
  const ref = issue ? formatRef(issue.ref) : "digest";
  if (notifier === null) {
    report.errors.push({ ref, message: `digest.yml posts to Slack channel '${channel}', but no Slack notifier is configured (notifications.yml and its webhook variable).` });
    return;
  }
  if (issue !== null && issue.userNotesCount !== 0) {
    const me = await platform.currentUser();
    const notes = await platform.notes(issue);
    if (notes.some((n) => n.author.id === me.id && n.botMarkers.includes(postedMarker))) return;
  }
  const message = digestSlackMessage(week, sections, issue?.webUrl ?? null);
  const outcome = await notifier.post(channel, message);
  const reason = `The ${week} digest has not been posted to Slack yet.`;
  const action: ReportedAction = { type: "post_slack", channel, marker: postedMarker, text: message.text, rule: RULE, reason };
  report.resources.push({ ref, url: issue?.webUrl ?? "", title: `Slack #${channel}`, actions: [action], conflicts: [] });
  if (!outcome.ok) {
    report.errors.push({ ref, message: `posting the digest to Slack #${channel} failed: ${outcome.error ?? "unknown error"}` });
    return;
  }
  if (outcome.dryRun || issue === null) return;
  // The post is recorded on the issue, so a rerun this week does not post again.
  const record: ScopePlan = { actions: [{ type: "ensure_note", target: issue, marker: postedMarker, body: `Posted this digest to Slack #${channel}.`, rule: RULE, reason }] };
  ensuredNoteOf((await platform.applyScope(record)).outcomes[0]);
}

export const digestJob: Job = {
  name: RULE,
  description: "Weekly: one digest issue in the MOps project (triage waits, issues without priority, SLAs at risk or breached, overdue audits, upcoming renewals) and one Slack message.",
  run: (deps) => {
    const channel = deps.policy.digest?.slackChannel ?? null;
    const notifier = channel === null ? null : openNotifier(deps.policy, { env: deps.config?.urlVariables ?? {}, dryRun: deps.dryRun, logger: deps.logger, require: [channel] });
    return runDigest(deps, { notifier });
  },
};
