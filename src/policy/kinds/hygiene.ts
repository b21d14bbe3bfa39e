/** hygiene.yml: alias repairs and labels that must not appear together. */
import { compileHygiene } from "../compile/hygiene.js";
import { checkHygieneReferences } from "../crossref.js";
import { hygieneSchema } from "../schemas/hygiene.js";
import { singleFileKind } from "./kind.js";

export const hygieneKind = singleFileKind({
  name: "hygiene",
  title: "mops-bot label hygiene (hygiene.yml)",
  file: "hygiene.yml",
  schema: hygieneSchema,
  load: ({ source, data }, ctx) => {
    const hygiene = compileHygiene(data);
    checkHygieneReferences(ctx.refs, source, data);
    return hygiene;
  },
  toPolicy: (hygiene) => ({ hygiene }),
});
