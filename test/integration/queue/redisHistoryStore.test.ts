/** The history cache in Redis, as `serve` replicas share it: entries, expiry, per-entry cap. */
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { HistoryCache } from "../../../src/cache/historyCache.js";
import { RedisHistoryStore } from "../../../src/cache/redisHistoryStore.js";
import { redisForTests } from "./redisServer.js";

const redis = await redisForTests("test/integration/queue/redisHistoryStore.test.ts");
afterAll(() => redis?.stop());

describe("RedisHistoryStore", () => {
  if (!redis) {
    it.skip("needs redis-server, which could not be installed", () => {});
    return;
  }

  it("shares entries between two replicas' caches, with an expiry on each and large entries left out", async () => {
    const [one, two] = [new Redis(redis.url), new Redis(redis.url)];
    const prefix = `test:${Math.random().toString(36).slice(2)}:`;
    const a = new HistoryCache(new RedisHistoryStore(one, { maxAgeMs: 60_000, maxEntryBytes: 200, prefix }), "gitlab.example.com");
    const b = new HistoryCache(new RedisHistoryStore(two, { maxAgeMs: 60_000, maxEntryBytes: 200, prefix }), "gitlab.example.com");
    const issue = { kind: "issue" as const, projectPath: "mktg/ops", iid: 3 };
    const at = new Date("2026-11-18T15:00:00Z");
    await a.read(issue, "notes", at, async () => [{ id: 1 }]);
    expect(await b.read(issue, "notes", at, async () => [{ id: 2 }])).toEqual({ rows: [{ id: 1 }], hit: true });
    const keys = await one.keys(`${prefix}*`);
    expect(keys).toHaveLength(1);
    const ttl = await one.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);

    await a.read({ ...issue, iid: 4 }, "notes", at, async () => [{ body: "x".repeat(500) }]);
    expect(await one.keys(`${prefix}*`)).toHaveLength(1);

    await b.forget(issue);
    expect(await one.keys(`${prefix}*`)).toEqual([]);
    await a.close();
    await b.close();
  });
});
