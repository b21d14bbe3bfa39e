/** policies/labels.yml: the label taxonomy (scoped sets, plain labels, aliases). */
import { z } from "zod";
import { color, labelName, text } from "./common.js";

const noScopeSeparator = (what: string) =>
  z.string().regex(/^(?:(?!::).)+$/, `${what} must not be empty or contain '::'`);

export const scopedSetSchema = z
  .object({
    key: noScopeSeparator("a set key").describe("The scope key, e.g. MktgOps (labels are `key::value`)."),
    description: text,
    ordered: z.boolean().describe("Whether the order of the values means something (stages, steps, priorities)."),
    board_priority: z
      .boolean()
      .optional()
      .describe(
        "true: the set's values get GitLab label priorities in the order listed, so boards and lists sorted by label priority read like the handbook. Priorities continue across sets in file order. `labels sync` sets them on project labels; GitLab's API cannot prioritise a group label in a project, so for those the sync report lists what to prioritise by hand.",
      ),
    color,
    values: z
      .array(
        z
          .object({
            value: noScopeSeparator("a value").describe("The part after `::`, e.g. `00: Triage`."),
            description: text,
            color: color.optional().describe("Overrides the set's colour for this label."),
            in_order: z
              .boolean()
              .optional()
              .describe("false: the label belongs to the scope but is not one of its ordered values (not a stage/step)."),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const labelGroupSchema = z
  .object({
    group: text.describe("What the labels in this group are for, e.g. categories."),
    description: z.string().optional(),
    color,
    labels: z
      .array(
        z
          .object({
            name: noScopeSeparator("a plain label (scoped labels go under sets)"),
            description: text,
            color: color.optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const labelsSchema = z
  .object({
    sets: z.array(scopedSetSchema).describe("Scoped label sets: one value of a set at a time."),
    labels: z.array(labelGroupSchema).describe("Plain (unscoped) labels, grouped by purpose."),
    aliases: z
      .record(labelName, labelName)
      .optional()
      .describe("Other spellings -> the canonical label. The bot replaces an alias with its canonical label."),
  })
  .strict()
  .describe("The team's label taxonomy.");

export type LabelsFile = z.infer<typeof labelsSchema>;
