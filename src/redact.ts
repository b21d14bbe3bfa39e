/**
 * Credentials written into URLs (`https://oauth2:glpat-…@host`, `redis://:password@host`) never
 * leave the process: every log line and every readiness problem passes through here. The pino
 * `redact` paths cover known fields; this covers a URL that ends up inside any text, such as an
 * error message quoting the address a request went to.
 */
import type { DestinationStream } from "pino";

// scheme://userinfo@ — userinfo is everything up to the `@` that contains no space, slash or quote.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>\\]+@/gi;

export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, "$1[REDACTED]@");
}

/** A log destination that redacts URL credentials in each line before it is written. */
export function redactingDestination(destination: DestinationStream): DestinationStream {
  const target = destination as DestinationStream & { flush?: (cb?: (err?: Error) => void) => void; flushSync?: () => void };
  return {
    write: (line: string) => target.write(redactUrlCredentials(line)),
    // pino flushes on demand (logger.flush) and on exit when the destination can.
    ...(target.flush ? { flush: (cb?: (err?: Error) => void) => target.flush!(cb) } : {}),
    ...(target.flushSync ? { flushSync: () => target.flushSync!() } : {}),
  } as DestinationStream;
}

/** The one redaction list every logger uses (src/logging.ts and its children). Every field a token or secret may sit in: GitLab's token headers, the webhook's, and the configuration's. */
const REDACT_PATHS = [
  // GitLab API tokens, as options or request headers.
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
  // Webhook deliveries: the shared secret, the signature, session cookies.
  'req.headers["x-gitlab-token"]',
  'req.headers["webhook-signature"]',
  "req.headers.authorization",
  "req.headers.cookie",
  'headers["x-gitlab-token"]',
  'headers["webhook-signature"]',
  // The configuration, whole or in parts.
  "config.gitlabToken",
  "config.webhookSecrets",
  "config.signingToken",
  "gitlabToken",
  "webhookSecrets",
  "signingToken",
];

export const REDACT = { paths: REDACT_PATHS, censor: "[REDACTED]" };
