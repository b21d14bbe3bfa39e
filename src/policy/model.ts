/**
 * The compiled policy model: what the rest of the bot reads after `policies/` has been loaded,
 * validated and cross-checked. Nothing outside src/policy/ reads YAML. Each kind's types live in
 * model/<kind>.ts (a kind declared in one file, like kinds/companions.ts, keeps them there and
 * adds its field to CompiledPolicy itself); this module puts them together and re-exports them.
 */
import type { Taxonomy } from "../domain/labels.js";
import type { CalendarConfig } from "./model/calendar.js";
import type { DigestPolicy } from "./model/digest.js";
import type { HygieneDef } from "./model/hygiene.js";
import type { IntakePolicy } from "./model/intake.js";
import type { MilestonePolicy } from "./model/milestones.js";
import type { NotificationPolicy } from "./model/notifications.js";
import type { RolloutPolicy } from "./model/rollout.js";
import type { ScheduleDef } from "./model/schedules.js";
import type { ScopeDef } from "./model/scope.js";
import type { SlaPolicy } from "./model/sla.js";
import type { ToolsPolicy } from "./model/tools.js";
import type { TriageRuleDef } from "./model/triage.js";
import type { WorkflowDef } from "./model/workflow.js";

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

export type { CalendarConfig } from "./model/calendar.js";
export type { DigestPolicy } from "./model/digest.js";
export type { HygieneDef, LabelConflictDef } from "./model/hygiene.js";
export type { IntakePolicy } from "./model/intake.js";
export type { MilestonePolicy } from "./model/milestones.js";
export type { HandbookUpdateRoute, NotificationPolicy, SlackChannelDef } from "./model/notifications.js";
export type { BacklogMode, RolloutPolicy, RuleFamily } from "./model/rollout.js";
export type { ScheduleDef } from "./model/schedules.js";
export { projectsWithRole, rolesOf } from "./model/scope.js";
export type { ProjectScope, ScopeDef } from "./model/scope.js";
export type { SlaDef, SlaGoal, SlaGoalDef, SlaPolicy } from "./model/sla.js";
export type { AuditCadence, ToolDef, ToolsPolicy, ToolTier } from "./model/tools.js";
export type { AssigneeRequirement, MilestoneRequirement, ProofDef, StepRequirements, TextPattern, WorkflowCommands, WorkflowDef, WorkflowStep } from "./model/workflow.js";
