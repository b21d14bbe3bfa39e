/**
 * The kinds of policy file: which file (or folder) holds which kind, and the zod schema that
 * validates it. The loader, the JSON Schema export and the `$schema` comments all read this table.
 */
import type { z } from "zod";
import { calendarSchema } from "./calendar.js";
import { hygieneSchema } from "./hygiene.js";
import { labelsSchema } from "./labels.js";
import { peopleSchema } from "./people.js";
import { schedulesSchema } from "./schedules.js";
import { scopeSchema } from "./scope.js";
import { workflowSchema } from "./workflow.js";

export type PolicyKindName = "scope" | "people" | "labels" | "hygiene" | "calendar" | "schedules" | "workflow";

export interface PolicyKind {
  name: PolicyKindName;
  title: string;
  schema: z.ZodType;
  /** `labels.yml` for single files; `workflows/` for a folder of files of this kind. */
  location: string;
  /** A single file that must exist, or a folder of zero or more files. */
  multiple: boolean;
}

export const POLICY_KINDS: readonly PolicyKind[] = [
  { name: "scope", title: "mops-bot scope (scope.yml)", schema: scopeSchema, location: "scope.yml", multiple: false },
  { name: "people", title: "mops-bot people groups (people.yml)", schema: peopleSchema, location: "people.yml", multiple: false },
  { name: "labels", title: "mops-bot label taxonomy (labels.yml)", schema: labelsSchema, location: "labels.yml", multiple: false },
  { name: "hygiene", title: "mops-bot label hygiene (hygiene.yml)", schema: hygieneSchema, location: "hygiene.yml", multiple: false },
  { name: "calendar", title: "mops-bot business calendar (calendar.yml)", schema: calendarSchema, location: "calendar.yml", multiple: false },
  { name: "schedules", title: "mops-bot schedules (schedules.yml)", schema: schedulesSchema, location: "schedules.yml", multiple: false },
  { name: "workflow", title: "mops-bot workflow (workflows/*.yml)", schema: workflowSchema, location: "workflows/", multiple: true },
];

export function policyKind(name: PolicyKindName): PolicyKind {
  return POLICY_KINDS.find((k) => k.name === name)!;
}

/** The `$schema` comment a file of this kind starts with, relative to the file's folder. */
export function schemaComment(kind: PolicyKind): string {
  const prefix = kind.multiple ? "../schema/" : "./schema/";
  return `# yaml-language-server: $schema=${prefix}${kind.name}.schema.json`;
}
