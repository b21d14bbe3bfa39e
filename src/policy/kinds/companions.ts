/**
 * companions.yml (optional): labels that bring another label along. The handbook defines some
 * labels as used only on issues that carry another (`MktgOps::Events/FM Copy Review` on
 * `MktgOps-Support` issues); an issue with the first and without the second gets the second,
 * without a note. The whole kind is here: schema, compiled model, checks, compile step.
 */
import { z } from "zod";
import type { ResourceKind } from "../../domain/snapshot.js";
import { resourceKinds } from "../compile/appliesTo.js";
import { checkLabel } from "../crossref.js";
import { labelName, text } from "../schemas/common.js";
import { singleFileKind } from "./kind.js";

export const companionsSchema = z
  .object({
    companions: z
      .array(
        z
          .object({
            when_present: labelName.describe("When this label is on an issue or merge request ..."),
            add: z.array(labelName).min(1).describe("... these labels are added too, without a note. Not scoped labels: one would replace the value of its scope."),
            applies_to: z.array(z.enum(["issues", "merge_requests"])).min(1).optional().describe("Default: issues."),
            reason: text.describe("Why, shown in the plan comment and the run report (cite the handbook)."),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()
  .describe("Labels that bring another label along.");

export type CompanionsFile = z.infer<typeof companionsSchema>;

/** One entry of companions.yml, compiled. */
export interface CompanionDef {
  whenPresent: string;
  add: string[];
  appliesTo: ResourceKind[];
  reason: string;
}

// The compiled policy gets its field from here, so a new kind needs no edit of model.ts.
declare module "../model.js" {
  interface CompiledPolicy {
    /** policies/companions.yml, when the file exists. */
    companions?: CompanionDef[];
  }
}

export const companionsKind = singleFileKind({
  name: "companions",
  title: "mops-bot companion labels (companions.yml)",
  file: "companions.yml",
  optional: true,
  schema: companionsSchema,
  load: ({ source, data }, ctx) =>
    data.companions.map((c, i): CompanionDef => {
      checkLabel(ctx.refs, source, ["companions", i, "when_present"], c.when_present);
      c.add.forEach((label, j) => {
        checkLabel(ctx.refs, source, ["companions", i, "add", j], label);
        if (label.includes("::")) ctx.sink.at(source, ["companions", i, "add", j], `'${label}' is a scoped label: adding it would replace the value of its scope, so it cannot be a companion`);
      });
      return {
        whenPresent: c.when_present,
        add: c.add,
        appliesTo: resourceKinds(c.applies_to ?? ["issues"]),
        reason: c.reason,
      };
    }),
  toPolicy: (companions) => ({ companions }),
});
