/**
 * Converged plans end to end: the sweep (and the milestones job before it) against the fake GitLab
 * seeded with the demo board. The bot says nothing its own plan makes false, and a second run
 * finds nothing to do.
 */
import { quiescent } from "../support/quiescent.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { runSweep } from "../../src/jobs/sweep.js";
import { runMilestones } from "../../src/milestones/job.js";
import { runToolAudits } from "../../src/tools/job.js";
import { explainCommand } from "../../src/triage/commands.js";
import { loadServeConfig } from "../../src/config.js";
import { runServe } from "../../src/server/commands.js";
import type { RunningServe } from "../../src/server/serve.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";
import { type Sandbox, SANDBOX_NOW, SANDBOX_TOKEN, startSandbox } from "../support/sandbox.js";
import { startFakeSlack, type FakeSlack } from "../unit/notify/fakeSlack.js";

let sb: Sandbox;
let slack: FakeSlack | undefined;
let serve: RunningServe | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await serve?.close();
  serve = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
  await sb.close();
  await slack?.close();
  slack = undefined;
});

async function sweep() {
  const runtime = await sb.runtime();
  return runSweep({ ...runtime, dryRun: false });
}

const issueTitled = (title: string) => {
  const found = sb.fake.issues(sb.projects.mops).find((i) => i.title === title);
  if (!found) throw new Error(`no issue "${title}"`);
  return sb.fake.issue(sb.projects.mops, found.iid);
};
const botNotes = (title: string) => issueTitled(title).notes.filter((n) => n.author === sb.policy.scope.botUsername);
const stages = (labels: string[]) => labels.filter((l) => l.startsWith("MktgOps::"));

describe("a converged sweep", () => {
  it("C1: takes a list import out of triage without telling the DRI how long it waited in triage", async () => {
    sb = await startSandbox();
    const title = "Import booth scans from the AWS Summit";
    const report = await sweep();
    expect(report.errors).toEqual([]);
    expect(issueTitled(title).labels).not.toContain("MktgOps::00: Triage");
    const notes = botNotes(title);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain("List imports skip triage");
    expect(notes[0]!.body).not.toContain("waiting in triage");
    expect((await sweep()).resources.filter((r) => r.title === title)).toEqual([]);
  });

  it("the run report and `rules explain` show the rounds and the notes dropped as no longer true", async () => {
    sb = await startSandbox();
    const title = "Import booth scans from the AWS Summit";
    const ref = `${sb.projects.mops}#${issueTitled(title).iid}`;
    const explained = await explainCommand("triage-dri-ping", ref, await sb.runtime({ dryRun: true }));
    expect(explained).toContain("Result: the rule selects it.");
    expect(explained).toContain("With every rule (the plan a run would make, converged):");
    expect(explained).toMatch(/Round 1 \(the state as fetched\):\n {4}label-hygiene: - "MktgOps::00: Triage"/);
    expect(explained).toContain("dropped the note of triage:triage-dri-ping (triage:triage-dri-ping): it is no longer true of the state the plan leaves");
    expect(explained).toContain("Nothing from triage:triage-dri-ping is in the plan.");

    const report = await sweep();
    const entry = report.resources.find((r) => r.title === title)!;
    expect(entry.convergence?.dropped).toEqual([{ rule: "triage:triage-dri-ping", marker: "triage:triage-dri-ping", why: "it is no longer true of the state the plan leaves" }]);
  });

  it("C2: gives a new unlabelled issue without a user story one stage in one write, and the next sweep changes nothing", async () => {
    sb = await startSandbox();
    const title = "Email request: spring webinar invitation";
    sb.fake.addIssue(sb.projects.mops, { title, description: "Send on Thursday.", labels: [], author: "dan.fieldmktg", createdAt: new Date(SANDBOX_NOW.getTime() - 86_400_000) });
    await sweep();
    expect(stages(issueTitled(title).labels)).toEqual(["MktgOps::01: Needs More Information"]);
    const notes = botNotes(title);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain("As a **(your role)**");
    const again = await sweep();
    expect(again.resources.filter((r) => r.title === title)).toEqual([]);
    expect(botNotes(title)).toHaveLength(1);
  });

  it("C9: the tool audits the bot opens are documents: the sweep gives them no stage, priority or note", async () => {
    sb = await startSandbox();
    const audits = await runToolAudits({ ...(await sb.runtime()), dryRun: false });
    expect(audits.errors).toEqual([]);
    const mine = () => sb.fake.issues(sb.projects.mops).filter((i) => i.labels.includes("Mktg Tool Audit"));
    expect(mine().length).toBeGreaterThan(0);
    const report = await sweep();
    expect(report.errors).toEqual([]);
    for (const i of mine()) {
      const now = sb.fake.issue(sb.projects.mops, i.iid);
      expect(stages(now.labels), i.title).toEqual([]);
      expect(now.labels.filter((l) => l.startsWith("MktgOpsPriority")), i.title).toEqual([]);
      expect(now.notes.filter((n) => n.author === "mops-bot"), i.title).toEqual([]);
    }
  });

  it("C7: the rollover leaves a 03 issue (future work) in its ended milestone; the one stage note asks for a milestone that is not past", async () => {
    // 03 asks for a milestone "(not current)" and not an ended one (000 page, line 214); the rollover
    // leaves future work where it is, so the sweep asks once for a milestone to come.
    const monday = new Date("2026-11-30T11:00:00Z");
    sb = await startSandbox({ clock: () => monday });
    slack = await startFakeSlack();
    const title = "Contact Us form: route to the right queue";
    const runtime = await sb.runtime();
    const rollover = await runMilestones({ ...runtime, dryRun: false }, { env: { SLACK_WEBHOOK_MKTGOPS: slack.url("mktgops") } });
    expect(rollover.errors).toEqual([]);
    expect(rollover.resources.find((r) => r.title === title)).toBeUndefined();
    expect(issueTitled(title).milestone).toBe("MktgOps 2026-11-16");
    const report = await sweep();
    expect(report.errors).toEqual([]);
    const notes = botNotes(title).map((n) => n.body);
    expect(notes.filter((b) => b.includes("not everything that stage needs"))).toHaveLength(1);
    expect(notes.join("\n")).toContain("MktgOps 2026-11-16");
    expect(issueTitled(title).labels).toContain("mops-bot::needs-attention");
    expect((await sweep()).resources.filter((r) => r.title === title)).toEqual([]);
  });
});

