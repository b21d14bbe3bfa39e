/**
 * Memory of a dry sweep: the shipped policies on a realistic board of 10,000 issues (bench/support/
 * realisticBoard.ts), the fake GitLab in a child process so the figure is the bot's alone. Prints
 * the bot process's peak RSS (and its heap after the sweep), requests by route and wall time.
 * Run: `npx tsx bench/memory.ts [--size 10000] [--latency 20]` (`node --expose-gc --import tsx
 * bench/memory.ts` to see the heap the run still holds after a full collection).
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { runSweep } from "../src/jobs/sweep.js";
import { openRuntime } from "../src/runtime.js";
import { numberArg } from "./support/args.js";

const SIZE = numberArg("size", 10_000, 10, 50_000);
const LATENCY = numberArg("latency", 20, 0, 5000);
const TOKEN = "bench-token";
const NOW = new Date("2026-11-18T15:00:00Z");
const POLICIES = "policies";

const child = spawn(process.execPath, ["--import", "tsx", join(dirname(fileURLToPath(import.meta.url)), "support", "fakeBoardProcess.ts")], {
  env: { ...process.env, BOARD_SIZE: String(SIZE), BOARD_LATENCY: String(LATENCY), BOARD_NOW: NOW.toISOString(), BOARD_TOKEN: TOKEN, BOARD_POLICIES: POLICIES },
  stdio: ["pipe", "pipe", "inherit"],
});
let out = "";
const line = (prefix: string) =>
  new Promise<string>((resolve, reject) => {
    const look = () => {
      const m = new RegExp(`^${prefix} (.*)$`, "m").exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      look();
    });
    child.once("exit", (code) => reject(new Error(`the fake GitLab's process ended (code ${code}) before printing ${prefix}`)));
    look();
  });
const ready = JSON.parse(await line("READY")) as { url: string; open: number };

const rssBefore = process.memoryUsage().rss;
const runtime = await openRuntime({ policiesDir: POLICIES, connection: { url: ready.url, token: TOKEN }, dryRun: true, logger: pino({ level: "silent" }), clock: () => NOW, concurrency: 16 });
const t0 = performance.now();
const report = await runSweep({ ...runtime, dryRun: true }, { concurrency: 32 });
const ms = performance.now() - t0;
const peakMb = process.resourceUsage().maxRSS / 1024;
// With --expose-gc the heap figure is what the run still holds, garbage collected.
(globalThis as { gc?: () => void }).gc?.();
const heapMb = process.memoryUsage().heapUsed / 1_048_576;
const reportMb = JSON.stringify(report).length / 1_048_576;
child.stdin.end();
const byRoute = JSON.parse(await line("REQUESTS")) as Record<string, number>;
const requests = Object.values(byRoute).reduce((a, b) => a + b, 0);

console.log(`memory of a dry sweep: ${SIZE} issues (${ready.open} open), ${LATENCY} ms latency, shipped policies, fake GitLab in its own process\n`);
console.log(`bot process peak RSS: ${peakMb.toFixed(0)} MB (${(rssBefore / 1_048_576).toFixed(0)} MB before the sweep; heap in use after it: ${heapMb.toFixed(0)} MB)`);
console.log(`resources in the report: ${report.resources.length} (${reportMb.toFixed(1)} MB as JSON); errors: ${report.errors.length}; wall time ${(ms / 1000).toFixed(1)} s; requests ${requests}`);
console.log(byRoute);
