/**
 * The `sla` job (hourly): recompute every SLA clock on the open issues in scope with the SLA rules
 * only, then bring the "SLA report" issue up to date. Label history is read only for issues whose
 * clock could matter (see the SLA rule's needs); the report issue is found again by its marker, created
 * when missing, edited only when its text changed.
 */
import type { ReportedAction } from "../domain/actions.js";
import { formatRef, type ResourceSnapshot } from "../domain/snapshot.js";
import { type RunReport, emptyRunReport, finishRunReport, sortRunReport } from "../engine/report.js";
import { findIssuesByMarker } from "../gitlab/issuesByMarker.js";
import { runSweep } from "../jobs/sweep.js";
import type { Job, JobDeps } from "../jobs/types.js";
import { buildRules } from "../rules/registry.js";
import type { RuleContext } from "../rules/types.js";
import { projectForRole, requireGitLabPlatform } from "../gitlab/jobAccess.js";
import { evaluateSlas } from "../rules/sla/evaluate.js";
import { describeGoal } from "../rules/sla/time.js";
import { pauseOf, renderSlaReport, SLA_REPORT_MARKER, type SlaReportEntry } from "../rules/sla/report.js";
import { disclosedTitle, mayDisclose } from "../domain/disclosure.js";

const JOB = "sla";

/** The report lines of one resource's SLAs that are at risk or breached. */
export function reportEntries(s: ResourceSnapshot, ctx: RuleContext): SlaReportEntry[] {
  return evaluateSlas(s, ctx.policy, ctx.calendar, ctx.now)
    .filter((o) => o.def.report && o.clock.episode !== null && (o.clock.state === "breached" || o.clock.atRisk))
    .map((o) => ({
      ref: formatRef(s.ref),
      url: s.webUrl,
      // The report issue is public: a confidential issue is listed by reference only (see report.ts).
      title: disclosedTitle(s, null),
      confidential: !mayDisclose(s, null),
      sla: o.def.id,
      priority: o.clock.episode!.priority,
      goal: describeGoal(o.clock.episode!.goal),
      assignees: s.assignees.map((a) => a.username),
      state: o.clock.state === "breached" ? ("breached" as const) : ("at-risk" as const),
      due: o.clock.due,
      pause: pauseOf(o.clock, ctx.calendar),
    }));
}

/**
 * The hourly SLA job: a sweep with only the SLA rules (one listing; history read only where a clock
 * could matter), then the SLA report issue from the clocks the rules saw.
 */
export async function runSlaJob(deps: JobDeps, options: { concurrency?: number } = {}): Promise<RunReport> {
  const startedMs = performance.now();
  const only = deps.only && deps.only.length > 0 ? deps.only : [JOB];
  if (buildRules(deps.policy, only).length === 0) {
    deps.logger.info("policies/sla.yml defines no enabled SLA; nothing to do");
    return finishRunReport(emptyRunReport(JOB, deps.dryRun, deps.clock()), startedMs, deps.platform);
  }
  const entries: SlaReportEntry[] = [];
  const report = await runSweep(
    { ...deps, only },
    { concurrency: options.concurrency, job: JOB, onReconciled: (snapshot, ctx) => entries.push(...reportEntries(snapshot, ctx)) },
  );
  if (deps.policy.sla?.report) await ensureReportIssue(deps, entries, report);
  return finishRunReport(sortRunReport(report), startedMs, deps.platform);
}

/** Find the report issue by its marker; create it when missing, edit it when its text changed. */
async function ensureReportIssue(deps: JobDeps, entries: SlaReportEntry[], report: RunReport): Promise<void> {
  const settings = deps.policy.sla!.report!;
  try {
    const gitlab = requireGitLabPlatform(deps.platform, JOB);
    const project = projectForRole(deps.policy, settings.projectRole, "sla.yml");
    const today = deps.calendar.today(deps.clock());
    const reader = { api: gitlab.requester.api, me: () => gitlab.currentUser(), today };
    const found = await findIssuesByMarker(reader, { project, search: `mops-bot:${SLA_REPORT_MARKER}` }, (m) => m === SLA_REPORT_MARKER);
    const existing = found.get(SLA_REPORT_MARKER) ?? [];
    const body = renderSlaReport(entries, deps.policy.taxonomy, deps.calendar.timeZone);
    const breached = entries.filter((e) => e.state === "breached").length;
    const reason = `${breached} breached and ${entries.length - breached} at-risk SLA(s) right now.`;
    if (existing.length === 0) {
      const action: ReportedAction = { type: "create_issue", project: project.path, title: settings.title, marker: SLA_REPORT_MARKER, labels: [], rule: JOB, reason };
      const outcome = await gitlab.createIssue({ projectPath: project.path, title: settings.title, description: body });
      const ref = outcome.status === "written" ? formatRef(outcome.result.ref) : `${project.path} (new issue)`;
      const url = outcome.status === "written" ? outcome.result.webUrl : "";
      report.resources.push({ ref, url, title: settings.title, actions: [action], conflicts: [] });
      return;
    }
    const issue = existing[0]!;
    const conflicts =
      existing.length > 1
        ? [{ subject: "duplicate issues", message: `${existing.length} issues carry the SLA report marker: ${existing.map((i) => formatRef(i.ref)).join(", ")}. Close the extra ones; the bot keeps to the first.`, rules: [JOB] }]
        : [];
    const outcome = await gitlab.updateIssueDescription(issue, body);
    const actions: ReportedAction[] =
      outcome.status === "unchanged" ? [] : [{ type: "update_issue", ref: formatRef(issue.ref), marker: SLA_REPORT_MARKER, what: "the list of at-risk and breached SLAs", rule: JOB, reason }];
    if (actions.length > 0 || conflicts.length > 0) report.resources.push({ ref: formatRef(issue.ref), url: issue.webUrl, title: issue.title, actions, conflicts });
  } catch (e) {
    report.errors.push({ ref: `SLA report (${settings.title})`, message: e instanceof Error ? e.message : String(e) });
  }
}

export const slaJob: Job = {
  name: JOB,
  description: "Recompute every SLA clock (at-risk and breached labels, notes) and update the SLA report issue.",
  run: (deps) => runSlaJob(deps),
};
