/** policies/people.yml: named groups of GitLab users that workflows and notifications refer to. */
import { z } from "zod";
import { kebabName, text, username } from "./common.js";

export const peopleSchema = z
  .object({
    groups: z.record(
      kebabName,
      z
        .object({
          description: text.describe("Who is in the group and what it is for."),
          members: z.array(username).min(1).describe("GitLab usernames, without the @."),
        })
        .strict(),
    ),
  })
  .strict()
  .describe("Named groups of GitLab users.");

export type PeopleFile = z.infer<typeof peopleSchema>;
