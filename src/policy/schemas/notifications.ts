/** policies/notifications.yml: Slack channels and which merge requests are posted where. */
import { z } from "zod";
import { labelName, text } from "./common.js";

export const notificationsSchema = z
  .object({
    channels: z
      .record(
        z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "expected a Slack channel name without the #, e.g. hbupdate-mktgops"),
        z
          .object({
            webhook_env: z
              .string()
              .regex(/^[A-Z][A-Z0-9_]*$/, "expected an environment variable name in capitals, e.g. SLACK_WEBHOOK_HBUPDATE_MKTGOPS")
              .describe("Environment variable holding the channel's Slack incoming-webhook URL (never put the URL itself in a policy)."),
            description: z.string().optional(),
          })
          .strict(),
      )
      .describe("Slack channels by name (without #), each with the environment variable that holds its incoming-webhook URL."),
    handbook_updates: z
      .array(
        z
          .object({
            label: labelName.describe("The label on a merge request (handbook \"Handbook Updates\" table)."),
            when: z.enum(["merged", "created"]).describe("Post when the merge request is merged, or as soon as it exists."),
            channels: z.array(z.string().min(1)).min(1).describe("Channel names from `channels`."),
            description: text.optional(),
          })
          .strict(),
      )
      .describe("Which labelled merge requests are posted to which channels."),
  })
  .strict()
  .describe("Slack notifications.");

export type NotificationsFile = z.infer<typeof notificationsSchema>;
