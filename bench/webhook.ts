/**
 * Webhook acknowledgement benchmark (loopback only, bounded in time).
 *
 *   npx tsx bench/webhook.ts [--seconds 5]
 *
 * Runs, in a child process, the real webhook app (token check, JSON validation, durable SQLite
 * inbox and its worker reconciling with a no-op) beside a bare node:http server that reads the
 * body and answers 202. The app runs three ways: with the default inbox (fsync per commit), with
 * the process-crash-durable inbox (no fsync), and with storage left out (the HTTP edge alone). autocannon drives both from this process, twice:
 * as fast as possible (throughput), then held at 1,000 req/s (latency). Every request carries a
 * fresh Idempotency-Key so each one is stored, not deduplicated.
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
import { createMetrics } from "../src/webhook/metrics.js";

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
const FIXTURE = join(here, "..", "..", "shared", "gitlab", "fixtures", "webhook-issue-open-with-label-changes.json");

async function serveBoth(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "mops-bench-"));
  const logger = pino({ level: "silent" });
  const inbox = new SqliteInbox({ dataDir, logger });
  inbox.start(async () => {}, { concurrency: 4 });
  // The same with durability against process crashes only (no fsync per commit).
  const fastDir = mkdtempSync(join(tmpdir(), "mops-bench-"));
  const fastInbox = new SqliteInbox({ dataDir: fastDir, logger, durability: "process-crash" });
  fastInbox.start(async () => {}, { concurrency: 4 });
  const fastApp = createWebhookApp({ secrets: [SECRET], inbox: fastInbox, botUsername: "mops-bot", logger, metrics: createMetrics(), readiness: async () => [] });
  const fastServer = createServer(fastApp).listen(0, "127.0.0.1");
  const metrics = createMetrics();
  metrics.observeInbox(() => inbox.stats());
  const app = createWebhookApp({ secrets: [SECRET], inbox, botUsername: "mops-bot", logger, metrics, readiness: async () => [] });
  const appServer = createServer(app).listen(0, "127.0.0.1");
  // The same app with storage taken out, to show what the HTTP edge alone costs.
  const edgeOnly = createWebhookApp({
    secrets: [SECRET],
    inbox: { record: async () => "queued" },
    botUsername: "mops-bot",
    logger,
    metrics: createMetrics(),
    readiness: async () => [],
  });
  const edgeServer = createServer(edgeOnly).listen(0, "127.0.0.1");
  const bare = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(202, { "Content-Type": "application/json" });
      res.end('{"status":"queued"}');
    });
  }).listen(0, "127.0.0.1");
  await Promise.all([appServer, edgeServer, fastServer, bare].map((s) => new Promise((r) => s.once("listening", r))));
  const port = (s: typeof bare) => (s.address() as { port: number }).port;
  process.stdout.write(`PORTS ${port(appServer)} ${port(bare)} ${port(edgeServer)} ${port(fastServer)}\n`);
  process.on("SIGTERM", () => {
    appServer.close();
    edgeServer.close();
    fastServer.close();
    bare.close();
    void inbox.stop({ timeoutMs: 1000 }).then(async () => {
      const stats = await inbox.stats();
      await inbox.close();
      await fastInbox.stop({ timeoutMs: 1000 });
      await fastInbox.close();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(fastDir, { recursive: true, force: true });
      process.stdout.write(`STORED-LEFT ${stats.pending + stats.inFlight}\n`);
      process.exit(0);
    });
  });
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

async function load(port: number, seconds: number, body: string, overallRate?: number): Promise<Figures> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/webhooks/gitlab`,
    method: "POST",
    connections: 10,
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

function row(name: string, f: Figures): string {
  return `${name.padEnd(34)} ${f.rps.toFixed(0).padStart(8)} req/s   p50 ${f.p50.toFixed(2).padStart(6)} ms   p99 ${f.p99.toFixed(2).padStart(6)} ms   (${f.requests} requests, ${f.non2xx} non-2xx, ${f.errors} errors)`;
}

async function main(): Promise<void> {
  const secondsArg = process.argv.indexOf("--seconds");
  const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 5;
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 60) throw new Error("--seconds must be between 1 and 60");
  const body = readFileSync(FIXTURE, "utf8");

  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--serve"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  const [appPort, barePort, edgePort, fastPort] = await new Promise<[number, number, number, number]>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /PORTS (\d+) (\d+) (\d+) (\d+)/.exec(out);
      if (m) resolve([Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])]);
    });
    child.once("exit", (code) => reject(new Error(`server process exited with ${code}`)));
  });

  try {
    console.log(`webhook ack benchmark: loopback, 10 connections, ${seconds} s per run, ${Buffer.byteLength(body)} byte Issue Hook body`);
    // A short warm-up so the JIT and SQLite caches are not part of the first figure.
    await load(appPort, 1, body);
    await load(barePort, 1, body);
    const bareMax = await load(barePort, seconds, body);
    const edgeMax = await load(edgePort, seconds, body);
    const appMax = await load(appPort, seconds, body);
    const fastMax = await load(fastPort, seconds, body);
    const bareHeld = await load(barePort, seconds, body, 1000);
    const edgeHeld = await load(edgePort, seconds, body, 1000);
    const appHeld = await load(appPort, seconds, body, 1000);
    const fastHeld = await load(fastPort, seconds, body, 1000);

    console.log("\nmax throughput");
    console.log(row("bare node:http (202)", bareMax));
    console.log(row("webhook app, storage left out", edgeMax));
    console.log(row("app + inbox (power-loss, FULL)", appMax));
    console.log(row("app + inbox (process-crash, NORMAL)", fastMax));
    console.log("\nheld at 1,000 req/s (overallRate)");
    console.log(row("bare node:http (202)", bareHeld));
    console.log(row("webhook app, storage left out", edgeHeld));
    console.log(row("app + inbox (power-loss, FULL)", appHeld));
    console.log(row("app + inbox (process-crash, NORMAL)", fastHeld));

    console.log("");
    for (const [name, max, held] of [
      ["power-loss (FULL, default)", appMax, appHeld],
      ["process-crash (NORMAL)", fastMax, fastHeld],
    ] as const) {
      const ratio = max.rps / bareMax.rps;
      console.log(
        `${name}: app/bare throughput ${(ratio * 100).toFixed(0)}% (target >= 50%: ${ratio >= 0.5 ? "met" : "NOT met"}); ` +
          `p99 at 1,000 req/s ${held.p99.toFixed(2)} ms (target < 5 ms: ${held.p99 < 5 ? "met" : "NOT met"})`,
      );
      if (max.non2xx + held.non2xx > 0) console.log(`warning: ${name} answered non-2xx responses; its figures are not valid`);
    }
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    const left = /STORED-LEFT (\d+)/.exec(out);
    if (left) console.log(`events still queued at stop (worker backlog): ${left[1]}`);
  }
}

if (process.argv.includes("--serve")) await serveBoth();
else await main();
