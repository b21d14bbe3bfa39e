/**
 * Logging for the GitLab adapter. Whatever logger the caller hands in, the adapter's child
 * logger redacts the places a token could sit, and the adapter itself never logs headers.
 */
import { destination as pinoDestination, pino, type Logger, type DestinationStream } from "pino";
import { redactingDestination } from "../redact.js";

export const REDACT_PATHS = [
  "token",
  "*.token",
  "privateToken",
  "*.privateToken",
  'headers["private-token"]',
  'headers["PRIVATE-TOKEN"]',
  "headers.authorization",
  'headers["job-token"]',
  '*.headers["private-token"]',
  '*.headers["PRIVATE-TOKEN"]',
  "*.headers.authorization",
  '*.headers["job-token"]',
];

/** A logger for code that is given none (the CLI passes its own). */
export function createDefaultLogger(destination?: DestinationStream): Logger {
  const options = {
    name: "mops-bot",
    level: process.env.LOG_LEVEL ?? "info",
    redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
  };
  return pino(options, redactingDestination(destination ?? pinoDestination(1)));
}

/** The adapter's child logger: component binding plus redaction, whatever the parent does. */
export function gitlabLogger(parent: Logger | undefined): Logger {
  const base = parent ?? createDefaultLogger();
  return base.child({ component: "gitlab" }, { redact: { paths: REDACT_PATHS, censor: "[REDACTED]" } });
}
