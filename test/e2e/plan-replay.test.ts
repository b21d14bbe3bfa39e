/**
 * `mops-bot plan --replay` end to end: a small board in the fake GitLab whose history happened on
 * known days, the GitLab adapter over HTTP, and per-day counts worked out by hand from the
 * policies (triage rules only, so each count has one cause). The replay reads and never writes.
 *
 * Calendar: America/New_York, Monday to Friday 09:00-17:00; the sweep runs at 02:00 New York
 * (07:00 UTC). Window: 8 days up to Friday 2026-11-20 15:00 UTC, so the sweeps replayed are
 * Fri 11-13, Mon 11-16, Tue 11-17, Wed 11-18, Thu 11-19 and Fri 11-20 at 07:00 UTC.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitLabPlatform } from "../../src/gitlab/index.js";
import { fetchMilestoneEvents } from "../../src/gitlab/milestoneEvents.js";
import { runReplayDemo } from "../../src/demo/replay.js";
import { runPlanCommand } from "../../src/plan/commands.js";
import { computeReplay, type ReplayReport } from "../../src/plan/replay/compute.js";
import { loadPolicies } from "../../src/policy/load.js";
import { type FakeGitlab, startFakeGitlab } from "../support/fakeGitlab/index.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";
import { loadConfig } from "../../src/config.js";

const silent = pino({ level: "silent" });
const TOKEN = "replay-token";
const NOW = new Date("2026-11-20T15:00:00Z");
const MOPS = "gitlab-com/marketing/marketing-operations";
const TRIAGE = "MktgOps::00: Triage";
const fastRetries = { retry: { attempts: 3, baseMs: 1, maxMs: 2 }, sleep: async () => {} };

let fake: FakeGitlab;
let tmp: string;
let policies: string;

/** The fixture policies with only two triage rules: unlabelled issues enter triage; a week in triage pings the triage DRI. */
async function triageOnlyPolicies(dir: string): Promise<void> {
  await cp(TEST_POLICIES_DIR, dir, { recursive: true });
  for (const f of ["workflows", "sla.yml", "intake.yml", "digest.yml", "tools.yml", "milestones.yml", "triage/milestone-mr-expired.yml", "triage/missing-priority.yml", "triage/untouched-summary.yml"]) {
    await rm(path.join(dir, f), { recursive: true, force: true });
  }
}

const at = (iso: string) => new Date(iso);

/** An issue a person opened, with the labels they set right after. */
function issue(title: string, opened: string, labels: string[] = []): number {
  const { iid } = fake.addIssue(MOPS, { title, author: "requester", createdAt: at(opened) });
  if (labels.length > 0) fake.setIssueLabels(MOPS, iid, labels, { as: "requester", at: new Date(at(opened).getTime() + 60_000) });
  return iid;
}

async function seedKnownHistory(): Promise<void> {
  const policy = await loadPolicies(policies);
  fake.addGroup(policy.scope.group);
  for (const p of policy.scope.projects) fake.addProject(p.path);
  for (const username of new Set(["requester", ...Object.values(policy.people).flat()])) fake.addUser({ username });
  for (const def of policy.taxonomy.definitions) fake.addLabel({ group: policy.scope.group, name: def.name });

  // A and C: in triage since early November, so the first sweep (Fri 11-13) pings the DRI once each.
  issue("A: waiting in triage", "2026-11-02T14:00:00Z", [TRIAGE]);
  const c = issue("C: waiting in triage, then moved on", "2026-11-03T14:00:00Z", [TRIAGE]);
  fake.setIssueLabels(MOPS, c, ["MktgOps::02: Ready for Assignment"], { as: "mops.member1", at: at("2026-11-17T15:00:00Z") });
  // E: in triage too, closed by a person on 11-14; GitLab lists it closed today, the replay sees it open on 11-13.
  const e = issue("E: in triage, closed on Saturday", "2026-11-02T15:00:00Z", [TRIAGE]);
  fake.updateIssue(MOPS, e, { stateEvent: "close" }, { as: "requester", at: at("2026-11-14T16:00:00Z") });
  // B: opened without a label on Mon 11-16: the webhook path puts it in triage then (one label change),
  // and its week in triage has not passed by 11-20.
  issue("B: opened without a label in the window", "2026-11-16T14:00:00Z");
  // F: opened without a label before the window; the live bot labelled it on 11-12 at 18:00, inside the
  // window. The replay
  // sets the live bot's own change aside and labels it at the 11-13 sweep (one label change); its week
  // in triage ends 11-20 at 09:00 New York, after the last sweep.
  const f = issue("F: unlabelled, labelled by the live bot", "2026-11-10T14:00:00Z");
  fake.setIssueLabels(MOPS, f, [TRIAGE], { at: at("2026-11-12T18:00:00Z") });
}

