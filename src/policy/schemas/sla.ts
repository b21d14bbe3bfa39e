/**
 * policies/sla.yml: service level agreements measured on the business calendar. Each SLA says
 * which issues it covers, when its clock starts, pauses and stops, the goal per priority label,
 * and what the bot does when the goal is close (warning) and missed (breach).
 */
import { z } from "zod";
import { kebabName, labelName, text } from "./common.js";

const positive = (what: string) => z.number({ error: `expected a number of ${what}` }).positive(`expected more than 0 ${what}`);

export const slaGoalSchema = z.union(
  [
    z.object({ business_hours: positive("business hours").describe("Working hours on the business calendar.") }).strict(),
    z.object({ business_days: positive("business days").describe("Working days on the business calendar (one day = one working span).") }).strict(),
    z.object({ calendar_days: z.number().int("expected a whole number of days").positive("expected more than 0 days").describe("Days on the wall calendar, weekends and holidays included.") }).strict(),
    z.object({ milestone_due: z.literal(true).describe("By the end of the due date of the issue's milestone.") }).strict(),
  ],
  { error: "expected one of { business_hours: N }, { business_days: N }, { calendar_days: N } or { milestone_due: true }" },
);

const labelList = z.array(labelName);

export const slaDefinitionSchema = z
  .object({
    id: kebabName.describe("The SLA's id, used in reports, notes and `sla explain`."),
    description: text,
    enabled: z.boolean().optional().describe("false keeps the SLA in the file without running it (default true)."),
    applies_to: z.array(z.enum(["issues", "merge_requests"])).min(1).optional().describe("Default: issues."),
    where: z
      .object({
        project_roles: z.array(kebabName).optional().describe("Project roles from scope.yml; empty = every project."),
        labels: labelList.optional().describe("Labels that must all be present."),
        any_label: labelList.optional().describe("At least one of these labels must be present."),
        no_label: labelList.optional().describe("None of these labels may be present (e.g. another team's labels on an issue in this project)."),
      })
      .strict()
      .optional(),
    start: z
      .object({
        when: z.enum(["created", "labeled"]).describe("created: the clock starts when the issue is created; labeled: when `label` is applied."),
        label: labelName.optional().describe("With when: labeled, the label whose presence runs the clock."),
        wait_while: labelList.optional().describe("The clock does not start while any of these is present (e.g. details are missing)."),
      })
      .strict(),
    pause_while: labelList.optional().describe("The clock pauses while any of these is present."),
    stop: z
      .object({
        closed: z.boolean().optional().describe("Closing the issue meets the SLA (default true)."),
        labeled: labelList.optional().describe("Applying any of these meets the SLA."),
        unlabeled: labelList.optional().describe("Removing any of these meets the SLA."),
      })
      .strict()
      .optional(),
    goal: slaGoalSchema.optional().describe("One goal for every issue the SLA covers (instead of goals)."),
    goals: z
      .record(labelName, slaGoalSchema)
      .optional()
      .describe("Goal per priority label; issues without one of these labels are not covered. Changing the priority restarts the clock."),
    warning: z
      .object({
        at_percent: z.number().gt(0).lt(100).optional().describe("At risk once this share of the goal has elapsed."),
        before_due_business_days: z.number().positive().optional().describe("At risk once this many business days are left."),
        label: labelName.optional().describe("Label added while at risk."),
        note: z.string().min(1).optional().describe("Template (policies/templates/, name without .md) for the note to the assignee."),
        unassigned_notify: kebabName.optional().describe("People group told instead when nobody is assigned."),
      })
      .strict()
      .optional(),
    breach: z
      .object({
        label: labelName.optional().describe("Label added once the goal is missed."),
        note: z.string().min(1).optional().describe("Template for the breach note."),
        mention: kebabName.optional().describe("People group mentioned in the breach note."),
      })
      .strict()
      .optional(),
    report: z.boolean().optional().describe("List at-risk and breached issues in the SLA report issue (default true)."),
    due_date: z
      .object({
        at_least_business_days: z.number().int().positive().describe("A due date earlier than this many business days after the clock started is moved."),
        note: z.string().min(1).describe("Template for the note saying why the due date moved."),
        adjusted_only_by: z
          .string()
          .min(1)
          .optional()
          .describe(
            "People group (people.yml) who, with the assignees, may change the due date once the details are complete. A date changed by anyone else then is put back, with revert_note. Without it, the bot never puts a date back.",
          ),
        revert_note: z.string().min(1).optional().describe("Template for the note saying why a due date was put back (goes with adjusted_only_by)."),
      })
      .strict()
      .optional(),
  })
  .strict();

export const slaSchema = z
  .object({
    report: z
      .object({
        project_role: kebabName.describe("The project (by role in scope.yml) that holds the SLA report issue."),
        title: text.describe("Title of the SLA report issue."),
      })
      .strict()
      .optional(),
    slas: z.array(slaDefinitionSchema),
  })
  .strict()
  .describe("Service level agreements on the business calendar.");

export type SlaFile = z.infer<typeof slaSchema>;
export type SlaDefinitionFile = z.infer<typeof slaDefinitionSchema>;
export type SlaGoalFile = z.infer<typeof slaGoalSchema>;
