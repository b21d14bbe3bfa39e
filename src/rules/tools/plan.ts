/**
 * What the tool registry asks for today, as pure functions of the policy and the date: the
 * audit issue of each tool's current period (assigned to the technical owner tools.yml
 * names; the tools without one are listed together in one issue for the MOps tools DRI), the
 * renewal issues whose lead time has begun, and at most one reminder on an overdue audit when
 * tools.yml asks for it. The job (job.ts) compares this with what exists in GitLab and creates
 * only what is missing.
 */
import { markerComment, markerKey } from "../../domain/markers.js";
import type { ResourceSnapshot } from "../../domain/snapshot.js";
import { renderTemplate, templateText, type TemplateValue } from "../../domain/templates.js";
import { mentionEach, neutraliseInline } from "../../domain/text.js";
import type { CompiledPolicy, ToolDef, ToolsPolicy } from "../../policy/model.js";
import { addDays, daysBetween } from "../../domain/calendar/days.js";
import { auditPeriodFromKey, auditPeriodOf, type AuditPeriod } from "./periods.js";

export const AUDIT_MARKER_PREFIX = "tool-audit";
export const RENEWAL_MARKER_PREFIX = "tool-renewal";
export const REMINDER_MARKER_PREFIX = "tool-audit-reminder";

/** An issue the tool-audits job creates: what GitLab gets, and the markers that find it again. */
export interface PlannedToolIssue {
  kind: "audit" | "renewal" | "unowned-audits";
  /** The marker the run report names the issue by. */
  marker: string;
  /** Every marker the description carries: an issue listing several audits carries one per audit. */
  markers: string[];
  title: string;
  /** The body, ending with the marker comments. */
  description: string;
  labels: string[];
  /** Usernames to assign (the technical owner, or the MOps tools DRI). */
  assignees: string[];
  dueDate: string;
  /** Why the issue is due now, for the run report. */
  reason: string;
}

export interface DesiredToolIssue extends PlannedToolIssue {
  kind: "audit" | "renewal";
  tool: ToolDef;
  /** Audits only. */
  period?: AuditPeriod;
}

export function toolsPolicyOf(policy: CompiledPolicy): ToolsPolicy {
  if (!policy.tools) throw new Error("policies/tools.yml is missing: the tool registry, audits and renewals need it.");
  return policy.tools;
}

/**
 * The MOps tools DRI: the first member of the people.yml group `tools_dri_group` (one person, as a
 * DRI is). Only one is assigned: more than one assignee per issue is a GitLab Premium feature
 * (gitlabhq/gitlabhq doc/user/project/issues/multiple_assignees_for_issues.md, "Tier: Premium,
 * Ultimate"), so a second would be dropped on Free.
 */
export function toolsDri(policy: CompiledPolicy): string[] {
  return (policy.people[toolsPolicyOf(policy).toolsDriGroup] ?? []).slice(0, 1);
}

/**
 * Who a tool's issues go to: the technical owner tools.yml names (for a tier 4 tool, someone in the
 * department that uses it), else the MOps tools DRI, never someone picked in turn: the handbook
 * gives the audit to the tool's technical owner (000_3a3b18768e4599ed.txt:442).
 */
export function ownersOf(policy: CompiledPolicy, tool: ToolDef): string[] {
  return tool.owner ? [tool.owner] : toolsDri(policy);
}

export function auditMarker(tool: ToolDef, period: AuditPeriod): string {
  return markerKey(AUDIT_MARKER_PREFIX, tool.name, period.key);
}

export function renewalMarker(tool: ToolDef): string {
  return markerKey(RENEWAL_MARKER_PREFIX, tool.name, tool.renewalDate ?? "none");
}

/** `tool-audit:<tool>:<period>` -> its parts, or null for another kind of marker. */
export function parseAuditMarker(marker: string): { toolKey: string; period: string } | null {
  const m = /^tool-audit:(.+):(\d{4}-(?:\d{2}|Q[1-4]|H[12]))$/.exec(marker);
  return m ? { toolKey: m[1]!, period: m[2]! } : null;
}

export function toolByMarkerKey(tools: ToolsPolicy, toolKey: string): ToolDef | undefined {
  return tools.tools.find((t) => markerKey(t.name) === toolKey);
}

/**
 * An audit is due by the last day of its period: a quarterly audit within its quarter. The handbook
 * gives no other deadline (000_3a3b18768e4599ed.txt:442 "quarterly, bi-quaterly and, for some tools,
 * monthly user audits").
 */
export function auditDueDate(period: AuditPeriod): string {
  return period.end;
}

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** `2026-11-13 (Friday)`: dates people read in issue bodies. */
export function readableDate(date: string): string {
  const weekday = (((daysBetween("2024-01-01", date) % 7) + 7) % 7); // 2024-01-01 was a Monday
  return `${date} (${WEEKDAYS[weekday]})`;
}

