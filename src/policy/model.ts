/**
 * The compiled policy model: what the rest of the bot reads after `policies/` has been loaded,
 * validated and cross-checked. Nothing outside src/policy/ reads YAML.
 */
import type { Taxonomy } from "../domain/labels.js";
import type { MilestoneTiming, ResourceKind } from "../domain/snapshot.js";
import type { DigestPolicy, IntakePolicy, ToolsPolicy } from "./toolsModel.js";
import type { RolloutPolicy } from "./rolloutModel.js";
import type { TriageRuleDef } from "./triageModel.js";

export interface ProjectScope {
  /** Full path, e.g. `gitlab-com/marketing/marketing-operations`. */
  path: string;
  /** Roles the project plays (`mops`, `sales-systems`, `handbook`); rules select projects by role. */
  roles: string[];
}

export interface ScopeDef {
  /** The GitLab group whose issues, MRs and milestones the bot manages. */
  group: string;
  projects: ProjectScope[];
  /** The bot's own GitLab username (its events are not reconciled again; commands address it). */
  botUsername: string;
  /** Notes the bot may create per minute (the instance's note limit), when scope.yml sets it. */
  notesPerMinute?: number;
}

export interface CalendarConfig {
  /** IANA zone, e.g. `America/New_York`. */
  timeZone: string;
  /** ISO weekdays, 1 = Monday .. 7 = Sunday. */
  workingDays: number[];
  /** `HH:MM` local times; `end` is exclusive. */
  workingHours: { start: string; end: string };
  holidays: {
    /** Public holidays from `date-holidays`, e.g. `{ country: "US" }`, optionally a state/region. */
    region: { country: string; state?: string; region?: string } | null;
    /** Which date-holidays types count as days off (default: public). */
    types: string[];
    /** Company days off, `YYYY-MM-DD`. */
    dates: { date: string; name: string }[];
  };
}

export interface ScheduleDef {
  job: string;
  cron: string;
  timeZone: string;
  description: string;
}

export type MilestoneRequirement =
  | { kind: "none" }
  | { kind: "any" }
  | { kind: "current" }
  | { kind: "future" }
  | { kind: "not-current" }
  | { kind: "title"; pattern: string; flags: string }
  /** Title must match / must not match, and the milestone must sit at one of these timings. */
  | { kind: "match"; title?: TextPattern; notTitle?: TextPattern; timing?: MilestoneTiming[] };

/** A regular expression as written in a policy (`/pattern/flags`, or an exact text made into one). */
export interface TextPattern {
  pattern: string;
  flags: string;
}

export type AssigneeRequirement = { kind: "none" } | { kind: "any" } | { kind: "group"; group: string } | { kind: "not-group"; group: string };

export interface StepRequirements {
  milestone?: MilestoneRequirement;
  assignee?: AssigneeRequirement;
  /** A comment by a person posted after the step's label was applied (e.g. explaining a blocker). */
  commentAfterLabel?: boolean;
  /** Labels that must be present while in this step. */
  labels?: string[];
  /** Name of a proof (WorkflowDef.proofs) that must have been given. */
  proof?: string;
}

/** Something a person must have posted, e.g. the business owner's UAT sign-off. */
export interface ProofDef {
  name: string;
  description: string;
  /** Full label of the step the issue must be in when the proof is posted. */
  whileIn: string;
  /** Whether the issue's author may give it. */
  byAuthor: boolean;
  /** People groups whose members may give it. */
  byGroups: string[];
  /** A comment with an uploaded file counts. */
  upload: boolean;
  /** A comment or description section under a heading matching this counts. */
  heading: TextPattern | null;
}

export interface WorkflowCommands {
  /** Full label of the step `approve` moves to. */
  approveStep: string;
  replyTemplate: string;
}

export interface WorkflowStep {
  /** Full canonical label, e.g. `MktgOps::04: In Progress`. */
  label: string;
  /** The value after the scope, e.g. `04: In Progress`. */
  value: string;
  description: string;
  requires: StepRequirements;
  /** People group allowed to move a resource INTO this step; null = anyone. */
  onlyBy: string | null;
  /**
   * Whether a resource may be closed while in this step. Closing is checked only when some step of
   * the workflow has it; a workflow where none does lets a resource close in any step.
   */
  mayClose: boolean;
  /** The work is done in this step though the resource may stay open (reports count it as done). */
  completes?: boolean;
  /** Asked of the assignees once as a reminder (no attention label): a comment after the label. */
  remind?: { commentAfterLabel: true };
  /** Reaching the step closes the issue; a closed issue cannot leave it until reopened. */
  closes?: boolean;
}

