/** notifications.yml (optional): Slack channels and what is posted to them. */
import { compileNotifications } from "../compile/notifications.js";
import { checkNotificationsReferences } from "../crossref.js";
import { notificationsSchema } from "../schemas/notifications.js";
import { singleFileKind } from "./kind.js";

export const notificationsKind = singleFileKind({
  name: "notifications",
  title: "mops-bot Slack notifications (notifications.yml)",
  file: "notifications.yml",
  optional: true,
  schema: notificationsSchema,
  load: ({ source, data }, ctx) => {
    const notifications = compileNotifications(source, data, ctx.sink);
    checkNotificationsReferences(ctx.refs, source, data);
    return notifications;
  },
  toPolicy: (notifications) => ({ notifications }),
});