function toolValues(policy: CompiledPolicy, tool: ToolDef): Record<string, TemplateValue> {
  return {
    tool: tool.name,
    "tool.tier": { trusted: String(tool.tier) },
    "tool.owner": { trusted: mentionEach(ownersOf(policy, tool), policy.scope.botUsername) || "the tool's owner" },
    "tool.cadence": { trusted: tool.audit },
    "tool.inactivity_days": { trusted: String(tool.inactivityDays) },
    "tool.notice": { trusted: `${tool.noticeBusinessDays} business day${tool.noticeBusinessDays === 1 ? "" : "s"}` },
    "tool.notify_by": { trusted: tool.notifyBy === "slack" ? "Slack" : "email" },
    "tool.notes": tool.notes ?? "",
    bot: { trusted: policy.scope.botUsername },
  };
}

function withMarkers(body: string, markers: string[]): string {
  return `${body.trimEnd()}\n\n${markers.map(markerComment).join("\n")}\n`;
}

/** Each tool's audit issue for the period that contains `today`. */
export function desiredAuditIssues(policy: CompiledPolicy, today: string): DesiredToolIssue[] {
  const tools = toolsPolicyOf(policy);
  return tools.tools.map((tool) => {
    const period = auditPeriodOf(tool.audit, today);
    const dueDate = auditDueDate(period);
    const marker = auditMarker(tool, period);
    const body = renderTemplate(templateText(policy.templates, tools.audits.template), {
      ...toolValues(policy, tool),
      period: { trusted: period.key },
      due: { trusted: readableDate(dueDate) },
    });
    return {
      kind: "audit",
      tool,
      marker,
      markers: [marker],
      title: `Tool user audit: ${tool.name} — ${period.key}`,
      description: withMarkers(body, [marker]),
      labels: [...tools.audits.labels, ...(tool.label ? [tool.label] : [])],
      assignees: ownersOf(policy, tool),
      dueDate,
      reason: `${tool.name} is audited ${tool.audit}; period ${period.key} began on ${period.start} and has no audit issue yet.`,
      period,
    };
  });
}

/**
 * The audit issues to create today, given which audits already have an issue (`exists`): one per
 * tool with a technical owner, and one issue listing every tool without one for the MOps tools
 * DRI. Tier 4 tools belong to other departments (000_3a3b18768e4599ed.txt:416): the DRI gets one
 * list to hand on, not an issue (and a notification) per tool.
 */
