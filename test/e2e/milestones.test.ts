/**
 * The milestones job end to end: the shipped policies, the GitLab adapter over HTTP, the fake
 * GitLab seeded with the demo board (milestones MktgOps 2026-11-02 closed, 2026-11-16 and
 * 2026-11-30, in the top group gitlab-com), and Slack faked on loopback. The job runs on the first
 * morning of 2026-11-30, or two weeks later after two missed runs.
 */
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobDeps } from "../../src/jobs/types.js";
import { runMilestones } from "../../src/milestones/job.js";
import { openRuntime } from "../../src/runtime.js";
import { SANDBOX_TOKEN, type Sandbox, startSandbox } from "../support/sandbox.js";
import { startFakeSlack, type FakeSlack } from "../unit/notify/fakeSlack.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";

const MONDAY = new Date("2026-11-30T11:00:00Z"); // 06:00 in New York, when the schedule runs
const HANDBOOK = "gitlab-com/content-sites/handbook";
let sb: Sandbox;
let slack: FakeSlack;

beforeEach(async () => {
  sb = await startSandbox();
  slack = await startFakeSlack();
});
afterEach(async () => {
  await sb.close();
  await slack.close();
});

async function run(dryRun = false, printed: string[] = [], now = MONDAY) {
  const runtime = await openRuntime({
    policiesDir: TEST_POLICIES_DIR,
    connection: { url: sb.fake.url, token: SANDBOX_TOKEN },
    dryRun,
    clock: () => now,
    logger: pino({ level: "silent" }),
    platform: { retry: { attempts: 3, baseMs: 1, maxMs: 5 }, sleep: async () => {} },
  });
  const deps: JobDeps = { ...runtime, dryRun };
  const env = { SLACK_WEBHOOK_MKTGOPS: slack.url("mktgops") };
  if (!dryRun) return runMilestones(deps, { env });
  const { createSlackNotifier } = await import("../../src/notify/slack.js");
  return runMilestones(deps, { notifier: createSlackNotifier({ webhooks: {}, dryRun: true, logger: runtime.logger, print: (l) => printed.push(l), dryRunChannels: ["mktgops"] }) });
}

const ENDED = "MktgOps 2026-11-16";
const CURRENT = "MktgOps 2026-11-30";

