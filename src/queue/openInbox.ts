/**
 * The one place that chooses the inbox backend: BullMQ on Redis when a Redis URL is configured
 * (`REDIS_URL`, for several replicas sharing one queue), otherwise the embedded SQLite file in
 * the data directory (one process). Everything else sees only the `Inbox` interface.
 */
import type pino from "pino";
import type { BackoffPolicy } from "./backoff.js";
import { RedisInbox } from "./redisInbox.js";
import { SqliteInbox } from "./sqliteInbox.js";
import type { Inbox } from "./types.js";

export type InboxBackend = "sqlite" | "redis";

export interface InboxConfig {
  /** `MOPS_DATA_DIR`; the SQLite file lives here. */
  dataDir: string;
  /** `REDIS_URL`; when set, the inbox is shared through this Redis instead of the SQLite file. */
  redisUrl?: string;
  logger: pino.Logger;
  /** Attempts before an event becomes a dead letter (default 5). */
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  /** How long processed events are remembered for dedupe (default 7 days). */
  retentionMs?: number;
  /** SQLite: longest wait between looks for due work (default 1 s). Redis: how often to look for stranded events (default 5 s). */
  pollIntervalMs?: number;
  now?: () => number;
  /** SQLite only: `process-crash` (default: journaled, survives kill -9 and restarts) or `power-loss` (fsync per commit); see SqliteInboxOptions. */
  durability?: "power-loss" | "process-crash";
  /** Redis only: how long a dead replica's claim on a resource holds (default 30 s); see RedisInboxOptions. */
  leaseMs?: number;
  /** SQLite only: start with an empty inbox although the directory's inbox file is gone (`serve --new-inbox`). */
  newInbox?: boolean;
  /** Redis only: key prefix (default `mops`). */
  redisPrefix?: string;
  /** Redis only: attempts per command while Redis is unreachable (default 20). */
  redisCommandRetries?: number;
}

export function inboxBackend(config: Pick<InboxConfig, "redisUrl">): InboxBackend {
  return config.redisUrl ? "redis" : "sqlite";
}

export function openInbox(config: InboxConfig): Inbox {
  switch (inboxBackend(config)) {
    case "redis":
      return new RedisInbox({
        url: config.redisUrl!,
        logger: config.logger,
        maxAttempts: config.maxAttempts,
        backoff: config.backoff,
        retentionMs: config.retentionMs,
        pollIntervalMs: config.pollIntervalMs,
        now: config.now,
        leaseMs: config.leaseMs,
        prefix: config.redisPrefix,
        commandRetries: config.redisCommandRetries,
      });
    case "sqlite":
      return new SqliteInbox(config);
  }
}
