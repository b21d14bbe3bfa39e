/**
 * What a run did (or would do), as JSON for `--report` and as text for a MOps reader.
 */
import type { ReportedAction } from "../domain/actions.js";
import type { ResourcePlan } from "../domain/plan.js";
import { byRef, formatRef } from "../domain/snapshot.js";
import type { Platform, RequestStats } from "./platform.js";
import { describeAction } from "./describeAction.js";
import { type ConvergenceSummary, convergenceIsNotable } from "./rounds.js";

export interface ReportResource {
  ref: string;
  url: string;
  title: string;
  actions: ReportedAction[];
  conflicts: { subject: string; message: string; rules: string[] }[];
  /** How the plan converged, when it took more than one round or dropped a message. */
  convergence?: ConvergenceSummary;
}

export interface RunReport {
  job: string;
  dryRun: boolean;
  startedAt: string;
  durationMs: number;
  read: { issues: number; mergeRequests: number };
  resources: ReportResource[];
  errors: { ref: string; message: string }[];
  /**
   * Resources checked in part: a history read failed, so the rules that need it did not decide
   * there while the others ran. A warning, not a failure: the run's exit code ignores it.
   */
  undecided: { ref: string; history: string; reason: string; rules: string[] }[];
  apiRequests: RequestStats;
  /** History reads answered from the cache (hits) or from GitLab (misses), when a cache was used. */
  historyCache?: { hits: number; misses: number };
}

/** A report with nothing in it yet, for a job starting at `started`. */
export function emptyRunReport(job: string, dryRun: boolean, started: Date): RunReport {
  return {
    job,
    dryRun,
    startedAt: started.toISOString(),
    durationMs: 0,
    read: { issues: 0, mergeRequests: 0 },
    resources: [],
    errors: [],
    undecided: [],
    apiRequests: { total: 0, byRoute: {}, retries: 0 },
  };
}

/** Resources and errors in reference order (numeric), so reports of two runs compare line by line. */
export function sortRunReport(report: RunReport): RunReport {
  report.resources.sort(byRef);
  report.errors.sort(byRef);
  report.undecided.sort(byRef);
  return report;
}

/** Closes a job's report: the run's duration and the API requests it made. */
export function finishRunReport(report: RunReport, startedMs: number, platform: Pick<Platform, "requestStats" | "historyCacheStats">): RunReport {
  report.durationMs = Math.round(performance.now() - startedMs);
  report.apiRequests = platform.requestStats();
  const cache = platform.historyCacheStats?.();
  if (cache !== undefined) report.historyCache = cache;
  return report;
}

export function reportResource(plan: ResourcePlan, convergence?: ConvergenceSummary): ReportResource | null {
  if (plan.actions.length === 0 && plan.conflicts.length === 0) return null;
  return {
    ref: formatRef(plan.ref),
    url: plan.webUrl,
    title: plan.title,
    actions: plan.actions,
    conflicts: plan.conflicts.map((c) => ({ subject: c.subject, message: c.message, rules: [...new Set(c.actions.map((a) => a.rule))] })),
    ...(convergence && convergenceIsNotable(convergence) ? { convergence } : {}),
  };
}

export function actionsByRule(report: RunReport): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of report.resources) for (const a of r.actions) counts[a.rule] = (counts[a.rule] ?? 0) + 1;
  return counts;
}

/** Titles are people's text: one line in a report. */
const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, " ⏎ ");

/** A resource's actions grouped by the rule and reason that produced them, in first-seen order. */
function groupByReason(actions: ReportedAction[]): { rule: string; reason: string; actions: ReportedAction[] }[] {
  const groups = new Map<string, { rule: string; reason: string; actions: ReportedAction[] }>();
  for (const a of actions) {
    const key = `${a.rule}\u0000${a.reason}`;
    const g = groups.get(key) ?? { rule: a.rule, reason: a.reason, actions: [] };
    g.actions.push(a);
    groups.set(key, g);
  }
  return [...groups.values()];
}

