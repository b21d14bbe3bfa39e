/**
 * The process logger: JSON lines (pino) on stderr, so a command's report on stdout stays clean.
 * Tokens and secrets are redacted wherever a log call might carry them.
 */
import { destination, pino, type Logger } from "pino";
import { REDACT_PATHS as GITLAB_REDACT } from "./gitlab/logger.js";
import { REDACT_PATHS as SERVE_REDACT } from "./server/logger.js";
import { redactingDestination } from "./redact.js";

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? "mops-bot",
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      redact: { paths: [...new Set([...GITLAB_REDACT, ...SERVE_REDACT])], censor: "[REDACTED]" },
    },
    redactingDestination(destination(2)),
  );
}
