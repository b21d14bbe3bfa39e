/**
 * Memory of a dry sweep: `mops-bot sweep --dry-run` with the shipped policies, as users run it
 * (`node bin/mops-bot.js`, the compiled dist/: build it first), in a process of its own against the
 * fake GitLab in this one, on a realistic board of 10,000 issues (bench/support/realisticBoard.ts).
 * Prints the bot's peak RSS, its requests by route and wall time. Nothing is written (dry run).
 * Run: `npm run build && npx tsx bench/memory.ts [--size 10000] [--latency 20] [--checkout <dir>]`
 * (`--checkout`: the bot of another checkout, built and with a node_modules link, for before/after;
 * BOT_NODE_OPTIONS: Node.js options for the bot's process only, e.g. a heap limit).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { loadPolicies } from "../src/policy/load.js";
import { startFakeGitlab } from "../test/support/fakeGitlab/index.js";
import { numberArg, stringArg } from "./support/args.js";
import { seedRealisticBoard } from "./support/realisticBoard.js";

const SIZE = numberArg("size", 10_000, 10, 50_000);
const LATENCY = numberArg("latency", 20, 0, 5000);
const TOKEN = "bench-token";
const POLICIES = "policies";
// Another checkout's bot (built, with a node_modules link) against the same board: before/after figures.
const CHECKOUT = path.resolve(stringArg("checkout", "."));
// The bot reads the wall clock, so the board is seeded against it too.
const now = new Date();

/** Written into the bot's process: its CPU time and peak RSS, on file descriptor 3 as it exits. */
const REPORT_USAGE =
  'data:text/javascript,import{writeSync}from"node:fs";process.on("exit",()=>{const u=process.resourceUsage();writeSync(3,JSON.stringify({cpuMs:(u.userCPUTime+u.systemCPUTime)/1000,maxRssKb:u.maxRSS}))})';

if (!existsSync(path.join(CHECKOUT, "dist/cli.js"))) throw new Error("dist/cli.js is missing: run `npm run build` first, so the bot runs as it is shipped.");
const policy = await loadPolicies(POLICIES);
const fake = await startFakeGitlab({ token: TOKEN, botUsername: policy.scope.botUsername, now: () => now, rateLimit: { perMinute: 1_000_000 } });
const board = seedRealisticBoard(fake, policy, now, SIZE);
fake.setLatency(LATENCY);
const dataDir = mkdtempSync(path.join(tmpdir(), "mops-bench-memory-"));

const started = performance.now();
const usage = await new Promise<{ cpuMs: number; maxRssKb: number }>((resolve, reject) => {
  const child = spawn(process.execPath, ["--import", REPORT_USAGE, "bin/mops-bot.js", "sweep", "--dry-run", "--dir", POLICIES], {
    cwd: CHECKOUT,
    stdio: ["ignore", "ignore", "pipe", "pipe"],
    env: { ...process.env, GITLAB_URL: fake.url, GITLAB_TOKEN: TOKEN, LOG_LEVEL: "silent", MOPS_DATA_DIR: dataDir, MOPS_CACHE: "off", NODE_OPTIONS: process.env.BOT_NODE_OPTIONS ?? "" },
  });
  let out = "";
  let stderr = "";
  child.stdio[3]!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  child.on("error", reject);
  child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out) as { cpuMs: number; maxRssKb: number }) : reject(new Error(`mops-bot sweep exited with ${code}: ${stderr}`))));
});
const ms = performance.now() - started;
const byRoute = fake.countsByRoute();

console.log(`memory of a dry sweep: ${SIZE} issues (${board.open.length} open), ${LATENCY} ms latency, shipped policies, \`mops-bot sweep --dry-run\` in its own process\n`);
console.log(`bot process peak RSS: ${(usage.maxRssKb / 1024).toFixed(0)} MB; CPU ${(usage.cpuMs / 1000).toFixed(1)} s; wall time ${(ms / 1000).toFixed(1)} s; requests ${fake.requests.length}`);
console.log(byRoute);
await fake.close();
rmSync(dataDir, { recursive: true, force: true });
