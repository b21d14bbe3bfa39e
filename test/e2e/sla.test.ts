/**
 * SLAs end to end: the shipped policies, the GitLab adapter over HTTP and the fake GitLab, with
 * one clock moved forward for both. An urgent issue (4 business hours) is blocked for an hour,
 * then crosses its warning and its breach; the notes appear once each, the report issue follows,
 * reruns write nothing, and completing the issue clears the labels through the webhook path.
 */
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { markersIn } from "../../src/domain/markers.js";
import { parseRef } from "../../src/domain/snapshot.js";
import { runSlaJob } from "../../src/jobs/sla.js";
import { explainRef } from "../../src/sla/commands.js";
import { createReconciler } from "../../src/server/reconciler.js";
import { type Sandbox, SANDBOX_NOW, startSandbox } from "../support/sandbox.js";

const URGENT = "MktgOpsPriority:: 00-Urgent";
const BLOCKED = "MktgOps::07: Blocked";
const IN_PROGRESS = "MktgOps::04: In Progress";
const AT_RISK = "mops-bot-sla::at-risk";
const BREACHED = "mops-bot-sla::breached";

let now = SANDBOX_NOW;
let sb: Sandbox;
let iid: number;
const at = (iso: string) => (now = new Date(iso));

beforeEach(async () => {
  now = SANDBOX_NOW; // Wed 18 Nov 2026, 10:00 EST
  sb = await startSandbox({ clock: () => now });
  iid = sb.fake.addIssue(sb.projects.mops, {
    title: "Marketo: form fill alerts stopped",
    description: "Sales is not notified of new form fills.",
    labels: [IN_PROGRESS, URGENT],
    milestone: sb.milestones.current,
    assignees: ["mops.member2"],
    author: "erin.sdr",
    createdAt: SANDBOX_NOW,
  }).iid;
});
afterEach(async () => {
  await sb.close();
});

async function runJob(dryRun = false) {
  const runtime = await sb.runtime({ dryRun });
  return runSlaJob({ ...runtime, dryRun });
}

const issue = () => sb.fake.issue(sb.projects.mops, iid);
const botNotes = () => issue().notes.filter((n) => n.author === sb.policy.scope.botUsername);
const reportIssues = () => sb.fake.issues(sb.projects.mops).filter((i) => markersIn(i.description ?? "").includes("sla-report"));

