/**
 * Load benchmark (loopback only, bounded in time and count): people change issues on the fake
 * GitLab at N changes a second for T seconds; its webhooks reach `mops-bot serve` through a
 * round-robin load balancer. Two set-ups, one after the other, on the same scripted changes:
 * two replicas sharing a Redis inbox, and one replica with the embedded SQLite inbox.
 *
 *   npx tsx bench/load.ts [--rate 50] [--seconds 10] [--pool 200] [--latency 5]
 *
 * Figures per set-up: deliveries acknowledged and events processed (must be equal), p50/p99 of
 * the acknowledgement as the load balancer sees it, p50/p99 from a person's change to the bot's
 * repair of it (event-to-change), and the coalescing ratio (events per reconcile).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { loadPolicies } from "../src/policy/load.js";
import { openInbox } from "../src/queue/openInbox.js";
import type { Inbox } from "../src/queue/types.js";
import { startRedisServer, type RedisServer } from "../test/integration/queue/redisServer.js";
import { BENCH_NOW, WEBHOOK_SECRET, applyChange, scriptChanges, serveEnv, startBoard, type Board, type Change } from "./support/board.js";
import { numberArg } from "./support/args.js";
import { anchoredClock, clockAnchor } from "./support/clock.js";
import { percentile, startBalancer, startReplica, type Balancer, type Replica } from "./support/cluster.js";

const RATE = numberArg("rate", 50, 1, 1000);
const SECONDS = numberArg("seconds", 10, 1, 60);
const POOL = numberArg("pool", 200, 10, 2000);
const LATENCY = numberArg("latency", 5, 0, 200);
const DRAIN_TIMEOUT_MS = 120_000;

/** From each person's misspelling to the bot's PUT that repairs it, read off the fake's request log. */
class ChangeLatency {
  private readonly waiting = new Map<number, number[]>();
  private cursor = 0;
  readonly samples: number[] = [];
  constructor(
    private readonly board: Board,
    private readonly bot: string,
  ) {}

  changed(change: Change, at: number): void {
    if (change.kind === "misspell") this.waiting.set(change.iid, [...(this.waiting.get(change.iid) ?? []), at]);
    // A person setting a valid priority repairs the misspelling themselves: nothing for the bot to do.
    if (change.kind === "priority") this.waiting.delete(change.iid);
  }

  poll(): void {
    const requests = this.board.fake.requests;
    while (this.cursor < requests.length && requests[this.cursor]!.status !== 0) {
      const r = requests[this.cursor++]!;
      if (r.user !== this.bot || r.route !== "PUT /projects/:id/issues/:iid" || r.status !== 200) continue;
      const iid = Number(/\/issues\/(\d+)/.exec(r.path)?.[1]);
      const now = performance.now();
      for (const at of this.waiting.get(iid) ?? []) this.samples.push(now - at);
      this.waiting.delete(iid);
    }
  }
}

interface Figures {
  setup: string;
  webhooks: number;
  ignored: number;
  acked: number;
  processed: number;
  failed: number;
  reconciles: number;
  ackP50: number;
  ackP99: number;
  changeP50: number;
  changeP99: number;
  drainMs: number;
}

