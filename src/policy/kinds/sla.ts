/** sla.yml (optional): response and resolution targets, their clocks, warnings and breaches. */
import { compileSla } from "../compile/sla.js";
import { checkSlaReferences } from "../crossref.js";
import { slaSchema } from "../schemas/sla.js";
import { singleFileKind } from "./kind.js";

export const slaKind = singleFileKind({
  name: "sla",
  title: "mops-bot SLAs (sla.yml)",
  file: "sla.yml",
  optional: true,
  schema: slaSchema,
  load: ({ source, data }, ctx) => {
    checkSlaReferences(ctx.refs, source, data);
    return compileSla(source, data, ctx.sink);
  },
  toPolicy: (sla) => ({ sla }),
});