describe("SLAs against the fake GitLab", () => {
  it("pauses while blocked, warns once, breaches once, keeps one report issue, and reruns write nothing", async () => {
    // Blocked from 11:00 to 12:00 EST: the goal moves from 14:00 to 15:00 EST, the warning to 14:00.
    sb.fake.setIssueLabels(sb.projects.mops, iid, [URGENT, BLOCKED], { as: "mops.member2", at: "2026-11-18T16:00:00Z" });
    sb.fake.setIssueLabels(sb.projects.mops, iid, [URGENT, IN_PROGRESS], { as: "mops.member2", at: "2026-11-18T17:00:00Z" });

    at("2026-11-18T18:30:00Z"); // 13:30 EST: 2.5 h counted, not yet at risk
    const early = await runJob();
    expect(early.errors).toEqual([]);
    expect(issue().labels).not.toContain(AT_RISK);
    expect(botNotes()).toEqual([]);
    expect(reportIssues()).toHaveLength(1); // created, listing the demo board's breached urgent issue
    // History is read only for issues carrying a priority an SLA covers, not for every issue listed.
    const withPriority = sb.fake.issues(sb.projects.mops).filter((i) => i.state === "opened" && i.labels.some((l) => l.startsWith("MktgOpsPriority")));
    expect(early.read.issues).toBeGreaterThan(withPriority.length + 10);
    // ... and among those, only where the clock could have reached its warning: the Low and Medium
    // issues of the board are younger than 75% of their goal, and the High one's warning comes at
    // 75% of the time from its creation to its milestone's due date, still ahead, so their history
    // cannot matter; the Urgent ones are read.
    const couldWarn = withPriority.filter((i) => i.labels.some((l) => /MktgOpsPriority:: ?00-/.test(l)));
    expect(couldWarn.length).toBeLessThan(withPriority.length);
    expect(early.apiRequests.byRoute["GET /projects/:id/issues/:iid/resource_label_events"]).toBe(couldWarn.length);
    // The state events only where the label events' clock alarms: all but this issue, whose 2.5 of 4
    // hours no close or reopen could bring forward.
    expect(early.apiRequests.byRoute["GET /projects/:id/issues/:iid/resource_state_events"]).toBe(couldWarn.length - 1);

    at("2026-11-18T19:30:00Z"); // 14:30 EST: 3.5 h of 4 counted
    await runJob();
    expect(issue().labels).toContain(AT_RISK);
    expect(botNotes()).toHaveLength(1);
    expect(botNotes()[0]!.body).toContain("@mops.member2");
    expect(botNotes()[0]!.body).toContain("Wed 18 Nov 2026, 15:00 EST");
    expect(reportIssues()[0]!.description).toMatch(/## At risk \(\d+\)[\s\S]*\*\*mops\.member2\*\*\n\n- \[Marketo: form fill alerts stopped\]/);

    sb.fake.resetCounters();
    at("2026-11-18T19:45:00Z");
    await runJob();
    expect(sb.fake.writes()).toEqual([]);

    at("2026-11-18T20:30:00Z"); // 15:30 EST: past the goal
    const breach = await runJob();
    expect(breach.errors).toEqual([]);
    expect(issue().labels).toContain(BREACHED);
    expect(issue().labels).not.toContain(AT_RISK);
    expect(botNotes()).toHaveLength(2);
    expect(botNotes()[1]!.body).toContain("@mops.member1"); // the triage DRI group named by the policy
    expect(botNotes()[1]!.body).toContain("missed its SLA");
    const report = reportIssues();
    expect(report).toHaveLength(1);
    expect(report[0]!.title).toBe("SLA report");
    expect(report[0]!.description).toContain(`${issue().ref}`);
    expect(report[0]!.description).toMatch(/## Breached \(2\)[\s\S]*### MktgOpsPriority:: 00-Urgent[\s\S]*\*\*mops\.member2\*\*[\s\S]*Marketo: form fill alerts stopped/);
    expect(report[0]!.description).not.toMatch(/@mops/);

    sb.fake.resetCounters();
    const rerun = await runJob();
    expect(rerun.resources.filter((r) => r.actions.length > 0)).toEqual([]);
    expect(sb.fake.writes()).toEqual([]);
    expect(botNotes()).toHaveLength(2);
  });

  it("a label change by webhook recomputes the issue at once: completing it clears the SLA labels", async () => {
    at("2026-11-18T20:30:00Z");
    await runJob();
    expect(issue().labels).toContain(BREACHED);

    sb.fake.setIssueLabels(sb.projects.mops, iid, [URGENT, "MktgOps::08: Completed", BREACHED], { as: "mops.member2", at: "2026-11-18T20:40:00Z" });
    at("2026-11-18T20:41:00Z");
    const runtime = await sb.runtime();
    await createReconciler(runtime)(parseRef(issue().ref)!, { eventIds: ["e1"], logger: pino({ level: "silent" }) });
    expect(issue().labels).not.toContain(BREACHED);
    expect(botNotes()).toHaveLength(1);

    await runJob();
    expect(reportIssues()[0]!.description).not.toContain("Marketo: form fill alerts stopped");
  });

  it("a reopened issue starts a new clock from the reopening, read from GitLab's state events", async () => {
    sb.fake.updateIssue(sb.projects.mops, iid, { stateEvent: "close" }, { as: "mops.member2", at: "2026-11-18T15:30:00Z" });
    sb.fake.updateIssue(sb.projects.mops, iid, { stateEvent: "reopen" }, { as: "erin.sdr", at: "2026-11-19T15:00:00Z" }); // Thu 10:00 EST
    at("2026-11-19T16:00:00Z");
    await runJob();
    expect(issue().labels).not.toContain(AT_RISK);
    expect(issue().labels).not.toContain(BREACHED);
    at("2026-11-19T18:30:00Z"); // 3.5 h into the new clock
    await runJob();
    expect(issue().labels).toContain(AT_RISK);
    expect(botNotes()[0]!.body).toContain("Thu 19 Nov 2026, 14:00 EST");
  });

  it("a dry run reports the warning and the report issue but writes nothing", async () => {
    at("2026-11-18T18:30:00Z");
    const report = await runJob(true);
    expect(sb.fake.writes()).toEqual([]);
    expect(report.resources.some((r) => r.actions.some((a) => a.type === "create_issue"))).toBe(true);
    expect(report.resources.find((r) => r.title === "Marketo: form fill alerts stopped")?.actions.map((a) => a.type)).toEqual(["add_labels", "comment"]);
  });

  it("sla explain prints the clock's history in the team's time zone", async () => {
    sb.fake.setIssueLabels(sb.projects.mops, iid, [URGENT, BLOCKED], { as: "mops.member2", at: "2026-11-18T16:00:00Z" });
    sb.fake.setIssueLabels(sb.projects.mops, iid, [URGENT, IN_PROGRESS], { as: "mops.member2", at: "2026-11-18T17:00:00Z" });
    at("2026-11-18T20:30:00Z");
    const result = await explainRef(await sb.runtime({ dryRun: true }), issue().ref);
    expect(result.ok).toBe(true);
    expect(result.text).toContain("SLA mops-priority");
    expect(result.text).toContain("Wed 18 Nov 2026, 10:00 EST  started");
    expect(result.text).toContain("Wed 18 Nov 2026, 11:00 EST  paused (MktgOps::07: Blocked)");
    expect(result.text).toContain("Wed 18 Nov 2026, 12:00 EST  resumed");
    expect(result.text).toContain("State: BREACHED");
    expect(result.text).toContain("was due Wed 18 Nov 2026, 15:00 EST");
    expect(sb.fake.writes()).toEqual([]);

    const bad = await explainRef(await sb.runtime({ dryRun: true }), "not a ref");
    expect(bad).toEqual({ ok: false, text: expect.stringContaining("group/project#123") });
  });
});

describe("ABM due dates against the fake GitLab", () => {
  const TRIAGE = "mktg-status::triage";
  const HIGH = "ABM-Priority::High";

  it("moves a due date once, leaves the ABM manager's later date, puts back another person's with one note, and reruns write nothing", async () => {
    const abmProject = sb.policy.scope.projects.find((p) => p.roles.includes("abm"))!.path;
    const created = new Date("2026-11-16T14:00:00Z");
    const abm = sb.fake.addIssue(abmProject, { title: "Target account list for Q1", description: "Accounts in the attached sheet.", author: "frank.abm", createdAt: created, dueDate: "2026-11-20" }).iid;
    sb.fake.setIssueLabels(abmProject, abm, ["mktg-status::blocked", HIGH], { as: "frank.abm", at: created });
    // Details complete Wed 18 Nov 10:00 EST: the earliest due date is Wed 25 Nov.
    sb.fake.setIssueLabels(abmProject, abm, [TRIAGE, HIGH], { as: "frank.abm", at: SANDBOX_NOW });
    const abmIssue = () => sb.fake.issue(abmProject, abm);
    const botNotesOnAbm = () => abmIssue().notes.filter((n) => n.author === sb.policy.scope.botUsername && !n.system);

    at("2026-11-18T16:00:00Z");
    expect((await runJob()).errors).toEqual([]);
    expect(abmIssue().dueDate).toBe("2026-11-25");
    expect(botNotesOnAbm()).toHaveLength(1);
    // No MOps SLA and no MOps intake on an ABM request.
    expect(abmIssue().labels).toEqual(expect.arrayContaining([TRIAGE, HIGH]));
    expect(abmIssue().labels.filter((l) => l.startsWith("MktgOps"))).toEqual([]);

    // The ABM manager sets an earlier date: it stands.
    sb.fake.updateIssue(abmProject, abm, { dueDate: "2026-11-23" }, { as: "abm.manager", at: "2026-11-19T14:00:00Z" });
    at("2026-11-19T15:00:00Z");
    expect((await runJob()).errors).toEqual([]);
    expect(abmIssue().dueDate).toBe("2026-11-23");
    expect(botNotesOnAbm()).toHaveLength(1);

    // The requester moves it after triage: put back to the manager's date, with one note to them.
    sb.fake.updateIssue(abmProject, abm, { dueDate: "2026-11-20" }, { as: "frank.abm", at: "2026-11-19T16:00:00Z" });
    at("2026-11-19T17:00:00Z");
    await runJob();
    expect(abmIssue().dueDate).toBe("2026-11-23");
    expect(botNotesOnAbm()).toHaveLength(2);
    expect(botNotesOnAbm()[1]!.body).toContain("@frank.abm");

    at("2026-11-19T18:00:00Z");
    await runJob();
    expect(abmIssue().dueDate).toBe("2026-11-23");
    expect(botNotesOnAbm()).toHaveLength(2);
  });
});
