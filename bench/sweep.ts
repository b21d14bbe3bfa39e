/**
 * Sweep benchmark: API requests and wall time of `sweep` on 1,000 and 10,000 issues against the
 * fake GitLab with simulated latency, beside the lower bound: the listing pages plus the writes
 * the plan needs (one update and one note per changed resource at most). Run: `npx tsx bench/sweep.ts [--latency 20] [--sizes 1000,10000]`.
 */
import { pino } from "pino";
import { createBusinessCalendar } from "../src/domain/calendar.js";
import { runSweep } from "../src/jobs/sweep.js";
import { loadPolicies } from "../src/policy/load.js";
import type { CompiledPolicy } from "../src/policy/model.js";
import { openRuntime } from "../src/runtime.js";
import { seedMilestones } from "../src/demo/seedBoard.js";
import { startFakeGitlab, type FakeGitlab } from "../test/support/fakeGitlab/index.js";
import { numberArg, numberListArg } from "./support/args.js";

const LATENCY = numberArg("latency", 20, 0, 5000);
const SIZES = numberListArg("sizes", [1000, 10000], 100_000);
const NOTES_PER_MINUTE = numberArg("notes-per-minute", 1_000_000, 1, 1e9);
const NOW = new Date("2026-11-18T15:00:00Z");
const TOKEN = "bench-token";

/** The planted problems, for reading the figures (the lower bound is taken from the run's own plan). */
interface Expected {
  puts: number;
  notes: number;
}

/** Seeds N issues: most healthy, some with each kind of planted problem. Returns the writes they need. */
function seed(fake: FakeGitlab, policy: CompiledPolicy, n: number): Expected {
  const group = policy.scope.group;
  fake.addGroup(group);
  for (const p of policy.scope.projects) fake.addProject(p.path);
  for (const u of ["alice", "bob", "requester"]) fake.addUser({ username: u });
  for (const d of policy.taxonomy.definitions) fake.addLabel({ group, name: d.name, color: d.color });
  for (const a of policy.taxonomy.aliases.keys()) fake.addLabel({ group, name: a });
  const { current, next } = seedMilestones(fake, group, NOW);
  const mops = policy.scope.projects.find((p) => p.roles.includes("mops"))!.path;
  const expected: Expected = { puts: 0, notes: 0 };
  for (let i = 0; i < n; i++) {
    const kind = i % 20;
    const base = { title: `Request ${i}`, description: "As a marketer, I would like X, so that Y.", author: "requester", createdAt: new Date(NOW.getTime() - (n - i) * 60_000) };
    if (kind === 0) {
      // no stage -> add 00: Triage (label only)
      fake.addIssue(mops, { ...base, labels: ["Marketo"] });
      expected.puts++;
    } else if (kind === 1) {
      // alias -> replace + note
      fake.addIssue(mops, { ...base, labels: ["MktgOps::0 - To Be Triaged"] });
      expected.puts++;
      expected.notes++;
    } else if (kind === 2) {
      // 04 without assignee/milestone -> attention label + note
      fake.addIssue(mops, { ...base, labels: ["MktgOps::04: In Progress"] });
      expected.puts++;
      expected.notes++;
    } else if (kind === 3) {
      // list import in triage -> remove + note
      fake.addIssue(mops, { ...base, labels: ["MktgOps - List Import", "MktgOps::00: Triage"] });
      expected.puts++;
      expected.notes++;
    } else {
      const healthy = [
        { labels: ["MktgOps::00: Triage"] },
        { labels: ["MktgOps::03: Assigned"], assignees: ["alice"], milestone: next },
        { labels: ["MktgOps::04: In Progress"], assignees: ["bob"], milestone: current },
        { labels: ["MktgOps::06: Ready to Deploy"], milestone: current },
      ][kind % 4]!;
      fake.addIssue(mops, { ...base, ...healthy });
    }
  }
  return expected;
}

async function measure(n: number, policy: CompiledPolicy, only: string[] | undefined) {
  const fake = await startFakeGitlab({ token: TOKEN, botUsername: policy.scope.botUsername, now: () => NOW });
  const expected = seed(fake, policy, n);
  fake.setLatency(LATENCY);
  const logger = pino({ level: process.env.LOG_LEVEL ?? "silent" });
  const run = async (only: string[] | undefined) => {
    const runtime = await openRuntime({
      policiesDir: "policies",
      connection: { url: fake.url, token: TOKEN },
      dryRun: false,
      logger,
      clock: () => NOW,
      concurrency: 16,
      // Self-managed GitLab has no note rate limit by default; GitLab.com's 60/min would dominate the wall time.
      platform: { notesPerMinute: NOTES_PER_MINUTE },
    });
    fake.resetCounters();
    const t0 = performance.now();
    const report = await runSweep({ ...runtime, dryRun: false, only }, { concurrency: 32 });
    // Writes the changes need at the least: one update per resource whose labels or fields change,
    // one note per resource that gets a message.
    const needed = report.resources.reduce(
      (n, r) => n + (r.actions.some((a) => a.type !== "comment" && a.type !== "create_issue" && a.type !== "update_issue" && a.type !== "post_slack") ? 1 : 0) + (r.actions.some((a) => a.type === "comment") ? 1 : 0) + r.actions.filter((a) => a.type === "create_issue" || a.type === "update_issue").length,
      0,
    );
    return { ms: performance.now() - t0, requests: fake.requests.length, writes: fake.writes().length, needed, errors: report.errors.length, byRoute: fake.countsByRoute() };
  };
  const first = await run(only);
  const second = await run(only);
  await fake.close();
  const pages = Math.ceil(n / 100);
  // Reads no sweep can avoid: the group's issue pages, one page per other listing (issues of each
  // project outside the group, merge requests of the group and of those projects), the team's
  // milestones (active and recently closed), the bot's user, one lookup per scope project.
  const outsideGroup = policy.scope.projects.filter((p) => !p.path.startsWith(`${policy.scope.group}/`)).length;
  const fixed = outsideGroup + (1 + outsideGroup) + 2 + 1 + policy.scope.projects.length;
  const lowerFirst = pages + fixed + first.needed;
  const lowerSecond = pages + fixed + second.needed;
  return { n, first, second, lowerFirst, lowerSecond, expected };
}

const policy = await loadPolicies("policies");
createBusinessCalendar(policy.calendar); // warm the holiday tables outside the timings
console.log(`sweep benchmark: fake GitLab with ${LATENCY} ms latency per request, note pacing ${NOTES_PER_MINUTE}/min\n`);
const RULE_SETS: [string, string[] | undefined][] = [
  ["stage workflow, label hygiene, scoped exclusivity", ["scoped-exclusivity", "label-hygiene", "workflow"]],
  ["every rule of the shipped policies", undefined],
];
for (const [name, only] of RULE_SETS) {
console.log(`\n${name}:`);
console.log("issues  run     requests  lower bound  ratio   writes  wall time");
for (const n of SIZES) {
  const r = await measure(n, policy, only);
  const row = (label: string, m: typeof r.first, lower: number) =>
    console.log(
      `${String(n).padStart(6)}  ${label.padEnd(6)}  ${String(m.requests).padStart(8)}  ${String(lower).padStart(11)}  ${(m.requests / lower).toFixed(3).padStart(5)}x  ${String(m.writes).padStart(6)}  ${(m.ms / 1000).toFixed(2)} s${m.errors ? `  (${m.errors} errors)` : ""}`,
    );
  row("first", r.first, r.lowerFirst);
  row("second", r.second, r.lowerSecond);
  if (process.argv.includes("--routes")) console.log(r.first.byRoute, r.second.byRoute);
}
}