export function auditIssuesToCreate(policy: CompiledPolicy, today: string, exists: (marker: string) => boolean): PlannedToolIssue[] {
  const missing = desiredAuditIssues(policy, today).filter((d) => !exists(d.marker));
  const owned = missing.filter((d) => d.tool.owner !== null);
  const unowned = missing.filter((d) => d.tool.owner === null);
  return unowned.length === 0 ? owned : [...owned, unownedAuditsIssue(policy, unowned)];
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** The one issue listing the audits of tools without a technical owner, for the MOps tools DRI. */
export function unownedAuditsIssue(policy: CompiledPolicy, audits: DesiredToolIssue[]): PlannedToolIssue {
  const tools = toolsPolicyOf(policy);
  // Shortest period first: the month, then the quarter, then the half-year.
  const byLength = audits.map((a) => a.period!).sort((a, b) => a.end.localeCompare(b.end) || b.start.localeCompare(a.start));
  const periods = [...new Set(byLength.map((p) => p.key))];
  // Due when its last audit is: the list is one issue, closed once every tool in it is done.
  const dueDate = audits.map((a) => a.dueDate).sort().at(-1)!;
  const lines = audits.map((a) => {
    const t = a.tool;
    const notice = `${plural(t.inactivityDays, "day")} inactive, ${plural(t.noticeBusinessDays, "business day")} of notice by ${t.notifyBy === "slack" ? "Slack" : "email"}`;
    // Names and notes made inline and mention-free: the list notifies nobody per tool.
    return `- [ ] **${neutraliseInline(t.name)}** — tier ${t.tier}, ${a.period!.key} (${t.audit}; ${notice})${t.notes ? `. ${neutraliseInline(t.notes)}` : ""}`;
  });
  const body = renderTemplate(templateText(policy.templates, tools.audits.unownedTemplate), {
    period: { trusted: periods.join(", ") },
    count: { trusted: String(audits.length) },
    items: { trusted: lines.join("\n") },
    group: { trusted: tools.toolsDriGroup },
    due: { trusted: readableDate(dueDate) },
    bot: { trusted: policy.scope.botUsername },
  });
  const markers = audits.map((a) => a.marker);
  return {
    kind: "unowned-audits",
    marker: markerKey(AUDIT_MARKER_PREFIX, "without-owner", ...periods),
    markers,
    title: `Tool user audits without a technical owner — ${periods.join(", ")}`,
    description: withMarkers(body, markers),
    labels: [...tools.audits.labels],
    assignees: toolsDri(policy),
    dueDate,
    reason: `${plural(audits.length, "tool")} with no owner in tools.yml (${audits.map((a) => a.tool.name).join(", ")}) have no audit issue for ${periods.join(", ")}: one list for the tools DRI.`,
  };
}

/** The first day a tool's renewal issue is due to exist, or null when it has no renewal date. */
export function renewalOpensOn(tools: ToolsPolicy, tool: ToolDef): string | null {
  return tool.renewalDate === null ? null : addDays(tool.renewalDate, -tools.renewals.leadDaysByTier[tool.tier]);
}

function rfpLine(tools: ToolsPolicy, tool: ToolDef): string {
  const limit = `$${tools.renewals.rfpOverUsd.toLocaleString("en-US")}`;
  const every = `every ${tools.renewals.rfpEveryYears} years`;
  if (tool.contractValueUsd === null) {
    return `**RFP**: the contract value is not recorded in tools.yml. With Procurement, submit an RFP if it is ${limit} or more, and in any case ${every}.`;
  }
  const value = `$${tool.contractValueUsd.toLocaleString("en-US")}`;
  // "for tools over $50K+" (000_3a3b18768e4599ed.txt:475): $50K itself needs an RFP.
  return tool.contractValueUsd >= tools.renewals.rfpOverUsd
    ? `**RFP required**: the contract (${value} a year) is ${limit} or more; submit an RFP with Procurement.`
    : `**RFP**: the contract (${value} a year) is under ${limit}, but an RFP with Procurement is still due ${every}; check when the last one was made.`;
}

/** Renewal issues whose lead time has begun and whose renewal date has not passed. */
export function desiredRenewalIssues(policy: CompiledPolicy, today: string): DesiredToolIssue[] {
  const tools = toolsPolicyOf(policy);
  const out: DesiredToolIssue[] = [];
  for (const tool of tools.tools) {
    const opens = renewalOpensOn(tools, tool);
    if (opens === null || tool.renewalDate === null || today < opens || today > tool.renewalDate) continue;
    const marker = renewalMarker(tool);
    const body = renderTemplate(templateText(policy.templates, tools.renewals.template), {
      ...toolValues(policy, tool),
      "renewal.date": { trusted: readableDate(tool.renewalDate) },
      "renewal.value": { trusted: tool.contractValueUsd === null ? "not recorded" : `$${tool.contractValueUsd.toLocaleString("en-US")}` },
      "renewal.rfp": { trusted: rfpLine(tools, tool) },
    });
    out.push({
      kind: "renewal",
      tool,
      marker,
      markers: [marker],
      title: `Tool renewal: ${tool.name} — renews ${tool.renewalDate}`,
      description: withMarkers(body, [marker]),
      labels: [...tools.renewals.labels, ...(tool.label ? [tool.label] : [])],
      assignees: ownersOf(policy, tool),
      dueDate: tool.renewalDate,
      reason: `${tool.name} renews on ${tool.renewalDate}; tier ${tool.tier} renewal issues open ${tools.renewals.leadDaysByTier[tool.tier]} days ahead (from ${opens}) and there is none yet.`,
    });
  }
  return out;
}

export interface AuditReminder {
  marker: string;
  body: string;
  dueDate: string;
}

/** The due date an audit issue is held to: its own (people may move it), else its period's. */
export function auditIssueDueDate(issue: ResourceSnapshot, periodKey: string): string | null {
  if (issue.dueDate) return issue.dueDate;
  const period = auditPeriodFromKey(periodKey);
  return period === null ? null : auditDueDate(period);
}

/**
 * The one reminder an open audit issue past its due date gets, or null: none at all unless
 * tools.yml names a reminder template (the handbook asks for no reminder), and never a second
 * one, however long the issue stays open (the marker has no week or date in it).
 */
export function auditReminder(policy: CompiledPolicy, issue: ResourceSnapshot, marker: string, today: string): AuditReminder | null {
  const tools = toolsPolicyOf(policy);
  if (tools.audits.reminderTemplate === null || issue.state !== "opened") return null;
  const parsed = parseAuditMarker(marker);
  if (!parsed) return null;
  const tool = toolByMarkerKey(tools, parsed.toolKey);
  const dueDate = auditIssueDueDate(issue, parsed.period);
  if (dueDate === null || today <= dueDate) return null;
  const recipients = issue.assignees.length > 0 ? issue.assignees.map((u) => u.username) : tool ? ownersOf(policy, tool) : [];
  const body = renderTemplate(templateText(policy.templates, tools.audits.reminderTemplate), {
    ...(tool ? toolValues(policy, tool) : { tool: parsed.toolKey }),
    recipient: { trusted: mentionEach(recipients, policy.scope.botUsername) || "Hi" },
    period: { trusted: parsed.period },
    due: { trusted: readableDate(dueDate) },
  });
  return { marker: REMINDER_MARKER_PREFIX, body, dueDate };
}
