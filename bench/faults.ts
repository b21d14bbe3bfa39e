/**
 * Fault benchmark (loopback only, bounded in time and count). Two parts, each run twice on the
 * same seeded fake GitLab and the same scripted changes, once without faults and once with them;
 * the end states (labels and bot notes of every issue) must be equal.
 *
 * 1. Webhooks: two `serve` replicas sharing one Redis behind a load balancer. With faults, the
 *    fake GitLab answers 429 (with Retry-After) and 502 at a set rate, Redis is killed (kill -9)
 *    and restarted a third of the way in, and a replica is killed with kill -9 two thirds of the
 *    way in (and started again, as an orchestrator would). No acknowledged event may be lost.
 * 2. Sweep: `sweep` over many issues (5% of them misspelled) under a rate limit the fake enforces;
 *    with faults, 5% of requests answer 502 and a 429 storm hits in the middle.
 *
 *   npx tsx bench/faults.ts [--changes 300] [--rate 30] [--pool 60] [--fault-rate 0.05]
 *                           [--sweep-issues 10000] [--rate-limit 12000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { runSweep } from "../src/jobs/sweep.js";
import { loadPolicies } from "../src/policy/load.js";
import type { CompiledPolicy } from "../src/policy/model.js";
import { openInbox } from "../src/queue/openInbox.js";
import type { Inbox } from "../src/queue/types.js";
import { openRuntime } from "../src/runtime.js";
import { startRedisServer } from "../test/integration/queue/redisServer.js";
import { BENCH_NOW, BENCH_TOKEN, WEBHOOK_SECRET, applyChange, differences, endState, scriptChanges, serveEnv, startBoard, type Board, type Change } from "./support/board.js";
import { numberArg } from "./support/args.js";
import { anchoredClock, clockAnchor } from "./support/clock.js";
import { startBalancer, startReplica, type Replica } from "./support/cluster.js";

const CHANGES = numberArg("changes", 300, 10, 5000);
const RATE = numberArg("rate", 30, 1, 500);
const POOL = numberArg("pool", 60, 10, 1000);
const FAULT_RATE = numberArg("fault-rate", 0.05, 0, 0.5);
const SWEEP_ISSUES = numberArg("sweep-issues", 10_000, 0, 20_000);
const RATE_LIMIT = numberArg("rate-limit", 12_000, 100, 100_000);
const DRAIN_TIMEOUT_MS = 180_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the fake GitLab answered, by status. */
function answers(board: Board): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of board.fake.requests) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

async function waitDrained(inbox: Inbox, board: Board): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    await board.fake.webhooksSettled();
    const depth = await inbox.depth().catch(() => 1);
    if (depth === 0) return;
    if (Date.now() > deadline) throw new Error(`the inbox did not drain within ${DRAIN_TIMEOUT_MS / 1000} s (${depth} events left)`);
    await sleep(50);
  }
}

interface ServeRun {
  state: string[];
  lines: string[];
  lost: number;
}

