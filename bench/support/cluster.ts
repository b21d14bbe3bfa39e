// Replicas of `mops-bot serve` in child processes behind a small round-robin load balancer, all
// on loopback, for the replicas end-to-end test and the load and fault benchmarks.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const REPLICA_ENTRY = join(dirname(fileURLToPath(import.meta.url)), "replica.ts");

export interface Replica {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  /** Resolves once the process has ended. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Reconciles run so far (every outcome), from its /metrics. */
  reconciles(): Promise<number>;
}

export async function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, ["--import", "tsx", REPLICA_ENTRY], {
    env: { ...process.env, LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    void ended.then(({ code, signal }) => reject(new Error(`replica ${name} exited before listening (code ${code}, signal ${signal})`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const metric = async (name: string): Promise<{ labels: string; value: number }[]> => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const rows: { labels: string; value: number }[] = [];
    for (const line of text.split("\n")) {
      const m = new RegExp(`^${name}(\\{[^}]*\\})? ([0-9.e+-]+)$`).exec(line);
      if (m) rows.push({ labels: m[1] ?? "", value: Number(m[2]) });
    }
    return rows;
  };
  return {
    name,
    port,
    url,
    child,
    exited: () => ended,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await ended;
    },
    reconciles: async () => (await metric("mops_bot_reconcile_duration_seconds_count")).reduce((sum, r) => sum + r.value, 0),
  };
}

export interface BalancerStats {
  /** Deliveries answered 202 "queued" (stored) or "duplicate" (stored before). */
  queued: number;
  duplicate: number;
  /** Answered but not stored (the bot's own events and the like). */
  ignored: number;
  /** Deliveries no replica could store within GitLab's 10 s (answered 502 to the sender). */
  failed: number;
  /** Attempts on a replica that failed (connection refused or reset, 503) and went to the next. */
  retriedAttempts: number;
  /** Milliseconds from the delivery to its 202, for every acknowledged delivery. */
  ackMs: number[];
  /** Idempotency-Key of every acknowledged delivery. */
  ackedKeys: Set<string>;
}

export interface Balancer {
  url: string;
  stats: BalancerStats;
  /** Replicas to send to, in turn. */
  setTargets(urls: string[]): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * Round-robin load balancer in front of the replicas. A delivery whose replica refuses the
 * connection, drops it or answers 503 goes to the next replica (as a load balancer configured to
 * retry does; safe because the Idempotency-Key makes a repeat a duplicate), until GitLab's 10 s
 * delivery timeout.
 */
export async function startBalancer(): Promise<Balancer> {
  let targets: string[] = [];
  let turn = 0;
  const stats: BalancerStats = { queued: 0, duplicate: 0, ignored: 0, failed: 0, retriedAttempts: 0, ackMs: [], ackedKeys: new Set() };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const started = performance.now();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === "string" && !["host", "connection", "content-length", "transfer-encoding"].includes(k)) headers[k] = v;
    }
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const target = targets[turn++ % Math.max(1, targets.length)];
      if (!target) break;
      try {
        const answer = await fetch(`${target}${req.url ?? "/"}`, { method: req.method, headers, body, signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
        const text = await answer.text();
        if (answer.status === 503) throw new Error("503");
        const ms = performance.now() - started;
        if (answer.status === 202) {
          const status = (JSON.parse(text) as { status?: string }).status;
          if (status === "queued" || status === "duplicate") {
            stats[status]++;
            stats.ackMs.push(ms);
            const key = headers["idempotency-key"];
            if (key) stats.ackedKeys.add(key);
          } else stats.ignored++;
        } else stats.ignored++;
        res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
        res.end(text);
        return;
      } catch {
        stats.retriedAttempts++;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    stats.failed++;
    res.writeHead(502, { "content-type": "text/plain" });
    res.end("no replica could take this delivery");
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    setTargets(urls) {
      targets = [...urls];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
