/**
 * What the tool registry asks for today, as pure functions of the policy, the calendar and the
 * date: the audit issue of each tool's current period, the renewal issues whose lead time has
 * begun, and the weekly reminder on an overdue audit. The job (job.ts) compares this with what
 * exists in GitLab and creates only what is missing.
 */
import type { BusinessCalendar } from "../domain/calendar.js";
import { markerComment, markerKey } from "../domain/markers.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import { renderTemplate, templateText, type TemplateValue } from "../domain/templates.js";
import { mention } from "../domain/text.js";
import type { CompiledPolicy, ToolDef, ToolsPolicy } from "../policy/model.js";
import { addDays, daysBetween, nthWorkingDay } from "./dates.js";
import { auditPeriodFromKey, auditPeriodOf, type AuditPeriod } from "./periods.js";

export const AUDIT_MARKER_PREFIX = "tool-audit";
export const RENEWAL_MARKER_PREFIX = "tool-renewal";
export const REMINDER_MARKER_PREFIX = "tool-audit-reminder";

export interface DesiredToolIssue {
  kind: "audit" | "renewal";
  tool: ToolDef;
  marker: string;
  title: string;
  /** The body, ending with the marker comment. */
  description: string;
  labels: string[];
  /** Usernames to assign (the technical owner, or one member of the default owner group). */
  assignees: string[];
  dueDate: string;
  /** Why the issue is due now, for the run report. */
  reason: string;
  /** Audits only. */
  period?: AuditPeriod;
}

export function toolsPolicyOf(policy: CompiledPolicy): ToolsPolicy {
  if (!policy.tools) throw new Error("policies/tools.yml is missing: the tool registry, audits and renewals need it.");
  return policy.tools;
}

/** Who owns a tool's audits: its technical owner, else one member of the default group (in turn by tool). */
export function ownersOf(policy: CompiledPolicy, tool: ToolDef): string[] {
  if (tool.owner) return [tool.owner];
  const tools = toolsPolicyOf(policy);
  const members = policy.people[tools.defaultOwnerGroup] ?? [];
  if (members.length === 0) return [];
  const index = tools.tools.findIndex((t) => t.name === tool.name);
  return [members[Math.max(index, 0) % members.length]!];
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

/** The last day of an audit's working window: due date of the audit issue. */
export function auditDueDate(calendar: BusinessCalendar, tools: ToolsPolicy, period: AuditPeriod): string {
  return nthWorkingDay(calendar, period.start, tools.audits.workingWindowBusinessDays);
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
    "tool.owner": { trusted: ownersOf(policy, tool).map(mention).join(" ") || "the tool's owner" },
    "tool.cadence": { trusted: tool.audit },
    "tool.inactivity_days": { trusted: String(tool.inactivityDays) },
    "tool.notice": { trusted: `${tool.noticeBusinessDays} business day${tool.noticeBusinessDays === 1 ? "" : "s"}` },
    "tool.notify_by": { trusted: tool.notifyBy === "slack" ? "Slack" : "email" },
    "tool.notes": tool.notes ?? "",
    bot: { trusted: policy.scope.botUsername },
  };
}

function withMarker(body: string, marker: string): string {
  return `${body.trimEnd()}\n\n${markerComment(marker)}\n`;
}

/** Each tool's audit issue for the period that contains `today`. */
export function desiredAuditIssues(policy: CompiledPolicy, calendar: BusinessCalendar, today: string): DesiredToolIssue[] {
  const tools = toolsPolicyOf(policy);
  return tools.tools.map((tool) => {
    const period = auditPeriodOf(tool.audit, today);
    // Opened late (the bot was switched on mid-period, or runs were missed): the owner still gets the full window.
    const dueDate = nthWorkingDay(calendar, today > period.start ? today : period.start, tools.audits.workingWindowBusinessDays);
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
      title: `Tool user audit: ${tool.name} — ${period.key}`,
      description: withMarker(body, marker),
      labels: [...tools.audits.labels, ...(tool.label ? [tool.label] : [])],
      assignees: ownersOf(policy, tool),
      dueDate,
      reason: `${tool.name} is audited ${tool.audit}; period ${period.key} began on ${period.start} and has no audit issue yet.`,
      period,
    };
  });
}

/** The first day a tool's renewal issue is due to exist, or null when it has no renewal date. */
export function renewalOpensOn(tools: ToolsPolicy, tool: ToolDef): string | null {
  return tool.renewalDate === null ? null : addDays(tool.renewalDate, -tools.renewals.leadDaysByTier[tool.tier]);
}

function rfpLine(tools: ToolsPolicy, tool: ToolDef): string {
  const limit = `$${tools.renewals.rfpOverUsd.toLocaleString("en-US")}`;
  const every = `every ${tools.renewals.rfpEveryYears} years`;
  if (tool.contractValueUsd === null) {
    return `**RFP**: the contract value is not recorded in tools.yml. With Procurement, submit an RFP if it is over ${limit}, and in any case ${every}.`;
  }
  const value = `$${tool.contractValueUsd.toLocaleString("en-US")}`;
  return tool.contractValueUsd > tools.renewals.rfpOverUsd
    ? `**RFP required**: the contract (${value} a year) is over ${limit}; submit an RFP with Procurement.`
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
      title: `Tool renewal: ${tool.name} — renews ${tool.renewalDate}`,
      description: withMarker(body, marker),
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
  /** Weeks overdue, 1 for the first seven days after the due date. */
  week: number;
}

/** The due date an audit issue is held to: its own (people may move it), else its period's. */
export function auditIssueDueDate(calendar: BusinessCalendar, tools: ToolsPolicy, issue: ResourceSnapshot, periodKey: string): string | null {
  if (issue.dueDate) return issue.dueDate;
  const period = auditPeriodFromKey(periodKey);
  return period === null ? null : auditDueDate(calendar, tools, period);
}

/** The reminder an open audit issue past its due date gets this week, or null. */
export function auditReminder(policy: CompiledPolicy, calendar: BusinessCalendar, issue: ResourceSnapshot, marker: string, today: string): AuditReminder | null {
  if (issue.state !== "opened") return null;
  const parsed = parseAuditMarker(marker);
  if (!parsed) return null;
  const tools = toolsPolicyOf(policy);
  const tool = toolByMarkerKey(tools, parsed.toolKey);
  const dueDate = auditIssueDueDate(calendar, tools, issue, parsed.period);
  if (dueDate === null || today <= dueDate) return null;
  const week = Math.floor((daysBetween(dueDate, today) - 1) / 7) + 1;
  const recipients = issue.assignees.length > 0 ? issue.assignees.map((u) => u.username) : tool ? ownersOf(policy, tool) : [];
  const body = renderTemplate(templateText(policy.templates, tools.audits.reminderTemplate), {
    ...(tool ? toolValues(policy, tool) : { tool: parsed.toolKey }),
    recipient: { trusted: recipients.map(mention).join(" ") || "Hi" },
    period: { trusted: parsed.period },
    due: { trusted: readableDate(dueDate) },
  });
  return { marker: markerKey(REMINDER_MARKER_PREFIX, parsed.toolKey, parsed.period, `week-${week}`), body, dueDate, week };
}
