/**
 * policies/triage/*.yml: the team's own triage rules (what gitlab-triage users write), each with
 * conditions (`when`, all must hold; `any:` and `not:` blocks for OR and negation) and actions
 * (`then`). Unknown condition or action names are rejected with the nearest valid name.
 */
import { z } from "zod";
import { kebabName, labelName, text, username } from "./common.js";

const count = z.number().int().min(0);

export const durationSchema = z.union(
  [
    z.strictObject({ days: count.describe("Calendar days.") }),
    z.strictObject({ business_days: count.describe("Business days of calendar.yml (working days, minus holidays).") }),
  ],
  { error: "expected { days: N } or { business_days: N }" },
);

const ageSchema = z
  .strictObject({
    older_than: durationSchema.optional().describe("True when more than this much time has passed."),
    newer_than: durationSchema.optional().describe("True when less than this much time has passed."),
  })
  .describe("An age: older_than and/or newer_than, in days or business_days.");

const labelPattern = z
  .string()
  .min(1)
  .describe("A label from labels.yml, every label of a scoped set written as `Key::*` (e.g. `MktgOpsPriority::*`), or `*` for any label at all.");

const pattern = z.string().min(1).describe('A regular expression written as "/pattern/flags", or exact text.');

export const MILESTONE_CONDITIONS = ["none", "any", "current", "past", "future"] as const;

export interface ConditionsFile {
  state?: "opened" | "closed" | "merged";
  labels?: { all?: string[]; any?: string[]; none?: string[] };
  position?: { scope: string; before?: string; after?: string };
  milestone?: (typeof MILESTONE_CONDITIONS)[number] | { title: string };
  assignee?: "none" | "any" | { group: string };
  author?: { group: string };
  created?: z.infer<typeof ageSchema>;
  updated?: z.infer<typeof ageSchema>;
  updated_at?: z.infer<typeof ageSchema>;
  closed?: z.infer<typeof ageSchema>;
  merged?: z.infer<typeof ageSchema>;
  label_age?: { label: string; older_than?: z.infer<typeof durationSchema>; newer_than?: z.infer<typeof durationSchema> };
  due_date?: "none" | "any" | "overdue" | { within: z.infer<typeof durationSchema> };
  confidential?: boolean;
  title?: { matches?: string; lacks?: string };
  description?: { matches?: string; lacks?: string };
  draft?: boolean;
  any?: ConditionsFile[];
  not?: ConditionsFile;
}

const textCondition = z.strictObject({ matches: pattern.optional(), lacks: pattern.optional() });

export const conditionsSchema: z.ZodType<ConditionsFile> = z
  .strictObject({
    state: z.enum(["opened", "closed", "merged"]).optional().describe("The resource's state."),
    labels: z
      .strictObject({
        all: z.array(labelPattern).optional().describe("Every one of these labels is present."),
        any: z.array(labelPattern).optional().describe("At least one of these labels is present."),
        none: z.array(labelPattern).optional().describe("None of these labels is present."),
      })
      .optional(),
    position: z
      .strictObject({
        scope: z.string().min(1).describe("An ordered scoped set of labels.yml, e.g. MktgOps."),
        before: z.string().min(1).optional().describe('The resource\'s value of the set comes before this one, e.g. "04: In Progress".'),
        after: z.string().min(1).optional().describe("The resource's value of the set comes after this one."),
      })
      .optional()
      .describe("Where the resource's label of an ordered scoped set sits (false when it has none)."),
    milestone: z
      .union([z.enum(MILESTONE_CONDITIONS), z.strictObject({ title: pattern })], {
        error: `expected one of ${MILESTONE_CONDITIONS.map((k) => `'${k}'`).join(", ")} or { title: "/pattern/" }`,
      })
      .optional(),
    assignee: z
      .union([z.enum(["none", "any"]), z.strictObject({ group: kebabName.describe("A group from people.yml.") })], {
        error: "expected 'none', 'any' or { group: <people group> }",
      })
      .optional(),
    author: z.strictObject({ group: kebabName.describe("A group from people.yml.") }).optional(),
    created: ageSchema.optional().describe("Time since the resource was created."),
    updated: ageSchema
      .optional()
      .describe("Time since a person last touched the resource (comments, label changes, edits); the bot's own writes do not count."),
    updated_at: ageSchema
      .optional()
      .describe(
        "Time since GitLab's updated_at: any change at all, the bot's own labels and notes included. Needs no history, so it is the cheapest age condition; use `updated` when the bot's writes must not count.",
      ),
    closed: ageSchema.optional().describe("Time since it was closed (false while open)."),
    merged: ageSchema.optional().describe("Time since the merge request was merged (false when not merged)."),
    label_age: z
      .strictObject({
        label: labelName.describe("The label, from labels.yml."),
        older_than: durationSchema.optional(),
        newer_than: durationSchema.optional(),
      })
      .optional()
      .describe("How long the label has been on the resource (false when it is not there)."),
    due_date: z
      .union([z.enum(["none", "any", "overdue"]), z.strictObject({ within: durationSchema })], {
        error: "expected 'none', 'any', 'overdue' or { within: { days: N } }",
      })
      .optional(),
    confidential: z.boolean().optional(),
    title: textCondition.optional().describe("The title matches or lacks a pattern."),
    description: textCondition.optional().describe("The description matches or lacks a pattern."),
    draft: z.boolean().optional().describe("Merge requests: whether it is a draft."),
    get any() {
      return z.array(conditionsSchema).min(1).optional().describe("At least one of these blocks holds (each block: all its conditions).");
    },
    get not() {
      return conditionsSchema.optional().describe("This block does not hold.");
    },
  })
  .describe("Conditions; all must hold.");

