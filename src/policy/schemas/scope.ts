/** policies/scope.yml: where the bot works. The only file that names GitLab paths. */
import { z } from "zod";
import { kebabName, username } from "./common.js";

const gitlabPath = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, "expected a GitLab path like gitlab-com/marketing (no leading or trailing slash, no URL)");

export const scopeSchema = z
  .object({
    group: gitlabPath.describe("The GitLab group whose issues, merge requests and milestones the bot manages."),
    bot_username: username.describe("The bot's own GitLab username."),
    projects: z
      .array(
        z
          .object({
            path: gitlabPath.describe("Full project path, e.g. gitlab-com/marketing/marketing-operations."),
            roles: z.array(kebabName).min(1).describe("Roles the project plays (mops, sales-systems, handbook); policies select projects by role."),
            description: z.string().optional(),
          })
          .strict(),
      )
      .min(1),
    notes_per_minute: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .describe(
        "Comments the bot may post per minute: your GitLab's note creation limit. GitLab.com allows 60 (the default); on a self-managed instance the admin sets it under Admin > Settings > Network > Notes rate limit (300 unless changed). MOPS_NOTES_PER_MINUTE overrides it.",
      ),
  })
  .strict()
  .describe("Where mops-bot works: the group, the projects by role, and the bot's username.");

export type ScopeFile = z.infer<typeof scopeSchema>;
