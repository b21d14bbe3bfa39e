/**
 * Triage benchmark: API requests and wall time of the five shipped triage sweeps (`sweep --only
 * triage`) on 10,000 issues against the fake GitLab with simulated latency, beside the lower
 * bound: the listing pages, the setup reads, the history that alone can decide a condition, the
 * writes the selected resources need, and the summary issue.
 * Run: `npx tsx bench/triage.ts [--latency 50] [--issues 10000]`.
 *
 * Note pacing is lifted here (the adapter paces notes at 60 a minute by default, GitLab.com's
 * limit): pacing is waiting, not requests, and would make the wall time the note count / 60
 * minutes whatever the code does.
 */
import { pino } from "pino";
import { createBusinessCalendar } from "../src/domain/calendar.js";
import { seedMilestones } from "../src/demo/seedBoard.js";
import { runSweep } from "../src/jobs/sweep.js";
import { loadPolicies } from "../src/policy/load.js";
import type { CompiledPolicy } from "../src/policy/model.js";
import { openRuntime } from "../src/runtime.js";
import { startFakeGitlab, type FakeGitlab } from "../test/support/fakeGitlab/index.js";
import { numberArg } from "./support/args.js";

const LATENCY = numberArg("latency", 50, 0, 5000);
const ISSUES = numberArg("issues", 10_000, 10, 100_000);
const MRS = 40;
const NOW = new Date("2026-11-18T15:00:00Z");
const DAY = 86_400_000;
const TOKEN = "bench-token";
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

interface Needed {
  /** PUTs (label changes) and note POSTs the selected resources need. */
  puts: number;
  notes: number;
  /** History reads no implementation can avoid (one per resource whose answer only history gives). */
  history: number;
  /** Issues in the summaries (untouched for 30 days; waiting for a priority). */
  summarized: number;
  /** Resources where a note is proposed again on a rerun, so the bot's notes must be read to see its marker. */
  markerReads: number;
}

/** 10 kinds of issue in turn; what each needs is counted as it is seeded. */
function seed(fake: FakeGitlab, policy: CompiledPolicy, n: number): Needed {
  const group = policy.scope.group;
  fake.addGroup(group);
  for (const p of policy.scope.projects) fake.addProject(p.path);
  for (const u of [...new Set(Object.values(policy.people).flat()), "requester"]) fake.addUser({ username: u });
  for (const d of policy.taxonomy.definitions) fake.addLabel({ group, name: d.name, color: d.color });
  const handbook = policy.scope.projects.find((p) => p.roles.includes("handbook"))!.path;
  for (const d of policy.taxonomy.definitions) fake.addLabel({ project: handbook, name: d.name, color: d.color });
  const { past } = seedMilestones(fake, group, NOW);
  const date = (d: Date) => d.toISOString().slice(0, 10);
  fake.addMilestone({ project: handbook, title: past, startDate: date(ago(16)), dueDate: date(ago(5)), state: "closed" });
  const mops = policy.scope.projects.find((p) => p.roles.includes("mops"))!.path;
  const need: Needed = { puts: 0, notes: 0, history: 0, summarized: 0, markerReads: 0 };
  for (let i = 0; i < n; i++) {
    const base = { title: `Request ${i}`, description: "As a marketer, I would like X, so that Y.", author: "requester" };
    const prio = "MktgOpsPriority:: 03-Low";
    switch (i % 10) {
      case 0: // no label at all: enters triage, gets a priority and a note
        fake.addIssue(mops, { ...base, createdAt: ago(1), updatedAt: ago(1) });
        need.puts++;
        need.notes++;
        break;
      case 1: { // in triage for 20 days (issue 60 days old): only label events tell; the DRI is pinged
        const v = fake.addIssue(mops, { ...base, createdAt: ago(60), updatedAt: ago(60) });
        fake.setIssueLabels(mops, v.iid, ["MktgOps::00: Triage", prio], { as: "requester", at: ago(20) });
        need.history++;
        need.notes++;
        need.markerReads++;
        break;
      }
      case 2: // in triage, but the issue is 2 days old: decided without history
        fake.addIssue(mops, { ...base, labels: ["MktgOps::00: Triage", prio], createdAt: ago(2), updatedAt: ago(2) });
        break;
      case 3: // untouched for 45 days: decided by updated_at alone, listed in the summary
        fake.addIssue(mops, { ...base, labels: ["MktgOps::03: Assigned", prio], assignees: ["mops.member1"], createdAt: ago(80), updatedAt: ago(45) });
        need.summarized++;
        break;
      case 4: { // old, a person changed a label 3 days ago: only history tells it was a person
        const v = fake.addIssue(mops, { ...base, labels: ["MktgOps::03: Assigned", prio], createdAt: ago(80), updatedAt: ago(80) });
        fake.setIssueLabels(mops, v.iid, ["MktgOps::04: In Progress", prio], { as: "mops.member2", at: ago(3) });
        need.history++;
        break;
      }
      case 5: // a stage but no priority: listed for the bi-weekly meeting, where a person sets one
        fake.addIssue(mops, { ...base, labels: ["MktgOps::02: Ready for Assignment"], createdAt: ago(3), updatedAt: ago(3) });
        need.summarized++;
        break;
      default: // healthy and recent
        fake.addIssue(mops, { ...base, labels: ["MktgOps::02: Ready for Assignment", prio], createdAt: ago(i % 7), updatedAt: ago(i % 7) });
    }
  }
  for (let i = 0; i < MRS; i++) {
    const draft = i % 2 === 0;
    fake.addMergeRequest(handbook, { title: `${draft ? "Draft: " : ""}Milestone MR ${i}`, milestone: past, author: "mops.member1", createdAt: ago(20), sourceBranch: `mr-${i}` });
    if (draft) {
      need.notes++;
      need.markerReads++;
    }
  }
  return need;
}

