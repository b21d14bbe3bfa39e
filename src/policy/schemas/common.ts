/** Building blocks shared by the policy file schemas. */
import { z } from "zod";

export const labelName = z
  .string()
  .min(1)
  .max(255)
  .describe("A GitLab label name, exactly as spelled in labels.yml (scoped labels as `Key::Value`).");

export const kebabName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, "expected a lowercase name of letters, digits and dashes, e.g. mops-team");

export const username = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, "expected a GitLab username without the @, e.g. amy.owner")
  .describe("A GitLab username, without the @.");

export const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, "expected a colour written as # and six hex digits, e.g. \"#428bca\"")
  .describe("Label colour, `#rrggbb`.");

export const timeZone = z
  .string()
  .min(1)
  .describe("An IANA time zone, e.g. `America/New_York`.");

export const text = z.string().min(1);
