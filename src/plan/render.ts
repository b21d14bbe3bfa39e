/**
 * The plan as markdown (the merge request comment, and the terminal) for a MOps reader. Everything
 * taken from GitLab or the policies is made inline and mention-free, so the comment pings nobody
 * and runs no quick action.
 */
import { neutraliseInline, neutraliseQuickActions } from "../domain/text.js";
import { formatProblem } from "../policy/problems.js";
import { diffIsEmpty, type ResourceChange, type RuleChange } from "./diff.js";
import type { InvalidPlan, PlanOutcome, PlanReport } from "./plan.js";

/** The hidden marker that finds the plan comment again on the next push. */
export const PLAN_MARKER = "policy-plan";

export interface RenderOptions {
  /** Examples listed per rule (default 10); the JSON report has them all. */
  maxExamples?: number;
  /** Where the reader finds the guide to this comment. */
  guideUrl?: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Text for a table cell: one line, no pipes breaking the table, no mentions. */
const cell = (text: string) => neutraliseInline(text).replace(/\|/g, "\\|");
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function changeRow(r: ResourceChange): string {
  const list = (items: string[]) => items.map(cell).join("<br>");
  return `| [${cell(r.ref)}](${r.url}) | ${cell(r.title)} | ${list(r.added)} | ${list(r.removed)} |`;
}

function ruleSection(rule: RuleChange, max: number): string[] {
  const heading =
    rule.status === "added" ? "new rule" : rule.status === "removed" ? "rule removed" : "changed";
  const lines = [`#### ${code(rule.rule)} (${heading})`, ""];
  if (rule.resources.length === 0) {
    lines.push(
      rule.status === "added"
        ? "This new rule would not act on any open issue or merge request today."
        : "This rule did not act on any open issue or merge request today, so removing it changes nothing now.",
      "",
    );
    return lines;
  }
  const gained = rule.resources.filter((r) => r.added.length > 0).length;
  const lost = rule.resources.filter((r) => r.removed.length > 0).length;
  lines.push(
    `${plural(rule.resources.length, "issue or merge request", "issues and merge requests")} would be treated differently ` +
      `(${gained} would get new changes, ${lost} would lose changes). ` +
      `Before, this rule acted on ${rule.before}; after, on ${rule.after}.`,
    "",
    "| Issue or merge request | Title | Would now | Would no longer |",
    "| --- | --- | --- | --- |",
    ...rule.resources.slice(0, max).map(changeRow),
  );
  if (rule.resources.length > max) lines.push("", `…and ${rule.resources.length - max} more (the full list is in the JSON report: \`mops-bot plan --format json\`).`);
  lines.push("");
  return lines;
}

export function renderPlanMarkdown(report: PlanReport, options: RenderOptions = {}): string {
  const max = options.maxExamples ?? 10;
  const lines: string[] = ["### mops-bot plan: what this policy change would do", ""];
  lines.push(
    `Compared the policies in ${code(report.dir)} with ${code(report.base)} on the open issues and merge requests in ${code(report.group)} ` +
      `(${plural(report.read.issues, "issue")}, ${plural(report.read.mergeRequests, "merge request")} read at ${when(report.at)}). ` +
      "Nothing was changed in GitLab.",
    "",
  );
  if (report.baseMissing) lines.push("The base had no policies folder, so everything below is new.", "");
  if (report.baseProblems.length > 0) {
    lines.push(`The base policies do not load (${plural(report.baseProblems.length, "problem")}), so everything below counts as new.`, "");
  }
  lines.push(report.filesChanged.length > 0 ? `Policy files changed: ${report.filesChanged.map(code).join(", ")}.` : "No policy file changed.", "");

  const acting = report.changed.filter((c) => c.resources.length > 0);
  if (diffIsEmpty(report)) {
    lines.push("**This change does not alter what the bot would do to any open issue or merge request today.**", "");
  } else {
    const touched = new Set(acting.flatMap((c) => c.resources.map((r) => r.ref))).size;
    lines.push(
      `**${plural(acting.length, "rule")} would act differently, on ${plural(touched, "issue or merge request", "issues and merge requests")}.**`,
      "",
    );
  }
  for (const rule of report.changed) lines.push(...ruleSection(rule, max));
  if (report.unchanged.length > 0) {
    lines.push(`Unchanged: ${report.unchanged.map((u) => `${code(u.rule)} (acts on ${u.resources})`).join(", ")}.`, "");
  }
  if (report.errors.length > 0) {
    lines.push(`**${plural(report.errors.length, "problem")} while planning** (these resources are not compared):`, "");
    for (const e of report.errors) lines.push(`- ${cell(e.ref)} (${e.side}, ${e.job}): ${cell(e.message)}`);
    lines.push("");
  }
  if (options.guideUrl) lines.push(`How to read this comment: ${options.guideUrl}`, "");
  return neutraliseQuickActions(lines.join("\n").trimEnd());
}

export function renderInvalidMarkdown(plan: InvalidPlan): string {
  const lines = [
    "### mops-bot plan: the policies in this merge request have problems",
    "",
    `The bot would refuse to run with them, so nothing was compared. Fix ${plural(plan.problems.length, "problem")} (file:line:column) and push again:`,
    "",
    "```text",
    ...plan.problems.map(formatProblem),
    "```",
    "",
    "Run `mops-bot policies validate` locally to check before pushing.",
  ];
  return neutraliseQuickActions(lines.join("\n"));
}

export function renderPlan(outcome: PlanOutcome, options: RenderOptions = {}): string {
  return outcome.status === "ok" ? renderPlanMarkdown(outcome, options) : renderInvalidMarkdown(outcome);
}
