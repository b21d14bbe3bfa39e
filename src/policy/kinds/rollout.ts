/** rollout.yml (optional): the adoption date, the backlog per rule family, the attention budget. */
import { compileRollout } from "../compile/rollout.js";
import { checkRolloutReferences } from "../crossref.js";
import { rolloutSchema } from "../schemas/rollout.js";
import { calendarKind } from "./calendar.js";
import { singleFileKind } from "./kind.js";

export const rolloutKind = singleFileKind({
  name: "rollout",
  title: "mops-bot adoption and attention budget (rollout.yml)",
  file: "rollout.yml",
  optional: true,
  schema: rolloutSchema,
  load: ({ source, data }, ctx) => {
    checkRolloutReferences(ctx.refs, source, data);
    return compileRollout(data, ctx.compiled(calendarKind)?.timeZone ?? "UTC");
  },
  toPolicy: (rollout) => ({ rollout }),
});
