/**
 * What a triage summary says: every resource one rule selected in a sweep, grouped by a field,
 * each linked. Pure, and stable (sorted groups and items, no timestamps, dates instead of ages, the
 * same facts whichever history decided), so an unchanged selection renders the same text hours or
 * days later and the summary issue is not edited again.
 */
import { byRef } from "../domain/snapshot.js";
import { createHash } from "node:crypto";
import type { SlackMessage } from "../domain/actions.js";
import { markerComment, markerKey } from "../domain/markers.js";
import { renderTemplate, templateText } from "../domain/templates.js";
import { neutraliseInline } from "../domain/text.js";
import type { SummaryDef, SummaryGroupBy, TriageRuleDef } from "../policy/compile/triage.js";
import type { CompiledPolicy } from "../policy/model.js";
import type { Finding } from "../rules/triage/rule.js";
import { CONFIDENTIAL_ISSUE, mayDisclose } from "../domain/disclosure.js";
import { compareNumerically } from "../domain/order.js";

export interface SummaryContent {
  /** The hidden marker the summary issue carries in its description. */
  marker: string;
  title: string;
  /** Issue description (markdown, with the marker). */
  body: string;
  count: number;
}

export function summaryMarker(ruleId: string): string {
  return markerKey("triage-summary", ruleId);
}

const UNASSIGNED = "Unassigned";

/** Group of the confidential issues when grouping by label, whose labels a summary may not show. */
const CONFIDENTIAL_GROUP = "Confidential issues";

/**
 * The summary issue is created public, and its list goes to Slack: a confidential issue appears as
 * "a confidential issue" with its reference, without the condition values (which can quote its
 * title, description or labels).
 */
function shown(f: Finding): { title: string; detail: string } {
  return mayDisclose(f.snapshot, null) ? { title: f.title, detail: f.detail } : { title: CONFIDENTIAL_ISSUE, detail: "" };
}

function groupOf(f: Finding, by: SummaryGroupBy, policy: CompiledPolicy): string {
  const s = f.snapshot;
  switch (by) {
    case null:
      return "";
    case "assignee":
      return s.assignees.length ? s.assignees.map((a) => a.username).sort().join(", ") : UNASSIGNED;
    case "author":
      return s.author.username;
    case "milestone":
      return s.milestone?.title ?? "No milestone";
    case "project":
      return s.projectPath;
    default: {
      if (!mayDisclose(s, null)) return CONFIDENTIAL_GROUP;
      const label = s.labels.map((l) => policy.taxonomy.canonical(l) ?? l).find((l) => l.startsWith(`${by.label}::`));
      return label ?? `No ${by.label} label`;
    }
  }
}

const goesLast = (group: string) => group.startsWith("No ") || group === UNASSIGNED || group === CONFIDENTIAL_GROUP;

/** "No ...", "Unassigned" and confidential groups go last; the rest alphabetically. */
function groupOrder(a: string, b: string): number {
  const lastA = goesLast(a);
  const lastB = goesLast(b);
  return lastA !== lastB ? (lastA ? 1 : -1) : compareNumerically(a, b);
}

/** A markdown link whose text is a person's title: inline, no mentions, no brackets to break it. */
function markdownItem(f: Finding): string {
  const { title, detail } = shown(f);
  const text = neutraliseInline(title).replace(/[[\]]/g, (c) => `\\${c}`);
  return `- [${text}](${f.url}) ${f.ref}${detail ? ` — ${detail}` : ""}`;
}

function slackItem(f: Finding): string {
  const { title, detail } = shown(f);
  const text = neutraliseInline(title).replace(/[<>|&]/g, " ");
  return `• <${f.url}|${text}> ${f.ref}${detail ? ` — ${detail}` : ""}`;
}

function grouped(findings: Finding[], by: SummaryGroupBy, policy: CompiledPolicy, item: (f: Finding) => string, heading: (g: string) => string): string {
  if (findings.length === 0) return "Nothing matches this rule now.";
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const g = groupOf(f, by, policy);
    // Appended in place: copying the group for each finding is quadratic on a sweep's thousands.
    const group = groups.get(g) ?? [];
    group.push(f);
    groups.set(g, group);
  }
  return [...groups.keys()]
    .sort(groupOrder)
    .map((g) => {
      const lines = groups.get(g)!.sort(byRef).map(item);
      return by === null ? lines.join("\n") : `${heading(g)}\n\n${lines.join("\n")}`;
    })
    .join("\n\n");
}

export function renderSummary(def: TriageRuleDef, summary: SummaryDef, findings: Finding[], policy: CompiledPolicy): SummaryContent {
  const marker = summaryMarker(def.id);
  const count = findings.length;
  const items = grouped(findings, summary.groupBy, policy, markdownItem, (g) => `### ${neutraliseInline(g)}`);
  const body = renderTemplate(templateText(policy.templates, summary.template), {
    items: { trusted: items },
    count: { trusted: String(count) },
    rule: { trusted: def.id },
    reason: def.description,
    title: summary.title,
  });
  return { marker, title: summary.title, body: `${body}\n\n${markerComment(marker)}`, count };
}

export interface SlackSummary {
  /**
   * Marker of the note on the summary issue that records this post. It is keyed by the list's
   * content, so the same list is posted once, and a changed list once more.
   */
  marker: string;
  /** The message without the link to the summary issue (the link is added when it is known). */
  text: string;
  count: number;
}

/** The Slack form of a summary: the same list as the issue, as Slack text. */
export function renderSlackSummary(def: TriageRuleDef, summary: SummaryDef, findings: Finding[], policy: CompiledPolicy): SlackSummary {
  const count = findings.length;
  const items = grouped(findings, summary.groupBy, policy, slackItem, (g) => `*${neutraliseInline(g)}*`);
  const text = `*${neutraliseInline(summary.title)}* (${count})\n${items}`;
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 12);
  return { marker: markerKey("triage-summary-slack", def.id, hash), text, count };
}

/** The message posted: the list, then a link to the summary issue (when it exists). */
export function slackSummaryMessage(slack: SlackSummary, issue: { url: string; ref: string } | null): SlackMessage {
  return { text: issue ? `${slack.text}\n\nSummary issue: <${issue.url}|${issue.ref}>` : slack.text };
}
