/**
 * The one logger factory: JSON lines (pino). Commands log on stderr, so a command's report on
 * stdout stays clean; `serve` logs on stdout, where a container's logs are collected. Parts of the
 * bot log through child loggers of this one (`gitlabLogger` adds `component: "gitlab"`, a reconcile
 * adds its event ids), so every line has the same redaction.
 *
 * Tokens and secrets never reach a log line: the fields that carry them are redacted wherever they
 * appear, even if a future log call passes a whole request, and credentials inside a URL are
 * removed from each line (redact.ts).
 */
import { destination as pinoDestination, pino, type DestinationStream, type Logger } from "pino";
import type { Config } from "./config.js";
import { REDACT, redactingDestination } from "./redact.js";

/** The process logger at LOG_LEVEL (default info), writing to `destination` (default stderr). */
export function createLogger(config: Pick<Config, "logLevel">, destination: DestinationStream = pinoDestination(2)): Logger {
  return pino({ name: "mops-bot", level: config.logLevel ?? "info", redact: REDACT }, redactingDestination(destination));
}
