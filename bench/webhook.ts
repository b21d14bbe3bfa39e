/**
 * Webhook acknowledgement benchmark (loopback only, bounded in time).
 *
 *   npx tsx bench/webhook.ts [--seconds 5] [--connections 10,50] [--rounds 3]
 *
 * Runs four servers one after the other, each in a child process of its own: a bare node:http
 * server that reads the body and answers 202, the real webhook app with storage left out (the
 * HTTP edge alone), and the app with the durable SQLite inbox and its worker (reconciling with a
 * no-op) in both durability modes (process-crash: journaled, then imported into SQLite by the
 * store thread; power-loss: the 202 waits for an fsync'd SQLite commit). autocannon drives each
 * from this process: as fast as possible with each number of connections (throughput), then held
 * at 1,000 req/s over 10 connections (latency). The load generator shares the machine's CPUs with
 * the server, as the issue asks ("on the same machine"). Every request carries a fresh
 * Idempotency-Key so each one is stored, not deduplicated. The whole set runs `--rounds` times,
 * the targets taking turns, because one run's figures swing by a quarter on a shared 2-CPU
 * machine: the tables show each target's median, and each ratio is the median of the rounds'
 * own ratios (both servers measured minutes apart, not tens of minutes). `BENCH_CPU_PROF=<dir>` writes a CPU
 * profile of each inbox server (one per thread) there.
 *
 * Targets: app throughput >= half the bare server's; app p99 < 5 ms at 1,000 req/s.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import pino from "pino";
import { SqliteInbox } from "../src/queue/sqliteInbox.js";
import { createWebhookApp } from "../src/webhook/app.js";
import type { DeliveryOptions } from "../src/webhook/delivery.js";
import { createMetrics } from "../src/webhook/metrics.js";
import { numberArg, numberListArg } from "./support/args.js";

// autocannon ships no type declarations; these are the parts used here.
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const here = dirname(fileURLToPath(import.meta.url));
const SECRET = "bench-secret";
const FIXTURE = join(here, "..", "test", "fixtures", "gitlab", "fixtures", "webhook-issue-open-with-label-changes.json");

type Target = "bare" | "edge" | "inbox-power-loss" | "inbox-process-crash";

/**
 * Serves one target in this (child) process. Each target gets a process of its own, as in a real
 * deployment, so one server's inbox worker or backlog never runs on another's event loop.
 */
async function serveOne(target: Target): Promise<void> {
  const logger = pino({ level: "silent" });
  let inbox: SqliteInbox | undefined;
  let dataDir: string | undefined;
  let server;
  if (target === "bare") {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(202, { "Content-Type": "application/json" });
        res.end('{"status":"queued"}');
      });
    });
  } else {
    const metrics = createMetrics();
    let record: DeliveryOptions["inbox"] = { record: async () => "queued" };
    if (target !== "edge") {
      dataDir = mkdtempSync(join(tmpdir(), "mops-bench-"));
      inbox = new SqliteInbox({ dataDir, logger, durability: target === "inbox-power-loss" ? "power-loss" : "process-crash" });
      inbox.start(async () => {}, { concurrency: 4 });
      metrics.observeInbox(() => inbox!.stats());
      record = inbox;
    }
    server = createServer(createWebhookApp({ secrets: [SECRET], inbox: record, botUsername: "mops-bot", logger, metrics, readiness: async () => [] }));
  }
  server.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  process.stdout.write(`PORT ${(server.address() as { port: number }).port}\n`);
  process.on("SIGTERM", () => {
    server.close();
    void (async () => {
      let left = 0;
      if (inbox) {
        // Give the store thread and the worker a moment to catch up with what was acknowledged
        // last (the store thread imports at a lower priority while the load runs), then report
        // any backlog.
        await new Promise((r) => setTimeout(r, 1000));
        await inbox.stop({ timeoutMs: 1000 });
        const stats = await inbox.stats();
        left = stats.pending + stats.inFlight;
        await inbox.close();
      }
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      process.stdout.write(`STORED-LEFT ${left}\n`);
      process.exit(0);
    })();
  });
}

interface Child {
  port: number;
  stop: () => Promise<number | undefined>;
}

async function startChild(target: Target): Promise<Child> {
  const args = [...(process.env.BENCH_CPU_PROF && target.startsWith("inbox") ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF] : [])];
  const child = spawn(process.execPath, [...args, "--import", "tsx", fileURLToPath(import.meta.url), "--serve", target], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`the ${target} server process exited with ${code}`)));
  });
  return {
    port,
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      const left = /STORED-LEFT (\d+)/.exec(out);
      return left ? Number(left[1]) : undefined;
    },
  };
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

