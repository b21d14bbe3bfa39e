/** scope.yml: the GitLab group, its projects by role, the bot's username. */
import { compileScope } from "../compile/scope.js";
import { scopeSchema } from "../schemas/scope.js";
import { singleFileKind } from "./kind.js";

export const scopeKind = singleFileKind({
  name: "scope",
  title: "mops-bot scope (scope.yml)",
  file: "scope.yml",
  schema: scopeSchema,
  load: ({ source, data }, ctx) => compileScope(source, data, ctx.sink),
  toPolicy: (scope) => ({ scope }),
});
