/**
 * A triage summary posted to Slack, end to end: the shipped policies with `slack:` added to the
 * untouched-30-days summary, the GitLab adapter over HTTP against the fake GitLab, and a fake
 * Slack on loopback. The summary issue remembers each posted list in a marked bot note.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { markersIn } from "../../src/domain/markers.js";
import type { RunReport } from "../../src/engine/report.js";
import { runSweep } from "../../src/jobs/sweep.js";
import { createSlackNotifier } from "../../src/notify/slack.js";
import { summaryMarker } from "../../src/triage/summaries.js";
import { startFakeSlack, type FakeSlack } from "../unit/notify/fakeSlack.js";
import { type Sandbox, SANDBOX_NOW, startSandbox } from "../support/sandbox.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";

const DAY = 86_400_000;
const ago = (days: number) => new Date(SANDBOX_NOW.getTime() - days * DAY);
const RULE = "triage:untouched-30-days";

let dir: string;
let sb: Sandbox;
let slack: FakeSlack;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "triage-slack-"));
  await cp(path.resolve(TEST_POLICIES_DIR), dir, { recursive: true });
  const file = path.join(dir, "triage", "untouched-summary.yml");
  const text = await readFile(file, "utf8");
  const withSlack = text.replace(/(\n(\s+)issue: \{ project_role: mops[^\n]*)/, "$1\n$2slack: { channel: mktgops }");
  expect(withSlack).not.toBe(text);
  await writeFile(file, withSlack);
  sb = await startSandbox({ policiesDir: dir });
  slack = await startFakeSlack();
  sb.fake.addIssue(sb.projects.mops, { title: "Old Marketo field audit", labels: ["MktgOps::02: Ready for Assignment"], author: "erin.sdr", createdAt: ago(60), updatedAt: ago(45) });
});
afterEach(async () => {
  await sb.close();
  await slack.close();
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ SLACK_WEBHOOK_MKTGOPS: slack.url("mktgops") });

async function sweep(options: { dryRun?: boolean; env?: NodeJS.ProcessEnv; printed?: string[] } = {}): Promise<RunReport> {
  const dryRun = options.dryRun ?? false;
  const runtime = await sb.runtime({ dryRun });
  const deps = { ...runtime, dryRun, only: [RULE] };
  if (options.printed) {
    const printed = options.printed;
    const notifier = createSlackNotifier({ webhooks: {}, dryRun: true, logger: runtime.logger, print: (l) => printed.push(l), dryRunChannels: ["mktgops"] });
    return runSweep(deps, { notifier });
  }
  return runSweep(deps, { env: options.env ?? env() });
}

function summaryIssue() {
  const found = sb.fake.issues(sb.projects.mops).filter((i) => markersIn(i.description ?? "").includes(summaryMarker("untouched-30-days")));
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0];
}

/** The bot's notes on the summary issue that record a Slack post. */
function postNotes() {
  const bot = sb.policy.scope.botUsername;
  return (summaryIssue()?.notes ?? []).filter((n) => n.author === bot && markersIn(n.body).some((m) => m.startsWith("triage-summary-slack:untouched-30-days:")));
}

const posts = (report: RunReport) => report.resources.flatMap((r) => r.actions.filter((a) => a.type === "post_slack" && a.rule === RULE));

describe("a triage summary with slack: against the fake GitLab and a fake Slack", () => {
  it("posts once when the issue is created, nothing on an unchanged rerun, once more when the list changes", async () => {
    const first = await sweep();
    expect(first.errors).toEqual([]);
    const issue = summaryIssue()!;
    expect(issue).toBeDefined();
    expect(slack.to("mktgops")).toHaveLength(1);
    const text = slack.to("mktgops")[0]!.body.text!;
    expect(text).toMatch(/^\*MktgOps issues untouched for 30 days\* \(\d+\)/);
    expect(text).toContain("|Old Marketo field audit>");
    expect(text).toMatch(new RegExp(`\\n\\nSummary issue: <http://127\\.0\\.0\\.1:\\d+/${sb.projects.mops}/-/issues/${issue.ref.split("#")[1]}\\|${issue.ref}>$`));
    expect(posts(first)).toHaveLength(1);
    expect(postNotes()).toHaveLength(1);
    expect(postNotes()[0]!.body).toContain("Posted this list");

    const second = await sweep();
    expect(second.errors).toEqual([]);
    expect(slack.to("mktgops")).toHaveLength(1);
    expect(posts(second)).toEqual([]);
    expect(postNotes()).toHaveLength(1);

    sb.fake.addIssue(sb.projects.mops, { title: "Forgotten webinar sync", labels: ["MktgOps::03: Assigned"], author: "erin.sdr", createdAt: ago(80), updatedAt: ago(50) });
    const third = await sweep();
    expect(third.errors).toEqual([]);
    expect(summaryIssue()!.description).toContain("Forgotten webinar sync");
    expect(third.resources.find((r) => r.ref === issue.ref)?.actions.map((a) => a.type)).toEqual(["update_issue", "post_slack"]);
    expect(slack.to("mktgops")).toHaveLength(2);
    expect(slack.to("mktgops")[1]!.body.text).toContain("|Forgotten webinar sync>");
    expect(postNotes()).toHaveLength(2);

    await sweep();
    expect(slack.to("mktgops")).toHaveLength(2);
  });

  it("a dry run prints the message and writes nothing", async () => {
    const printed: string[] = [];
    const report = await sweep({ dryRun: true, printed });
    expect(report.errors).toEqual([]);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^\[dry run\] Slack #mktgops: \*MktgOps issues untouched for 30 days\*/);
    expect(posts(report)).toHaveLength(1);
    expect(slack.deliveries).toEqual([]);
    expect(sb.fake.writes()).toEqual([]);
    expect(summaryIssue()).toBeUndefined();
  });

  it("a missing webhook variable is an error naming it; the summary issue is still kept", async () => {
    const report = await sweep({ env: {} });
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]!.message).toContain("SLACK_WEBHOOK_MKTGOPS");
    expect(summaryIssue()).toBeDefined();
    expect(postNotes()).toEqual([]);
    expect(slack.deliveries).toEqual([]);

    // Once the variable is set, the next sweep posts the (unchanged) list.
    const next = await sweep();
    expect(next.errors).toEqual([]);
    expect(slack.to("mktgops")).toHaveLength(1);
    expect(postNotes()).toHaveLength(1);
  });

  it("a post that fails is given back on the summary issue and made on the next sweep", async () => {
    const runtime = await sb.runtime();
    const failing = createSlackNotifier({ webhooks: { mktgops: slack.url("mktgops") }, dryRun: false, logger: runtime.logger, retry: { attempts: 1, baseMs: 1, maxMs: 1 } });
    slack.next = [{ status: 500 }];
    const report = await runSweep({ ...runtime, dryRun: false, only: [RULE] }, { notifier: failing });
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]!.message).toMatch(/Slack #mktgops failed: Slack answered 500/);
    expect(slack.deliveries).toEqual([]);
    expect(postNotes()).toHaveLength(1);
    expect(postNotes()[0]!.body).toContain("it will be tried again on the next sweep");

    const next = await sweep();
    expect(next.errors).toEqual([]);
    expect(slack.to("mktgops")).toHaveLength(1);
    expect(postNotes()).toHaveLength(1);
    expect(postNotes()[0]!.body).toContain("Posted this list");
  });
});
