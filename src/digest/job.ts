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
import { emptyRunReport, type RunReport, finishRunReport } from "../engine/report.js";
import { findIssuesByMarker } from "../gitlab/issuesByMarker.js";
import type { Job, JobDeps } from "../jobs/types.js";
import { openNotifier } from "../notify/open.js";
import type { Notifier } from "../notify/types.js";
import type { DigestPolicy } from "../policy/model.js";
import { projectForRole, requireGitLabPlatform } from "../gitlab/jobAccess.js";
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
  const gitlab = requireGitLabPlatform(deps.platform, RULE);
  const today = deps.calendar.today(started);
  const week = isoWeekKey(today);
  const project = projectForRole(deps.policy, digest.projectRole, "digest.yml");
  const reader = { api: gitlab.requester.api, me: () => gitlab.currentUser(), today };
  const report = emptyRunReport(RULE, deps.dryRun, started);

  const sla = options.sla ?? slaFromClocks(deps.platform, deps.policy, deps.calendar, started);
  const { sections, read } = await collectDigestSections({ policy: deps.policy, digest, calendar: deps.calendar, platform: deps.platform, reader, project, now: started, today, sla });
  report.read.issues = read;

  // 1. The week's issue: create it, or bring its description up to date.
  const marker = markerKey(RULE, week);
  const title = `MOps weekly digest — ${week}`;
  const body = renderTemplate(templateText(deps.policy.templates, digest.template), {
    "digest.week": { trusted: week },
    "digest.sections": { trusted: renderSectionsMarkdown(sections, digest.maxItemsPerSection) },
  });
  const description = `${body}\n\n${markerComment(marker)}`;
  const found = await findIssuesByMarker(
    reader,
    { project, ...(digest.labels.length > 0 ? { labels: digest.labels } : { search: `mops-bot:${RULE}:` }), createdAfter: new Date(started.getTime() - 2 * WEEK_MS) },
    (m) => m === marker,
  );
  let issue: ResourceSnapshot | null = found.get(marker)?.[0] ?? null;
  const counts = sections.map((s) => `${s.items.length} ${s.title.toLowerCase()}`).join("; ");
  if (issue === null) {
    const action: ReportedAction = { type: "create_issue", project: project.path, title, marker, labels: digest.labels, rule: RULE, reason: `No digest issue exists for ${week} yet: ${counts}.` };
    const outcome = await gitlab.createIssue({ projectPath: project.path, title, description, labels: digest.labels });
    if (outcome.status === "written") issue = outcome.result;
    report.resources.push({ ref: issue ? formatRef(issue.ref) : `${project.path} (new issue)`, url: issue?.webUrl ?? "", title, actions: [action], conflicts: [] });
  } else {
    const outcome = await gitlab.updateIssueDescription(issue, description);
    if (outcome.status !== "unchanged") {
      report.resources.push({
        ref: formatRef(issue.ref),
        url: issue.webUrl,
        title: issue.title,
        actions: [{ type: "update_issue", ref: formatRef(issue.ref), marker, what: "digest refreshed", rule: RULE, reason: `The figures changed since the last run this week: ${counts}.` }],
        conflicts: [],
      });
    }
  }

  // 2. One Slack message per week.
  if (digest.slackChannel !== null) await postToSlack(deps, gitlab, digest.slackChannel, week, sections, issue, options.notifier ?? null, report);

  return finishRunReport(report, startedMs, deps.platform);
}

async function postToSlack(
  deps: JobDeps,
  gitlab: ReturnType<typeof requireGitLabPlatform>,
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
    const me = await gitlab.currentUser();
    const notes = await deps.platform.notes(issue);
    if (notes.some((n) => n.author.id === me.id && n.botMarkers.includes(postedMarker))) return;
  }
  const message = digestSlackMessage(week, sections, issue?.webUrl ?? null);
  const outcome = await notifier.post(channel, message);
  const action: ReportedAction = { type: "post_slack", channel, marker: postedMarker, text: message.text, rule: RULE, reason: `The ${week} digest has not been posted to Slack yet.` };
  report.resources.push({ ref, url: issue?.webUrl ?? "", title: `Slack #${channel}`, actions: [action], conflicts: [] });
  if (!outcome.ok) {
    report.errors.push({ ref, message: `posting the digest to Slack #${channel} failed: ${outcome.error ?? "unknown error"}` });
    return;
  }
  if (!outcome.dryRun && issue !== null) await gitlab.ensureNote(issue, postedMarker, `Posted this digest to Slack #${channel}.`);
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