async function serving(env: Record<string, string> = {}): Promise<RunningServe> {
  sb = await startSandbox();
  dataDir = mkdtempSync(join(tmpdir(), "mops-converge-"));
  serve = await runServe(
    loadServeConfig({ GITLAB_URL: sb.fake.url, GITLAB_TOKEN: SANDBOX_TOKEN, GITLAB_WEBHOOK_SECRET: "hook-secret", PORT: "0", MOPS_DATA_DIR: dataDir, MOPS_POLICIES_DIR: TEST_POLICIES_DIR, ...env }),
    { schedules: false, handleSignals: false, clock: () => SANDBOX_NOW, logger: pino({ level: "silent" }) },
  );
  sb.fake.setWebhook(`http://127.0.0.1:${serve.port}/webhooks/gitlab`, "hook-secret");
  return serve;
}


async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const issuePuts = (iid: number) => sb.fake.writes().filter((w) => w.route === "PUT /projects/:id/issues/:iid" && w.path.endsWith(`/issues/${iid}`));

describe("a converged webhook reconcile", () => {
  it("C2: a new issue without labels or user story gets one stage, in one write, with one note", async () => {
    const running = await serving();
    const opened = sb.fake.addIssue(sb.projects.mops, { title: "Email request: partner webinar reminder", description: "Send on Friday.", labels: [], author: "dan.fieldmktg", createdAt: SANDBOX_NOW, notify: true });
    await quiescent(sb.fake, running.inbox);
    const now = sb.fake.issue(sb.projects.mops, opened.iid);
    expect(stages(now.labels)).toEqual(["MktgOps::01: Needs More Information"]);
    expect(now.notes.filter((n) => n.author === "mops-bot")).toHaveLength(1);
    expect(issuePuts(opened.iid)).toHaveLength(1);
  });

  it("C1: a person touching a list import still in triage gets the repair, without a triage ping", async () => {
    const running = await serving();
    const title = "Import booth scans from the AWS Summit";
    const target = issueTitled(title);
    sb.fake.setIssueLabels(sb.projects.mops, target.iid, [...target.labels, "Marketo"], { as: "dan.fieldmktg" });
    await quiescent(sb.fake, running.inbox);
    expect(issueTitled(title).labels).not.toContain("MktgOps::00: Triage");
    const notes = botNotes(title);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).not.toContain("waiting in triage");
  });

  it("C8: an issue in 04 reopened after its milestone ended is closed again; its own close brings no complaint about being closed in 04", async () => {
    // The reopen guard waits the settle time (a member may still write `keep open`) before it closes.
    const running = await serving({ MOPS_SETTLE_SECONDS: "1" });
    const mops = sb.projects.mops;
    const old = sb.fake.addIssue(mops, {
      title: "Q3 nurture stream",
      labels: ["MktgOps::04: In Progress", "MktgOpsPriority:: 03-Low"],
      assignees: ["mops.member1"],
      milestone: sb.milestones.past,
      state: "closed",
      author: "dan.fieldmktg",
    });
    sb.fake.updateIssue(mops, old.iid, { stateEvent: "reopen" }, { as: "dan.fieldmktg" });
    await quiescent(sb.fake, running.inbox);
    const now = sb.fake.issue(mops, old.iid);
    expect(now.state).toBe("closed");
    const notes = now.notes.filter((n) => n.author === "mops-bot");
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain("so I closed it again");
    expect(notes[0]!.body).not.toContain("Still missing");
    expect(now.labels).not.toContain("mops-bot::needs-attention");
  });

  it("C3: a new assigned issue without a user story is not moved to a stage that forbids assignees; the objection is logged and counted, not told", async () => {
    const running = await serving();
    const opened = sb.fake.addIssue(sb.projects.mops, {
      title: "Email request: customer day invitation",
      description: "Send on Monday.",
      labels: ["MktgOps::00: Triage", "MktgOpsPriority:: 03-Low"],
      assignees: ["mops.member2"],
      author: "dan.fieldmktg",
      createdAt: SANDBOX_NOW,
      notify: true,
    });
    await quiescent(sb.fake, running.inbox);
    const now = sb.fake.issue(sb.projects.mops, opened.iid);
    expect(stages(now.labels)).toEqual(["MktgOps::00: Triage"]);
    expect(now.notes.filter((n) => n.author === "mops-bot")).toEqual([]);
    const metrics = await (await fetch(`http://127.0.0.1:${running.port}/metrics`)).text();
    expect(metrics).toMatch(/mops_bot_plan_conflicts_total\{kind="objection"\} 1\b/);
  });

  it("C9: a person working on an audit issue the bot opened brings no stage, priority or note from the webhook path", async () => {
    const running = await serving();
    const audits = await runToolAudits({ ...(await sb.runtime()), dryRun: false });
    expect(audits.errors).toEqual([]);
    await quiescent(sb.fake, running.inbox);
    const audit = sb.fake.issues(sb.projects.mops).find((i) => i.labels.includes("Mktg Tool Audit"))!;
    sb.fake.resetCounters();
    sb.fake.comment(sb.projects.mops, audit.iid, "Seats reviewed: two removed.", { as: "mops.member2" });
    await quiescent(sb.fake, running.inbox);
    expect(sb.fake.webhookDeliveries.length).toBeGreaterThan(0);
    const now = sb.fake.issue(sb.projects.mops, audit.iid);
    expect(stages(now.labels)).toEqual([]);
    expect(now.labels.filter((l) => l.startsWith("MktgOpsPriority"))).toEqual([]);
    expect(now.notes.filter((n) => n.author === "mops-bot")).toEqual([]);
  });
});

