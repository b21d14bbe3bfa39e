/**
 * The `serve` logger. Secrets never reach a log line: header and config fields that carry them
 * are redacted wherever they appear, even if a future log call passes a whole request.
 */
import pino from "pino";
import { redactingDestination } from "../redact.js";

export const REDACT_PATHS = [
  'req.headers["x-gitlab-token"]',
  'req.headers["webhook-signature"]',
  "req.headers.authorization",
  "req.headers.cookie",
  'headers["x-gitlab-token"]',
  'headers["webhook-signature"]',
  "headers.authorization",
  "config.gitlabToken",
  "config.webhookSecrets",
  "config.signingToken",
  "gitlabToken",
  "webhookSecrets",
  "signingToken",
];

export function createServeLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): pino.Logger {
  const config: pino.LoggerOptions = {
    name: "mops-bot",
    level: options.level ?? process.env.LOG_LEVEL ?? "info",
    redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
  };
  return pino(config, redactingDestination(options.destination ?? pino.destination(1)));
}
