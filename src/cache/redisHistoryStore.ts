/**
 * History cache entries in Redis, shared by `serve` replicas (and by CI jobs that reach the same
 * Redis). Each entry expires on its own (`SET … PX`); the size bound is the Redis server's own
 * `maxmemory` (with an `allkeys-lru` or `volatile-ttl` policy), plus a cap per entry here.
 */
import type { Redis } from "ioredis";
import type { HistoryEntry, HistoryStore } from "./historyCache.js";

export interface RedisHistoryStoreOptions {
  maxAgeMs: number;
  /** Entries larger than this (bytes of JSON) are not kept. */
  maxEntryBytes: number;
  prefix?: string;
}

export class RedisHistoryStore implements HistoryStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisHistoryStoreOptions,
  ) {
    this.prefix = options.prefix ?? "mops-bot:history:";
  }

  async get(key: string): Promise<HistoryEntry | undefined> {
    const text = await this.redis.get(this.prefix + key);
    if (text === null) return undefined;
    const parsed = JSON.parse(text) as HistoryEntry;
    return typeof parsed.updatedAt === "string" && Array.isArray(parsed.rows) ? parsed : undefined;
  }

  async set(key: string, entry: HistoryEntry): Promise<void> {
    const text = JSON.stringify(entry);
    if (text.length > this.options.maxEntryBytes) return;
    await this.redis.set(this.prefix + key, text, "PX", this.options.maxAgeMs);
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys.map((k) => this.prefix + k));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
