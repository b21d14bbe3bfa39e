/**
 * What the report is made from (read from GitLab by collect.ts) and what it shows (computed purely
 * by model.ts). Every number on the page is a `Count`: the value and the GitLab issue list (or the
 * list further down the page) that produced it.
 */
import type { MilestoneInfo, ResourceSnapshot } from "../domain/snapshot.js";

export interface Count {
  value: number;
  href: string;
}

export interface AuditIssue {
  issue: ResourceSnapshot;
  tool: string;
  period: string;
  /** The due date the audit is held to (the issue's own, else its period's), or null when unknown. */
  dueDate: string | null;
}

export interface RenewalDue {
  tool: string;
  tier: number;
  renewalDate: string;
  /** The renewal issue the `tool-audits` job opened, or null when it is not open yet. */
  issue: ResourceSnapshot | null;
}

export interface MilestoneInput {
  current: MilestoneInfo;
  /** Closed issues of the milestone (the open ones are among `open`). */
  closed: ResourceSnapshot[];
  /** Issue reference -> titles of the milestones it was rolled over from (the bot's rollover notes). */
  rolledOver: Map<string, string[]>;
}

export interface ReportInput {
  now: Date;
  /** The GitLab the links point at, e.g. https://gitlab.com. */
  gitlabUrl: string;
  /** Open issues in scope (the bot's own report issues left out), with label events where needed. */
  open: ResourceSnapshot[];
  /** Issues closed during the SLA trend's window that an SLA covers, with label events. */
  closedInWindow: ResourceSnapshot[];
  milestone: MilestoneInput | null;
  audits: AuditIssue[];
  renewals: RenewalDue[];
  /** Issues whose label history was not read because the report's read limit was reached. */
  historyNotRead: string[];
}

export interface IssueLine {
  ref: string;
  url: string;
  title: string;
  assignees: string[];
}

export interface StageRow {
  label: string;
  /** The label without its scope, e.g. `04: In Progress`. */
  value: string;
  count: Count;
  stuck: number;
  medianDays: number | null;
  oldestDays: number | null;
  /** Count per assignee username ("" = unassigned). */
  byAssignee: Map<string, Count>;
}

export interface AgedIssue extends IssueLine {
  label: string;
  /** Business days since the label was added. */
  days: number;
}

export interface BoardModel {
  workflow: string;
  scope: string;
  stuckAfterDays: number;
  total: Count;
  stages: StageRow[];
  /** Usernames in column order, "" (unassigned) last. */
  assignees: string[];
  /** Open issues of the workflow in the same stage longer than `stuckAfterDays`, longest first. */
  stuck: AgedIssue[];
}

export interface SlaRow {
  sla: string;
  /** The goal's priority label, or null for an SLA with one goal for every issue. */
  priority: string | null;
  running: Count;
  atRisk: Count;
  breached: Count;
}

export interface SlaIssue extends IssueLine {
  sla: string;
  priority: string | null;
  due: Date | null;
}

export interface TrendWeek {
  /** `YYYY-MM-DD`: the day the week ended (the last one is today). */
  date: string;
  at: Date;
  breached: IssueLine[];
  atRisk: IssueLine[];
}

export interface SlaModel {
  configured: boolean;
  rows: SlaRow[];
  breached: SlaIssue[];
  trend: TrendWeek[];
}

export interface BurnUpDay {
  date: string;
  scope: number;
  completed: number;
}

export interface MilestoneModel {
  title: string;
  url: string | null;
  startDate: string | null;
  dueDate: string | null;
  committed: Count;
  completed: number;
  closed: Count;
  completedOpen: Count;
  open: Count;
  burnUp: BurnUpDay[];
  rolledOver: (IssueLine & { from: string[]; state: string })[];
}

export interface StepRow {
  label: string;
  value: string;
  count: Count;
  medianDays: number | null;
  oldestDays: number | null;
  oldest: AgedIssue | null;
}

export interface StepsModel {
  workflow: string;
  total: Count;
  steps: StepRow[];
}

export interface ToolsModel {
  configured: boolean;
  openAudits: Count;
  audits: (IssueLine & { tool: string; period: string; dueDate: string | null; overdue: boolean })[];
  renewalsWithinDays: number;
  renewalIssues: Count;
  renewals: { tool: string; tier: number; renewalDate: string; daysLeft: number; issue: IssueLine | null }[];
}

export interface ReportModel {
  generatedAt: Date;
  today: string;
  timeZone: string;
  group: string;
  gitlabUrl: string;
  board: BoardModel | null;
  sla: SlaModel;
  milestone: MilestoneModel | null;
  steps: StepsModel | null;
  tools: ToolsModel;
  historyNotRead: string[];
}