async function runSetup(setup: "redis" | "sqlite", changes: Change[]): Promise<Figures> {
  const policy = await loadPolicies("policies");
  const anchor = clockAnchor(BENCH_NOW);
  const board = await startBoard(policy, { size: POOL, clock: anchoredClock(anchor) });
  board.fake.setLatency(LATENCY);
  const dataDir = mkdtempSync(join(tmpdir(), "mops-load-"));
  let redis: RedisServer | undefined;
  let balancer: Balancer | undefined;
  let replicas: Replica[] = [];
  let inbox: Inbox | undefined;
  try {
    if (setup === "redis") redis = await startRedisServer();
    const env = serveEnv(board, anchor, { MOPS_WORKER_CONCURRENCY: "8", ...(redis ? { REDIS_URL: redis.url } : {}) });
    const names = setup === "redis" ? ["a", "b"] : ["single"];
    replicas = await Promise.all(names.map((name) => startReplica(name, { ...env, MOPS_DATA_DIR: join(dataDir, name) })));
    balancer = await startBalancer();
    balancer.setTargets(replicas.map((r) => r.url));
    board.fake.setWebhook(`${balancer.url}/webhooks/gitlab`, WEBHOOK_SECRET);
    // The benchmark reads the inbox the replicas write (Redis, or the single replica's SQLite file).
    inbox = openInbox({ dataDir: join(dataDir, "single"), redisUrl: redis?.url, logger: pino({ level: "silent" }) });

    const latency = new ChangeLatency(board, policy.scope.botUsername);
    const poller = setInterval(() => latency.poll(), 5);
    const started = performance.now();
    let sent = 0;
    // Paced in 10 ms steps: at each step, as many changes as are due by now.
    while (sent < changes.length) {
      const due = Math.min(changes.length, Math.floor(((performance.now() - started) / 1000) * RATE));
      for (; sent < due; sent++) {
        applyChange(board, changes[sent]!, sent);
        latency.changed(changes[sent]!, performance.now());
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const sentAt = performance.now();
    await board.fake.webhooksSettled();
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    while ((await inbox.depth()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await board.fake.webhooksSettled();
    const drainMs = performance.now() - sentAt;
    latency.poll();
    clearInterval(poller);

    const done = new Set((await inbox.list({ state: "done", limit: 10_000_000 })).map((e) => e.dedupeKey));
    const processed = [...balancer.stats.ackedKeys].filter((k) => done.has(`idem:${k}`)).length;
    const reconciles = (await Promise.all(replicas.map((r) => r.reconciles()))).reduce((a, b) => a + b, 0);
    return {
      setup: setup === "redis" ? "2 replicas, Redis inbox" : "1 replica, SQLite inbox",
      webhooks: board.fake.webhookDeliveries.length,
      ignored: balancer.stats.ignored,
      acked: balancer.stats.ackedKeys.size,
      processed,
      failed: balancer.stats.failed,
      reconciles,
      ackP50: percentile(balancer.stats.ackMs, 50),
      ackP99: percentile(balancer.stats.ackMs, 99),
      changeP50: percentile(latency.samples, 50),
      changeP99: percentile(latency.samples, 99),
      drainMs,
    };
  } finally {
    await inbox?.close();
    await Promise.all(replicas.map((r) => r.kill("SIGTERM")));
    await balancer?.close();
    await board.fake.close();
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const probe = await startBoard(await loadPolicies("policies"), { size: POOL, clock: () => BENCH_NOW });
const changes = scriptChanges(probe.pool, Math.round(RATE * SECONDS));
await probe.fake.close();

console.log(
  `load benchmark: ${RATE} changes/s for ${SECONDS} s (${changes.length} changes on ${POOL} issues, half of them on the hottest 10%), ` +
    `fake GitLab latency ${LATENCY} ms, loopback only\n`,
);
const results: Figures[] = [];
for (const setup of ["redis", "sqlite"] as const) results.push(await runSetup(setup, changes));

const ms = (v: number) => (Number.isNaN(v) ? "-" : `${v.toFixed(1)} ms`);
for (const f of results) {
  console.log(f.setup);
  console.log(`  webhooks sent ${f.webhooks} (a change that changes nothing sends none; ${f.ignored} were the bot's own, answered and not queued)`);
  console.log(`  acknowledged ${f.acked}, processed ${f.processed} ${f.acked === f.processed ? "(equal)" : "(NOT EQUAL)"}, deliveries failed ${f.failed}`);
  console.log(`  ack p50 ${ms(f.ackP50)}, p99 ${ms(f.ackP99)}`);
  console.log(`  event-to-change p50 ${ms(f.changeP50)}, p99 ${ms(f.changeP99)}`);
  console.log(`  reconciles ${f.reconciles}, coalescing ${(f.processed / Math.max(1, f.reconciles)).toFixed(2)} events per reconcile`);
  console.log(`  backlog drained ${ms(f.drainMs)} after the last change`);
}
if (results.some((f) => f.acked !== f.processed)) process.exitCode = 1;
