/**
 * Connections to the Redis behind the shared inbox (ioredis). Two kinds: one for commands that
 * must give up after a while so a webhook gets a clear 503 while Redis is away, and one for the
 * BullMQ worker, which waits for Redis forever (BullMQ requires that) and resumes when it is back.
 */
import { Redis, type RedisOptions } from "ioredis";
import type pino from "pino";

/** `redis://user:secret@host:6379/0` -> `redis://user:***@host:6379/0`, for logs and messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(an invalid REDIS_URL)";
  }
}

/** Problems with a REDIS_URL, in words for whoever deploys the bot; empty when usable. */
export function redisUrlProblems(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [`REDIS_URL is "${url}"; it must look like redis://host:6379 (rediss:// for TLS, redis://:password@host:6379/0 with a password and database)`];
  }
  if (!["redis:", "rediss:"].includes(parsed.protocol)) {
    return [`REDIS_URL is "${redactRedisUrl(url)}"; it must start with redis:// (or rediss:// for TLS)`];
  }
  const db = parsed.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d+$/.test(db)) return [`REDIS_URL ends in "/${db}"; after the port only a database number may follow, e.g. redis://host:6379/2`];
  return [];
}

export interface RedisConnectionOptions {
  /** Attempts per command while reconnecting; null waits forever (what BullMQ workers need). */
  retriesPerRequest: number | null;
  logger: pino.Logger;
  /** Shown in `CLIENT LIST` on the server. */
  name: string;
}

export function connectRedis(url: string, options: RedisConnectionOptions): Redis {
  const settings: RedisOptions = {
    maxRetriesPerRequest: options.retriesPerRequest,
    connectionName: options.name,
    // Reconnect quickly at first (a restarting Redis is back within a second), then every 2 s.
    retryStrategy: (times) => Math.min(50 * times, 2000),
    connectTimeout: 5000,
  };
  const redis = new Redis(url, settings);
  let down = false;
  redis.on("error", (err: Error) => {
    // ioredis repeats the error on every reconnect attempt: log the first one of an outage only.
    if (down) return;
    down = true;
    options.logger.warn({ err: err.message, redis: redactRedisUrl(url), connection: options.name }, "lost the connection to Redis; retrying");
  });
  redis.on("ready", () => {
    if (down) options.logger.info({ redis: redactRedisUrl(url), connection: options.name }, "connected to Redis again");
    down = false;
  });
  return redis;
}