describe("milestones job against the fake GitLab", () => {
  it("on a milestone's first morning: creates the next milestone and the milestone MR, rolls the open issues over with notes and one Slack message", async () => {
    const mops = sb.projects.mops;
    const done = sb.fake.addIssue(mops, { title: "Finished last milestone", milestone: ENDED, state: "closed", author: "amy.owner" });
    const again = sb.fake.addIssue(mops, { title: "Moved once already", milestone: ENDED, assignees: ["mops.member2"], author: "amy.owner" });
    sb.fake.addNote(mops, again.iid, { body: "moved <!-- mops-bot:milestone-rollover:MktgOps-2026-11-02 -->", author: "mops-bot" });
    // An issue in 03: Assigned is future work, "slotted to a milestone (not current)": it stays.
    const assigned = sb.fake.issues(mops).filter((i) => i.milestone === ENDED && i.state === "opened" && i.labels.includes("MktgOps::03: Assigned"));
    // An issue in 08: Completed is finished: listed for closing, not moved.
    const completed = sb.fake.issues(mops).filter((i) => i.milestone === ENDED && i.state === "opened" && i.labels.includes("MktgOps::08: Completed"));
    const open = sb.fake.issues(mops).filter((i) => i.milestone === ENDED && i.state === "opened" && ![...assigned, ...completed].some((a) => a.iid === i.iid));
    expect(open.length).toBeGreaterThan(3);
    expect(assigned.map((i) => i.title).sort()).toEqual(["Campaign member status clean-up", "Contact Us form: route to the right queue"]);
    expect(completed.map((i) => i.title)).toEqual(["Groove sequence clean-up"]);

    const report = await run();
    expect(report.errors).toEqual([]);
    for (const i of assigned) {
      expect(report.resources.find((r) => r.title === i.title)).toBeUndefined();
      expect(sb.fake.issue(mops, i.iid)).toMatchObject({ milestone: ENDED });
    }
    expect(sb.fake.issue(mops, completed[0]!.iid)).toMatchObject({ milestone: ENDED, notes: [] });
    expect(report.resources.flatMap((r) => r.actions).filter((a) => a.type === "flag_issues")).toEqual([
      expect.objectContaining({ milestone: ENDED, refs: [`${mops}#${completed[0]!.iid}`] }),
    ]);

    // The next milestone, one ahead; Christmas moves its due date to the day before.
    const created = sb.fake.milestones().find((m) => m.title === "MktgOps 2026-12-14");
    expect(created).toMatchObject({ startDate: "2026-12-14", dueDate: "2026-12-24", state: "active", owner: "gitlab-com" });
    expect(sb.fake.milestones().filter((m) => m.title.startsWith("MktgOps 2027"))).toEqual([]);

    // The milestone MR: a draft on its own branch, labelled, in the current milestone (the top
    // group's milestones reach the handbook project).
    const mrs = sb.fake.mergeRequests(HANDBOOK);
    expect(mrs).toHaveLength(1);
    expect(mrs[0]).toMatchObject({ title: `Draft: MktgOps milestone ${CURRENT}: handbook updates`, labels: ["MktgOps - HB Update"], draft: true, author: "mops-bot", milestone: CURRENT });
    expect(sb.fake.writes().filter((w) => w.route === "POST /projects/:id/repository/branches")).toHaveLength(1);
    expect(mrs[0]!.description).toContain(`<!-- mops-bot:milestone-mr:${CURRENT.replace(/ /g, "-")} -->`);

    // Rollover: every open issue moved, each asked why; the closed one stays.
    for (const i of open) {
      const now = sb.fake.issue(mops, i.iid);
      expect(now.milestone, i.title).toBe(CURRENT);
      const notes = now.notes.filter((n) => n.author === "mops-bot" && n.body.includes("It is now in **MktgOps 2026-11-30**"));
      expect(notes, i.title).toHaveLength(1);
    }
    expect(sb.fake.issue(mops, done.iid).milestone).toBe(ENDED);
    expect(sb.fake.issue(mops, again.iid).notes.at(-1)!.body).toContain("It had also moved at the end of the milestone before.");

    // One Slack message to #mktgops with a link to every moved issue.
    expect(slack.deliveries.map((d) => d.channel)).toEqual(["mktgops"]);
    const text = slack.deliveries[0]!.body.text!;
    expect(text).toContain(`${ENDED} has ended: ${open.length} open issues move to ${CURRENT}`);
    for (const i of open) expect(text).toContain(`/-/issues/${i.iid}`);
    expect(text).toContain("Moved once already");
    expect(text.split("\n").find((l) => l.includes("Moved once already"))).toContain("(moved twice in a row)");

    // A second run finds everything in place: no write, no Slack message.
    sb.fake.resetCounters();
    const second = await run();
    expect(second.errors).toEqual([]);
    // Only the report's list of finished issues to close comes again.
    expect(second.resources.flatMap((r) => r.actions.map((a) => a.type))).toEqual(["flag_issues"]);
    expect(sb.fake.writes()).toEqual([]);
    expect(slack.deliveries).toHaveLength(1);
  });

  it("after two missed runs: keeps the team's iterations as they named them, rolls every ended one over, and finds their Draft milestone MR", async () => {
    const mops = sb.projects.mops;
    // The team renamed the fortnight of 2026-11-30 and planned the next two in their own words.
    const store = (sb.fake as unknown as { store: { milestones: Map<number, { title: string }> } }).store;
    store.milestones.get(sb.fake.milestones().find((m) => m.title === "MktgOps 2026-11-30")!.id)!.title = "Sprint 48";
    sb.fake.addMilestone({ group: "gitlab-com", title: "Sprint 49", startDate: "2026-12-14", dueDate: "2026-12-24" });
    sb.fake.addMilestone({ group: "gitlab-com", title: "Sprint 50", startDate: "2026-12-28", dueDate: "2027-01-08" });
    // The team's issues use them (a closed one counts too): that is what makes them the team's.
    sb.fake.addIssue(mops, { title: "Early start on the Q1 plan", milestone: "Sprint 49", state: "closed", author: "amy.owner" });
    sb.fake.addIssue(mops, { title: "Q1 campaign calendar", milestone: "Sprint 50", labels: ["MktgOps::03: Assigned"], assignees: ["mops.member1"], author: "amy.owner" });
    const working = sb.fake.addIssue(mops, { title: "Nurture program build", milestone: "Sprint 48", labels: ["MktgOps::04: In Progress"], assignees: ["mops.member1"], author: "amy.owner" });
    const finished = sb.fake.addIssue(mops, { title: "Webinar tracking fix", milestone: "Sprint 48", labels: ["MktgOps::08: Completed"], assignees: ["mops.member1"], author: "amy.owner" });
    const askedBefore = sb.fake.addIssue(mops, { title: "Lead scoring review", milestone: "Sprint 48", labels: ["MktgOps::04: In Progress"], assignees: ["mops.member2"], author: "amy.owner" });
    sb.fake.addNote(mops, askedBefore.iid, { body: "Hi @mops.member2 :wave: moved <!-- mops-bot:milestone-rollover:MktgOps-2026-11-02 -->", author: "mops-bot" });
    const future = sb.fake.issues(mops).find((i) => i.milestone === ENDED && i.state === "opened" && i.labels.join() === "MktgOps::03: Assigned")!;
    const endedOpen = sb.fake.issues(mops).filter(
      (i) =>
        (i.milestone === ENDED || i.milestone === "Sprint 48") &&
        i.state === "opened" &&
        ![working.iid, askedBefore.iid].includes(i.iid) &&
        !i.labels.includes("MktgOps::03: Assigned") &&
        !i.labels.includes("MktgOps::08: Completed"),
    );
    // Their milestone MR: a draft in Sprint 49, labelled, with a title of their own.
    const draft = sb.fake.addMergeRequest(HANDBOOK, { title: "Draft: Handbook changes, Sprint 49", milestone: "Sprint 49", labels: ["MktgOps - HB Update"], author: "mops.member1", sourceBranch: "hb-sprint-49" });
    const milestonesBefore = sb.fake.milestones().length;

    const report = await run(false, [], new Date("2026-12-14T11:00:00Z"));
    expect(report.errors).toEqual([]);

    // No second milestone for a fortnight that has one, and no renaming.
    expect(sb.fake.milestones()).toHaveLength(milestonesBefore);
    expect(sb.fake.milestones().map((m) => m.title)).toEqual(expect.arrayContaining(["Sprint 48", "Sprint 49", "Sprint 50"]));
    expect(sb.fake.writes().filter((w) => w.route.includes("milestones") && w.method === "POST")).toEqual([]);
    // Their Draft is the milestone MR: none created, no duplicates, no branch.
    expect(sb.fake.mergeRequests(HANDBOOK).map((m) => m.iid)).toEqual([draft.iid]);
    const actionTypes = report.resources.flatMap((r) => r.actions.map((a) => a.type));
    expect(actionTypes).not.toContain("create_merge_request");
    expect(actionTypes).not.toContain("flag_merge_requests");

    // Both ended iterations rolled over into Sprint 49.
    for (const i of [...endedOpen, working, askedBefore]) expect(sb.fake.issue(mops, i.iid).milestone, i.title).toBe("Sprint 49");
    // Future work and finished work stay; the finished issue is listed for closing, quietly.
    expect(sb.fake.issue(mops, future.iid)).toMatchObject({ milestone: ENDED, notes: [] });
    expect(sb.fake.issue(mops, finished.iid)).toMatchObject({ milestone: "Sprint 48", notes: [] });
    const listed = report.resources.flatMap((r) => r.actions).filter((a) => a.type === "flag_issues");
    expect(listed.map((a) => a.type === "flag_issues" && [a.milestone, a.refs.length])).toEqual([
      [ENDED, 1],
      ["Sprint 48", 1],
    ]);
    expect(listed[1]).toMatchObject({ refs: [`${mops}#${finished.iid}`] });
    // One note per moved issue; nobody asked twice about the same issue.
    const botNotes = (iid: number) => sb.fake.issue(mops, iid).notes.filter((n) => n.author === "mops-bot");
    expect(botNotes(working.iid)).toHaveLength(1);
    expect(botNotes(working.iid)[0]!.body).toMatch(/^Hi @mops\.member1 :wave: The milestone Sprint 48 ended on 2026-12-11/);
    expect(botNotes(askedBefore.iid)).toHaveLength(1);
    for (const i of endedOpen) expect(botNotes(i.iid).length, i.title).toBeLessThanOrEqual(1);

    // One Slack message for both.
    expect(slack.deliveries).toHaveLength(1);
    expect(slack.deliveries[0]!.body.text).toContain(`${ENDED} and Sprint 48 have ended: ${endedOpen.length + 2} open issues move to Sprint 49`);

    // A second run has nothing left to do.
    sb.fake.resetCounters();
    const second = await run(false, [], new Date("2026-12-14T12:00:00Z"));
    expect(second.errors).toEqual([]);
    expect(second.resources.filter((r) => r.actions.some((a) => a.type !== "flag_issues"))).toEqual([]);
    expect(sb.fake.writes()).toEqual([]);
    expect(slack.deliveries).toHaveLength(1);
  });

  it("never takes another team's two-week milestone for the team's iteration: creates its own, puts the milestone MR and the moved issues there", async () => {
    const mops = sb.projects.mops;
    // Field Marketing's sprint in gitlab-com spans the fortnight of 2026-12-14; only Sales Systems' issue uses it.
    const theirs = sb.fake.addMilestone({ group: "gitlab-com", title: "Field Marketing Sprint 49", startDate: "2026-12-14", dueDate: "2026-12-24" });
    const systems = sb.fake.addIssue(sb.projects["sales-systems"], { title: "Field event list upload", milestone: "Field Marketing Sprint 49", author: "amy.owner" });
    const working = sb.fake.addIssue(mops, { title: "Nurture program build", milestone: CURRENT, labels: ["MktgOps::04: In Progress"], assignees: ["mops.member1"], author: "amy.owner" });

    const report = await run(false, [], new Date("2026-12-14T11:00:00Z"));
    expect(report.errors).toEqual([]);

    const own = sb.fake.milestones().find((m) => m.title === "MktgOps 2026-12-14");
    expect(own).toMatchObject({ startDate: "2026-12-14", dueDate: "2026-12-24", state: "active", owner: "gitlab-com" });
    expect(sb.fake.issue(mops, working.iid).milestone).toBe("MktgOps 2026-12-14");
    expect(sb.fake.mergeRequests(HANDBOOK).map((mr) => mr.milestone)).toEqual(["MktgOps 2026-12-14"]);
    // Their milestone and their issue are untouched.
    expect(sb.fake.milestones().find((m) => m.id === theirs.id)).toMatchObject({ title: "Field Marketing Sprint 49", state: "active" });
    expect(sb.fake.issue(sb.projects["sales-systems"], systems.iid)).toMatchObject({ milestone: "Field Marketing Sprint 49", notes: [] });
    expect(sb.fake.issues(mops).filter((i) => i.milestone === "Field Marketing Sprint 49")).toEqual([]);
    expect(report.resources.some((r) => r.title === "Field Marketing Sprint 49")).toBe(false);
  });

  it("a dry run writes nothing and prints the Slack message", async () => {
    const printed: string[] = [];
    const report = await run(true, printed);
    expect(report.errors).toEqual([]);
    expect(sb.fake.writes()).toEqual([]);
    expect(report.resources.flatMap((r) => r.actions.map((a) => a.type))).toEqual(expect.arrayContaining(["create_milestone", "set_milestone", "comment", "post_slack"]));
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^\[dry run\] Slack #mktgops: MktgOps 2026-11-16 has ended/);
    expect(slack.deliveries).toEqual([]);
  });

  it("stops at its start with a clear message when the Slack variable is missing", async () => {
    const runtime = await sb.runtime();
    await expect(runMilestones({ ...runtime, dryRun: false }, { env: {} })).rejects.toThrow(/SLACK_WEBHOOK_MKTGOPS \(for #mktgops\)/);
    expect(sb.fake.writes()).toEqual([]);
  });
});
