/**
 * How long `mops-bot` takes to start: wall time, CPU time and peak memory of `node bin/mops-bot.js`
 * for `--help`, `run sweep --help` and `policies validate` (which loads the policies, no GitLab).
 * Each command runs RUNS times; the median is printed (the machine may be busy with other work).
 *
 * Run: npx tsx bench/startup.ts [checkout]   (default: this checkout; build dist/ first)
 * Pointing it at another checkout (e.g. an older commit extracted with `git archive`, with a
 * node_modules link) measures that one, for before/after figures.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const RUNS = Number(process.env.RUNS ?? 7);
const checkout = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));

const COMMANDS: readonly string[][] = [["--help"], ["run", "sweep", "--help"], ["policies", "validate", "--dir", "policies"]];

/** Written into the child: its CPU time and peak RSS, on file descriptor 3 as it exits. */
const REPORT_USAGE =
  'data:text/javascript,import{writeSync}from"node:fs";process.on("exit",()=>{const u=process.resourceUsage();writeSync(3,JSON.stringify({cpuMs:(u.userCPUTime+u.systemCPUTime)/1000,maxRssKb:u.maxRSS}))})';

interface Sample {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
}

function runOnce(args: readonly string[]): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--import", REPORT_USAGE, "bin/mops-bot.js", ...args], {
      cwd: checkout,
      stdio: ["ignore", "ignore", "pipe", "pipe"],
      env: { ...process.env, LOG_LEVEL: "silent" },
    });
    let usage = "";
    let stderr = "";
    child.stdio[3]!.on("data", (d: Buffer) => (usage += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`mops-bot ${args.join(" ")} exited with ${code}: ${stderr}`));
      const { cpuMs, maxRssKb } = JSON.parse(usage) as { cpuMs: number; maxRssKb: number };
      resolve({ wallMs, cpuMs, maxRssKb });
    });
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

console.log(`mops-bot start-up in ${checkout}, median of ${RUNS} runs`);
for (const args of COMMANDS) {
  await runOnce(args); // warm the file system cache (and tsx's cache, when it compiles)
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await runOnce(args));
  const wall = median(samples.map((s) => s.wallMs));
  const cpu = median(samples.map((s) => s.cpuMs));
  const rss = median(samples.map((s) => s.maxRssKb)) / 1024;
  console.log(`  ${`mops-bot ${args.join(" ")}`.padEnd(44)} wall ${wall.toFixed(0).padStart(5)} ms   cpu ${cpu.toFixed(0).padStart(5)} ms   peak RSS ${rss.toFixed(0).padStart(4)} MB`);
}