export interface WorkflowDef {
  id: string;
  description: string;
  /** The policy file it came from (for messages). */
  file: string;
  /** The scoped label key the workflow owns, e.g. `MktgOps`. */
  scope: string;
  appliesTo: ResourceKind[];
  where: {
    /** Project roles from scope.yml; empty = every project in scope. */
    projectRoles: string[];
    /** Labels that must all be present for the workflow to apply. */
    labels: string[];
  };
  /** Full label given to a resource that has no value of the scope; null = none. */
  initial: string | null;
  /** `any`: any move is allowed; `forward-one-step`: no skipping ahead, moving back is allowed. */
  order: "any" | "forward-one-step";
  /** Label added while a requirement is not met (removed when it is); null = none. */
  attentionLabel: string | null;
  /** Template (name in policies/templates/, without .md) for the violation note. */
  violationTemplate: string;
  steps: WorkflowStep[];
  /**
   * Labels of the scope that are not steps (e.g. `MktgOps::Events/FM Copy Review`). A resource
   * carrying one has a value of the scope, so it is not given the initial label; and because
   * GitLab Premium keeps one label per scope, applying it removes the step label.
   */
  nonStepLabels?: string[];
  /** `flag` (default): attention label and note; `revert`: a person's move into the step is undone. */
  unmetRequirements?: "flag" | "revert";
  /** Moves before this instant are history and not judged. */
  movesCheckedFrom?: Date;
  /** Template for the note explaining an undone move (the violation template when absent). */
  revertTemplate?: string;
  /** Template for the note posted when a `closes` step closes the issue. */
  closeTemplate?: string;
  /** Template for a step's one-time reminder (`remind:`). */
  reminderTemplate?: string;
  /** A resource with a step label but without the `where` labels gets this note. */
  intake?: { missingLabelsTemplate: string };
  proofs?: Record<string, ProofDef>;
  /** Comments addressed to the bot are commands on resources in this workflow. */
  commands?: WorkflowCommands;
}

export interface LabelConflictDef {
  /** When this label is present ... */
  whenPresent: string;
  /** ... these labels are removed. */
  remove: string[];
  reason: string;
}

export interface HygieneDef {
  /** Replace declared aliases with their canonical label. */
  repairAliases: boolean;
  /** Leave a note explaining each repair (off: the label change in GitLab's history is enough). */
  explainRepairs: boolean;
  conflicts: LabelConflictDef[];
}

/** policies/milestones.yml, compiled. Dates are `YYYY-MM-DD` in the calendar's zone. */
export interface MilestonePolicy {
  /** Regular expression (source) matching the team's milestone titles. */
  titlePattern: string;
  /** `{start}` / `{due}` replaced by the milestone's dates. */
  titleFormat: string;
  lengthDays: number;
  /** ISO weekday, 1 = Monday .. 7 = Sunday. */
  startWeekday: number;
  /** A date on which a milestone of the cadence started. */
  anchor: string;
  /** Days from a milestone's start to its due date. */
  dueOffsetDays: number;
  /** Milestones allowed beyond the current one. */
  ahead: number;
  /** Regular expression (source) of the Temp holding milestones; null = none. */
  tempPattern: string | null;
  mr: {
    projectRole: string;
    labels: string[];
    /** `{milestone}` replaced by the milestone title; created as `Draft: <title>`. */
    titleFormat: string;
    branchFormat: string;
    descriptionTemplate: string;
    closeBlockedTemplate: string;
  };
  rollover: {
    noteTemplate: string;
    slackChannel: string;
    flagLabel: string | null;
    /** Issues with one of these labels stay in their ended milestone, untouched. */
    leaveLabels: string[];
    /** Issues with one of these labels are listed for closing in the report, not moved. */
    completedLabels: string[];
  };
  reopenGuard: { template: string; overrideGroup: string; overrideLabel: string | null; overrideCommand: string | null };
}

export interface SlackChannelDef {
  /** Environment variable holding the channel's incoming-webhook URL. */
  webhookEnv: string;
  description: string;
}

export interface HandbookUpdateRoute {
  label: string;
  when: "merged" | "created";
  /** Channel names (keys of `NotificationPolicy.channels`). */
  channels: string[];
}

/** policies/notifications.yml, compiled. */
export interface NotificationPolicy {
  channels: Record<string, SlackChannelDef>;
  handbookUpdates: HandbookUpdateRoute[];
}

