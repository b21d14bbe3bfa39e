/** labels.yml: the label taxonomy. Workflows also read which labels sit outside a set's order. */
import { compileLabels } from "../compile/labels.js";
import { labelsSchema } from "../schemas/labels.js";
import { singleFileKind } from "./kind.js";

export const labelsKind = singleFileKind({
  name: "labels",
  title: "mops-bot label taxonomy (labels.yml)",
  file: "labels.yml",
  schema: labelsSchema,
  load: ({ source, data }, ctx) => compileLabels(source, data, ctx.sink),
  toPolicy: (labels) => ({ taxonomy: labels.taxonomy }),
});