beforeEach(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "replay-e2e-"));
  policies = path.join(tmp, "policies");
  await triageOnlyPolicies(policies);
  fake = await startFakeGitlab({ token: TOKEN, botUsername: "mops-bot", now: () => NOW });
  await seedKnownHistory();
  fake.resetCounters();
});
afterEach(async () => {
  await fake.close();
  await rm(tmp, { recursive: true, force: true });
});

const connection = () => ({ url: fake.url, token: TOKEN });
const replay = async (options: { base?: string; maxResources?: number } = {}) =>
  (await computeReplay({ dir: policies, days: 8, maxResources: options.maxResources ?? 100, connection, now: NOW, logger: silent, platform: fastRetries, ...options })) as ReplayReport;

const counts = (r: ReplayReport["after"]) =>
  Object.fromEntries(r.tally.days.filter((d) => d.notes + d.mentions + d.labelChanges + d.slackPosts > 0).map((d) => [d.date, [d.notes, d.mentions, d.labelChanges, d.slackPosts]]));

describe("mops-bot plan --replay on the demo board", () => {
  it("prints one row per day of the window, the totals and what it cannot rebuild", async () => {
    const out: string[] = [];
    const code = await runReplayDemo({ days: "30d", out: (t) => out.push(t), now: NOW, dir: TEST_POLICIES_DIR });
    expect(code).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("### mops-bot plan --replay 30d: what the bot would have done");
    const rows = text.split("\n").filter((l) => /^\| \d{4}-\d{2}-\d{2} /.test(l));
    // 2026-10-21 15:00 to 2026-11-20 15:00 UTC: 31 local dates in New York.
    expect(rows).toHaveLength(31);
    // The window opens after that morning's sweep.
    expect(rows[0]).toMatch(/^\| 2026-10-21 Wed \(no sweep\) \|/);
    expect(rows.at(-1)).toMatch(/^\| 2026-11-20 Fri \|/);
    expect(text).toMatch(/\| \*\*Total\*\* \| \*\*[1-9]\d*\*\* \|/);
    expect(text).toContain("What the replay cannot rebuild");
  });
});

