/** policies/milestones.yml: the team's two-week milestones, the milestone merge request, rollover and the reopen guard. */
import { z } from "zod";
import { kebabName, labelName, text } from "./common.js";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date written YYYY-MM-DD, e.g. 2026-01-05");
const weekday = z.enum(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]);
const templateName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "expected a template name (a file in policies/templates/ without .md), e.g. milestone-mr");

export const milestonesSchema = z
  .object({
    milestones: z
      .object({
        title_pattern: z.string().min(1).describe("Regular expression matching the titles of the team's milestones (group-level), e.g. `^MktgOps `."),
        title_format: z
          .string()
          .includes("{start}", { message: "the title format must contain {start} (the milestone's start date) so every milestone gets its own title" })
          .describe("Title of a new milestone: `{start}` and `{due}` are replaced by its dates (YYYY-MM-DD), e.g. `MktgOps {start}`."),
        length_days: z.number().int().min(7).max(56).describe("How long one milestone lasts, in calendar days (the handbook: two weeks = 14)."),
        start_weekday: weekday.describe("The weekday milestones start on."),
        anchor: isoDate.describe("Any date on which a milestone of the cadence started (fixes which weeks are milestone starts)."),
        due_offset_days: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe("Days from the start to the due date (default: length_days - 3, the second Friday of a two-week milestone that starts on Monday)."),
        ahead: z.number().int().min(0).max(4).describe("How many milestones may exist beyond the current one (the handbook: only one)."),
        temp_pattern: z.string().min(1).optional().describe("Regular expression matching the Temp holding milestone(s); they are never rolled over, flagged or closed by the bot."),
      })
      .strict()
      .describe("The team's milestones and their cadence."),
    milestone_mr: z
      .object({
        project_role: kebabName.describe("Role (in scope.yml) of the project that holds the milestone merge request, e.g. handbook."),
        labels: z.array(labelName).min(1).describe("Labels the milestone merge request carries (defined in labels.yml)."),
        title_format: z
          .string()
          .includes("{milestone}", { message: "the title format must contain {milestone} (the milestone's title)" })
          .describe("Title of the merge request, `{milestone}` replaced by the milestone title; the bot creates it as a draft (`Draft: ` is added)."),
        branch_format: z.string().includes("{milestone}", { message: "the branch format must contain {milestone}" }).describe("Source branch name; `{milestone}` is replaced by the milestone title made branch-safe."),
        description_template: templateName.describe("Template (policies/templates/<name>.md) for the merge request description."),
        close_blocked_template: templateName.describe("Template of the note posted on the merge request when someone closes its milestone too early."),
      })
      .strict()
      .describe("The milestone merge request (handbook: \"Milestone MRs\")."),
    rollover: z
      .object({
        note_template: templateName.describe("Template of the note asking the assignee why the issue moved."),
        slack_channel: z.string().min(1).describe("Channel name from notifications.yml that gets the list of moved issues, e.g. mktgops."),
        flag_label: labelName.optional().describe("Label added to an issue that moved two milestones in a row (optional)."),
        leave_labels: z
          .array(labelName)
          .optional()
          .describe("Issues carrying one of these labels stay in their ended milestone and are not mentioned (e.g. the stage for future work, slotted to a milestone that is not the current one)."),
        completed_labels: z
          .array(labelName)
          .optional()
          .describe("Issues carrying one of these labels are finished: they are not moved but listed for closing in the job's report (nobody is notified)."),
      })
      .strict()
      .describe("Moving open issues to the next milestone when a milestone ends."),
    reopen_guard: z
      .object({
        template: templateName.describe("Template of the note on an issue the bot closes again."),
        override_group: kebabName.describe("People group (people.yml) whose members may keep such an issue open."),
        override_label: labelName.optional().describe("A label that keeps the issue open when a member of override_group added it."),
        override_command: text.optional().describe("Words that keep the issue open when a member of override_group comments `@<bot> <command>`, e.g. keep open."),
      })
      .strict()
      .describe("Issues closed in a previous milestone stay closed (handbook: \"Please do not re-open issues that have been closed in a previous milestone\")."),
  })
  .strict()
  .describe("The team's milestones: cadence, milestone merge request, rollover and the reopen guard.");

export type MilestonesFile = z.infer<typeof milestonesSchema>;
