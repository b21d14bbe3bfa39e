/**
 * The compiled policy model: what the rest of the bot reads after `policies/` has been loaded,
 * validated and cross-checked. Nothing outside src/policy/ reads YAML.
 */
import type { Taxonomy } from "../domain/labels.js";
import type { ResourceKind } from "../domain/snapshot.js";

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
  | { kind: "title"; pattern: string; flags: string };

export type AssigneeRequirement = { kind: "none" } | { kind: "any" } | { kind: "group"; group: string };

export interface StepRequirements {
  milestone?: MilestoneRequirement;
  assignee?: AssigneeRequirement;
  /** A comment by a person posted after the step's label was applied (e.g. explaining a blocker). */
  commentAfterLabel?: boolean;
  /** Labels that must be present while in this step. */
  labels?: string[];
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
  /** Whether a resource may be closed while in this step. */
  mayClose: boolean;
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
  conflicts: LabelConflictDef[];
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
}

/** Project roles of a project path, from scope.yml. */
export function rolesOf(scope: ScopeDef, projectPath: string): string[] {
  return scope.projects.find((p) => p.path === projectPath)?.roles ?? [];
}

export function projectsWithRole(scope: ScopeDef, role: string): ProjectScope[] {
  return scope.projects.filter((p) => p.roles.includes(role));
}
