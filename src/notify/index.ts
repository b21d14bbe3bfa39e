/**
 * notify/ — Slack.
 *
 * - messages.ts: the messages, built purely (handbook updates, milestone rollover).
 * - config.ts: channel -> incoming-webhook URL from the environment variables notifications.yml names.
 * - slack.ts: the notifier (background queue, retries with backoff, dry-run prints).
 * - open.ts: a notifier for a job or the server, from the policy and the environment.
 */
export { channelsInUse, missingSlackWebhooks, SlackConfigError, slackEnvWarnings, slackWebhooksFromEnv } from "./config.js";
export { escapeSlack, handbookUpdateMessage, rolloverMessage, slackLink } from "./messages.js";
export type { MergeRequestFacts, MovedIssue } from "./messages.js";
export { openNotifier } from "./open.js";
export type { OpenNotifierOptions } from "./open.js";
export { createSlackNotifier } from "./slack.js";
export type { SlackNotifierOptions, SlackRetry } from "./slack.js";
export type { Notifier, PostOptions, SlackPostOutcome } from "./types.js";
