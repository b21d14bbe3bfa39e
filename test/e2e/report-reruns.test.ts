/**
 * The issues the bot keeps current (the triage summary, the SLA report) against the fake GitLab
 * with one clock for both, moved forward between runs: with nothing changed on the board, a rerun
 * an hour later or after midnight writes nothing; a new item, or an item going from at risk to
 * breached, edits the issue once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { markersIn } from "../../src/domain/markers.js";
import { runSweep } from "../../src/jobs/sweep.js";
import { runSlaJob } from "../../src/jobs/sla.js";
import { summaryMarker } from "../../src/triage/summaries.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";
import { type Sandbox, SANDBOX_NOW, startSandbox } from "../support/sandbox.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let now = SANDBOX_NOW;
const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

async function sandboxAt(start: Date): Promise<Sandbox> {
  now = start;
  const sb = await startSandbox({ policiesDir: TEST_POLICIES_DIR, clock: () => now });
  sandboxes.push(sb);
  return sb;
}

const writesOf = (sb: Sandbox) => sb.fake.writes().map((w) => `${w.method} ${w.path}`);
const markedIssue = (sb: Sandbox, marker: string) => sb.fake.issues(sb.projects.mops).filter((i) => markersIn(i.description ?? "").includes(marker));

describe("the triage summary issue", () => {
  const triage = async (sb: Sandbox) => {
    const runtime = await sb.runtime();
    const report = await runSweep({ ...runtime, dryRun: false, only: ["triage"] });
    expect(report.errors).toEqual([]);
    return report;
  };
  const summary = (sb: Sandbox) => markedIssue(sb, summaryMarker("untouched-30-days"));

  it("is not edited by reruns an hour later and after midnight when nothing changed, and is edited once for a new item", async () => {
    const sb = await sandboxAt(new Date("2026-11-19T20:00:00Z")); // Thu 15:00 EST
    const mops = sb.projects.mops;
    // Listed because of its label history: the bot's own write moved updated_at, a person's touch is 50 days old.
    const botTouched = sb.fake.addIssue(mops, { title: "Old issue only the bot touched", labels: ["MktgOps::03: Assigned", "MktgOpsPriority:: 02-Medium"], author: "erin.sdr", createdAt: new Date(now.getTime() - 50 * DAY), updatedAt: new Date(now.getTime() - 2 * DAY) });
    sb.fake.addNote(mops, botTouched.iid, { body: "A reminder.", author: sb.policy.scope.botUsername, createdAt: new Date(now.getTime() - 2 * DAY) });

    await triage(sb);
    expect(summary(sb)).toHaveLength(1);
    const text = summary(sb)[0]!.description!;
    expect(text).toContain("Old issue only the bot touched");
    expect(text).not.toMatch(/\d+\.\d+ (business )?days/);

    for (const at of ["2026-11-19T21:00:00Z", "2026-11-20T05:30:00Z"]) {
      sb.fake.resetCounters();
      now = new Date(at);
      const rerun = await triage(sb);
      expect(writesOf(sb), at).toEqual([]);
      expect(rerun.resources.flatMap((r) => r.actions), at).toEqual([]);
    }
    expect(summary(sb)[0]!.description).toBe(text);

    // A new item: the one summary issue is edited, once.
    sb.fake.addIssue(mops, { title: "Forgotten Outreach sequence", labels: ["MktgOps::03: Assigned", "MktgOpsPriority:: 03-Low"], author: "erin.sdr", createdAt: new Date(now.getTime() - 60 * DAY), updatedAt: new Date(now.getTime() - 40 * DAY) });
    sb.fake.resetCounters();
    await triage(sb);
    expect(sb.fake.writes().map((w) => w.route)).toEqual(["PUT /projects/:id/issues/:iid"]);
    expect(summary(sb)).toHaveLength(1);
    expect(summary(sb)[0]!.description).toContain("Forgotten Outreach sequence");
  });
});

describe("the SLA report issue", () => {
  const URGENT = "MktgOpsPriority:: 00-Urgent";
  const BLOCKED = "MktgOps::07: Blocked";
  const IN_PROGRESS = "MktgOps::04: In Progress";
  const sla = async (sb: Sandbox) => {
    const runtime = await sb.runtime();
    const report = await runSlaJob({ ...runtime, dryRun: false });
    expect(report.errors).toEqual([]);
    return report;
  };
  const report = (sb: Sandbox) => markedIssue(sb, "sla-report");

  it("is not edited while a paused at-risk clock waits, an hour later or after midnight, and is edited when it is breached", async () => {
    const sb = await sandboxAt(SANDBOX_NOW); // Wed 18 Nov, 10:00 EST
    const mops = sb.projects.mops;
    // Urgent (4 business hours) from 10:00 EST: at risk from 13:00, blocked at 13:30 with 30 min left.
    const { iid } = sb.fake.addIssue(mops, { title: "Marketo: form fill alerts stopped", labels: [IN_PROGRESS, URGENT], assignees: ["mops.member2"], author: "erin.sdr", createdAt: SANDBOX_NOW });
    sb.fake.setIssueLabels(mops, iid, [URGENT, BLOCKED], { as: "mops.member2", at: "2026-11-18T18:30:00Z" });
    const ref = sb.fake.issue(mops, iid).ref;

    now = new Date("2026-11-18T19:00:00Z"); // 14:00 EST
    await sla(sb);
    expect(report(sb)).toHaveLength(1);
    const text = report(sb)[0]!.description!;
    expect(text).toMatch(/## At risk \(1\)[\s\S]*Marketo: form fill alerts stopped/);
    expect(text).toContain(`\`${ref}\` — SLA \`mops-priority\`, 4 business hours, paused since Wed 18 Nov 2026, 13:30 EST (~"${BLOCKED}"), 30 min of the goal left`);

    for (const at of ["2026-11-18T20:00:00Z", "2026-11-19T05:30:00Z"]) {
      sb.fake.resetCounters();
      now = new Date(at);
      await sla(sb);
      expect(writesOf(sb), at).toEqual([]);
    }
    expect(report(sb)[0]!.description).toBe(text);

    // Unblocked on Thursday at 10:00 EST; by 10:45 the 30 minutes have run out: breached.
    sb.fake.setIssueLabels(mops, iid, [URGENT, IN_PROGRESS, "mops-bot-sla::at-risk"], { as: "mops.member2", at: "2026-11-19T15:00:00Z" });
    now = new Date("2026-11-19T15:45:00Z");
    sb.fake.resetCounters();
    await sla(sb);
    const descriptionEdits = sb.fake.writes().filter((w) => w.method === "PUT" && w.path.endsWith(`/issues/${report(sb)[0]!.iid}`));
    expect(descriptionEdits).toHaveLength(1);
    expect(report(sb)).toHaveLength(1);
    expect(report(sb)[0]!.description).toMatch(/## Breached \(\d+\)[\s\S]*Marketo: form fill alerts stopped[\s\S]*## At risk \(0\)/);
    expect(report(sb)[0]!.description).toContain(`\`${ref}\` — SLA \`mops-priority\`, 4 business hours, was due Thu 19 Nov 2026, 10:30 EST`);

    // And the breached state is as quiet: an hour later nothing is written.
    sb.fake.resetCounters();
    now = new Date("2026-11-19T16:45:00Z");
    await sla(sb);
    expect(writesOf(sb)).toEqual([]);
  });
});
