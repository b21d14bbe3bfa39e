/**
 * Replay benchmark: `plan --replay 30d` on a board shaped like a real MOps tracker in the fake
 * GitLab: wall time, GitLab requests (all reads), and what the shipped policies would have done
 * over the window (notes, mentions, the most-mentioned person's worst day).
 * Run: `npx tsx bench/replay.ts [--issues 900] [--days 30] [--max 1000] [--latency 0]`.
 */
import { pino } from "pino";
import { computeReplay, type ReplayReport } from "../src/plan/replay/compute.js";
import { loadPolicies } from "../src/policy/load.js";
import { startFakeGitlab } from "../test/support/fakeGitlab/index.js";
import { numberArg } from "./support/args.js";
import { seedRealisticBoard } from "./support/realisticBoard.js";

const ISSUES = numberArg("issues", 900, 10, 20_000);
const DAYS = numberArg("days", 30, 1, 366);
const MAX = numberArg("max", 1000, 1, 100_000);
const LATENCY = numberArg("latency", 0, 0, 5000);
const NOW = new Date("2026-11-18T15:00:00Z");
const TOKEN = "bench-token";
const POLICIES = "policies";

const policy = await loadPolicies(POLICIES);
const fake = await startFakeGitlab({ token: TOKEN, botUsername: policy.scope.botUsername, now: () => NOW, latencyMs: LATENCY });
try {
  seedRealisticBoard(fake, policy, NOW, ISSUES);
  fake.resetCounters();
  const started = performance.now();
  const report = (await computeReplay({
    dir: POLICIES,
    days: DAYS,
    maxResources: MAX,
    connection: () => ({ url: fake.url, token: TOKEN }),
    now: NOW,
    logger: pino({ level: "silent" }),
  })) as ReplayReport;
  const seconds = (performance.now() - started) / 1000;
  const { tally } = report.after;
  console.log(`replay ${DAYS}d of ${ISSUES} issues (latency ${LATENCY} ms): ${seconds.toFixed(1)} s, ${report.apiRequests} GitLab requests, writes ${fake.writes().length}`);
  console.log(`  replayed ${report.after.resources} of ${report.source.relevant} open during the window${report.source.sampled ? " (sampled)" : ""}; ${report.after.sweeps} sweeps, ${report.after.events} changes by people`);
  console.log(`  notes ${tally.totals.notes}, mentions ${tally.totals.mentions}, label changes ${tally.totals.labelChanges}, Slack posts ${tally.totals.slackPosts}`);
  console.log(`  busiest day ${tally.busiestDay?.date ?? "-"} (${tally.busiestDay?.notes ?? 0} notes); most mentioned ${tally.mostMentioned?.username ?? "-"}: ${tally.mostMentioned?.mentions ?? 0}, at most ${tally.mostMentioned?.maxOnOneDay ?? 0} in one day`);
  console.log(`  errors ${report.after.errors.length}`);
} finally {
  await fake.close();
}
