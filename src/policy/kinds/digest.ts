/** digest.yml (optional): the weekly digest; its priority exemptions must match the triage rules'. */
import { checkPriorityExemptions } from "../priorityExemptions.js";
import { compileDigest } from "../compile/digest.js";
import { checkDigestReferences } from "../crossref.js";
import { digestSchema } from "../schemas/digest.js";
import { singleFileKind } from "./kind.js";
import { notificationsKind } from "./notifications.js";
import { triageKind } from "./triage.js";

export const digestKind = singleFileKind({
  name: "digest",
  title: "mops-bot weekly digest (digest.yml)",
  file: "digest.yml",
  optional: true,
  schema: digestSchema,
  load: (file, ctx) => {
    const notifications = ctx.compiled(notificationsKind);
    checkDigestReferences(ctx.refs, file.source, file.data, notifications && new Set(Object.keys(notifications.channels)));
    checkPriorityExemptions(file, ctx.files(triageKind), ctx.sink);
    return compileDigest(file.data);
  },
  toPolicy: (digest) => ({ digest }),
});