const noteAction = z.strictObject({
  template: z.string().min(1).describe("A template in policies/templates/ (name without .md)."),
  to: z
    .union([z.enum(["author", "assignees"]), z.strictObject({ group: kebabName })], { error: "expected 'author', 'assignees' or { group: <people group> }" })
    .optional()
    .describe("Who the note addresses ({{recipient}}): the author, the assignees, or a people group."),
});

const summarizeAction = z.strictObject({
  title: text.describe("Title of the summary issue (and the first line of the Slack message)."),
  template: z.string().min(1).optional().describe("A template in policies/templates/ with {{items}} and {{count}}; default triage-summary."),
  group_by: z
    .union([z.enum(["assignee", "author", "milestone", "project"]), z.strictObject({ label: z.string().min(1).describe("A scoped set, e.g. MktgOps.") })], {
      error: "expected 'assignee', 'author', 'milestone', 'project' or { label: <scoped set> }",
    })
    .optional(),
  issue: z
    .strictObject({
      project_role: kebabName.describe("The summary issue lives in the project with this role in scope.yml."),
      labels: z.array(labelName).optional().describe("Labels of the summary issue."),
    })
    .optional()
    .describe("Keep one issue up to date with the list (found again by a hidden marker). Required: it also records what was posted to Slack."),
  slack: z
    .strictObject({
      channel: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "expected a Slack channel name from notifications.yml, without the #, e.g. mktgops")
        .describe("A channel defined in notifications.yml."),
    })
    .optional()
    .describe("Also post the list to a Slack channel when the summary issue is created or its list changes (needs issue:)."),
});

export const actionsSchema = z
  .strictObject({
    add_labels: z.array(labelName).min(1).optional(),
    remove_labels: z.array(labelPattern).min(1).optional(),
    note: noteAction.optional().describe("A note from a template, posted once per rule (a hidden marker remembers it)."),
    close: z.literal(true).optional(),
    reopen: z.literal(true).optional(),
    milestone: z.enum(["current", "next", "none"]).optional(),
    assign: z
      .union([z.strictObject({ group: kebabName.describe("Round-robin over the group's members.") }), z.strictObject({ user: username })], {
        error: "expected { group: <people group> } or { user: <username> }",
      })
      .optional(),
    due_date: z
      .union([z.literal("none"), durationSchema], { error: "expected 'none', { days: N } or { business_days: N }" })
      .optional()
      .describe("Set a due date this far from now when it has none ('none' clears it)."),
    confidential: z.literal(true).optional(),
    summarize: summarizeAction.optional().describe("Gather every resource the rule selects in a sweep into one issue, optionally also posted to Slack."),
  })
  .describe("Actions; each is taken only when it would change something.");

export const triageRuleSchema = z.strictObject({
  id: kebabName.describe("The rule's id (rules are called triage:<id>)."),
  description: text.describe("What the rule does and why, for the people reading reports."),
  applies_to: z.array(z.enum(["issues", "merge_requests"])).min(1),
  where: z.strictObject({ project_roles: z.array(kebabName).optional().describe("Project roles from scope.yml; empty = every project.") }).optional(),
  when: conditionsSchema,
  then: actionsSchema,
  limit: z.number().int().min(1).optional().describe("At most this many resources acted on per run (the oldest first)."),
});

export const triageSchema = z
  .strictObject({ rules: z.array(triageRuleSchema).min(1) })
  .describe("General triage rules: conditions and actions.");

export type TriageFile = z.infer<typeof triageSchema>;
export type TriageRuleFile = z.infer<typeof triageRuleSchema>;
export type ActionsFile = z.infer<typeof actionsSchema>;
export type DurationFile = z.infer<typeof durationSchema>;