async function load(port: number, seconds: number, body: string, connections: number, overallRate?: number): Promise<Figures> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/webhooks/gitlab`,
    method: "POST",
    connections,
    duration: seconds,
    ...(overallRate ? { overallRate } : {}),
    idReplacement: true,
    headers: {
      "content-type": "application/json",
      "x-gitlab-token": SECRET,
      "x-gitlab-event": "Issue Hook",
      "idempotency-key": "[<id>]",
    },
    body,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The run with the median throughput (its latency figures come with it), totals summed. */
function medianFigures(runs: Figures[]): Figures {
  const byRps = [...runs].sort((a, b) => a.rps - b.rps);
  const mid = byRps[Math.floor((byRps.length - 1) / 2)]!;
  return { ...mid, non2xx: runs.reduce((n, f) => n + f.non2xx, 0), errors: runs.reduce((n, f) => n + f.errors, 0) };
}

function row(name: string, f: Figures): string {
  return `${name.padEnd(34)} ${f.rps.toFixed(0).padStart(8)} req/s   p50 ${f.p50.toFixed(2).padStart(6)} ms   p99 ${f.p99.toFixed(2).padStart(6)} ms   (${f.requests} requests, ${f.non2xx} non-2xx, ${f.errors} errors)`;
}

async function main(): Promise<void> {
  const seconds = numberArg("seconds", 5, 1, 60);
  const connectionCounts = numberListArg("connections", [10, 50], 200);
  const body = readFileSync(FIXTURE, "utf8");

  console.log(`webhook ack benchmark: loopback, ${seconds} s per run, ${Buffer.byteLength(body)} byte Issue Hook body, one server process per target`);
  const names: Record<Target, string> = {
    bare: "bare node:http (202)",
    edge: "webhook app, storage left out",
    "inbox-power-loss": "app + inbox (power-loss)",
    "inbox-process-crash": "app + inbox (process-crash)",
  };
  const targets = Object.keys(names) as Target[];
  const rounds = numberArg("rounds", 3, 1, 10);
  const maxRuns = new Map<string, Figures[]>(); // `${target} ${connections}` -> one per round
  const heldRuns = new Map<Target, Figures[]>();
  const backlog = new Map<Target, (number | undefined)[]>(); // events left unprocessed, per round
  const push = <K>(m: Map<K, Figures[]>, k: K, f: Figures) => m.set(k, [...(m.get(k) ?? []), f]);
  for (let round = 1; round <= rounds; round++) {
    for (const target of targets) {
      const child = await startChild(target);
      try {
        // A short warm-up so the JIT and SQLite caches are not part of the first figure.
        await load(child.port, 1, body, 10);
        for (const c of connectionCounts) push(maxRuns, `${target} ${c}`, await load(child.port, seconds, body, c));
        push(heldRuns, target, await load(child.port, seconds, body, 10, 1000));
      } finally {
        backlog.set(target, [...(backlog.get(target) ?? []), await child.stop()]);
      }
    }
    console.log(`round ${round} of ${rounds} done`);
  }
  const max = new Map([...maxRuns].map(([k, runs]) => [k, medianFigures(runs)]));
  const held = new Map([...heldRuns].map(([k, runs]) => [k, medianFigures(runs)]));

  for (const c of connectionCounts) {
    console.log(`\nmax throughput, ${c} connections (median of ${rounds} rounds)`);
    for (const target of targets) console.log(row(names[target], max.get(`${target} ${c}`)!));
  }
  console.log(`\nheld at 1,000 req/s (overallRate), 10 connections (median of ${rounds} rounds)`);
  for (const target of targets) console.log(row(names[target], held.get(target)!));

  console.log("");
  for (const target of ["inbox-process-crash", "inbox-power-loss"] as const) {
    const h = held.get(target)!;
    const ratios = connectionCounts.map((c) => {
      const app = maxRuns.get(`${target} ${c}`)!;
      const bare = maxRuns.get(`bare ${c}`)!;
      const each = app.map((f, i) => f.rps / bare[i]!.rps);
      const ratio = median(each);
      return `${(ratio * 100).toFixed(0)}% at ${c} connections (rounds: ${each.map((r) => `${(r * 100).toFixed(0)}%`).join(" ")}; ${ratio >= 0.5 ? "met" : "NOT met"})`;
    });
    console.log(
      `${names[target]}: app/bare throughput ${ratios.join(", ")}; ` +
        `p99 at 1,000 req/s ${h.p99.toFixed(2)} ms (target < 5 ms: ${h.p99 < 5 ? "met" : "NOT met"}); ` +
        `events still queued at stop: ${backlog.get(target)!.map((n) => n ?? "unknown").join(", ")}`,
    );
    const figures = [...connectionCounts.flatMap((c) => maxRuns.get(`${target} ${c}`)!), ...heldRuns.get(target)!];
    if (figures.some((f) => f.non2xx + f.errors > 0)) console.log(`warning: ${names[target]} answered non-2xx responses or errors; its figures are not valid`);
  }
}

const serveAt = process.argv.indexOf("--serve");
if (serveAt > 0) await serveOne(process.argv[serveAt + 1] as Target);
else await main();
