// What only a shared inbox has to get right: several replicas on one Redis. They split the work
// but never reconcile one resource at once; a replica that dies mid-run is taken over after its
// lease; an event stored without its job still runs; a Redis restart loses no acknowledged event;
// a scheduled tick runs on one replica only.
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatRef, type ResourceRef } from "../../../src/domain/snapshot.js";
import { createScheduler } from "../../../src/jobs/scheduler.js";
import { openInbox } from "../../../src/queue/openInbox.js";
import { scheduleCoordinator } from "../../../src/jobs/scheduleCoordinator.js";
import type { Inbox, InboxEvent, Reconcile } from "../../../src/queue/types.js";
import { silentLogger, waitFor } from "../webhook/helpers.js";
import { redisForTests } from "./redisServer.js";

const redis = await redisForTests("test/integration/queue/redisReplicas.test.ts");
afterAll(() => redis?.stop());

const issue = (iid: number): ResourceRef => ({ kind: "issue", path: "mops/requests", iid });
const event = (key: string, ref: ResourceRef): InboxEvent => ({ dedupeKey: key, ref, kind: "issue", receivedAt: new Date() });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!redis)("replicas sharing one Redis inbox", () => {
  const opened: Inbox[] = [];
  function replica(options: { leaseMs?: number; maxAttempts?: number } = {}): Inbox {
    const inbox = openInbox({
      dataDir: ".",
      redisUrl: redis!.url,
      logger: silentLogger(),
      backoff: { baseMs: 5, maxMs: 20 },
      pollIntervalMs: 50,
      leaseMs: options.leaseMs ?? 1000,
      maxAttempts: options.maxAttempts ?? 5,
    });
    opened.push(inbox);
    return inbox;
  }

  beforeEach(async () => {
    await redis!.flush();
  });
  afterEach(async () => {
    for (const inbox of opened.splice(0)) {
      await inbox.stop({ timeoutMs: 100 });
      await inbox.close();
    }
  });

  it("split the work, never run one resource on two replicas at once, and reconcile every event once", async () => {
    const [a, b] = [replica(), replica()];
    const running = new Map<string, number>();
    let overlap = 0;
    const seen: string[] = [];
    const byReplica = { a: 0, b: 0 };
    const reconcileOn =
      (name: "a" | "b"): Reconcile =>
      async (ref, trace) => {
        const key = formatRef(ref);
        running.set(key, (running.get(key) ?? 0) + 1);
        if (running.get(key)! > 1) overlap++;
        byReplica[name]++;
        seen.push(...trace.eventIds);
        await sleep(15);
        running.set(key, running.get(key)! - 1);
      };
    a.start(reconcileOn("a"), { concurrency: 3 });
    b.start(reconcileOn("b"), { concurrency: 3 });
    const keys: string[] = [];
    for (let round = 0; round < 6; round++) {
      await Promise.all(
        [1, 2, 3, 4, 5, 6].map((iid) => {
          const key = `r${round}-i${iid}`;
          keys.push(key);
          // The load balancer sends deliveries to either replica.
          return (iid % 2 === 0 ? a : b).record(event(key, issue(iid)));
        }),
      );
      await sleep(5);
    }
    await waitFor(async () => seen.length === keys.length && (await a.depth()) === 0, 15_000, "every event to be reconciled");
    await sleep(100);
    expect(overlap).toBe(0);
    expect(seen.sort()).toEqual(keys.sort());
    expect(byReplica.a).toBeGreaterThan(0);
    expect(byReplica.b).toBeGreaterThan(0);
    // Coalescing: fewer reconciles than events.
    expect(byReplica.a + byReplica.b).toBeLessThan(keys.length);
  });

  it("take over a resource whose replica died mid-reconcile once its lease runs out, counting the lost attempt", async () => {
    const dying = replica({ leaseMs: 600 });
    await dying.record(event("e1", issue(7)));
    dying.start(() => new Promise(() => {}), { concurrency: 1 });
    await waitFor(async () => (await dying.stats()).inFlight === 1, 5000, "the claim");
    // As after kill -9: the claim stays in Redis, nothing of the replica runs any more.
    expect(await dying.stop({ timeoutMs: 0 })).toBe(1);
    await dying.close();

    const survivor = replica({ leaseMs: 600 });
    const seen: string[][] = [];
    const started = Date.now();
    survivor.start(async (_ref, trace) => void seen.push(trace.eventIds), { concurrency: 1 });
    await waitFor(() => seen.length === 1, 10_000, "the take-over");
    expect(Date.now() - started).toBeGreaterThanOrEqual(300); // not before the lease ran out
    expect(seen).toEqual([["e1"]]);
    await waitFor(async () => (await survivor.list({ state: "done" })).length === 1, 5000, "done");
    const [done] = await survivor.list({ state: "done" });
    expect(done).toMatchObject({ attempts: 2 });
  });

  it("runs an event whose job was lost (a replica died between storing the event and queueing its job)", async () => {
    const a = replica();
    await a.record(event("lost-1", issue(1)));
    await a.record(event("lost-2", issue(2)));
    // Remove every BullMQ key: the events are stored, their jobs are gone.
    const raw = new Redis(redis!.url);
    const bullKeys = await raw.keys("mops:bull:*");
    if (bullKeys.length > 0) await raw.del(...bullKeys);
    await raw.quit();

    const seen: string[] = [];
    const b = replica();
    b.start(async (_ref, trace) => void seen.push(...trace.eventIds), { concurrency: 2 });
    await waitFor(() => seen.length === 2, 10_000, "the stranded events");
    expect(seen.sort()).toEqual(["lost-1", "lost-2"]);
  });

  it("loses no acknowledged event when Redis crashes and restarts mid-stream", async () => {
    const inbox = replica();
    const seen = new Set<string>();
    inbox.start(async (_ref, trace) => {
      await sleep(3);
      for (const id of trace.eventIds) seen.add(id);
    }, { concurrency: 4 });
    const acked: string[] = [];
    let refused = 0;
    const deliver = async (n: number) => {
      const key = `evt-${n}`;
      try {
        if ((await inbox.record(event(key, issue(n % 10)))) === "queued") acked.push(key);
      } catch {
        refused++; // answered 503: GitLab would show a failed delivery
      }
    };
    for (let n = 0; n < 60; n++) {
      if (n === 30) await redis!.crashAndRestart({ downMs: 200 });
      await deliver(n);
      await sleep(2);
    }
    await waitFor(() => acked.every((k) => seen.has(k)), 20_000, "every acknowledged event to be reconciled");
    expect(acked.length + refused).toBe(60);
    expect(acked.length).toBeGreaterThanOrEqual(30);
    expect(await inbox.health()).toEqual([]);
  });

  it("run a scheduled tick on one replica only", async () => {
    const [a, b] = [replica(), replica()];
    const runs: string[] = [];
    const asked = new Map<string, boolean[]>();
    const schedulerOf = (name: string, inbox: Inbox) => {
      const coordinator = scheduleCoordinator(inbox)!;
      const scheduler = createScheduler({
        schedules: [{ job: "sweep", cron: "* * * * * *", timeZone: "UTC", description: "" }],
        logger: silentLogger(),
        runJob: async () => void runs.push(name),
      });
      scheduler.start({
        shouldRun: async (key, ttl) => {
          const elected = await coordinator.shouldRun(key, ttl);
          asked.set(key, [...(asked.get(key) ?? []), elected]);
          return elected;
        },
      });
      return scheduler;
    };
    const schedulers = [schedulerOf("a", a), schedulerOf("b", b)];
    await sleep(3300);
    await Promise.all(schedulers.map((s) => s.stop()));
    const ticksAskedByBoth = [...asked.values()].filter((answers) => answers.length === 2);
    expect(ticksAskedByBoth.length).toBeGreaterThanOrEqual(2);
    for (const answers of ticksAskedByBoth) expect(answers.filter(Boolean)).toHaveLength(1);
    expect(runs).toHaveLength([...asked.values()].filter((answers) => answers.includes(true)).length);
  });
});