describe("a person gets a moment", () => {
  async function movedToInProgress(running: RunningServe, thenAssign: boolean) {
    sb.fake.addUser({ username: "nina.mops" });
    const opened = sb.fake.addIssue(sb.projects.mops, {
      title: "Lead routing for the partner portal",
      description: "As an SDR, I would like partner leads routed, so that they are called back.",
      labels: ["MktgOpsPriority:: 03-Low", "MktgOps::02: Ready for Assignment"],
      milestone: sb.milestones.current,
      author: "dan.fieldmktg",
      createdAt: new Date(SANDBOX_NOW.getTime() - 86_400_000),
    });
    // Field by field in the sidebar: the stage first, the assignee a moment later.
    sb.fake.setIssueLabels(sb.projects.mops, opened.iid, ["MktgOpsPriority:: 03-Low", "MktgOps::04: In Progress"], { as: "nina.mops" });
    if (thenAssign) {
      // The bot has seen the stage without an assignee and holds its note back…
      await until(async () => (await running.inbox.list({ state: "pending" })).some((e) => /settle time/.test(e.lastError ?? "")), "the note to wait for the settle time");
      expect(sb.fake.issue(sb.projects.mops, opened.iid).notes).toEqual([]);
      // …while the person fills in the next field: a MktgOps team member (people.yml mops-team), as 04 asks.
      sb.fake.updateIssue(sb.projects.mops, opened.iid, { assigneeIds: [sb.fake.userId("mops.member2")] }, { as: "nina.mops" });
    }
    await quiescent(sb.fake, running.inbox);
    return sb.fake.issue(sb.projects.mops, opened.iid);
  }

  it("filling in the sidebar field by field within the settle time brings no note about the stage", async () => {
    const running = await serving({ MOPS_SETTLE_SECONDS: "2" });
    const now = await movedToInProgress(running, true);
    expect(now.notes.filter((n) => n.author === "mops-bot")).toEqual([]);
    expect(now.labels).not.toContain("mops-bot::needs-attention");
  });

  it("a requirement still missing when the settle time is over gets one note, to the person who moved it", async () => {
    const running = await serving({ MOPS_SETTLE_SECONDS: "1" });
    const now = await movedToInProgress(running, false);
    const notes = now.notes.filter((n) => n.author === "mops-bot");
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain("@nina.mops");
    expect(notes[0]!.body).not.toContain("@dan.fieldmktg");
    expect(now.labels).toContain("mops-bot::needs-attention");
  });
});
