/**
 * Memory of a dry sweep: `mops-bot sweep --dry-run` with the shipped policies, as production runs
 * it (`node bin/mops-bot.js`, the compiled dist/: build it first; with the Node.js options the
 * Docker image and the CI jobs set, and the history cache on, cold), in a process of its own
 * against the fake GitLab in this one, on a realistic board of 10,000 issues
 * (bench/support/realisticBoard.ts). Nothing is written (dry run).
 *
 * Prints the bot's peak RSS, the heap it still used after full GCs (what it holds, as opposed to
 * garbage not collected yet), both by phase (start-up, sweep, finish), its requests by route and
 * wall time. bench/support/memorySampler.mjs, loaded into the bot's process, takes the figures.
 *
 * Run: `npm run build && npx tsx bench/memory.ts [--size 10000] [--latency 20] [--cache on|off] [--checkout <dir>]`
 * (`--checkout`: the bot of another checkout, built and with a node_modules link, for before/after;
 * BOT_NODE_OPTIONS: Node.js options for the bot's process instead of the Dockerfile's, e.g. "" for none).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { loadPolicies } from "../src/policy/load.js";
import { startFakeGitlab } from "../test/support/fakeGitlab/index.js";
import { numberArg, stringArg } from "./support/args.js";
import { seedRealisticBoard } from "./support/realisticBoard.js";

const SIZE = numberArg("size", 10_000, 10, 50_000);
const LATENCY = numberArg("latency", 20, 0, 5000);
const CACHE = stringArg("cache", "on");
if (CACHE !== "on" && CACHE !== "off") throw new Error("--cache must be on or off");
const TOKEN = "bench-token";
const POLICIES = "policies";
const here = path.dirname(fileURLToPath(import.meta.url));
// Another checkout's bot (built, with a node_modules link) against the same board: before/after figures.
const CHECKOUT = path.resolve(stringArg("checkout", "."));
const SAMPLER = path.join(here, "support", "memorySampler.mjs");
// The bot reads the wall clock, so the board is seeded against it too.
const now = new Date();

/** The Node.js options production starts the bot with: the Docker image's NODE_OPTIONS (the CI jobs set the same). */
function productionNodeOptions(): string {
  const env = /^ENV\s[\s\S]*?\bNODE_OPTIONS="([^"]*)"/m.exec(readFileSync(path.join(CHECKOUT, "Dockerfile"), "utf8"));
  return env?.[1] ?? "";
}
const NODE_OPTIONS = process.env.BOT_NODE_OPTIONS ?? productionNodeOptions();

type Line =
  | { type: "sample"; rssMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number }
  | { type: "fullGc"; heapUsedMb: number }
  | { type: "exit"; cpuMs: number; maxRssMb: number };
/** A line from the sampler, with how many history reads the fake GitLab had answered when it came. */
type Seen = Line & { historyReads: number };

const HISTORY_ROUTE = /\/(resource_label_events|resource_state_events|notes)$/;

if (!existsSync(path.join(CHECKOUT, "dist/cli.js"))) throw new Error("dist/cli.js is missing: run `npm run build` first, so the bot runs as it is shipped.");
const policy = await loadPolicies(POLICIES);
const fake = await startFakeGitlab({ token: TOKEN, botUsername: policy.scope.botUsername, now: () => now, rateLimit: { perMinute: 1_000_000 } });
const board = seedRealisticBoard(fake, policy, now, SIZE);
fake.setLatency(LATENCY);
const dataDir = mkdtempSync(path.join(tmpdir(), "mops-bench-memory-"));
const historyReads = () => fake.requests.filter((r) => HISTORY_ROUTE.test(r.route)).length;

const started = performance.now();
const { seen, stderr } = await new Promise<{ seen: Seen[]; stderr: string }>((resolve, reject) => {
  const child = spawn(process.execPath, ["--import", SAMPLER, "bin/mops-bot.js", "sweep", "--dry-run", "--dir", POLICIES], {
    cwd: CHECKOUT,
    stdio: ["ignore", "ignore", "pipe", "pipe"],
    env: { ...process.env, GITLAB_URL: fake.url, GITLAB_TOKEN: TOKEN, LOG_LEVEL: "silent", MOPS_DATA_DIR: dataDir, MOPS_CACHE: CACHE, NODE_OPTIONS },
  });
  const lines: Seen[] = [];
  let pending = "";
  let stderr = "";
  child.stdio[3]!.on("data", (d: Buffer) => {
    pending += d.toString();
    const complete = pending.split("\n");
    pending = complete.pop()!;
    const reads = historyReads();
    for (const l of complete) lines.push({ ...(JSON.parse(l) as Line), historyReads: reads });
  });
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  child.on("error", reject);
  child.on("close", (code) => (code === 0 ? resolve({ seen: lines, stderr }) : reject(new Error(`mops-bot sweep exited with ${code}: ${stderr}`))));
});
const ms = performance.now() - started;
const exit = seen.find((l) => l.type === "exit");
if (exit?.type !== "exit") throw new Error("the bot's process reported no figures on exit");

// Phases, from the fake GitLab's side: start-up until the first history read, the sweep until the
// last one (listing, history and rules interleave: the listing streams through the reconcile), then
// the finish (summaries, adoption reports, the report).
const totalReads = historyReads();
const phaseOf = (l: Seen) => (l.historyReads === 0 ? "start-up" : l.historyReads < totalReads ? "sweep" : "finish");
const phases = ["start-up", "sweep", "finish"].map((name): [string, Record<string, string | number>] => {
  const lines = seen.filter((l) => phaseOf(l) === name);
  const samples = lines.filter((l) => l.type === "sample");
  const gcs = lines.filter((l) => l.type === "fullGc");
  const max = (values: number[]) => (values.length === 0 ? "-" : Math.max(...values).toFixed(0));
  return [name, {
    "peak RSS MB": max(samples.map((s) => s.rssMb)),
    "peak heap used MB": max(samples.map((s) => s.heapUsedMb)),
    "peak heap committed MB": max(samples.map((s) => s.heapTotalMb)),
    "largest heap after full GC MB": max(gcs.map((g) => g.heapUsedMb)),
    "full GCs": gcs.length,
  }];
});
const ranTsx = /through tsx/.test(stderr);
const lastGc = seen.filter((l) => l.type === "fullGc").at(-1);

console.log(`memory of a dry sweep: ${SIZE} issues (${board.open.length} open), ${LATENCY} ms latency, shipped policies, history cache ${CACHE === "on" ? "on (cold)" : "off"}`);
console.log(`bot process: \`node bin/mops-bot.js sweep --dry-run\` running ${ranTsx ? "src/ through tsx (dist/ is stale: not what production runs)" : "dist/ (compiled, as production runs it)"}, NODE_OPTIONS="${NODE_OPTIONS}"\n`);
console.log(
  `bot process peak RSS: ${exit.maxRssMb.toFixed(0)} MB; heap used after the last full GC: ${lastGc ? `${lastGc.heapUsedMb.toFixed(0)} MB` : "no full GC"}; ` +
    `CPU ${(exit.cpuMs / 1000).toFixed(1)} s; wall time ${(ms / 1000).toFixed(1)} s; requests ${fake.requests.length}`,
);
console.table(Object.fromEntries(phases));
console.log(fake.countsByRoute());
await fake.close();
rmSync(dataDir, { recursive: true, force: true });
