/** policies/intake.yml: checks on new and updated issues (user-story format, personal data). */
import { z } from "zod";
import { kebabName, labelName } from "./common.js";

export const intakeSchema = z
  .object({
    project_roles: z.array(kebabName).min(1).describe("Projects (by role in scope.yml) whose issues are checked."),
    user_story: z
      .object({
        enabled: z
          .boolean()
          .optional()
          .describe("Whether new issues are checked at all (default false): only the older handbook page asks for the user-story format."),
        new_issue_days: z.number().int().positive().describe("An issue counts as new for this many days after it was opened."),
        start_label: labelName.describe("The stage a new issue is in (or no stage at all) when the check applies."),
        label: labelName.describe("The stage an issue without a user story is moved to."),
        skip_labels: z.array(labelName).optional().describe("Issues with any of these labels have their own format and are not checked."),
        template: kebabName.describe("Template in templates/ for the note with the user-story format."),
      })
      .strict(),
    pii: z
      .object({
        template: kebabName.describe("Template in templates/ for the note saying why the issue was made confidential."),
        allowed_email_domains: z.array(z.string().min(1)).optional().describe("Email domains that are never personal data (e.g. the bot's own)."),
      })
      .strict(),
  })
  .strict()
  .describe("Intake checks on new and updated issues.");

export type IntakeFile = z.infer<typeof intakeSchema>;
