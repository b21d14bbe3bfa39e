/**
 * The webhook side of milestones and notifications, end to end: the fake GitLab sends its
 * Milestone, Issue and Merge Request Hooks to the real server; Slack is faked on loopback.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { milestoneGroup } from "../../src/milestones/project.js";
import { runHandbookUpdates } from "../../src/notify/handbookUpdatesJob.js";
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
  sb = await startSandbox();
  slack = await startFakeSlack();
  dataDir = mkdtempSync(join(tmpdir(), "mops-milestones-"));
  serve = await runServe(
    // The server reads the Slack webhook variables from the environment it is given.
    { GITLAB_URL: sb.fake.url, GITLAB_TOKEN: SANDBOX_TOKEN, GITLAB_WEBHOOK_SECRET: SECRET, PORT: "0", MOPS_DATA_DIR: dataDir, MOPS_POLICIES_DIR: TEST_POLICIES_DIR, ...slackEnv() },
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

  it("closes again an issue reopened after its milestone ended, asking for a new issue", async () => {
    const mops = sb.projects.mops;
    const old = sb.fake.addIssue(mops, { title: "Q3 webinar list import", milestone: sb.milestones.past, state: "closed", author: "dan.fieldmktg" });
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
