/** milestones.yml (optional): rollover, the milestone merge request, the reopen guard. */
import { compileMilestones } from "../compile/milestones.js";
import { checkMilestonesReferences } from "../crossref.js";
import { milestonesSchema } from "../schemas/milestones.js";
import { singleFileKind } from "./kind.js";
import { notificationsKind } from "./notifications.js";

export const milestonesKind = singleFileKind({
  name: "milestones",
  title: "mops-bot milestones (milestones.yml)",
  file: "milestones.yml",
  optional: true,
  schema: milestonesSchema,
  load: ({ source, data }, ctx) => {
    const milestones = compileMilestones(source, data, ctx.sink);
    const notifications = ctx.compiled(notificationsKind);
    // null: notifications.yml exists but has problems of its own (reported there), so channels are not checked.
    const channels = notifications ? new Set(Object.keys(notifications.channels)) : ctx.present(notificationsKind) ? null : undefined;
    checkMilestonesReferences(ctx.refs, source, data, channels);
    return milestones;
  },
  toPolicy: (milestones) => ({ milestones }),
});
