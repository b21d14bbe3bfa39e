/**
 * The kinds of policy file: which file (or folder) holds which kind, and the zod schema that
 * validates it. The loader, the JSON Schema export and the `$schema` comments all read this table.
 */
import type { z } from "zod";
import { calendarSchema } from "./calendar.js";
import { digestSchema } from "./digest.js";
import { hygieneSchema } from "./hygiene.js";
import { intakeSchema } from "./intake.js";
import { labelsSchema } from "./labels.js";
import { milestonesSchema } from "./milestones.js";
import { notificationsSchema } from "./notifications.js";
import { peopleSchema } from "./people.js";
import { rolloutSchema } from "./rollout.js";
import { schedulesSchema } from "./schedules.js";
import { scopeSchema } from "./scope.js";
import { slaSchema } from "./sla.js";
import { toolsSchema } from "./tools.js";
import { triageSchema } from "./triage.js";
import { workflowSchema } from "./workflow.js";

export type PolicyKindName = "scope" | "people" | "labels" | "hygiene" | "calendar" | "schedules" | "workflow" | "milestones" | "notifications" | "triage" | "tools" | "intake" | "digest" | "sla" | "rollout";

export interface PolicyKind {
  name: PolicyKindName;
  title: string;
  schema: z.ZodType;
  /** `labels.yml` for single files; `workflows/` for a folder of files of this kind. */
  location: string;
  /** A single file that must exist, or a folder of zero or more files. */
  multiple: boolean;
  /** A single file the bot can do without (the features it configures are then off). */
  optional?: boolean;
}

export const POLICY_KINDS: readonly PolicyKind[] = [
  { name: "scope", title: "mops-bot scope (scope.yml)", schema: scopeSchema, location: "scope.yml", multiple: false },
  { name: "people", title: "mops-bot people groups (people.yml)", schema: peopleSchema, location: "people.yml", multiple: false },
  { name: "labels", title: "mops-bot label taxonomy (labels.yml)", schema: labelsSchema, location: "labels.yml", multiple: false },
  { name: "hygiene", title: "mops-bot label hygiene (hygiene.yml)", schema: hygieneSchema, location: "hygiene.yml", multiple: false },
  { name: "calendar", title: "mops-bot business calendar (calendar.yml)", schema: calendarSchema, location: "calendar.yml", multiple: false },
  { name: "schedules", title: "mops-bot schedules (schedules.yml)", schema: schedulesSchema, location: "schedules.yml", multiple: false },
  { name: "workflow", title: "mops-bot workflow (workflows/*.yml)", schema: workflowSchema, location: "workflows/", multiple: true },
  { name: "triage", title: "mops-bot triage rules (triage/*.yml)", schema: triageSchema, location: "triage/", multiple: true },
  { name: "milestones", title: "mops-bot milestones (milestones.yml)", schema: milestonesSchema, location: "milestones.yml", multiple: false, optional: true },
  { name: "notifications", title: "mops-bot Slack notifications (notifications.yml)", schema: notificationsSchema, location: "notifications.yml", multiple: false, optional: true },
  { name: "tools", title: "mops-bot tool registry (tools.yml)", schema: toolsSchema, location: "tools.yml", multiple: false, optional: true },
  { name: "intake", title: "mops-bot intake checks (intake.yml)", schema: intakeSchema, location: "intake.yml", multiple: false, optional: true },
  { name: "digest", title: "mops-bot weekly digest (digest.yml)", schema: digestSchema, location: "digest.yml", multiple: false, optional: true },
  { name: "sla", title: "mops-bot SLAs (sla.yml)", schema: slaSchema, location: "sla.yml", multiple: false, optional: true },
  { name: "rollout", title: "mops-bot adoption and attention budget (rollout.yml)", schema: rolloutSchema, location: "rollout.yml", multiple: false, optional: true },
];

export function policyKind(name: PolicyKindName): PolicyKind {
  return POLICY_KINDS.find((k) => k.name === name)!;
}

/** The `$schema` comment a file of this kind starts with, relative to the file's folder. */
export function schemaComment(kind: PolicyKind): string {
  const prefix = kind.multiple ? "../schema/" : "./schema/";
  return `# yaml-language-server: $schema=${prefix}${kind.name}.schema.json`;
}