async function measure(policy: CompiledPolicy) {
  // No rate limit reported (a self-managed GitLab): GitLab.com's 2,000 requests a minute would cap
  // the wall time at requests / 2,000 minutes whatever the code does.
  const fake = await startFakeGitlab({ token: TOKEN, botUsername: policy.scope.botUsername, now: () => NOW, rateLimit: 1_000_000 });
  const need = seed(fake, policy, ISSUES);
  fake.setLatency(LATENCY);
  const logger = pino({ level: "silent" });
  const run = async () => {
    const runtime = await openRuntime({
      policiesDir: "policies",
      connection: { url: fake.url, token: TOKEN },
      dryRun: false,
      logger,
      clock: () => NOW,
      concurrency: 16,
      platform: { notesPerMinute: 1_000_000 },
    });
    fake.resetCounters();
    const t0 = performance.now();
    const report = await runSweep({ ...runtime, dryRun: false, only: ["triage"] }, { concurrency: 32 });
    return { ms: performance.now() - t0, requests: fake.requests.length, writes: fake.writes().length, errors: report.errors.length, byRoute: fake.countsByRoute() };
  };
  const first = await run();
  const second = await run();
  await fake.close();
  // Listings: the group's issues in pages of 100, one page for each listing endpoint that is empty
  // or small (issues and merge requests of the projects outside the group, the group's MRs).
  const outsideGroup = policy.scope.projects.filter((p) => !p.path.startsWith(`${policy.scope.group}/`)).length;
  const listing = Math.ceil(ISSUES / 100) + outsideGroup + (1 + outsideGroup);
  // Setup: one lookup per scope project, active and recently closed milestones.
  const setup = policy.scope.projects.length + 2;
  // Summaries: who the bot is, one search for each summary issue, and creating each (first run only).
  const summaries = (policy.triage ?? []).filter((r) => r.then.some((a) => a.kind === "summarize")).length;
  const lowerFirst = listing + setup + need.history + need.puts + need.notes + 1 + 2 * summaries;
  // A rerun still needs every history read that decides a condition, and the bot's notes where the
  // rule still selects the resource, to see the marker; and the summary searches.
  const lowerSecond = listing + setup + need.history + need.markerReads + 1 + summaries;
  return { first, second, lowerFirst, lowerSecond, need };
}

const policy = await loadPolicies("policies");
createBusinessCalendar(policy.calendar); // warm the holiday tables outside the timings
console.log(`triage benchmark: the ${policy.triage?.length ?? 0} shipped triage sweeps, ${ISSUES} issues + ${MRS} merge requests, fake GitLab with ${LATENCY} ms latency per request\n`);
const r = await measure(policy);
console.log(`selected: ${r.need.puts} label changes, ${r.need.notes} notes, ${r.need.summarized} issues in the summaries; ${r.need.history} resources only history can decide\n`);
console.log("run     requests  lower bound  ratio   writes  wall time");
const row = (label: string, m: typeof r.first, lower: number) =>
  console.log(
    `${label.padEnd(6)}  ${String(m.requests).padStart(8)}  ${String(lower).padStart(11)}  ${(m.requests / lower).toFixed(3).padStart(5)}x  ${String(m.writes).padStart(6)}  ${(m.ms / 1000).toFixed(2)} s${m.errors ? `  (${m.errors} errors)` : ""}`,
  );
row("first", r.first, r.lowerFirst);
row("second", r.second, r.lowerSecond);
if (process.argv.includes("--routes")) console.log("first:", r.first.byRoute, "\nsecond:", r.second.byRoute);
