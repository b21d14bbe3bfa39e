/** policies/hygiene.yml: label housekeeping that needs no workflow (aliases, conflicts). */
import { z } from "zod";
import { labelName, text } from "./common.js";

export const hygieneSchema = z
  .object({
    repair_aliases: z.boolean().describe("Replace the aliases declared in labels.yml with their canonical label."),
    explain_repairs: z
      .boolean()
      .optional()
      .describe("Leave a note on the issue saying why a label was replaced or removed. Off by default: GitLab's own history shows the change, and a note emails everyone on the issue."),
    conflicts: z
      .array(
        z
          .object({
            when_present: labelName.describe("When this label is on a resource ..."),
            remove: z.array(labelName).min(1).describe("... these labels are removed."),
            reason: text.describe("Why, quoted in the bot's note (cite the handbook)."),
          })
          .strict(),
      )
      .optional(),
  })
  .strict()
  .describe("Label housekeeping.");

export type HygieneFile = z.infer<typeof hygieneSchema>;
