/** policies/digest.yml: the weekly digest issue and Slack message. */
import { z } from "zod";
import { kebabName, labelName } from "./common.js";

export const digestSchema = z
  .object({
    project_role: kebabName.describe("The project (by role in scope.yml) where the weekly digest issue is created."),
    labels: z.array(labelName).optional().describe("Labels the digest issue gets."),
    template: kebabName.describe("Template in templates/ for the digest issue's description."),
    slack_channel: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "expected a channel name from notifications.yml, without the #, e.g. mktgops")
      .optional()
      .describe("Channel (a name from notifications.yml, without #) the digest is posted to; none = no Slack message."),
    triage: z
      .object({
        label: labelName.describe("The triage stage label."),
        wait_business_days: z.number().int().positive().describe("Issues in triage longer than this are listed."),
      })
      .strict(),
    priority_scope: z.string().min(1).describe("The scoped set whose labels count as a priority, e.g. MktgOpsPriority."),
    priority_not_needed: z
      .array(labelName)
      .optional()
      .describe("Issues carrying one of these labels need no priority and are not listed without one (e.g. MktgOps - FYI: no action items)."),
    renewals_within_days: z.number().int().positive().describe("Renewals due within this many days are listed."),
    max_items_per_section: z.number().int().positive().describe("Longer sections end with a link to the full list."),
  })
  .strict()
  .describe("The weekly digest.");

export type DigestFile = z.infer<typeof digestSchema>;
