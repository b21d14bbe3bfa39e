/**
 * The "SLA report" issue: every at-risk and breached SLA, grouped by priority and assignee, with
 * links. Pure, and written only with moments that stay put while nothing changes (when the goal
 * is or was due; for a paused clock, since when and how much of the goal is left), so an hourly
 * run edits the issue only when the set of SLAs or one's state changes. Assignees are written
 * without `@`, so editing the report notifies nobody; the warning and breach notes on the issues
 * themselves do that.
 */
import type { BusinessCalendar } from "../../domain/calendar.js";
import type { Taxonomy } from "../../domain/labels.js";
import { markerComment } from "../../domain/markers.js";
import { neutraliseInline, neutraliseQuickActions } from "../../domain/text.js";
import type { ClockResult } from "./clock.js";
import { formatBusinessDuration, formatCalendarDuration, formatMoment } from "./time.js";
import { CONFIDENTIAL_ISSUE } from "../../domain/disclosure.js";
import { byRef } from "../../domain/snapshot.js";

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
  /** Set while an at-risk clock is paused: its due moment then moves with every hour of the pause. */
  pause: SlaPause | null;
}

export interface SlaPause {
  since: Date;
  /** The label that paused it. */
  label: string;
  /** What is left of the goal, in words (`1 h 30 min`); it does not change while paused. */
  left: string;
}

/**
 * The pause of a clock that is paused before its goal ran out, or null. Such a clock's `due` is
 * "if it resumed now" and moves on with the time, so the report says what is left instead.
 * A milestone goal is a fixed date that pauses do not move: it has no pause here.
 */
export function pauseOf(clock: ClockResult, calendar: BusinessCalendar): SlaPause | null {
  const episode = clock.episode;
  if (clock.state !== "paused" || episode === null || episode.goal.kind === "milestone_due" || clock.remainingMs === null) return null;
  const open = episode.pauses.at(-1);
  if (open === undefined || open.end !== null) return null;
  const left = episode.goal.kind === "calendar_days" ? formatCalendarDuration(clock.remainingMs) : formatBusinessDuration(clock.remainingMs, calendar.businessDayMillis);
  return { since: open.start, label: open.label, left };
}

/**
 * When the goal is (or was) due, or how a paused clock stands, in the team's zone.
 * `labels: false` for a confidential issue in a public place: the pausing label is not named.
 */
export function describeDue(e: Pick<SlaReportEntry, "state" | "due" | "pause">, timeZone: string, options: { labels?: boolean } = {}): string {
  if (e.pause) {
    const label = options.labels === false ? "" : ` (~"${e.pause.label}")`;
    return `paused since ${formatMoment(e.pause.since, timeZone)}${label}, ${e.pause.left} of the goal left`;
  }
  return e.due ? `${e.state === "breached" ? "was due" : "due"} ${formatMoment(e.due, timeZone)}` : "no due date";
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
  const due = describeDue(e, timeZone);
  return `- [${neutraliseInline(e.title).replace(/[[\]]/g, "")}](${e.url}) \`${e.ref}\` — SLA \`${e.sla}\`, ${e.goal}, ${due}`;
}

function confidentialLine(e: SlaReportEntry, timeZone: string): string {
  // A paused clock by what is left (its due moment moves on every run), without the label.
  const due = describeDue(e, timeZone, { labels: false });
  return `- [${CONFIDENTIAL_ISSUE}](${e.url}) \`${e.ref}\` — ${due}`;
}

function section(title: string, entries: SlaReportEntry[], taxonomy: Taxonomy, timeZone: string): string[] {
  const lines = [`## ${title} (${entries.length})`, ""];
  if (entries.length === 0) return [...lines, "None.", ""];
  const open = entries.filter((e) => !e.confidential);
  const hidden = entries.filter((e) => e.confidential).sort(byRef);
  const priorities = [...new Set(open.map((e) => e.priority))].sort(byPriority(taxonomy));
  for (const priority of priorities) {
    lines.push(`### ${priority ?? NO_PRIORITY}`, "");
    const ofPriority = open.filter((e) => e.priority === priority);
    const byAssignee = groupBy(ofPriority, (e) => (e.assignees.length > 0 ? [...e.assignees].sort().join(", ") : UNASSIGNED));
    const names = [...byAssignee.keys()].sort((a, b) => (a === UNASSIGNED ? 1 : b === UNASSIGNED ? -1 : a.localeCompare(b)));
    for (const name of names) {
      lines.push(`**${name}**`, "");
      // Soonest due first; paused clocks (whose due moment moves) after, by reference.
      const dueKey = (e: SlaReportEntry) => (e.pause || e.due === null ? Infinity : e.due.getTime());
      const sorted = byAssignee.get(name)!.sort((a, b) => dueKey(a) - dueKey(b) || byRef(a, b));
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
