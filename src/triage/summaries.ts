/**
 * What a triage summary says: every resource one rule selected in a sweep, grouped by a field,
 * each linked. Pure, and stable (sorted groups and items, no timestamps), so an unchanged
 * selection renders the same text and the summary issue is not edited again.
 */
import { markerComment, markerKey } from "../domain/markers.js";
import { renderTemplate, templateText } from "../domain/templates.js";
import { neutraliseInline } from "../domain/text.js";
import type { SummaryDef, SummaryGroupBy, TriageRuleDef } from "../policy/compile/triage.js";
import type { CompiledPolicy } from "../policy/model.js";
import type { Finding } from "./rule.js";

export interface SummaryContent {
  /** The hidden marker the summary issue carries in its description. */
  marker: string;
  title: string;
  /** Issue description (markdown, with the marker) or Slack text. */
  body: string;
  count: number;
}

export function summaryMarker(ruleId: string): string {
  return markerKey("triage-summary", ruleId);
}

function groupOf(f: Finding, by: SummaryGroupBy, policy: CompiledPolicy): string {
  const s = f.snapshot;
  switch (by) {
    case null:
      return "";
    case "assignee":
      return s.assignees.length ? s.assignees.map((a) => a.username).sort().join(", ") : "Unassigned";
    case "author":
      return s.author.username;
    case "milestone":
      return s.milestone?.title ?? "No milestone";
    case "project":
      return s.projectPath;
    default: {
      const label = s.labels.map((l) => policy.taxonomy.canonical(l) ?? l).find((l) => l.startsWith(`${by.label}::`));
      return label ?? `No ${by.label} label`;
    }
  }
}

/** "No ..." and "Unassigned" groups go last; the rest alphabetically. */
function groupOrder(a: string, b: string): number {
  const lastA = /^(No |Unassigned$)/.test(a);
  const lastB = /^(No |Unassigned$)/.test(b);
  return lastA !== lastB ? (lastA ? 1 : -1) : a.localeCompare(b, "en", { numeric: true });
}

const byRef = (a: Finding, b: Finding) => a.ref.localeCompare(b.ref, "en", { numeric: true });

/** A markdown link whose text is a person's title: inline, no mentions, no brackets to break it. */
function markdownItem(f: Finding): string {
  const text = neutraliseInline(f.title).replace(/[[\]]/g, (c) => `\\${c}`);
  return `- [${text}](${f.url}) ${f.ref}${f.detail ? ` — ${f.detail}` : ""}`;
}

function slackItem(f: Finding): string {
  const text = neutraliseInline(f.title).replace(/[<>|&]/g, " ");
  return `• <${f.url}|${text}> ${f.ref}${f.detail ? ` — ${f.detail}` : ""}`;
}

function grouped(findings: Finding[], by: SummaryGroupBy, policy: CompiledPolicy, item: (f: Finding) => string, heading: (g: string) => string): string {
  if (findings.length === 0) return "Nothing matches this rule now.";
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const g = groupOf(f, by, policy);
    groups.set(g, [...(groups.get(g) ?? []), f]);
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
  if (summary.destination.kind === "slack") {
    const items = grouped(findings, summary.groupBy, policy, slackItem, (g) => `*${neutraliseInline(g)}*`);
    return { marker, title: summary.title, body: `*${summary.title}* (${count})\n${items}`, count };
  }
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
