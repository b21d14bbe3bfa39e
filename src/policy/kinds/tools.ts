/** tools.yml (optional): the tool registry, its audits and renewals. */
import { compileTools, toolsWarnings } from "../compile/tools.js";
import { checkToolsReferences } from "../crossref.js";
import { toolsSchema } from "../schemas/tools.js";
import { singleFileKind } from "./kind.js";

export const toolsKind = singleFileKind({
  name: "tools",
  title: "mops-bot tool registry (tools.yml)",
  file: "tools.yml",
  optional: true,
  schema: toolsSchema,
  load: ({ source, data }, ctx) => {
    checkToolsReferences(ctx.refs, source, data);
    const tools = compileTools(source, data, ctx.sink);
    toolsWarnings(source, data, ctx.warnings);
    return tools;
  },
  toPolicy: (tools) => ({ tools }),
});
