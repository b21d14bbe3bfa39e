/** SLA definitions and histories for the SLA unit tests, on the team's New York calendar. */
import { createBusinessCalendar } from "../../../src/domain/calendar.js";
import type { LabelEvent } from "../../../src/domain/snapshot.js";
import type { CalendarConfig, SlaDef } from "../../../src/policy/model.js";
import type { ClockHistory, LabelSpelling } from "../../../src/rules/sla/clock.js";

export const CALENDAR_CONFIG: CalendarConfig = {
  timeZone: "America/New_York",
  workingDays: [1, 2, 3, 4, 5],
  workingHours: { start: "09:00", end: "17:00" },
  holidays: { region: { country: "US" }, types: ["public"], dates: [{ date: "2026-11-27", name: "Family & Friends Day" }] },
};
export const calendar = createBusinessCalendar(CALENDAR_CONFIG);

export const URGENT = "MktgOpsPriority:: 00-Urgent";
export const HIGH = "MktgOpsPriority:: 01-High";
export const LOW = "MktgOpsPriority:: 03-Low";
export const BLOCKED = "MktgOps::07: Blocked";
export const COMPLETED = "MktgOps::08: Completed";
export const TRIAGE = "MktgOps::00: Triage";
export const ABM_BLOCKED = "mktg-status::blocked";
export const ABM_TRIAGE = "mktg-status::triage";
export const OLD_URGENT = "MktgOpsPriority::00-Urgent";
export const OLD_ACTION_NEEDED = "MktgOps-Priority::2 - Action Needed";

/** Aliases as labels.yml declares them. */
const ALIASES: Record<string, string> = { [OLD_URGENT]: URGENT, [OLD_ACTION_NEEDED]: "MktgOpsPriority:: 02-Medium" };
export const spelling: LabelSpelling = {
  canonical: (l) => ALIASES[l] ?? l,
  aliasTarget: (l) => ALIASES[l],
};

export function slaDef(over: Partial<SlaDef> = {}): SlaDef {
  return {
    id: "mops-priority",
    description: "MOps priorities",
    file: "policies/sla.yml",
    enabled: true,
    appliesTo: ["issue"],
    where: { projectRoles: [], labels: [], anyLabel: [], noLabel: [] },
    start: { on: "created" },
    waitWhile: [],
    pauseWhile: [BLOCKED],
    stop: { closed: true, labeled: [COMPLETED], unlabeled: [] },
    goals: [
      { label: URGENT, goal: { kind: "business_hours", hours: 4 } },
      { label: HIGH, goal: { kind: "milestone_due" } },
      { label: LOW, goal: { kind: "business_days", days: 60 } },
    ],
    warning: { percent: 75, beforeDueBusinessDays: null, label: "mops-bot-sla::at-risk", template: "sla-warning", fallbackGroup: "triage-dri" },
    breach: { label: "mops-bot-sla::breached", template: "sla-breach", mentionGroup: "triage-dri" },
    report: true,
    dueDate: null,
    ...over,
  };
}

let nextId = 1;
export function added(label: string, at: string): LabelEvent {
  return { id: nextId++, action: "add", label, user: null, createdAt: new Date(at) };
}
export function removed(label: string, at: string): LabelEvent {
  return { id: nextId++, action: "remove", label, user: null, createdAt: new Date(at) };
}

export function history(createdAt: string, labelEvents: LabelEvent[], over: Partial<ClockHistory> = {}): ClockHistory {
  return { createdAt: new Date(createdAt), labelEvents, closedAt: null, milestoneDue: null, ...over };
}
