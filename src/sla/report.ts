/**
 * The "SLA report" issue: every at-risk and breached SLA, grouped by priority and assignee, with
 * links. Pure: the same clocks give the same text, so an hourly run edits the issue only when
 * something changed. Assignees are written without `@`, so editing the report notifies nobody;
 * the warning and breach notes on the issues themselves do that.
 */
import type { Taxonomy } from "../domain/labels.js";
import { markerComment } from "../domain/markers.js";
import { neutraliseInline, neutraliseQuickActions } from "../domain/text.js";
import { formatMoment } from "./time.js";
import { CONFIDENTIAL_ISSUE } from "../domain/disclosure.js";

export const SLA_REPORT_MARKER = "sla-report";

export interface SlaReportEntry {
  ref: string;
  url: string;
  title: string;
  /**
   * A confidential issue the report may not describe: listed apart, by reference, without the
   * priority label or goal that would tell its labels.
   */
  confidential: boolean;
  sla: string;
  /** The priority label, or null for an SLA with one goal. */
  priority: string | null;
  goal: string;
  assignees: string[];
  state: "at-risk" | "breached";
  due: Date | null;
}

const UNASSIGNED = "Unassigned";
const CONFIDENTIAL = "Confidential issues";
const NO_PRIORITY = "No priority (one goal for every issue)";

function byPriority(taxonomy: Taxonomy) {
  const rank = (p: string | null) => (p === null ? Number.MAX_SAFE_INTEGER : (taxonomy.orderOf(p) ?? Number.MAX_SAFE_INTEGER - 1));
  return (a: string | null, b: string | null) => rank(a) - rank(b) || (a ?? "").localeCompare(b ?? "");
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function line(e: SlaReportEntry, timeZone: string): string {
  const due = e.due ? `${e.state === "breached" ? "was due" : "due"} ${formatMoment(e.due, timeZone)}` : "no due date";
  return `- [${neutraliseInline(e.title).replace(/[[\]]/g, "")}](${e.url}) \`${e.ref}\` — SLA \`${e.sla}\`, ${e.goal}, ${due}`;
}

function confidentialLine(e: SlaReportEntry, timeZone: string): string {
  const due = e.due ? `${e.state === "breached" ? "was due" : "due"} ${formatMoment(e.due, timeZone)}` : "no due date";
  return `- [${CONFIDENTIAL_ISSUE}](${e.url}) \`${e.ref}\` — ${due}`;
}

function section(title: string, entries: SlaReportEntry[], taxonomy: Taxonomy, timeZone: string): string[] {
  const lines = [`## ${title} (${entries.length})`, ""];
  if (entries.length === 0) return [...lines, "None.", ""];
  const open = entries.filter((e) => !e.confidential);
  const hidden = entries.filter((e) => e.confidential).sort((a, b) => a.ref.localeCompare(b.ref, "en", { numeric: true }));
  const priorities = [...new Set(open.map((e) => e.priority))].sort(byPriority(taxonomy));
  for (const priority of priorities) {
    lines.push(`### ${priority ?? NO_PRIORITY}`, "");
    const ofPriority = open.filter((e) => e.priority === priority);
    const byAssignee = groupBy(ofPriority, (e) => (e.assignees.length > 0 ? [...e.assignees].sort().join(", ") : UNASSIGNED));
    const names = [...byAssignee.keys()].sort((a, b) => (a === UNASSIGNED ? 1 : b === UNASSIGNED ? -1 : a.localeCompare(b)));
    for (const name of names) {
      lines.push(`**${name}**`, "");
      const sorted = byAssignee.get(name)!.sort((a, b) => (a.due?.getTime() ?? Infinity) - (b.due?.getTime() ?? Infinity) || a.ref.localeCompare(b.ref));
      for (const e of sorted) lines.push(line(e, timeZone));
      lines.push("");
    }
  }
  if (hidden.length > 0) lines.push(`### ${CONFIDENTIAL}`, "", ...hidden.map((e) => confidentialLine(e, timeZone)), "");
  return lines;
}

export function renderSlaReport(entries: SlaReportEntry[], taxonomy: Taxonomy, timeZone: string): string {
  const breached = entries.filter((e) => e.state === "breached");
  const atRisk = entries.filter((e) => e.state === "at-risk");
  const lines = [
    "SLA clocks that need attention, kept up to date by mops-bot's hourly `sla` job from `policies/sla.yml`.",
    `Times are in the team's time zone (${timeZone}). To see how a clock ran, use \`mops-bot sla explain <issue reference>\`.`,
    "",
    ...section("Breached", breached, taxonomy, timeZone),
    ...section("At risk", atRisk, taxonomy, timeZone),
    markerComment(SLA_REPORT_MARKER),
  ];
  return neutraliseQuickActions(lines.join("\n").trim());
}
