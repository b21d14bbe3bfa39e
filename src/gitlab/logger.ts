/**
 * Logging for the GitLab adapter: a child logger of the one the caller hands in (src/logging.ts).
 * It repeats the redaction of the token fields, so a token stays out of a line whatever logger a
 * caller passes, and the adapter itself never logs headers.
 */
import { pino, type Logger } from "pino";
import { REDACT } from "../redact.js";

/** The adapter's child logger: component binding plus redaction, whatever the parent does. Code given no logger logs nothing. */
export function gitlabLogger(parent: Logger | undefined): Logger {
  const base = parent ?? pino({ level: "silent" });
  return base.child({ component: "gitlab" }, { redact: REDACT });
}
