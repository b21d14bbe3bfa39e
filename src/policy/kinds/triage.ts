/** triage/*.yml: general triage rules, each with its own id across the files. */
import { compileTriage } from "../compile/triage.js";
import { checkTriageChannels, checkTriageReferences } from "../crossref.js";
import { triageSchema } from "../schemas/triage.js";
import type { TriageRuleDef } from "../model/triage.js";
import { folderKind } from "./kind.js";
import { labelsKind } from "./labels.js";
import { notificationsKind } from "./notifications.js";

export const triageKind = folderKind({
  name: "triage",
  title: "mops-bot triage rules (triage/*.yml)",
  folder: "triage/",
  schema: triageSchema,
  load: (files, ctx) => {
    const labels = ctx.compiled(labelsKind);
    const triage: TriageRuleDef[] = [];
    const firstFiles = new Map<string, string>();
    for (const { source, data } of files) {
      data.rules.forEach((rule, i) => {
        const firstFile = firstFiles.get(rule.id);
        if (firstFile !== undefined) ctx.sink.at(source, ["rules", i, "id"], `triage rule '${rule.id}' is already defined in ${firstFile}: give each rule its own id`);
        firstFiles.set(rule.id, source.file);
      });
      checkTriageReferences(ctx.refs, source, data);
      if (labels) triage.push(...compileTriage(source, data, labels.taxonomy, ctx.sink));
    }
    const notifications = ctx.compiled(notificationsKind);
    for (const { source, data } of files) checkTriageChannels(ctx.refs, source, data, notifications && new Set(Object.keys(notifications.channels)));
    return triage;
  },
  toPolicy: (triage) => ({ triage }),
});