describe("mops-bot plan --replay on a board with a known history", () => {
  it("counts per day what the bot would have done, each message once, and writes nothing", async () => {
    const report = await replay();
    expect(report.status).toBe("ok");
    expect(report.after.errors).toEqual([]);
    expect(report.after.resources).toBe(5);
    expect(report.after.sweeps).toBe(6);
    // [notes, mentions, label changes, Slack posts]: 11-13 is in New York's 11-13 (07:00 UTC = 02:00).
    expect(counts(report.after)).toEqual({
      "2026-11-13": [3, 3, 1, 0], // pings on A, C and E; F enters triage
      "2026-11-16": [0, 0, 1, 0], // B enters triage when it is opened
    });
    expect(report.after.tally.mentionsByPerson).toEqual({ "mops.member1": { "2026-11-13": 3 } });
    expect(report.after.tally.labelChangesByRule).toEqual({ "triage:unlabelled-triage": 2 });
    expect(report.after.tally.busiestDay).toEqual({ date: "2026-11-13", notes: 3 });
    expect(report.after.tally.mostMentioned).toEqual({ username: "mops.member1", mentions: 3, maxOnOneDay: 3 });
    expect(fake.writes()).toEqual([]);
  });

  it("reads milestone events from GitLab's resource_milestone_events, set and removed", async () => {
    const policy = await loadPolicies(policies);
    const milestone = fake.addMilestone({ group: policy.scope.group, title: "MktgOps 2026-11-16", startDate: "2026-11-16", dueDate: "2026-11-27" });
    const iid = issue("G: planned, then unplanned", "2026-11-13T14:00:00Z");
    fake.updateIssue(MOPS, iid, { milestoneId: milestone.id }, { as: "requester", at: at("2026-11-16T15:00:00Z") });
    fake.updateIssue(MOPS, iid, { milestoneId: null }, { as: "requester", at: at("2026-11-17T15:00:00Z") });
    const platform = createGitLabPlatform({ url: fake.url, token: TOKEN, policy, dryRun: true, clock: () => NOW, today: () => "2026-11-20", ...fastRetries });
    const events = await fetchMilestoneEvents(platform.requester.api, { projectPath: MOPS, kind: "issue", iid }, "2026-11-20");
    expect(events.map((e) => [e.action, e.milestone?.title ?? null, e.user?.username, e.createdAt.toISOString()])).toEqual([
      ["add", "MktgOps 2026-11-16", "requester", "2026-11-16T15:00:00.000Z"],
      ["remove", "MktgOps 2026-11-16", "requester", "2026-11-17T15:00:00.000Z"],
    ]);
  });

  it("says what to give when the arguments cannot work, before reading GitLab", async () => {
    const io = { out: () => {}, err: () => {} };
    const deps = { config: loadConfig({ GITLAB_URL: fake.url, GITLAB_TOKEN: TOKEN }), now: NOW, logger: silent };
    await expect(runPlanCommand({ dir: policies }, io, deps)).rejects.toThrow(/needs --base .*--replay 30d/);
    await expect(runPlanCommand({ dir: policies, replay: "last month" }, io, deps)).rejects.toThrow(/number of days such as 30d/);
    await expect(runPlanCommand({ dir: policies, replay: "30d", maxResources: "lots" }, io, deps)).rejects.toThrow(/--max-resources must be a whole number/);
    expect(fake.requests).toEqual([]);
  });

  it("waits the settle time after a person's edit, as the webhook path does, so a quick fix brings no note", async () => {
    const policy = await loadPolicies(TEST_POLICIES_DIR);
    const current = fake.addMilestone({ group: policy.scope.group, title: "MktgOps 2026-11-16", startDate: "2026-11-16", dueDate: "2026-11-27" });
    // G moves to Business Owner Review (which needs the current milestone) and gets the milestone a minute later.
    const g = issue("G: moved, then planned a minute later", "2026-11-05T14:00:00Z", ["MktgOps::01: Needs More Information"]);
    fake.setIssueLabels(MOPS, g, ["MktgOps::05: Business Owner Review"], { as: "mops.member2", at: at("2026-11-18T15:00:00Z") });
    fake.updateIssue(MOPS, g, { milestoneId: current.id }, { as: "mops.member2", at: at("2026-11-18T15:01:00Z") });
    const run = async (settleMs?: number) => {
      const r = (await computeReplay({ dir: TEST_POLICIES_DIR, days: 8, maxResources: 100, connection, now: NOW, logger: silent, platform: fastRetries, ...(settleMs !== undefined ? { settleMs } : {}) })) as ReplayReport;
      expect(r.after.errors).toEqual([]);
      return r.after.tally.messagesByRule["workflow:mktgops-stage"] ?? 0;
    };
    const withoutSettling = await run(0);
    const settled = await run();
    // Without a wait, the move alone (no milestone yet) brings a note; after the two-minute wait, the milestone is there.
    expect(withoutSettling - settled).toBe(1);
  });

  it("says when it samples, and replays the most recently updated", async () => {
    const report = await replay({ maxResources: 2 });
    expect(report.source.sampled).toEqual({ kept: 2, of: 5 });
    expect(report.after.resources).toBe(2);
  });

  it("compares two policy sets on the same reads, in the plan comment", async () => {
    const before = path.join(tmp, "before");
    await cp(policies, before, { recursive: true });
    // After: the DRI is pinged after ten business days instead of five.
    const file = path.join(policies, "triage/triage-dri-ping.yml");
    const text = await readFile(file, "utf8");
    expect(text).toContain("business_days: 5");
    await writeFile(file, text.replace("business_days: 5", "business_days: 10"));

    const report = await replay({ base: before });
    expect(report.before && counts(report.before)).toEqual({ "2026-11-13": [3, 3, 1, 0], "2026-11-16": [0, 0, 1, 0] });
    // Ten business days in triage (Veterans Day 11-11 is a US public holiday): A's end on 11-17 at
    // 09:00 New York, after that day's 02:00 sweep, so the 11-18 sweep pings; C left triage on 11-17
    // before its ten days ended (11-18); E was closed on 11-14.
    expect(counts(report.after)).toEqual({ "2026-11-13": [0, 0, 1, 0], "2026-11-16": [0, 0, 1, 0], "2026-11-18": [1, 1, 0, 0] });

    const out: string[] = [];
    const code = await runPlanCommand(
      { base: before, dir: policies, replay: "8d", maxResources: "100" },
      { out: (t) => out.push(t), err: (t) => out.push(t) },
      { config: loadConfig({ GITLAB_URL: fake.url, GITLAB_TOKEN: TOKEN }), now: NOW, logger: silent, platform: fastRetries },
    );
    const markdown = out.join("\n");
    // The trimmed policies lack the files of the SLA, audit, digest and milestone jobs, which the
    // plan half reports as problems (exit 1); the replay half is what this test is about.
    expect(code).toBe(1);
    expect(markdown).toContain("### mops-bot plan: what this policy change would do");
    expect(markdown).toContain("#### Replay: what the new policies would have done over the last 8 days");
    expect(markdown).toMatch(/\| 2026-11-13 Fri \| 3 → 0 \| 3 → 0 \| 1 \| 0 \|/);
    expect(markdown).toMatch(/\| 2026-11-18 Wed \| 0 → 1 \| 0 → 1 \| 0 \| 0 \|/);
    expect(markdown).toMatch(/\| \*\*Total\*\* \| \*\*3 → 1\*\* \| \*\*3 → 1\*\* \| \*\*2\*\* \| \*\*0\*\* \|/);
    expect(markdown).toMatch(/Before: busiest day 2026-11-13 \(3 notes\); most-mentioned person `mops\.member1` \(3 mentions, at most 3 on one day\)/);
    expect(markdown).toContain("What the replay cannot rebuild");
    // The comment names people without pinging them.
    expect(markdown).not.toMatch(/@mops\.member1/);
    expect(fake.writes()).toEqual([]);
  });
});
