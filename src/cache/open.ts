/**
 * The history cache a command uses, from the environment: Redis when `REDIS_URL` is set (shared by
 * replicas), otherwise an SQLite file under `MOPS_CACHE_DIR` (default: `cache` in `MOPS_DATA_DIR`),
 * or none with `MOPS_CACHE=off`. A cache that cannot be opened is logged and left out: the run
 * goes on cold.
 */
import path from "node:path";
import type { Logger } from "pino";
import { dataDirFrom } from "../dataDir.js";
import { connectRedis } from "../queue/redisConnection.js";
import { HistoryCache, type HistoryName } from "./historyCache.js";
import { RedisHistoryStore } from "./redisHistoryStore.js";
import { SqliteHistoryStore } from "./sqliteHistoryStore.js";

const DAY_MS = 86_400_000;

export interface HistoryCacheSettings {
  enabled: boolean;
  dir: string;
  redisUrl: string | undefined;
  maxAgeMs: number;
  maxBytes: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (Number.isFinite(value) && value > 0) return value;
  problems.push(`${name} is "${raw}"; it must be a positive number`);
  return fallback;
}

function cacheSwitch(raw: string | undefined, problems: string[]): boolean {
  const mode = raw?.trim().toLowerCase() || "on";
  if (mode !== "on" && mode !== "off") problems.push(`MOPS_CACHE is "${raw}"; it must be on or off`);
  return mode !== "off";
}

/** The settings, and every variable set wrong (its default is used meanwhile), for config.ts to report with the rest. */
export function readHistoryCacheSettings(env: NodeJS.ProcessEnv): { settings: HistoryCacheSettings; problems: string[] } {
  const problems: string[] = [];
  const settings = {
    enabled: cacheSwitch(env.MOPS_CACHE, problems),
    dir: env.MOPS_CACHE_DIR?.trim() || path.join(dataDirFrom(env), "cache"),
    redisUrl: env.REDIS_URL?.trim() || undefined,
    maxAgeMs: positive(env, "MOPS_CACHE_MAX_AGE_DAYS", 14, problems) * DAY_MS,
    maxBytes: positive(env, "MOPS_CACHE_MAX_MB", 256, problems) * 1024 * 1024,
  };
  return { settings, problems };
}

/** The settings; throws naming every variable set wrong. */
export function historyCacheSettings(env: NodeJS.ProcessEnv): HistoryCacheSettings {
  const { settings, problems } = readHistoryCacheSettings(env);
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return settings;
}

export function openHistoryCache(
  settings: HistoryCacheSettings,
  options: {
    gitlabUrl: string;
    logger: Logger;
    onLookup?: (history: HistoryName, outcome: "hit" | "miss") => void;
    /** The clock a resource's settling and an entry's age are measured on; the wall clock by default. */
    now?: () => Date;
  },
): HistoryCache | undefined {
  if (!settings.enabled) return undefined;
  const namespace = hostOf(options.gitlabUrl);
  try {
    if (settings.redisUrl !== undefined) {
      const redis = connectRedis(settings.redisUrl, { retriesPerRequest: 1, logger: options.logger, name: "mops-bot-history-cache" });
      const store = new RedisHistoryStore(redis, { maxAgeMs: settings.maxAgeMs, maxEntryBytes: Math.max(64 * 1024, settings.maxBytes / 1000) });
      return new HistoryCache(store, namespace, options.onLookup, options.now);
    }
    const now = options.now;
    const sqlite = new SqliteHistoryStore({ dir: settings.dir, maxAgeMs: settings.maxAgeMs, maxBytes: settings.maxBytes, ...(now ? { now: () => now().getTime() } : {}) });
    return new HistoryCache(sqlite, namespace, options.onLookup, now);
  } catch (error) {
    options.logger.warn({ err: error instanceof Error ? error.message : String(error), dir: settings.dir }, "the history cache could not be opened; running without it (every history is read from GitLab)");
    return undefined;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}
