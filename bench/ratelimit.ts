/**
 * Rate-limit benchmark: a dry `sweep` of a large board against the fake GitLab enforcing a
 * per-minute request limit as GitLab's throttle does (429 with Retry-After, RateLimit-* headers on
 * every answer). Prints the requests the fake answered, how many it answered 429, the resources
 * the sweep dropped (errors) and the wall time.
 *
 * Time runs `--scale` times faster than real time for both sides (the fake's one-minute windows
 * and the bot's pauses), so 300 requests a minute is the same ratio of budget to work as on
 * GitLab while a run takes minutes, not hours; the simulated duration is printed beside the real one.
 *
 *   npx tsx bench/ratelimit.ts [--issues 5000] [--limit 300] [--scale 20] [--latency 5] [--age-hours 1000] [--concurrency 8] [--rate-502 0]
 */
import { pino } from "pino";
import { runSweep } from "../src/jobs/sweep.js";
import { loadPolicies } from "../src/policy/load.js";
import { openRuntime } from "../src/runtime.js";
import { acceleratedTime } from "../test/support/acceleratedTime.js";
import { BENCH_NOW, BENCH_TOKEN, startBoard } from "./support/board.js";
import { numberArg } from "./support/args.js";

const ISSUES = numberArg("issues", 5000, 10, 20_000);
const LIMIT = numberArg("limit", 300, 10, 100_000);
const SCALE = numberArg("scale", 20, 1, 600);
const LATENCY = numberArg("latency", 5, 0, 1000);
const AGE_HOURS = numberArg("age-hours", 1000, 1, 24 * 365);
const CONCURRENCY = numberArg("concurrency", 8, 1, 64);
const RATE_502 = numberArg("rate-502", 0, 0, 0.5);

const policy = await loadPolicies("policies");
const time = acceleratedTime(BENCH_NOW, SCALE);
const board = await startBoard(policy, {
  size: ISSUES,
  clock: time.clock,
  rateLimit: { perMinute: LIMIT, enforce: true },
  createdHoursAgo: AGE_HOURS,
});
board.fake.setLatency(LATENCY);
// A share of 502s from the proxy, as GitLab.com has now and then: those do use up retries.
if (RATE_502 > 0) board.fake.faults = { rate502: RATE_502 };
const runtime = await openRuntime({
  policiesDir: "policies",
  connection: { url: board.fake.url, token: BENCH_TOKEN },
  dryRun: true,
  clock: time.clock,
  logger: pino({ level: process.env.LOG_LEVEL ?? "silent" }),
  concurrency: CONCURRENCY,
  platform: { sleep: time.sleep, pacingClock: time.clock },
});
board.fake.resetCounters();

console.log(
  `rate-limit benchmark: dry sweep of ${ISSUES} issues (created ${AGE_HOURS} h ago), fake GitLab enforcing ${LIMIT} requests a minute, ${LATENCY} ms latency, ${CONCURRENCY} requests in flight, ${RATE_502 * 100}% answered 502, time ${SCALE}x faster than real\n`,
);
const simStart = time.clock().getTime();
const realStart = performance.now();
const report = await runSweep({ ...runtime, dryRun: true });
const realMs = performance.now() - realStart;
const simMs = time.clock().getTime() - simStart;
if (process.argv.includes("--routes")) console.log(board.fake.countsByRoute());
await board.fake.close();

const requests = board.fake.requests.length;
const refused = board.fake.requests.filter((r) => r.status === 429).length;
const badGateway = board.fake.requests.filter((r) => r.status === 502).length;
const minimum = Math.ceil(requests / LIMIT);
console.log(`requests            ${requests}`);
console.log(`answered 429        ${refused} (${((100 * refused) / requests).toFixed(2)}%)`);
if (RATE_502 > 0) console.log(`answered 502        ${badGateway}`);
console.log(`issues read         ${report.read.issues}`);
console.log(`dropped resources   ${report.errors.length}${report.errors.length ? ` (e.g. ${report.errors[0]!.ref}: ${report.errors[0]!.message})` : ""}`);
console.log(`exit code           ${report.errors.length > 0 ? 1 : 0}`);
console.log(`wall time           ${(realMs / 1000).toFixed(1)} s real = ${(simMs / 60_000).toFixed(1)} min simulated (the limit alone needs at least ${minimum} min)`);
console.log(`bot's own count     ${report.apiRequests.total} requests, ${report.apiRequests.retries} retries, paused ${(((report.apiRequests as { pausedMs?: number }).pausedMs ?? 0) / 60_000).toFixed(1)} min simulated`);