async function serveRun(policy: CompiledPolicy, changes: Change[], withFaults: boolean): Promise<ServeRun> {
  const anchor = clockAnchor(BENCH_NOW);
  const board = await startBoard(policy, { size: POOL, clock: anchoredClock(anchor) });
  board.fake.setLatency(5);
  const redis = await startRedisServer();
  const dataDir = mkdtempSync(join(tmpdir(), "mops-faults-"));
  const balancer = await startBalancer();
  const env = serveEnv(board, anchor, { MOPS_REDIS_LEASE_SECONDS: "3", REDIS_URL: redis.url });
  const start = (name: string) => startReplica(name, { ...env, MOPS_DATA_DIR: join(dataDir, name) });
  let replicas: Replica[] = await Promise.all([start("a"), start("b")]);
  const inbox = openInbox({ dataDir, redisUrl: redis.url, logger: pino({ level: "silent" }) });
  const reconcilesOfKilled: number[] = [];
  const started = performance.now();
  try {
    balancer.setTargets(replicas.map((r) => r.url));
    board.fake.setWebhook(`${balancer.url}/webhooks/gitlab`, WEBHOOK_SECRET);
    if (withFaults) board.fake.faults = { rate429: FAULT_RATE, rate502: FAULT_RATE, retryAfterSeconds: 1 };
    const incidents: Promise<void>[] = [];
    for (let n = 0; n < changes.length; n++) {
      if (withFaults && n === Math.floor(changes.length / 3)) {
        incidents.push(redis.crashAndRestart({ downMs: 1000 }));
      }
      if (withFaults && n === Math.floor((2 * changes.length) / 3)) {
        const victim = replicas[0]!;
        reconcilesOfKilled.push(await victim.reconciles().catch(() => 0));
        await victim.kill("SIGKILL");
        replicas = replicas.slice(1);
        balancer.setTargets(replicas.map((r) => r.url));
        incidents.push(
          (async () => {
            await sleep(2000);
            const again = await start("a-restarted");
            replicas = [again, ...replicas];
            balancer.setTargets(replicas.map((r) => r.url));
          })(),
        );
      }
      applyChange(board, changes[n]!, n);
      await sleep(1000 / RATE);
    }
    await Promise.all(incidents);
    await waitDrained(inbox, board);
    const drainedMs = performance.now() - started;
    const done = new Set((await inbox.list({ state: "done", limit: 10_000_000 })).map((e) => e.dedupeKey));
    const lost = [...balancer.stats.ackedKeys].filter((k) => !done.has(`idem:${k}`));
    const stats = await inbox.stats();
    const reconciles = (await Promise.all(replicas.map((r) => r.reconciles()))).reduce((a, b) => a + b, 0) + reconcilesOfKilled.reduce((a, b) => a + b, 0);
    const fake = answers(board);
    const lines = [
      `acknowledged ${balancer.stats.ackedKeys.size} deliveries (${balancer.stats.duplicate} of them as duplicates after a retry), not acknowledged ${balancer.stats.failed}`,
      `processed ${balancer.stats.ackedKeys.size - lost.length}, lost ${lost.length}, dead letters ${stats.dead}`,
      `load balancer: ${balancer.stats.retriedAttempts} delivery attempts refused or dropped and sent to the other replica`,
      `fake GitLab answered ${board.fake.requests.length} requests: ${fake["429"] ?? 0} x 429, ${fake["502"] ?? 0} x 502 (each one a retry for the bot)`,
      `reconciles ${reconciles}${withFaults ? " (the killed replica's counted up to its kill)" : ""}; all done ${(drainedMs / 1000).toFixed(1)} s after the first change`,
    ];
    return { state: endState(board, policy.scope.botUsername), lines, lost: lost.length + stats.dead };
  } finally {
    await inbox.close();
    await Promise.all(replicas.map((r) => r.kill("SIGTERM")));
    await balancer.close();
    await board.fake.close();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface SweepRun {
  state: string[];
  lines: string[];
}

async function sweepRun(policy: CompiledPolicy, withFaults: boolean): Promise<SweepRun> {
  const anchor = clockAnchor(BENCH_NOW);
  const clock = anchoredClock(anchor);
  const board = await startBoard(policy, { size: SWEEP_ISSUES, clock, rateLimit: { perMinute: RATE_LIMIT, enforce: true } });
  // 5% of the issues carry the misspelled priority.
  board.pool.forEach((iid, i) => {
    if (i % 20 === 0) applyChange(board, { iid, kind: "misspell" }, i);
  });
  board.fake.resetCounters();
  const runtime = await openRuntime({
    policiesDir: "policies",
    connection: { url: board.fake.url, token: BENCH_TOKEN },
    dryRun: false,
    clock,
    logger: pino({ level: "silent" }),
    concurrency: 16,
  });
  // Requests per minute of the clock the fake's rate limit counts by (fixed windows, as GitLab's).
  const perMinute = new Map<number, number>();
  let seen = 0;
  const count = () => {
    const minute = Math.floor(clock().getTime() / 60_000);
    perMinute.set(minute, (perMinute.get(minute) ?? 0) + board.fake.requests.length - seen);
    seen = board.fake.requests.length;
  };
  const sampler = setInterval(count, 100);
  const storm: NodeJS.Timeout[] = [];
  if (withFaults) {
    board.fake.faults = { rate502: 0.05 };
    storm.push(setTimeout(() => (board.fake.faults = { rate502: 0.05, rate429: 0.5, retryAfterSeconds: 2 }), 1500));
    storm.push(setTimeout(() => (board.fake.faults = { rate502: 0.05 }), 4500));
  }
  try {
    const report = await runSweep({ ...runtime, dryRun: false }, { concurrency: 32 });
    count();
    const busiestMinute = Math.max(...perMinute.values());
    const fake = answers(board);
    const api = report.apiRequests;
    const lines = [
      `${report.read.issues} issues read, ${report.resources.length} changed, ${report.errors.length} errors, ${(report.durationMs / 1000).toFixed(1)} s`,
      `requests ${api.total}, retries ${api.retries}, waited for rate limits ${(((api as { pausedMs?: number }).pausedMs ?? 0) / 1000).toFixed(1)} s`,
      `fake GitLab answered ${fake["429"] ?? 0} x 429, ${fake["502"] ?? 0} x 502; busiest minute: ${busiestMinute} requests, 502s of the proxy included (limit ${RATE_LIMIT}, enforced)`,
    ];
    return { state: endState(board, policy.scope.botUsername), lines };
  } finally {
    clearInterval(sampler);
    for (const t of storm) clearTimeout(t);
    await board.fake.close();
  }
}

function verdict(name: string, a: string[], b: string[]): boolean {
  const diff = differences(a, b);
  console.log(`  end state: ${diff.length === 0 ? `equal to the fault-free run (${a.length} issues compared)` : `DIFFERS on ${diff.length} issues`}`);
  for (const d of diff.slice(0, 5)) console.log(d);
  if (diff.length > 0) console.log(`  (${name})`);
  return diff.length === 0;
}

const policy = await loadPolicies("policies");
let ok = true;

const probe = await startBoard(policy, { size: POOL, clock: () => BENCH_NOW });
const changes = scriptChanges(probe.pool, CHANGES, { priorityChanges: false });
await probe.fake.close();
console.log(`fault benchmark, loopback only\n\n1. webhooks: ${CHANGES} changes at ${RATE}/s on ${POOL} issues, two replicas on one Redis`);
const clean = await serveRun(policy, changes, false);
console.log("fault-free run");
for (const l of clean.lines) console.log(`  ${l}`);
const faulty = await serveRun(policy, changes, true);
console.log(`with ${FAULT_RATE * 100}% 429 (Retry-After 1 s) and ${FAULT_RATE * 100}% 502, Redis kill -9 + restart at 1/3, replica kill -9 at 2/3`);
for (const l of faulty.lines) console.log(`  ${l}`);
ok = verdict("webhooks", clean.state, faulty.state) && ok;
ok = clean.lost === 0 && faulty.lost === 0 && ok;

if (SWEEP_ISSUES > 0) {
  console.log(`\n2. sweep of ${SWEEP_ISSUES} issues (5% misspelled), rate limit ${RATE_LIMIT} requests a minute enforced by the fake`);
  const cleanSweep = await sweepRun(policy, false);
  console.log("fault-free run");
  for (const l of cleanSweep.lines) console.log(`  ${l}`);
  const faultySweep = await sweepRun(policy, true);
  console.log("with 5% 502 and a 3 s storm of 50% 429 (Retry-After 2 s)");
  for (const l of faultySweep.lines) console.log(`  ${l}`);
  ok = verdict("sweep", cleanSweep.state, faultySweep.state) && ok;
}
console.log(`\n${ok ? "PASS" : "FAIL"}: ${ok ? "every end state equals its fault-free run and no acknowledged event was lost" : "see above"}`);
if (!ok) process.exitCode = 1;
