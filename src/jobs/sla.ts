/**
 * The `sla` job (hourly): recompute every SLA clock on the open issues in scope with the SLA rules
 * only, then bring the "SLA report" issue up to date. Label history is read only for issues whose
 * clock could matter (see the SLA rule's needs); the report issue is found again by its marker, created
 * when missing, edited only when its text changed.
 */
import type { ReportedAction } from "../domain/actions.js";
import { formatRef, type ResourceSnapshot } from "../domain/snapshot.js";
import { type ReportResource, type RunReport, emptyRunReport, finishRunReport, sortRunReport } from "../engine/report.js";
import { ensuredIssueOf, type EnsuredIssue, type ScopePlan, type ScopeProject } from "../engine/scopePlan.js";
import { requireScopePlatform } from "../engine/scopePlatform.js";
import { runSweep } from "./sweep.js";
import type { Job, JobDeps } from "./types.js";
import { buildRules } from "../rules/registry.js";
import type { RuleContext } from "../rules/types.js";
import { projectForRole } from "../gitlab/jobAccess.js";
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

/** The report issue as it should be: found again by its marker, created when missing, edited when its text changed. Pure. */
export function decideSlaReport(entries: SlaReportEntry[], project: ScopeProject, title: string, body: string): ScopePlan {
  const breached = entries.filter((e) => e.state === "breached").length;
  const reason = `${breached} breached and ${entries.length - breached} at-risk SLA(s) right now.`;
  return {
    actions: [{ type: "ensure_issue", issue: { project, marker: SLA_REPORT_MARKER, title, body }, lookup: { search: `mops-bot:${SLA_REPORT_MARKER}` }, rule: JOB, reason }],
  };
}

/** The run report's lines for what became of the report issue (and its duplicates, as a conflict). */
function reportSlaOutcome(ensured: EnsuredIssue, project: ScopeProject, title: string, reason: string): ReportResource | null {
  if (ensured.status === "created") {
    const action: ReportedAction = { type: "create_issue", project: project.path, title, marker: SLA_REPORT_MARKER, labels: [], rule: JOB, reason };
    const ref = ensured.issue ? formatRef(ensured.issue.ref) : `${project.path} (new issue)`;
    return { ref, url: ensured.issue?.webUrl ?? "", title, actions: [action], conflicts: [] };
  }
  const issue = ensured.issue!;
  const all = [issue, ...ensured.duplicates];
  const conflicts =
    all.length > 1
      ? [{ subject: "duplicate issues", message: `${all.length} issues carry the SLA report marker: ${all.map((i) => formatRef(i.ref)).join(", ")}. Close the extra ones; the bot keeps to the first.`, rules: [JOB] }]
      : [];
  const actions: ReportedAction[] =
    ensured.status === "unchanged" ? [] : [{ type: "update_issue", ref: formatRef(issue.ref), marker: SLA_REPORT_MARKER, what: "the list of at-risk and breached SLAs", rule: JOB, reason }];
  return actions.length > 0 || conflicts.length > 0 ? { ref: formatRef(issue.ref), url: issue.webUrl, title: issue.title, actions, conflicts } : null;
}

/** Read (the clocks, already swept) -> decide the report issue -> apply; the outcome goes into the run report. */
async function ensureReportIssue(deps: JobDeps, entries: SlaReportEntry[], report: RunReport): Promise<void> {
  const settings = deps.policy.sla!.report!;
  try {
    const platform = requireScopePlatform(deps.platform, JOB);
    const project = projectForRole(deps.policy, settings.projectRole, "sla.yml");
    const body = renderSlaReport(entries, deps.policy.taxonomy, deps.calendar.timeZone);
    const plan = decideSlaReport(entries, project, settings.title, body);
    const ensured = ensuredIssueOf((await platform.applyScope(plan)).outcomes[0]);
    const reported = reportSlaOutcome(ensured, project, settings.title, plan.actions[0]!.reason);
    if (reported) report.resources.push(reported);
  } catch (e) {
    report.errors.push({ ref: `SLA report (${settings.title})`, message: e instanceof Error ? e.message : String(e) });
  }
}

export const slaJob: Job = {
  name: JOB,
  description: "Recompute every SLA clock (at-risk and breached labels, notes) and update the SLA report issue.",
  run: (deps) => runSlaJob(deps),
};
