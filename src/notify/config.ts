/**
 * Slack channels -> incoming-webhook URLs, from the environment variables notifications.yml names.
 * URLs are secrets: they never appear in a policy, a log line or an error message.
 */
import type { NotificationPolicy } from "../policy/model.js";

export class SlackConfigError extends Error {
  constructor(readonly missing: { channel: string; variable: string }[]) {
    super(
      `Slack is not configured for ${missing.length === 1 ? "a channel" : "some channels"} this job posts to. Set ${missing.length === 1 ? "this environment variable" : "these environment variables"} to the channel's incoming-webhook URL (Slack: Apps > Incoming WebHooks), or remove the channel from the policy:\n${missing.map((m) => `  - ${m.variable} (for #${m.channel})`).join("\n")}`,
    );
    this.name = "SlackConfigError";
  }
}

function urlOf(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  const v = env[variable]?.trim();
  return v ? v : undefined;
}

/** Missing or malformed webhook variables of `channels` (every channel of the policy when omitted). */
export function missingSlackWebhooks(policy: NotificationPolicy, env: NodeJS.ProcessEnv, channels?: readonly string[]): { channel: string; variable: string }[] {
  const wanted = channels ?? Object.keys(policy.channels);
  const missing: { channel: string; variable: string }[] = [];
  for (const channel of wanted) {
    const def = policy.channels[channel];
    if (def === undefined) continue;
    const url = urlOf(env, def.webhookEnv);
    if (url === undefined || !/^https?:\/\//.test(url)) missing.push({ channel, variable: def.webhookEnv });
  }
  return missing;
}

/**
 * The webhook URL of each channel in `required`; throws SlackConfigError naming every missing
 * variable, so a job that needs Slack stops at its start with one clear message.
 */
export function slackWebhooksFromEnv(policy: NotificationPolicy, env: NodeJS.ProcessEnv, required: readonly string[]): Record<string, string> {
  const missing = missingSlackWebhooks(policy, env, required);
  if (missing.length > 0) throw new SlackConfigError(missing);
  return Object.fromEntries(required.map((c) => [c, urlOf(env, policy.channels[c]!.webhookEnv)!]));
}

/** Warnings for `policies validate`: channels whose variable is not set where the check runs. */
export function slackEnvWarnings(policy: NotificationPolicy | undefined, env: NodeJS.ProcessEnv): string[] {
  if (policy === undefined) return [];
  return missingSlackWebhooks(policy, env).map(
    (m) => `notifications.yml: channel '${m.channel}' posts through the environment variable ${m.variable}, which is not set here; the jobs that post to #${m.channel} will stop until it is.`,
  );
}

/** Every channel the policies post to: the handbook-update routes and the milestone rollover. */
export function channelsInUse(notifications: NotificationPolicy, rolloverChannel?: string): string[] {
  const all = new Set(notifications.handbookUpdates.flatMap((r) => r.channels));
  if (rolloverChannel !== undefined) all.add(rolloverChannel);
  return [...all].sort();
}