export function renderReportText(report: RunReport, options: { maxResources?: number } = {}): string {
  const lines: string[] = [];
  const verb = report.dryRun ? "would change" : "changed";
  const seconds = (report.durationMs / 1000).toFixed(1);
  const changed = report.resources.filter((r) => r.actions.length > 0).length;
  lines.push(
    `${report.job}${report.dryRun ? " (dry run: nothing was written)" : ""}: read ${report.read.issues} issues and ${report.read.mergeRequests} merge requests in ${seconds}s; ${changed} ${verb}.`,
  );
  const max = options.maxResources ?? 50;
  for (const r of report.resources.slice(0, max)) {
    lines.push("", `${r.ref}  ${oneLine(r.title)}`, `  ${r.url}`);
    for (const g of groupByReason(r.actions)) {
      lines.push(`  [${g.rule}] ${g.reason}`);
      lines.push(`      ${g.actions.map(describeAction).join("; ")}`);
    }
    for (const c of r.conflicts) lines.push(`  ! conflict on ${c.subject}: ${c.message}`);
  }
  if (report.resources.length > max) lines.push("", `... and ${report.resources.length - max} more (use --report FILE for the full list).`);
  const byRule = Object.entries(actionsByRule(report)).sort((a, b) => b[1] - a[1]);
  if (byRule.length > 0) {
    lines.push("", "Actions by rule:");
    for (const [rule, n] of byRule) lines.push(`  ${rule}: ${n}`);
  }
  const routes = Object.entries(report.apiRequests.byRoute).sort((a, b) => b[1] - a[1]);
  lines.push("", `GitLab API requests: ${report.apiRequests.total}${report.apiRequests.retries ? ` (${report.apiRequests.retries} retried)` : ""}`);
  for (const [route, n] of routes) lines.push(`  ${route}: ${n}`);
  if (report.historyCache !== undefined) {
    const { hits, misses } = report.historyCache;
    lines.push(`History cache: ${hits} hit(s), ${misses} miss(es)${hits + misses > 0 ? ` (${Math.round((100 * hits) / (hits + misses))}% read from the cache)` : ""}`);
  }
  lines.push(...undecidedLines(report.undecided));
  if (report.errors.length > 0) {
    lines.push("", `${report.errors.length} resource(s) failed and were skipped:`);
    for (const e of report.errors) lines.push(`  ${e.ref}: ${e.message}`);
  }
  return lines.join("\n");
}

/** Above this many resources under one cause, the rest are counted, not listed. */
const UNDECIDED_LISTED = 10;

/**
 * Partly checked resources, one paragraph per cause (the same history, answer and rules), so an
 * endpoint a GitLab version lacks reads as one line with a count, not hundreds of failures.
 */
function undecidedLines(undecided: RunReport["undecided"]): string[] {
  if (undecided.length === 0) return [];
  const causes = new Map<string, { history: string; reason: string; rules: string[]; refs: string[] }>();
  for (const u of undecided) {
    const key = `${u.history}\u0000${u.reason}\u0000${u.rules.join(",")}`;
    const cause = causes.get(key) ?? { history: u.history, reason: u.reason, rules: u.rules, refs: [] };
    cause.refs.push(u.ref);
    causes.set(key, cause);
  }
  const lines = ["", `${new Set(undecided.map((u) => u.ref)).size} resource(s) checked in part: some history could not be read, so the rules that need it did not decide there (all other rules ran):`];
  for (const c of causes.values()) {
    const shown = c.refs.slice(0, UNDECIDED_LISTED).join(", ");
    const more = c.refs.length > UNDECIDED_LISTED ? ` and ${c.refs.length - UNDECIDED_LISTED} more` : "";
    lines.push(`  ${HISTORY_NAMES[c.history] ?? c.history}, ${c.refs.length} resource(s); rules not decided: ${c.rules.join(", ")}`);
    lines.push(`    ${c.reason}`);
    lines.push(`    ${shown}${more}`);
  }
  return lines;
}

const HISTORY_NAMES: Record<string, string> = { labelEvents: "label history", notes: "comments", stateEvents: "close/reopen history" };
