/** notifications.yml -> NotificationPolicy: every route names channels that are defined. */
import type { NotificationPolicy } from "../model/notifications.js";
import type { NotificationsFile } from "../schemas/notifications.js";
import type { PolicySource, ProblemSink } from "../source.js";
import { didYouMean } from "../suggest.js";

export function compileNotifications(source: PolicySource, data: NotificationsFile, sink: ProblemSink): NotificationPolicy {
  const names = Object.keys(data.channels);
  data.handbook_updates.forEach((route, i) => {
    route.channels.forEach((channel, ci) => {
      if (!(channel in data.channels)) {
        sink.at(source, ["handbook_updates", i, "channels", ci], `channel '${channel}' is not defined under channels:${didYouMean(channel, names) || ` — channels: ${names.join(", ")}`}`);
      }
    });
  });
  return {
    channels: Object.fromEntries(Object.entries(data.channels).map(([name, c]) => [name, { webhookEnv: c.webhook_env, description: c.description ?? "" }])),
    handbookUpdates: data.handbook_updates.map((r) => ({ label: r.label, when: r.when, channels: [...new Set(r.channels)] })),
  };
}
