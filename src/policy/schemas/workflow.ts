/** policies/workflows/*.yml: a scoped-label workflow (MktgOps stages, Sales Systems steps, ...). */
import { z } from "zod";
import { kebabName, labelName, text } from "./common.js";

export const MILESTONE_KINDS = ["none", "any", "current", "future", "not-current"] as const;

export const MILESTONE_TIMINGS = ["current", "future", "past", "undated"] as const;

const milestoneRequirement = z.union(
  [
    z.enum(MILESTONE_KINDS),
    z
      .object({
        title: z.string().min(1).optional().describe("Exact title, or a regular expression written as /pattern/flags, e.g. \"/^Temp/\"."),
        not_title: z.string().min(1).optional().describe("The title must NOT be this (exact title or /pattern/flags), e.g. \"/^Temp/i\"."),
        timing: z
          .array(z.enum(MILESTONE_TIMINGS))
          .min(1)
          .optional()
          .describe("Where the milestone may sit in time: current, future, past (closed or over), undated (no dates)."),
      })
      .strict()
      .refine((m) => m.title !== undefined || m.not_title !== undefined || m.timing !== undefined, {
        error: "give at least one of title, not_title or timing",
      }),
  ],
  { error: `expected one of ${MILESTONE_KINDS.map((k) => `'${k}'`).join(", ")} or { title: "/pattern/", not_title: "/pattern/", timing: [current, future] }` },
);

const assigneeRequirement = z.union(
  [
    z.enum(["none", "any"]),
    z
      .object({
        group: kebabName.optional().describe("A group from people.yml: someone from it is assigned."),
        not_group: kebabName.optional().describe("A group from people.yml: nobody from it is assigned (others, e.g. the requester, may be)."),
      })
      .strict()
      .refine((a) => (a.group === undefined) !== (a.not_group === undefined), { error: "give either group or not_group, not both" }),
  ],
  { error: "expected 'none', 'any', { group: <people group> } or { not_group: <people group> }" },
);

export const requirementsSchema = z
  .object({
    milestone: milestoneRequirement.optional(),
    assignee: assigneeRequirement.optional(),
    comment_after_label: z.boolean().optional().describe("A comment by a person posted after the step's label was applied."),
    labels: z.array(labelName).optional().describe("Labels that must be present while in this step."),
    proof: kebabName.optional().describe("A proof defined under `proofs:` in this file that must have been given (e.g. UAT sign-off)."),
  })
  .strict();

export const stepSchema = z
  .object({
    value: z.string().min(1).describe("A value of the workflow's scoped set, e.g. `03: Assigned`."),
    description: z.string().optional().describe("Defaults to the label's description in labels.yml."),
    requires: requirementsSchema.optional(),
    only_by: kebabName.optional().describe("People group allowed to move a resource into this step."),
    may_close: z
      .boolean()
      .optional()
      .describe(
        "Closing is kept to the steps marked may_close (or closes): closing in another step is flagged. When no step of the workflow has either, a resource may be closed in any step.",
      ),
    completes: z
      .boolean()
      .optional()
      .describe("The work is done in this step, though the resource may stay open: reports count it as done. Says nothing about closing."),
    remind: z
      .object({
        comment_after_label: z.literal(true).describe("Remind the assignees once to comment after the step's label was applied."),
      })
      .strict()
      .optional()
      .describe("Asked of the assignees once, as a reminder: no attention label, never repeated. For wishes the handbook does not state as requirements."),
    closes: z
      .boolean()
      .optional()
      .describe("Reaching this step closes the issue with a note; a closed issue cannot leave the step until it is reopened."),
  })
  .strict();

const pattern = z.string().min(1).describe("A regular expression written as /pattern/flags, or an exact text.");

export const proofSchema = z
  .object({
    description: text.describe("What counts as proof, for the people giving it."),
    while_in: z.string().min(1).describe("The step the issue must be in when the proof is posted, e.g. `05: Business Owner UAT`."),
    by: z
      .array(kebabName)
      .min(1)
      .describe("Who may give it: `author` (whoever opened the issue) and/or people groups from people.yml."),
    counts_as: z
      .object({
        upload: z.boolean().optional().describe("A comment with an uploaded file (screenshot, recording, document)."),
        heading: pattern.optional().describe("A comment, or a section of the description, under a heading that matches, with text below it."),
      })
      .strict()
      .refine((c) => c.upload === true || c.heading !== undefined, { error: "say what counts: upload: true and/or heading: \"/pattern/\"" }),
  })
  .strict();

export const commandsSchema = z
  .object({
    approve: z.string().min(1).describe("The step `@bot approve` moves to (its only_by group may approve), e.g. `01: In Approved`."),
    reply_template: z.string().min(1).describe("Template in policies/templates/ for replies to commands."),
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
    unmet_requirements: z
      .enum(["flag", "revert"])
      .optional()
      .describe("flag (default): attention label and a note while a step's requirements are not met. revert: a person's move into a step whose requirements are not met is undone."),
    moves_checked_from: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date written YYYY-MM-DD, e.g. \"2026-11-18\"")
      .optional()
      .describe("Moves made before this date (UTC) are history and are not judged; set it to the day the checks are switched on."),
    revert_template: z.string().min(1).optional().describe("Template for the note explaining an undone move (default: violation_template)."),
    close_template: z.string().min(1).optional().describe("Template for the note posted when a `closes` step closes the issue."),
    reminder_template: z.string().min(1).optional().describe("Template for the one-time reminder of a step with `remind:`."),
    intake: z
      .object({
        missing_labels_template: z
          .string()
          .min(1)
          .describe("Template for the note asking for the `where` labels on a resource that has a step label without them."),
      })
      .strict()
      .optional(),
    proofs: z.record(kebabName, proofSchema).optional().describe("Named proofs that steps can require (requires: { proof: <name> })."),
    commands: commandsSchema.optional().describe("Comments starting with @<bot> are commands: approve, next, status, help."),
  })
  .strict()
  .describe("A scoped-label workflow.");

export type WorkflowFile = z.infer<typeof workflowSchema>;
export type StepFile = z.infer<typeof stepSchema>;
