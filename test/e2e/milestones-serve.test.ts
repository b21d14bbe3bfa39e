/**
 * The webhook side of milestones and notifications, end to end: the fake GitLab sends its
 * Milestone, Issue and Merge Request Hooks to the real server; Slack is faked on loopback.
 */
import { quiescent } from "../support/quiescent.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { milestoneGroup } from "../../src/milestones/project.js";
import { runHandbookUpdates } from "../../src/jobs/handbookUpdates.js";
import { loadServeConfig } from "../../src/config.js";
import { runServe } from "../../src/server/commands.js";
import type { RunningServe } from "../../src/server/serve.js";
import { SANDBOX_NOW, SANDBOX_TOKEN, type Sandbox, startSandbox } from "../support/sandbox.js";
import { startFakeSlack, type FakeSlack } from "../unit/notify/fakeSlack.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";

const SECRET = "hook-secret";
const HANDBOOK = "gitlab-com/content-sites/handbook";
const SLACK_VARS = ["SLACK_WEBHOOK_HBUPDATE_MKTGOPS", "SLACK_WEBHOOK_MKTGOPS", "SLACK_WEBHOOK_FIELDMARKETING_FYI", "SLACK_WEBHOOK_HBUPDATE_SDR", "SLACK_WEBHOOK_HBUPDATE_ABM"];
const CHANNEL_OF: Record<string, string> = {
  SLACK_WEBHOOK_HBUPDATE_MKTGOPS: "hbupdate-mktgops",
  SLACK_WEBHOOK_MKTGOPS: "mktgops",
  SLACK_WEBHOOK_FIELDMARKETING_FYI: "fieldmarketing-FYI",
  SLACK_WEBHOOK_HBUPDATE_SDR: "hbupdate-sdr",
  SLACK_WEBHOOK_HBUPDATE_ABM: "hbupdate-abm",
};
let sb: Sandbox;
/** The fake GitLab's clock, so a test can order a person's steps in time; the bot's clock stays at SANDBOX_NOW. */
let gitlabNow = SANDBOX_NOW;
let serve: RunningServe;
let slack: FakeSlack;
let dataDir: string;
const slackEnv = (): Record<string, string> => Object.fromEntries(SLACK_VARS.map((v) => [v, slack.url(CHANNEL_OF[v]!)]));

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Lets deliveries (and the bot's own webhooks) arrive and be handled. */
async function quiet(): Promise<void> {
  await sb.fake.webhooksSettled();
  await new Promise((r) => setTimeout(r, 300));
  await sb.fake.webhooksSettled();
}

beforeEach(async () => {
  gitlabNow = SANDBOX_NOW;
  sb = await startSandbox({ clock: () => gitlabNow });
  slack = await startFakeSlack();
  dataDir = mkdtempSync(join(tmpdir(), "mops-milestones-"));
  serve = await runServe(
    // The server reads the Slack webhook variables from the environment it is given.
    // The reopen guard waits the settle time before it closes an issue again (a member may still write `keep open`).
    loadServeConfig({ GITLAB_URL: sb.fake.url, GITLAB_TOKEN: SANDBOX_TOKEN, GITLAB_WEBHOOK_SECRET: SECRET, PORT: "0", MOPS_DATA_DIR: dataDir, MOPS_POLICIES_DIR: TEST_POLICIES_DIR, MOPS_SETTLE_SECONDS: "2", ...slackEnv() }),
    { schedules: false, handleSignals: false, clock: () => SANDBOX_NOW, logger: pino({ level: "silent" }) },
  );
  sb.fake.setWebhook(`http://127.0.0.1:${serve.port}/webhooks/gitlab`, SECRET);
  sb.fake.addUser({ username: "dana.lead", token: "dana-token" });
});

afterEach(async () => {
  await serve.close();
  await sb.close();
  await slack.close();
  for (const v of SLACK_VARS) delete process.env[v];
  rmSync(dataDir, { recursive: true, force: true });
});


/** An issue completed in the milestone that ended: only the reopen guard has something to say about it. */
const closedInEndedMilestone = (title: string) =>
  sb.fake.addIssue(sb.projects.mops, {
    title,
    description: "As a field marketer, I would like the leads followed up, so that none is lost.",
    labels: ["MktgOps::08: Completed", "MktgOpsPriority:: 03-Low"],
    assignees: ["mops.member1"],
    milestone: sb.milestones.past,
    state: "closed",
    author: "dan.fieldmktg",
    createdAt: new Date(SANDBOX_NOW.getTime() - 20 * 86_400_000),
  });

/** A person closes a group milestone (in the top group, where the iterations live) through the API (the fake sends the Milestone Hook). */
async function closeMilestone(title: string): Promise<void> {
  const m = sb.fake.milestones().find((x) => x.title === title)!;
  const response = await fetch(`${sb.fake.apiUrl}/groups/${encodeURIComponent(milestoneGroup(sb.policy))}/milestones/${m.id}`, {
    method: "PUT",
    headers: { "PRIVATE-TOKEN": "dana-token", "content-type": "application/json" },
    body: JSON.stringify({ state_event: "close" }),
  });
  expect(response.status).toBe(200);
}

/** GitLab merges the merge request (the fake has no merge endpoint, so its record is changed). */
function markMerged(project: string, iid: number): void {
  const store = (sb.fake as unknown as { store: { projectsByPath: Map<string, { id: number }>; issuable(k: string, p: number, i: number): Record<string, unknown> } }).store;
  const record = store.issuable("merge_request", store.projectsByPath.get(project)!.id, iid);
  Object.assign(record, { state: "merged", merged_at: SANDBOX_NOW.toISOString() });
}

describe("milestones and notifications through the webhook", () => {
  it("reopens a milestone closed while its milestone MR is open, notes why on the MR, and lets it close after the merge", async () => {
    const current = sb.milestones.current;
    const mr = sb.fake.addMergeRequest(HANDBOOK, { title: `Draft: MktgOps milestone ${current}: handbook updates`, labels: ["MktgOps - HB Update"], author: "amy.owner" });

    await closeMilestone(current);
    await until(() => sb.fake.milestones().find((m) => m.title === current)!.state === "active", "the milestone to be reactivated");
    await quiet();
    const notes = sb.fake.mergeRequest(HANDBOOK, mr.iid).notes.filter((n) => n.author === "mops-bot");
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain(`The milestone **${current}** was closed while this merge request is still open, so I reopened the milestone.`);

    markMerged(HANDBOOK, mr.iid);
    await closeMilestone(current);
    await quiet();
    expect(sb.fake.milestones().find((m) => m.title === current)!.state).toBe("closed");
    expect(sb.fake.mergeRequest(HANDBOOK, mr.iid).notes.filter((n) => n.author === "mops-bot")).toHaveLength(1);
  });

  it("leaves closed another team's two-week milestone no MOps issue uses; reopens the one the team renamed and uses", async () => {
    const theirs = sb.fake.addMilestone({ group: "gitlab-com", title: "Field Marketing Sprint 47", startDate: "2026-11-16", dueDate: "2026-11-25" });
    const ours = sb.fake.addMilestone({ group: "gitlab-com", title: "Sprint 47", startDate: "2026-11-16", dueDate: "2026-11-25" });
    sb.fake.addIssue(sb.projects.mops, { title: "Lead routing review", milestone: "Sprint 47", author: "amy.owner" });
    // A draft labelled like the team's milestone MR sits in each.
    const theirMr = sb.fake.addMergeRequest(HANDBOOK, { title: "Draft: Field Marketing handbook changes", milestone: "Field Marketing Sprint 47", labels: ["MktgOps - HB Update"], author: "dan.fieldmktg", sourceBranch: "fm-sprint-47" });
    const ourMr = sb.fake.addMergeRequest(HANDBOOK, { title: "Draft: Handbook changes, Sprint 47", milestone: "Sprint 47", labels: ["MktgOps - HB Update"], author: "amy.owner", sourceBranch: "hb-sprint-47" });

    await closeMilestone("Field Marketing Sprint 47");
    await closeMilestone("Sprint 47");
    await until(() => sb.fake.milestones().find((m) => m.id === ours.id)!.state === "active", "the team's milestone to be reactivated");
    await quiescent(sb.fake, serve.inbox, 15_000);
    expect(sb.fake.milestones().find((m) => m.id === theirs.id)!.state).toBe("closed");
    expect(sb.fake.mergeRequest(HANDBOOK, theirMr.iid).notes.filter((n) => n.author === "mops-bot")).toEqual([]);
    expect(sb.fake.mergeRequest(HANDBOOK, ourMr.iid).notes.filter((n) => n.author === "mops-bot")).toHaveLength(1);
  });

  it("closes again an issue reopened after its milestone ended, asking for a new issue", async () => {
    const mops = sb.projects.mops;
    const old = closedInEndedMilestone("Q3 webinar list import");
    sb.fake.updateIssue(mops, old.iid, { stateEvent: "reopen" }, { as: "dan.fieldmktg" });
    await until(() => sb.fake.issue(mops, old.iid).state === "closed", "the issue to be closed again");
    await quiet();
    const notes = sb.fake.issue(mops, old.iid).notes.filter((n) => n.author === "mops-bot");
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain("@dan.fieldmktg");
    expect(notes[0]!.body).toContain("Please do not re-open issues that have been closed in a previous milestone.");

    // An issue of the current milestone may be reopened.
    const recent = sb.fake.addIssue(mops, { title: "Fresh work", milestone: sb.milestones.current, state: "closed", author: "dan.fieldmktg" });
    sb.fake.updateIssue(mops, recent.iid, { stateEvent: "reopen" }, { as: "dan.fieldmktg" });
    await quiet();
    expect(sb.fake.issue(mops, recent.iid).state).toBe("opened");
  });

  it("keep open, natural order 1: a member comments `@mops-bot keep open` on the closed issue, then reopens it", async () => {
    const mops = sb.projects.mops;
    const minutes = (n: number) => new Date(SANDBOX_NOW.getTime() + n * 60_000);
    gitlabNow = minutes(-3 * 24 * 60);
    const old = sb.fake.addIssue(mops, {
      title: "Q3 webinar follow-up",
      description: "As a field marketer, I would like the leads followed up, so that none is lost.",
      labels: ["MktgOps::08: Completed", "MktgOpsPriority:: 03-Low"],
      assignees: ["mops.member1"],
      milestone: sb.milestones.past,
      author: "dan.fieldmktg",
      createdAt: new Date(SANDBOX_NOW.getTime() - 20 * 86_400_000),
    });
    sb.fake.updateIssue(mops, old.iid, { stateEvent: "close" }, { as: "mops.member1" });
    await quiescent(sb.fake, serve.inbox, 15_000);
    gitlabNow = minutes(-10);
    sb.fake.comment(mops, old.iid, "@mops-bot keep open — the follow-up belongs here", { as: "amy.owner" });
    gitlabNow = minutes(-5);
    sb.fake.updateIssue(mops, old.iid, { stateEvent: "reopen" }, { as: "amy.owner" });
    await quiescent(sb.fake, serve.inbox, 15_000);
    const now = sb.fake.issue(mops, old.iid);
    expect(now.state).toBe("opened");
    expect(now.notes.filter((n) => n.author === "mops-bot")).toEqual([]);
    expect(sb.fake.webhookDeliveries.length).toBeGreaterThan(1);
  });

  it("keep open, natural order 2: a member reopens, then comments within the settle time; a non-member's reopen gets one note", async () => {
    const mops = sb.projects.mops;
    const kept = closedInEndedMilestone("Q3 event recap");
    sb.fake.updateIssue(mops, kept.iid, { stateEvent: "reopen" }, { as: "amy.owner" });
    // The bot has seen the reopen and holds its close back for the settle time…
    const waiting = async () => (await serve.inbox.list({ state: "pending" })).some((e) => /settle time/.test(e.lastError ?? ""));
    const end = Date.now() + 10_000;
    while (!(await waiting())) {
      if (Date.now() > end) throw new Error("timed out waiting for the reopen guard to wait for the settle time");
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(sb.fake.issue(mops, kept.iid).state).toBe("opened");
    // …while the member writes the command.
    sb.fake.comment(mops, kept.iid, "@mops-bot keep open", { as: "amy.owner" });
    await quiescent(sb.fake, serve.inbox, 15_000);
    expect(sb.fake.issue(mops, kept.iid).state).toBe("opened");
    expect(sb.fake.issue(mops, kept.iid).notes.filter((n) => n.author === "mops-bot")).toEqual([]);

    // The same words from someone outside the team do not keep it open: closed again, one note for the reopen.
    const other = closedInEndedMilestone("Q3 booth leads");
    sb.fake.updateIssue(mops, other.iid, { stateEvent: "reopen" }, { as: "dan.fieldmktg" });
    sb.fake.comment(mops, other.iid, "@mops-bot keep open", { as: "dan.fieldmktg" });
    await quiescent(sb.fake, serve.inbox, 15_000);
    const closedAgain = sb.fake.issue(mops, other.iid);
    expect(closedAgain.state).toBe("closed");
    const notes = closedAgain.notes.filter((n) => n.author === "mops-bot");
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body.match(/@dan\.fieldmktg/g)).toHaveLength(1);
  });

  it("posts a merged handbook update once to each routed channel, though the webhook and the job both see it", async () => {
    sb.fake.addMergeRequest(HANDBOOK, {
      title: "Handbook: new list import SLA",
      labels: ["MktgOps - HB Update", "FMM-HB Update"],
      author: "amy.owner",
      state: "merged",
      mergedAt: new Date(SANDBOX_NOW.getTime() - 3_600_000),
      notify: true,
    });
    await until(() => slack.deliveries.length >= 3, "three Slack posts");
    await quiet();

    const runtime = await sb.runtime();
    const report = await runHandbookUpdates({ ...runtime, dryRun: false }, { env: slackEnv() });
    expect(report.errors).toEqual([]);
    expect(report.read.mergeRequests).toBe(1);
    expect(report.resources).toEqual([]);

    expect(slack.deliveries.map((d) => d.channel).sort()).toEqual(["fieldmarketing-FYI", "hbupdate-mktgops", "mktgops"]);
    expect(slack.to("mktgops")[0]!.body.text).toContain("Handbook update merged: Handbook: new list import SLA by amy.owner");
    const mr = sb.fake.mergeRequests(HANDBOOK)[0]!;
    const botNotes = sb.fake.mergeRequest(HANDBOOK, mr.iid).notes.filter((n) => n.author === "mops-bot");
    expect(botNotes).toHaveLength(1);
    expect(botNotes[0]!.body).toContain("Posted to Slack: #hbupdate-mktgops, #mktgops, #fieldmarketing-FYI.");
  });

  it("the job posts a merge the webhook missed, once", async () => {
    sb.fake.setWebhook(undefined);
    sb.fake.addMergeRequest(HANDBOOK, { title: "SDR page: new cadence", labels: ["SDR-HB Update"], author: "erin.sdr", state: "merged", mergedAt: new Date(SANDBOX_NOW.getTime() - 2 * 3_600_000) });
    const runtime = await sb.runtime();
    const first = await runHandbookUpdates({ ...runtime, dryRun: false }, { env: slackEnv() });
    expect(first.errors).toEqual([]);
    expect(slack.deliveries.map((d) => d.channel)).toEqual(["hbupdate-sdr"]);
    const second = await runHandbookUpdates({ ...runtime, dryRun: false }, { env: slackEnv() });
    expect(second.resources).toEqual([]);
    expect(slack.deliveries).toHaveLength(1);
  });
});
