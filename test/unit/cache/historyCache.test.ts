/** The history cache and its stores: hits only for the same updated_at, bounded, never a failure. */
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HistoryCache, MemoryHistoryStore } from "../../../src/cache/historyCache.js";
import { historyCacheSettings } from "../../../src/cache/open.js";
import { SqliteHistoryStore } from "../../../src/cache/sqliteHistoryStore.js";

const issue = { kind: "issue" as const, projectPath: "Mktg/Ops", iid: 4 };
const T1 = new Date("2026-11-18T15:00:00.000Z");
const T2 = new Date("2026-11-18T15:00:00.001Z");
const LATER = () => new Date("2026-11-18T16:00:00Z");

function counting(rows: unknown[]) {
  const calls: number[] = [];
  return { calls, fetch: async () => (calls.push(1), rows) };
}

describe("HistoryCache", () => {
  it("answers from the cache only for the updated_at it was read at", async () => {
    const cache = new HistoryCache(new MemoryHistoryStore(), "gitlab.example.com", undefined, LATER);
    const f = counting([{ id: 1 }]);
    expect(await cache.read(issue, "label_events", T1, f.fetch)).toEqual({ rows: [{ id: 1 }], hit: false });
    expect(await cache.read(issue, "label_events", T1, f.fetch)).toEqual({ rows: [{ id: 1 }], hit: true });
    expect(await cache.read({ ...issue, projectPath: "mktg/ops" }, "label_events", T1, f.fetch)).toMatchObject({ hit: true }); // paths are case-insensitive in GitLab
    expect(await cache.read(issue, "label_events", T2, f.fetch)).toMatchObject({ hit: false });
    expect(await cache.read(issue, "notes", T2, f.fetch)).toMatchObject({ hit: false }); // each history on its own
    expect(f.calls).toHaveLength(3);
    expect(cache.stats()).toEqual({ hits: 2, misses: 3 });
  });

  it("does not keep history read within two minutes of the resource's last change (GitLab throttles a comment's touch to once a minute)", async () => {
    let now = new Date(T1.getTime() + 30_000);
    const cache = new HistoryCache(new MemoryHistoryStore(), "x", undefined, () => now);
    await cache.read(issue, "notes", T1, async () => [{ id: 1 }]);
    // A comment 40 s after the change: GitLab leaves updated_at at T1.
    expect(await cache.read(issue, "notes", T1, async () => [{ id: 1 }, { id: 2 }])).toEqual({ rows: [{ id: 1 }, { id: 2 }], hit: false });
    now = new Date(T1.getTime() + 3 * 60_000);
    await cache.read(issue, "notes", T1, async () => [{ id: 1 }, { id: 2 }]);
    expect(await cache.read(issue, "notes", T1, async () => [])).toEqual({ rows: [{ id: 1 }, { id: 2 }], hit: true });
  });

  it("keeps GitLab instances and resources apart", async () => {
    const store = new MemoryHistoryStore();
    const a = new HistoryCache(store, "gitlab.a.example", undefined, LATER);
    const b = new HistoryCache(store, "gitlab.b.example", undefined, LATER);
    await a.read(issue, "notes", T1, async () => [1]);
    expect(await b.read(issue, "notes", T1, async () => [2])).toEqual({ rows: [2], hit: false });
    expect(await a.read({ ...issue, kind: "merge_request" }, "notes", T1, async () => [3])).toMatchObject({ hit: false });
  });

  it("forgets every history of a resource the bot wrote to", async () => {
    const store = new MemoryHistoryStore();
    const cache = new HistoryCache(store, "x", undefined, LATER);
    for (const h of ["label_events", "state_events", "notes"] as const) await cache.read(issue, h, T1, async () => []);
    await cache.read({ ...issue, iid: 5 }, "notes", T1, async () => []);
    await cache.forget(issue);
    expect(store.size).toBe(1);
  });

  it("tells each lookup's outcome (for /metrics)", async () => {
    const seen: string[] = [];
    const cache = new HistoryCache(new MemoryHistoryStore(), "x", (h, o) => seen.push(`${h}:${o}`), LATER);
    await cache.read(issue, "state_events", T1, async () => []);
    await cache.read(issue, "state_events", T1, async () => []);
    expect(seen).toEqual(["state_events:miss", "state_events:hit"]);
  });
});

describe("SqliteHistoryStore", () => {
  const dir = () => mkdtempSync(path.join(tmpdir(), "mops-history-"));

  it("keeps entries across runs (a CI job's cached directory starts warm)", async () => {
    const d = dir();
    const first = new SqliteHistoryStore({ dir: d, maxAgeMs: 86_400_000, maxBytes: 1 << 20 });
    await first.set("k", { updatedAt: T1.toISOString(), rows: [{ id: 7, body: "é" }] });
    await first.close();
    const second = new SqliteHistoryStore({ dir: d, maxAgeMs: 86_400_000, maxBytes: 1 << 20 });
    expect(await second.get("k")).toEqual({ updatedAt: T1.toISOString(), rows: [{ id: 7, body: "é" }] });
    await second.delete(["k"]);
    expect(await second.get("k")).toBeUndefined();
    await second.close();
  });

  it("drops entries past their age, and the oldest past the size bound", async () => {
    let now = 1_000_000;
    const store = new SqliteHistoryStore({ dir: dir(), maxAgeMs: 10_000, maxBytes: 1000, now: () => now });
    await store.set("old", { updatedAt: "a", rows: ["x".repeat(50)] });
    now += 20_000;
    expect(await store.get("old")).toBeUndefined();
    for (let i = 0; i < 30; i++) {
      now += 1;
      await store.set(`k${i}`, { updatedAt: "a", rows: ["y".repeat(90)] });
    }
    store.prune();
    expect(await store.get("k0")).toBeUndefined();
    expect(await store.get("k29")).toBeDefined();
    await store.close();
  });

  it("starts cold, not failed, on a damaged file, and keeps the damaged one aside", async () => {
    const d = dir();
    writeFileSync(path.join(d, "history.sqlite"), "this is not a database, just damaged bytes ".repeat(100));
    const store = new SqliteHistoryStore({ dir: d, maxAgeMs: 86_400_000, maxBytes: 1 << 20 });
    expect(await store.get("k")).toBeUndefined();
    await store.set("k", { updatedAt: "a", rows: [] });
    expect(await store.get("k")).toEqual({ updatedAt: "a", rows: [] });
    await store.close();
    expect(readdirSync(d)).toContain("history.sqlite.damaged");
  });
});

describe("historyCacheSettings", () => {
  it("defaults to a cache folder in the data directory, two weeks and 256 MB", () => {
    expect(historyCacheSettings({ MOPS_DATA_DIR: "/var/lib/mops-bot" })).toEqual({
      enabled: true,
      dir: path.join("/var/lib/mops-bot", "cache"),
      redisUrl: undefined,
      maxAgeMs: 14 * 86_400_000,
      maxBytes: 256 * 1024 * 1024,
    });
    expect(historyCacheSettings({ MOPS_CACHE_DIR: "/cache", MOPS_CACHE: "off", REDIS_URL: "redis://r:6379" })).toMatchObject({ enabled: false, dir: "/cache", redisUrl: "redis://r:6379" });
  });

  it("says what to fix in a bad number", () => {
    expect(() => historyCacheSettings({ MOPS_CACHE_MAX_MB: "lots" })).toThrow('MOPS_CACHE_MAX_MB is "lots"; it must be a positive number');
    expect(() => historyCacheSettings({ MOPS_CACHE: "false" })).toThrow('MOPS_CACHE is "false"; it must be on or off');
  });
});
