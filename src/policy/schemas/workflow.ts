/** policies/workflows/*.yml: a scoped-label workflow (MktgOps stages, Sales Systems steps, ...). */
import { z } from "zod";
import { kebabName, labelName, text } from "./common.js";

export const MILESTONE_KINDS = ["none", "any", "current", "future", "not-current"] as const;

const milestoneRequirement = z.union(
  [
    z.enum(MILESTONE_KINDS),
    z
      .object({
        title: z.string().min(1).describe("Exact title, or a regular expression written as /pattern/flags, e.g. \"/^Temp/\"."),
      })
      .strict(),
  ],
  { error: `expected one of ${MILESTONE_KINDS.map((k) => `'${k}'`).join(", ")} or { title: "/pattern/" }` },
);

const assigneeRequirement = z.union(
  [z.enum(["none", "any"]), z.object({ group: kebabName.describe("A group from people.yml.") }).strict()],
  { error: "expected 'none', 'any' or { group: <people group> }" },
);

export const requirementsSchema = z
  .object({
    milestone: milestoneRequirement.optional(),
    assignee: assigneeRequirement.optional(),
    comment_after_label: z.boolean().optional().describe("A comment by a person posted after the step's label was applied."),
    labels: z.array(labelName).optional().describe("Labels that must be present while in this step."),
  })
  .strict();

export const stepSchema = z
  .object({
    value: z.string().min(1).describe("A value of the workflow's scoped set, e.g. `03: Assigned`."),
    description: z.string().optional().describe("Defaults to the label's description in labels.yml."),
    requires: requirementsSchema.optional(),
    only_by: kebabName.optional().describe("People group allowed to move a resource into this step."),
    may_close: z.boolean().optional().describe("Whether a resource may be closed while in this step."),
  })
  .strict();

export const workflowSchema = z
  .object({
    workflow: kebabName.describe("The workflow's id."),
    description: text,
    scope: z.string().min(1).describe("The scoped set (labels.yml) whose values are the steps, e.g. MktgOps."),
    applies_to: z.array(z.enum(["issues", "merge_requests"])).min(1),
    where: z
      .object({
        project_roles: z.array(kebabName).optional().describe("Project roles from scope.yml; empty = every project."),
        labels: z.array(labelName).optional().describe("Labels that must all be present for the workflow to apply."),
      })
      .strict()
      .optional(),
    initial: z.union([z.string().min(1), z.null()]).optional().describe("Value given to a resource with no value of the scope."),
    order: z.enum(["any", "forward-one-step"]).describe("any: any move; forward-one-step: no skipping ahead, moving back is allowed."),
    attention_label: z.union([labelName, z.null()]).optional().describe("Label added while a requirement is not met."),
    violation_template: z.string().min(1).describe("Template in policies/templates/ (name without .md) for the note."),
    steps: z.array(stepSchema).describe("Requirements per step; values not listed are steps without requirements."),
  })
  .strict()
  .describe("A scoped-label workflow.");

export type WorkflowFile = z.infer<typeof workflowSchema>;
export type StepFile = z.infer<typeof stepSchema>;
