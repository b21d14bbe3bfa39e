/**
 * The one place that chooses the inbox backend. Only the embedded SQLite store exists today; a
 * shared backend (Redis, for several replicas) plugs in here behind the same `Inbox` interface.
 */
import type pino from "pino";
import type { BackoffPolicy } from "./backoff.js";
import { SqliteInbox } from "./sqliteInbox.js";
import type { Inbox } from "./types.js";

export interface InboxConfig {
  backend?: "sqlite";
  /** `MOPS_DATA_DIR`; the SQLite file lives here. */
  dataDir: string;
  logger: pino.Logger;
  /** Attempts before an event becomes a dead letter (default 5). */
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  /** How long processed events are remembered for dedupe (default 7 days). */
  retentionMs?: number;
  pollIntervalMs?: number;
  now?: () => number;
  /** `power-loss` (default, fsync per commit) or `process-crash`; see SqliteInboxOptions. */
  durability?: "power-loss" | "process-crash";
}

export function openInbox(config: InboxConfig): Inbox {
  const backend = config.backend ?? "sqlite";
  switch (backend) {
    case "sqlite":
      return new SqliteInbox(config);
  }
}