/** An SLA goal: business time, calendar days, or the due date of the resource's milestone. */
export type SlaGoal =
  | { kind: "business_hours"; hours: number }
  | { kind: "business_days"; days: number }
  | { kind: "calendar_days"; days: number }
  | { kind: "milestone_due" };

export interface SlaGoalDef {
  /**
   * The priority label the goal is for, or null for an SLA with one goal. A canonical label also
   * matches its aliases; an alias (an older spelling) matches only itself.
   */
  label: string | null;
  goal: SlaGoal;
}

/** One SLA of policies/sla.yml: which resources, when its clock starts, pauses and stops, its goals. */
export interface SlaDef {
  id: string;
  description: string;
  file: string;
  enabled: boolean;
  appliesTo: ResourceKind[];
  where: {
    projectRoles: string[];
    /** Labels that must all be present. */
    labels: string[];
    /** At least one of these must be present (empty = no such condition). */
    anyLabel: string[];
    /** None of these may be present (e.g. another team's labels on an issue in our project). */
    noLabel: string[];
  };
  /** `created`: from creation (and again after each stop); `labeled`: while `label` is on the resource. */
  start: { on: "created" } | { on: "labeled"; label: string };
  /** The clock does not start while any of these is present (details not complete yet). */
  waitWhile: string[];
  /** The running clock pauses while any of these is present. */
  pauseWhile: string[];
  stop: { closed: boolean; labeled: string[]; unlabeled: string[] };
  goals: SlaGoalDef[];
  warning: {
    /** At risk once this share of the goal has elapsed ... */
    percent: number | null;
    /** ... or once this many business days are left before the due moment. */
    beforeDueBusinessDays: number | null;
    label: string | null;
    template: string | null;
    /** Who is told when nobody is assigned. */
    fallbackGroup: string | null;
  };
  breach: { label: string | null; template: string | null; mentionGroup: string | null };
  /** Listed in the SLA report issue when at risk or breached. */
  report: boolean;
  /**
   * Moves a due date earlier than `businessDays` after the clock started, once, with a note. With
   * `adjustedOnlyBy`, a date changed after that by anyone but that group and the assignees is put
   * back, with `revertTemplate`.
   */
  dueDate: { businessDays: number; template: string; adjustedOnlyBy: string | null; revertTemplate: string | null } | null;
}

/** policies/sla.yml, compiled. */
export interface SlaPolicy {
  definitions: SlaDef[];
  /** The summary issue the `sla` job keeps up to date; null = no report issue. */
  report: { projectRole: string; title: string } | null;
}

export interface CompiledPolicy {
  /** The directory the policies were loaded from. */
  dir: string;
  scope: ScopeDef;
  /** People group name -> GitLab usernames. */
  people: Record<string, string[]>;
  taxonomy: Taxonomy;
  hygiene: HygieneDef;
  calendar: CalendarConfig;
  schedules: ScheduleDef[];
  workflows: WorkflowDef[];
  /** Template name (file name without `.md`) -> markdown text. */
  templates: Record<string, string>;
  /** policies/tools.yml, when the file exists. */
  tools?: ToolsPolicy;
  /** policies/intake.yml, when the file exists. */
  intake?: IntakePolicy;
  /** policies/digest.yml, when the file exists. */
  digest?: DigestPolicy;
  /** policies/milestones.yml, when the file exists. */
  milestones?: MilestonePolicy;
  /** policies/notifications.yml, when the file exists. */
  notifications?: NotificationPolicy;
  /** General triage rules from triage/*.yml, in file order (absent = none). */
  triage?: TriageRuleDef[];
  /** policies/sla.yml, when the file exists. */
  sla?: SlaPolicy;
  /** policies/rollout.yml, when the file exists: the adoption date, the backlog, the attention budget. */
  rollout?: RolloutPolicy;
}

export type { BacklogMode, RolloutPolicy, RuleFamily } from "./rolloutModel.js";
export type { AuditCadence, DigestPolicy, IntakePolicy, ToolDef, ToolsPolicy, ToolTier } from "./toolsModel.js";

/** Project roles of a project path, from scope.yml. */
export function rolesOf(scope: ScopeDef, projectPath: string): string[] {
  return scope.projects.find((p) => p.path === projectPath)?.roles ?? [];
}

export function projectsWithRole(scope: ScopeDef, role: string): ProjectScope[] {
  return scope.projects.filter((p) => p.roles.includes(role));
}
