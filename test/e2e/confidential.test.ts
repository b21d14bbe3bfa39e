/**
 * A confidential issue's title, description and labels never reach a public place: the digest
 * issue and its Slack post, and the milestone rollover's Slack message. Each is run for real
 * against the fake GitLab with one confidential issue among the demo board.
 */
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runDigest } from "../../src/digest/job.js";
import type { JobDeps } from "../../src/jobs/types.js";
import { markersIn } from "../../src/domain/markers.js";
import { runMilestones } from "../../src/milestones/job.js";
import { runSlaJob } from "../../src/jobs/sla.js";
import { createSlackNotifier } from "../../src/notify/slack.js";
import { openRuntime } from "../../src/runtime.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";
import { SANDBOX_TOKEN, type Sandbox, startSandbox } from "../support/sandbox.js";
import { startFakeSlack, type FakeSlack } from "../unit/notify/fakeSlack.js";

const SECRET_TITLE = "Reorg: let Dana go before Q1";
const SECRET_DESCRIPTION = "Severance figures inside";

let sb: Sandbox;
let slack: FakeSlack;
beforeEach(async () => {
  sb = await startSandbox({ policiesDir: TEST_POLICIES_DIR });
  slack = await startFakeSlack();
});
afterEach(async () => {
  await sb.close();
  await slack.close();
});

async function deps(at: Date): Promise<JobDeps> {
  const runtime = await openRuntime({
    policiesDir: TEST_POLICIES_DIR,
    connection: { url: sb.fake.url, token: SANDBOX_TOKEN },
    dryRun: false,
    clock: () => at,
    logger: pino({ level: "silent" }),
    platform: { retry: { attempts: 3, baseMs: 1, maxMs: 5 }, sleep: async () => {} },
  });
  return { ...runtime, dryRun: false };
}

const leaks = (text: string) => [SECRET_TITLE, SECRET_DESCRIPTION].filter((s) => text.includes(s));

describe("confidential issues in public places", () => {
  it("the digest issue and its Slack post name a confidential issue only by reference", async () => {
    const mops = sb.projects.mops;
    // No priority label: the digest lists it under "Open issues without a MktgOpsPriority label".
    const secret = sb.fake.addIssue(mops, { title: SECRET_TITLE, description: SECRET_DESCRIPTION, confidential: true, author: "amy.owner" });
    const at = new Date("2026-11-18T15:00:00Z");
    const report = await runDigest(await deps(at), {
      notifier: createSlackNotifier({ webhooks: { mktgops: slack.url("mktgops") }, dryRun: false, logger: pino({ level: "silent" }), retry: { attempts: 2, baseMs: 1, maxMs: 2 }, sleep: async () => {} }),
    });
    expect(report.errors).toEqual([]);

    const digest = sb.fake.issues(mops).find((i) => i.title.startsWith("MOps weekly digest"))!;
    const text = sb.fake.issue(mops, digest.iid).description!;
    expect(digest.confidential).toBe(false);
    expect(leaks(text)).toEqual([]);
    expect(text).toMatch(new RegExp(`\\[a confidential issue\\]\\([^)]+/-/issues/${secret.iid}\\) \\(${mops.replace(/\//g, "\\/")}#${secret.iid}\\)`));

    const posted = JSON.stringify(slack.deliveries.map((d) => d.body));
    expect(slack.deliveries).toHaveLength(1);
    expect(leaks(posted)).toEqual([]);
    // The Slack post lists the first five items per section; whatever it shows of the issue is its link.
    expect(posted).not.toContain(SECRET_TITLE.slice(0, 10));
  });

  it("the rollover's Slack message names a moved confidential issue only by reference", async () => {
    const mops = sb.projects.mops;
    const secret = sb.fake.addIssue(mops, { title: SECRET_TITLE, description: SECRET_DESCRIPTION, confidential: true, milestone: "MktgOps 2026-11-16", author: "amy.owner" });
    const report = await runMilestones(await deps(new Date("2026-11-30T11:00:00Z")), { env: { SLACK_WEBHOOK_MKTGOPS: slack.url("mktgops") } });
    expect(report.errors).toEqual([]);
    expect(sb.fake.issue(mops, secret.iid).milestone).toBe("MktgOps 2026-11-30");

    expect(slack.deliveries.map((d) => d.channel)).toEqual(["mktgops"]);
    const posted = JSON.stringify(slack.deliveries[0]!.body);
    expect(leaks(posted)).toEqual([]);
    expect(posted).toContain(`a confidential issue`);
    expect(posted).toContain(`/-/issues/${secret.iid}`);
    // The rollover note on the issue itself may use its title: it is as confidential as the issue.
    expect(sb.fake.issue(mops, secret.iid).notes.filter((n) => n.author === "mops-bot")).toHaveLength(1);
  });

  it("the SLA report issue lists a breached confidential issue by reference, without its priority", async () => {
    const mops = sb.projects.mops;
    // Urgent (4 business hours), opened the day before: breached by now.
    const secret = sb.fake.addIssue(mops, {
      title: SECRET_TITLE,
      description: SECRET_DESCRIPTION,
      confidential: true,
      labels: ["MktgOps::04: In Progress", "MktgOpsPriority:: 00-Urgent"],
      assignees: ["mops.member2"],
      author: "amy.owner",
      createdAt: "2026-11-17T15:00:00Z",
    });
    const report = await runSlaJob(await deps(new Date("2026-11-18T15:00:00Z")));
    expect(report.errors).toEqual([]);
    expect(sb.fake.issue(mops, secret.iid).labels).toContain("mops-bot-sla::breached");

    const reportIssue = sb.fake.issues(mops).find((i) => markersIn(i.description ?? "").includes("sla-report"))!;
    const text = sb.fake.issue(mops, reportIssue.iid).description!;
    expect(reportIssue.confidential).toBe(false);
    expect(leaks(text)).toEqual([]);
    const hidden = text.slice(text.indexOf("### Confidential issues"));
    expect(hidden).toMatch(new RegExp(`^### Confidential issues\\n\\n- \\[a confidential issue\\]\\([^)]+/-/issues/${secret.iid}\\) \`${mops.replace(/\//g, "\\/")}#${secret.iid}\` — was due `));
  });
});
