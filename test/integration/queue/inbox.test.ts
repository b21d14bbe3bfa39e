// The inbox and its worker, on both backends (embedded SQLite, BullMQ on a real Redis): dedupe,
// coalescing, one reconcile per resource at a time, bounded parallelism, retry with backoff then
// dead letter, recovery after a stop or crash, pruning.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatRef, type ResourceRef } from "../../../src/domain/snapshot.js";
import { type InboxBackend, openInbox } from "../../../src/queue/openInbox.js";
import type { Inbox, InboxEvent, Reconcile } from "../../../src/queue/types.js";
import { silentLogger, tempDir, waitFor } from "../webhook/helpers.js";
import { redisForTests } from "./redisServer.js";

const issue = (iid: number): ResourceRef => ({ kind: "issue", path: "mops/requests", iid });

function event(key: string, ref: ResourceRef, receivedAt = new Date()): InboxEvent {
  return { dedupeKey: key, ref, kind: "issue", receivedAt };
}

const redis = await redisForTests("test/integration/queue/inbox.test.ts");
afterAll(() => redis?.stop());

describe.each<InboxBackend>(["sqlite", "redis"])("the %s inbox", (backend) => {
  if (backend === "redis" && !redis) {
    it.skip("needs redis-server, which could not be installed", () => {});
    return;
  }
  let tmp: ReturnType<typeof tempDir>;
  const opened: Inbox[] = [];

  function open(options: { maxAttempts?: number; now?: () => number; retentionMs?: number } = {}): Inbox {
    const inbox = openInbox({
      dataDir: tmp.dir,
      ...(backend === "redis" ? { redisUrl: redis!.url, leaseMs: 1000 } : {}),
      logger: silentLogger(),
      backoff: { baseMs: 5, maxMs: 20 },
      pollIntervalMs: 10,
      ...options,
    });
    opened.push(inbox);
    return inbox;
  }

  beforeEach(async () => {
    tmp = tempDir("inbox");
    if (backend === "redis") await redis?.flush();
  });

  afterEach(async () => {
    for (const inbox of opened.splice(0)) {
      await inbox.stop({ timeoutMs: 100 });
      await inbox.close();
    }
    tmp.remove();
  });

  describe("recording", () => {
    it("stores an event once per dedupe key", async () => {
      const inbox = open();
      expect(await inbox.record(event("k1", issue(1)))).toBe("queued");
      expect(await inbox.record(event("k1", issue(1)))).toBe("duplicate");
      expect(await inbox.record(event("k2", issue(1)))).toBe("queued");
      expect(await inbox.depth()).toBe(2);
      const [first] = await inbox.list({ state: "pending" });
      expect(first).toMatchObject({ dedupeKey: "k1", ref: issue(1), kind: "issue", attempts: 0, state: "pending" });
    });

    it("remembers a processed event as a duplicate until the retention period has passed", async () => {
      let now = Date.parse("2026-03-01T00:00:00Z");
      const inbox = open({ now: () => now, retentionMs: 7 * 86_400_000 });
      await inbox.record(event("old", issue(1), new Date(now)));
      inbox.start(async () => {}, { concurrency: 1 });
      await waitFor(async () => (await inbox.list({ state: "done" })).length === 1, 5000, "the event to be done");
      expect(await inbox.record(event("old", issue(1), new Date(now)))).toBe("duplicate");
      await inbox.stop({ timeoutMs: 100 });

      now += 8 * 86_400_000;
      inbox.start(async () => {}, { concurrency: 1 }); // start prunes
      expect(await inbox.list({ state: "done" })).toEqual([]);
      expect(await inbox.record(event("old", issue(1), new Date(now)))).toBe("queued");
    });
  });

  describe("the worker", () => {
    it("coalesces the pending events of one resource into one reconcile with all their ids", async () => {
      const inbox = open();
      for (const k of ["a1", "a2", "a3"]) await inbox.record(event(k, issue(1)));
      await inbox.record(event("b1", issue(2)));
      const calls: { ref: string; eventIds: string[] }[] = [];
      inbox.start(async (ref, trace) => void calls.push({ ref: formatRef(ref), eventIds: trace.eventIds }), { concurrency: 2 });
      await waitFor(async () => (await inbox.depth()) === 0, 5000, "the queue to drain");
      expect(calls).toHaveLength(2);
      expect(calls.find((c) => c.ref === "mops/requests#1")!.eventIds).toEqual(["a1", "a2", "a3"]);
      expect(calls.find((c) => c.ref === "mops/requests#2")!.eventIds).toEqual(["b1"]);
    });

    it("never runs one resource twice at once, runs others in parallel up to the bound", async () => {
      const inbox = open();
      const running = new Map<string, number>();
      let maxSame = 0;
      let maxAll = 0;
      let total = 0;
      const seen: string[] = [];
      const reconcile: Reconcile = async (ref, trace) => {
        const key = formatRef(ref);
        running.set(key, (running.get(key) ?? 0) + 1);
        total += 1;
        maxSame = Math.max(maxSame, running.get(key)!);
        maxAll = Math.max(maxAll, total);
        seen.push(...trace.eventIds);
        await new Promise((r) => setTimeout(r, 30));
        running.set(key, running.get(key)! - 1);
        total -= 1;
      };
      inbox.start(reconcile, { concurrency: 3 });
      const keys: string[] = [];
      for (let round = 0; round < 4; round++) {
        for (let iid = 1; iid <= 6; iid++) {
          const k = `r${round}-i${iid}`;
          keys.push(k);
          await inbox.record(event(k, issue(iid)));
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      await waitFor(async () => (await inbox.depth()) === 0 && total === 0, 10_000, "the queue to drain");
      expect(maxSame).toBe(1);
      expect(maxAll).toBe(3);
      expect(seen.sort()).toEqual(keys.sort());
    });

    it("an event arriving while its resource is being reconciled runs again afterwards", async () => {
      const inbox = open();
      const batches: string[][] = [];
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      inbox.start(async (_ref, trace) => {
        batches.push(trace.eventIds);
        if (batches.length === 1) await gate;
      }, { concurrency: 2 });
      await inbox.record(event("first", issue(1)));
      await waitFor(() => batches.length === 1, 5000, "the first reconcile");
      await inbox.record(event("second", issue(1)));
      await new Promise((r) => setTimeout(r, 50));
      expect(batches).toHaveLength(1);
      release();
      await waitFor(() => batches.length === 2, 5000, "the second reconcile");
      expect(batches).toEqual([["first"], ["second"]]);
    });

    it("events recorded together while the worker runs are each reconciled once, duplicates reported", async () => {
      const inbox = open();
      const seen: string[] = [];
      inbox.start(async (_ref, trace) => void seen.push(...trace.eventIds), { concurrency: 2 });
      const results = await Promise.all([
        inbox.record(event("c1", issue(1))),
        inbox.record(event("c2", issue(1))),
        inbox.record(event("c1", issue(1))),
        inbox.record(event("d1", issue(2))),
        inbox.record(event("e1", issue(3))),
      ]);
      expect(results).toEqual(["queued", "queued", "duplicate", "queued", "queued"]);
      await waitFor(async () => (await inbox.list({ state: "done" })).length === 4, 5000, "every event to be reconciled");
      expect(seen.sort()).toEqual(["c1", "c2", "d1", "e1"]);
      expect(await inbox.depth()).toBe(0);
    });

    it("retries with backoff, then keeps the event as a dead letter, and `retry` runs it again", async () => {
      const inbox = open({ maxAttempts: 3 });
      await inbox.record(event("bad", issue(9)));
      let attempts = 0;
      let healthy = false;
      inbox.start(async () => {
        attempts += 1;
        if (!healthy) throw new Error("GitLab answered 500");
      }, { concurrency: 1 });
      await waitFor(async () => (await inbox.stats()).dead === 1, 5000, "the dead letter");
      expect(attempts).toBe(3);
      const [dead] = await inbox.deadLetters();
      expect(dead).toMatchObject({ dedupeKey: "bad", state: "dead", attempts: 3, lastError: "GitLab answered 500" });
      expect(await inbox.depth()).toBe(0);

      healthy = true;
      expect(await inbox.retry("all-dead")).toBe(1);
      await waitFor(async () => (await inbox.list({ state: "done" })).length === 1, 5000, "the retried event to succeed");
      expect(attempts).toBe(4);
      expect((await inbox.stats()).dead).toBe(0);
    });

    it("runs a resource again when the reconcile asks to wait, without counting a failed attempt or making a dead letter", async () => {
      let now = Date.parse("2026-03-01T00:00:00Z");
      const inbox = open({ maxAttempts: 2, now: () => now });
      await inbox.record(event("sidebar", issue(4), new Date(now)));
      const runs: number[] = [];
      inbox.start(async () => {
        runs.push(now);
        // A person may still be editing: the first three runs ask for a minute more.
        return runs.length <= 3 ? { inMs: 60_000, why: "settle time: waiting for the person" } : undefined;
      }, { concurrency: 1 });
      for (let wait = 1; wait <= 3; wait++) {
        await waitFor(async () => (await inbox.list({ state: "pending" })).some((e) => e.lastError === "settle time: waiting for the person") && runs.length === wait, 5000, `wait ${wait}`);
        const [pending] = await inbox.list({ state: "pending" });
        expect(pending!.nextAttemptAt.getTime()).toBe(now + 60_000);
        expect(runs).toHaveLength(wait);
        now += 60_000;
      }
      await waitFor(async () => (await inbox.list({ state: "done" })).length === 1, 5000, "the event to be done");
      expect(runs).toHaveLength(4);
      expect(await inbox.deadLetters()).toEqual([]);
    });

    it("succeeds on a later attempt after a failure", async () => {
      const inbox = open();
      await inbox.record(event("flaky", issue(3)));
      let calls = 0;
      inbox.start(async () => {
        calls += 1;
        if (calls === 1) throw new Error("timeout");
      }, { concurrency: 1 });
      await waitFor(async () => (await inbox.list({ state: "done" })).length === 1, 5000, "success");
      const [done] = await inbox.list({ state: "done" });
      expect(done).toMatchObject({ attempts: 2, lastError: null });
    });

    it("stop waits for running reconciles within the timeout", async () => {
      const inbox = open();
      await inbox.record(event("slow", issue(4)));
      let finished = false;
      inbox.start(async () => {
        await new Promise((r) => setTimeout(r, 100));
        finished = true;
      }, { concurrency: 1 });
      await waitFor(async () => (await inbox.stats()).inFlight === 1, 5000, "the reconcile to start");
      expect(await inbox.stop({ timeoutMs: 2000 })).toBe(0);
      expect(finished).toBe(true);
      expect((await inbox.list({ state: "done" })).length).toBe(1);
    });
  });

  describe("restart", () => {
    it("processes events stored before the restart, pending and in flight", async () => {
      const first = open();
      await first.record(event("running", issue(2)));
      await first.record(event("waiting", issue(1)));
      // The first process only gets as far as claiming issue 2, then stops without finishing it
      // (as after a crash or a shutdown timeout): its row stays in_flight in the file.
      first.start(() => new Promise(() => {}), { concurrency: 1 });
      await waitFor(async () => (await first.stats()).inFlight === 1, 5000, "a claim");
      expect(await first.stop({ timeoutMs: 10 })).toBe(1);
      await first.close();

      const second = open();
      const seen: string[] = [];
      second.start(async (_ref, trace) => void seen.push(...trace.eventIds), { concurrency: 2 });
      await waitFor(async () => (await second.depth()) === 0, 5000, "recovery");
      expect(seen.sort()).toEqual(["running", "waiting"]);
      const done = await second.list({ state: "done" });
      // The interrupted run counts as an attempt, so a reconcile that crashes the process cannot loop forever.
      expect(done.find((e) => e.dedupeKey === "running")?.attempts).toBe(2);
      expect(done.find((e) => e.dedupeKey === "waiting")?.attempts).toBe(1);
    });
  });

  describe("administration", () => {
    it("drop deletes a waiting or dead entry but not one that is running", async () => {
      const inbox = open();
      await inbox.record(event("x", issue(1)));
      const [entry] = await inbox.list();
      expect(await inbox.drop(entry!.id)).toBe(true);
      expect(await inbox.drop(entry!.id)).toBe(false);
      expect(await inbox.depth()).toBe(0);

      await inbox.record(event("y", issue(2)));
      inbox.start(() => new Promise(() => {}), { concurrency: 1 });
      await waitFor(async () => (await inbox.stats()).inFlight === 1, 5000, "the claim");
      const [running] = await inbox.list({ state: "in_flight" });
      expect(await inbox.drop(running!.id)).toBe(false);
    });

    it("reports itself healthy while it can write", async () => {
      const inbox = open();
      expect(await inbox.health()).toEqual([]);
      await inbox.close();
      expect(await inbox.health()).toEqual(["the inbox is closed"]);
      await expect(inbox.record(event("late", issue(1)))).rejects.toThrow(/closed/);
    });
  });
});
