/**
 * The day's one mention goes to the most important note: a person owed an SLA breach note and a
 * stage reminder on the same day gets the breach note, and the reminder waits in their daily
 * list, whichever of the two resources the sweep happens to finish first.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runSweep } from "../../src/jobs/sweep.js";
import { mentionedIn } from "../../src/domain/text.js";
import { adoptedOn, both, mentionsPerDay, policiesWithRollout, type PolicyCopy } from "../support/rollout.js";
import { type Sandbox, SANDBOX_NOW, startSandbox } from "../support/sandbox.js";

const DAY = 86_400_000;
const ago = (days: number) => new Date(SANDBOX_NOW.getTime() - days * DAY);
const WHO = "mops.member1";

const open: { sb: Sandbox; copy: PolicyCopy }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.sb.close();
    await o.copy.remove();
  }
});

/**
 * One person owed two notes: a breached urgent SLA and the `07: Blocked` reminder. The sweep lists
 * the oldest issue first, so `reminderFirst` decides which resource it reconciles first.
 */
async function boardOwingTwoNotes(reminderFirst: boolean) {
  const copy = await policiesWithRollout(both(adoptedOn("2020-01-01"), mentionsPerDay(1)));
  const sb = await startSandbox({ policiesDir: copy.dir, clock: () => SANDBOX_NOW });
  open.push({ sb, copy });
  const mops = sb.projects.mops;
  // Only these two issues are open: the seeded board's other notes to the triage DRI stay out.
  for (const i of sb.fake.issues()) if (i.state === "opened") sb.fake.updateIssue(i.project, i.iid, { stateEvent: "close" }, { as: "amy.owner", at: ago(30) });
  for (const m of sb.fake.mergeRequests()) if (m.state === "opened") sb.fake.updateMergeRequest(m.project, m.iid, { stateEvent: "close" }, { as: "amy.owner", at: ago(30) });
  const [reminderAge, breachAge] = reminderFirst ? [12, 10] : [10, 12];
  const addBreach = () => {
    const i = sb.fake.addIssue(mops, { title: "Security: rotate the Marketo API user", author: "amy.owner", assignees: [WHO], milestone: "MktgOps 2026-11-16", createdAt: ago(breachAge), updatedAt: ago(breachAge) });
    sb.fake.setIssueLabels(mops, i.iid, ["MktgOps::04: In Progress", "MktgOpsPriority:: 00-Urgent"], { as: "amy.owner", at: ago(9) });
    return i.iid;
  };
  const addReminder = () => {
    const i = sb.fake.addIssue(mops, { title: "ZoomInfo enrichment stopped for new leads", author: "erin.sdr", assignees: [WHO], milestone: "MktgOps 2026-11-16", createdAt: ago(reminderAge), updatedAt: ago(reminderAge) });
    sb.fake.setIssueLabels(mops, i.iid, ["MktgOps::07: Blocked"], { as: "erin.sdr", at: ago(9) });
    return i.iid;
  };
  return { sb, breach: addBreach(), reminder: addReminder() };
}

const botNotes = (sb: Sandbox, iid: number) => sb.fake.issue(sb.projects.mops, iid).notes.filter((n) => n.author === sb.policy.scope.botUsername);

describe("attention budget: the most important note goes out", () => {
  for (const reminderFirst of [true, false]) {
    for (const concurrency of [1, 16]) {
      it(`sends the SLA breach note and lists the reminder (${reminderFirst ? "reminder" : "breach"} listed first, ${concurrency} at once)`, async () => {
        const { sb, breach, reminder } = await boardOwingTwoNotes(reminderFirst);
        const report = await runSweep({ ...(await sb.runtime()), dryRun: false }, { concurrency });
        expect(report.errors).toEqual([]);

        const breachNotes = botNotes(sb, breach);
        expect(breachNotes).toHaveLength(1);
        expect(breachNotes[0]!.body).toMatch(/missed its SLA/);
        expect(mentionedIn(breachNotes[0]!.body)).toEqual([WHO]);
        expect(botNotes(sb, reminder).filter((n) => mentionedIn(n.body).includes(WHO))).toEqual([]);

        const lists = sb.fake.issues(sb.projects.mops).filter((i) => i.title.startsWith("mops-bot daily list"));
        const listed = lists.flatMap((l) => l.notes).filter((n) => n.author === sb.policy.scope.botUsername && n.body.includes(`#${reminder} `));
        expect(listed).toHaveLength(1);
        expect(listed[0]!.body).toContain(WHO);
        expect(mentionedIn(listed[0]!.body)).toEqual([]);

        // Each resource is reported once, with what its reconcile did: the breach with its label and
        // note; the reminder not at all, its one note being held.
        const refs = report.resources.map((r) => r.ref);
        expect(report.resources.filter((r) => r.ref === `${sb.projects.mops}#${breach}`).map((r) => r.actions.map((a) => a.type))).toEqual([["add_labels", "comment"]]);
        expect(refs.filter((r) => r === `${sb.projects.mops}#${reminder}`)).toEqual([]);
      });
    }
  }

  it("reads no resource twice in a later run of the day: the breach note is said, and the reminder's person has had their mention", async () => {
    const { sb, breach, reminder } = await boardOwingTwoNotes(true);
    await runSweep({ ...(await sb.runtime()), dryRun: false });
    sb.fake.resetCounters();
    const report = await runSweep({ ...(await sb.runtime()), dryRun: false });
    expect(report.errors).toEqual([]);
    expect(sb.fake.countsByRoute()["GET /projects/:id/issues/:iid"] ?? 0).toBe(0);
    expect(botNotes(sb, breach)).toHaveLength(1);
    expect(botNotes(sb, reminder)).toEqual([]);
  });
  it("decides the deferred resources on what the first pass read: a dry run asks GitLab nothing more, a live run one read of each", async () => {
    const { sb } = await boardOwingTwoNotes(true);
    sb.fake.resetCounters();
    const dry = await runSweep({ ...(await sb.runtime({ dryRun: true })), dryRun: true });
    expect(dry.errors).toEqual([]);
    const dryCounts = sb.fake.countsByRoute();
    expect(dryCounts["GET /projects/:id/issues/:iid"] ?? 0).toBe(0);
    expect(dryCounts["GET /projects/:id/issues/:iid/resource_label_events"]).toBe(2);

    sb.fake.resetCounters();
    const live = await runSweep({ ...(await sb.runtime()), dryRun: false });
    expect(live.errors).toEqual([]);
    const liveCounts = sb.fake.countsByRoute();
    // Both resources were deferred (each owes WHO a note): each is read again once to see that it
    // is still open and unchanged, and its history is not read a second time.
    expect(liveCounts["GET /projects/:id/issues/:iid"]).toBe(2);
    expect(liveCounts["GET /projects/:id/issues/:iid/resource_label_events"]).toBe(2);
  });
});
