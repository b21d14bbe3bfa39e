/**
 * The milestones job end to end: the shipped policies, the GitLab adapter over HTTP, the fake
 * GitLab seeded with the demo board (milestones MktgOps 2026-11-02 closed, 2026-11-16 and
 * 2026-11-30), and Slack faked on loopback. The job runs on the first morning of 2026-11-30.
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

async function run(dryRun = false, printed: string[] = []) {
  const runtime = await openRuntime({
    policiesDir: TEST_POLICIES_DIR,
    connection: { url: sb.fake.url, token: SANDBOX_TOKEN },
    dryRun,
    clock: () => MONDAY,
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
    // Every open issue moves, 03: Assigned too: an ended milestone slots nothing, so its stage is no
    // more satisfied there than in the current one (000 page line 214), and the move is no conflict.
    const open = sb.fake.issues(mops).filter((i) => i.milestone === ENDED && i.state === "opened");
    expect(open.length).toBeGreaterThan(3);
    expect(open.map((i) => i.title)).toContain("Contact Us form: route to the right queue");

    const report = await run();
    expect(report.errors).toEqual([]);
    expect(report.resources.flatMap((r) => r.conflicts)).toEqual([]);

    // The next milestone, one ahead; Christmas moves its due date to the day before.
    const created = sb.fake.milestones().find((m) => m.title === "MktgOps 2026-12-14");
    expect(created).toMatchObject({ startDate: "2026-12-14", dueDate: "2026-12-24", state: "active" });
    expect(sb.fake.milestones().filter((m) => m.title.startsWith("MktgOps 2027"))).toEqual([]);

    // The milestone MR: a draft on its own branch, labelled, naming the milestone.
    const mrs = sb.fake.mergeRequests(HANDBOOK);
    expect(mrs).toHaveLength(1);
    expect(mrs[0]).toMatchObject({ title: `Draft: MktgOps milestone ${CURRENT}: handbook updates`, labels: ["MktgOps - HB Update"], draft: true, author: "mops-bot" });
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
    expect(sb.fake.issue(mops, again.iid).notes.at(-1)!.body).toContain("already moved at the end of the milestone before");

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
    expect(second.resources.filter((r) => r.actions.length > 0)).toEqual([]);
    expect(second.resources.flatMap((r) => r.conflicts)).toEqual([]);
    expect(sb.fake.writes()).toEqual([]);
    expect(slack.deliveries).toHaveLength(1);
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
