/** workflows/*.yml: one scoped-label workflow per file, each with its own id. */
import { compileWorkflow } from "../compile/workflow.js";
import { checkWorkflowReferences } from "../crossref.js";
import type { WorkflowDef } from "../model/workflow.js";
import { workflowSchema } from "../schemas/workflow.js";
import { folderKind } from "./kind.js";
import { labelsKind } from "./labels.js";

export const workflowKind = folderKind({
  name: "workflow",
  title: "mops-bot workflow (workflows/*.yml)",
  folder: "workflows/",
  schema: workflowSchema,
  load: (files, ctx) => {
    const labels = ctx.compiled(labelsKind);
    const workflows: WorkflowDef[] = [];
    const firstFiles = new Map<string, string>();
    for (const { source, data } of files) {
      const firstFile = firstFiles.get(data.workflow);
      if (firstFile !== undefined) ctx.sink.at(source, ["workflow"], `workflow '${data.workflow}' is already defined in ${firstFile}: give each workflow its own id`);
      firstFiles.set(data.workflow, source.file);
      checkWorkflowReferences(ctx.refs, source, data);
      const compiled = labels && compileWorkflow(source, data, labels, ctx.sink);
      if (compiled) workflows.push(compiled);
    }
    return workflows;
  },
  toPolicy: (workflows) => ({ workflows }),
});
