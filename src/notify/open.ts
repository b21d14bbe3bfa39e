/** A notifier built from the policy and the environment, for a job (strict) or the server (lenient). */
import type { Logger } from "pino";
import type { CompiledPolicy } from "../policy/model.js";
import { missingSlackWebhooks, slackWebhooksFromEnv } from "./config.js";
import { createSlackNotifier, type SlackNotifierOptions } from "./slack.js";
import type { Notifier } from "./types.js";

export interface OpenNotifierOptions {
  env: NodeJS.ProcessEnv;
  dryRun: boolean;
  logger: Logger;
  /**
   * Channels that must be configured: a job names the channels it posts to and stops at its start
   * with a SlackConfigError when one is missing. Omitted: every configured channel is used and the
   * missing ones are only logged (the server keeps doing its GitLab work).
   */
  require?: readonly string[];
  /** Test and tuning hooks passed to the notifier. */
  tuning?: Pick<SlackNotifierOptions, "retry" | "sleep" | "random" | "print" | "timeoutMs" | "concurrency">;
}

/** Null when the policies configure no Slack at all. */
export function openNotifier(policy: CompiledPolicy, options: OpenNotifierOptions): Notifier | null {
  const notifications = policy.notifications;
  if (notifications === undefined) return null;
  const all = Object.keys(notifications.channels);
  let webhooks: Record<string, string>;
  if (options.dryRun) {
    webhooks = {};
  } else if (options.require !== undefined) {
    webhooks = slackWebhooksFromEnv(notifications, options.env, options.require);
  } else {
    const missing = missingSlackWebhooks(notifications, options.env);
    for (const m of missing) options.logger.warn({ channel: m.channel, variable: m.variable }, "Slack channel has no webhook URL; its messages are skipped");
    const configured = all.filter((c) => !missing.some((m) => m.channel === c));
    webhooks = slackWebhooksFromEnv(notifications, options.env, configured);
  }
  return createSlackNotifier({ webhooks, dryRun: options.dryRun, logger: options.logger, dryRunChannels: all, ...options.tuning });
}
