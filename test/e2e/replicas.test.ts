/**
 * Two `mops-bot serve` processes sharing one Redis behind a round-robin load balancer, against
 * the fake GitLab: they share the work, never repair one issue twice (which two replicas
 * reconciling it at once would do), and when one is killed with kill -9 the other finishes every
 * event that was acknowledged.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BENCH_NOW, WEBHOOK_SECRET, applyChange, isRepaired, serveEnv, startBoard, type Board } from "../../bench/support/board.js";
import { anchoredClock, clockAnchor } from "../../bench/support/clock.js";
import { startBalancer, startReplica, type Balancer, type Replica } from "../../bench/support/cluster.js";
import { loadPolicies } from "../../src/policy/load.js";
import { openInbox } from "../../src/queue/openInbox.js";
import { redisForTests } from "../integration/queue/redisServer.js";
import { silentLogger, waitFor } from "../integration/webhook/helpers.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";

const redis = await redisForTests("test/e2e/replicas.test.ts");

describe.skipIf(!redis)("two serve replicas sharing one Redis", () => {
  let board: Board;
  let balancer: Balancer;
  let replicas: Replica[] = [];
  let dataDir: string;
  let bot: string;

  const botPuts = (iid: number) =>
    board.fake.requests.filter((r) => r.user === bot && r.route === "PUT /projects/:id/issues/:iid" && r.status === 200 && new RegExp(`/issues/${iid}(\\?|$)`).test(r.path)).length;
  const botNotes = (iid: number) => board.fake.issue(board.project, iid).notes.filter((n) => n.author === bot).length;

  beforeAll(async () => {
    const policy = await loadPolicies(TEST_POLICIES_DIR);
    bot = policy.scope.botUsername;
    const anchor = clockAnchor(BENCH_NOW);
    board = await startBoard(policy, { size: 12, clock: anchoredClock(anchor) });
    dataDir = mkdtempSync(join(tmpdir(), "mops-replicas-"));
    const env = serveEnv(board, anchor, { REDIS_URL: redis!.url, MOPS_REDIS_LEASE_SECONDS: "2" });
    replicas = await Promise.all(["a", "b"].map((name) => startReplica(name, { ...env, MOPS_DATA_DIR: join(dataDir, name) })));
    balancer = await startBalancer();
    balancer.setTargets(replicas.map((r) => r.url));
    board.fake.setWebhook(`${balancer.url}/webhooks/gitlab`, WEBHOOK_SECRET);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.kill("SIGTERM")));
    await balancer?.close();
    await board?.fake.close();
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("share the work and repair each changed issue exactly once", async () => {
    const issues = board.pool.slice(0, 6);
    board.fake.setLatency(5);
    // Each issue: a misspelled label, then three comments, delivered to either replica.
    for (const iid of issues) {
      applyChange(board, { iid, kind: "misspell" }, 0);
      for (let n = 1; n <= 3; n++) applyChange(board, { iid, kind: "comment" }, n);
    }
    await waitFor(() => issues.every((iid) => isRepaired(board, iid)), 30_000, "every issue to be repaired");
    await board.fake.webhooksSettled();
    await new Promise((r) => setTimeout(r, 500)); // let late reconciles show up if there were any
    for (const iid of issues) {
      expect(botPuts(iid)).toBe(1);
      expect(botNotes(iid)).toBe(1); // the note of the earlier repair; the marker keeps it single
    }
    expect(balancer.stats.queued).toBe(issues.length * 4);
    expect(balancer.stats.failed).toBe(0);
    const [a, b] = await Promise.all(replicas.map((r) => r.reconciles()));
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
  });

  it("finish every acknowledged event when one replica is killed with kill -9 mid-stream", async () => {
    const issues = board.pool.slice(6, 12);
    board.fake.setLatency(40); // reconciles take a while, so some are running at the kill
    const events = issues.flatMap((iid) => [{ iid, kind: "misspell" as const }, { iid, kind: "comment" as const }, { iid, kind: "comment" as const }]);
    const killed = replicas[0]!;
    for (const [n, change] of events.entries()) {
      applyChange(board, change, n);
      if (n === Math.floor(events.length / 2)) {
        await new Promise((r) => setTimeout(r, 150));
        await killed.kill("SIGKILL");
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(killed.child.signalCode).toBe("SIGKILL");
    await waitFor(() => issues.every((iid) => isRepaired(board, iid)), 30_000, "every issue to be repaired by the survivor");
    await board.fake.webhooksSettled();
    const inbox = openInbox({ dataDir: ".", redisUrl: redis!.url, logger: silentLogger() });
    try {
      await waitFor(async () => (await inbox.depth()) === 0, 20_000, "the shared inbox to drain");
      const done = new Set((await inbox.list({ state: "done", limit: 100_000 })).map((e) => e.dedupeKey));
      const lost = [...balancer.stats.ackedKeys].filter((k) => !done.has(`idem:${k}`));
      expect(lost).toEqual([]);
      expect((await inbox.stats()).dead).toBe(0);
    } finally {
      await inbox.close();
    }
    for (const iid of issues) expect(botPuts(iid)).toBe(1);
    board.fake.setLatency(0);
  });
});
