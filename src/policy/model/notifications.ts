/** The compiled form of policies/notifications.yml: Slack channels and what is posted to them. */

export interface SlackChannelDef {
  /** Environment variable holding the channel's incoming-webhook URL. */
  webhookEnv: string;
  description: string;
}

export interface HandbookUpdateRoute {
  label: string;
  when: "merged" | "created";
  /** Channel names (keys of `NotificationPolicy.channels`). */
  channels: string[];
}

/** policies/notifications.yml, compiled. */
export interface NotificationPolicy {
  channels: Record<string, SlackChannelDef>;
  handbookUpdates: HandbookUpdateRoute[];
}
